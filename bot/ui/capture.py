"""React to log (issue 18): the DMs a capture-emoji reaction sends, and their buttons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import EntryMapping
from bot.db.models import EvidenceEntry
from bot.ui import evidence as evidence_ui
from bot.ui.blocks import Payload, actions, button, context, message, section
from bot.ui.evidence import KudosNotSent, entry_confirmation
from bot.ui.text import channel_link, link, mention, safe

LOG_IT = "capture_log_it"
SEND_KUDOS = "capture_send_kudos"
DISMISS = "capture_dismiss"
OFFER_BLOCK = "cap"


def _emoji(name: str) -> str:
    return f":{safe(name, 100)}:"


def _where(channel_id: str, permalink: str | None) -> str:
    # Slack shows a link's label as plain text: the channel stays outside it, a mention.
    shown = link(permalink, "a message") if permalink else "a message"
    # A DM (the person's with the bot) has no channel name to show.
    where = "our DM" if channel_id.startswith("D") else channel_link(channel_id)
    return f"{shown} in {where}"


def logged(
    entry: EvidenceEntry,
    library: CoachingLibrary,
    *,
    tz: str | None,
    emoji: str | None = None,
    how: str | None = None,
    mapping: EntryMapping | None = None,
) -> Payload:
    """The DM confirming that a message is now the person's evidence (`emoji`: logged by
    their reaction on their own message, which they may still undo)."""
    where = _where(entry.source_channel_id or "", entry.permalink)
    note = (
        f"You reacted {_emoji(emoji)} to {where}. Remove the reaction within a minute to undo this."
        if emoji
        else f"From {where}."
    )
    payload = entry_confirmation(
        entry,
        library,
        tz=tz,
        title="Logged to your private evidence.",
        notes=[note],
        how=how,
        mapping=mapping,
        # The note links the message ("From a message in #team"): the meta line does not.
        message_link=not entry.permalink,
    )
    return {k: v for k, v in payload.items() if k not in ("response_type", "replace_original")}


def offer(
    *,
    capture_id: int,
    author: str | None,
    author_name: str | None,
    can_give_kudos: bool,
    channel_id: str,
    permalink: str | None,
    emoji: str,
) -> Payload:
    """The DM choice about someone else's message: log it as your own, send kudos, or not."""
    who = mention(author) if author else "someone"
    text = f"You reacted {_emoji(emoji)} to {who}'s message. What should I do with it?"
    buttons = [button("Log it as my evidence", LOG_IT, str(capture_id), style="primary")]
    if can_give_kudos and author:
        name = author_name or "them"
        buttons.append(button(f"Send {name} kudos", SEND_KUDOS, str(capture_id)))
    buttons.append(button("Dismiss", DISMISS, str(capture_id)))
    note = (
        "Log it if you were part of it; kudos lands on their log."
        if len(buttons) == 3
        else "Log it if you were part of it (kudos go to people, not apps)."
    )
    return message(
        text,
        section(f"{text}\n{_where(channel_id, permalink)}"),
        context(note + " Nothing of the message is kept until you choose."),
        actions(*buttons, block_id=OFFER_BLOCK),
    )


def replaced(text: str) -> Payload:
    """What an offer or confirmation becomes once it is settled (chat.update / respond)."""
    return message(safe(text, 3000), replace_original=True)


def undone(was: str) -> Payload:
    if was == "logged":
        return replaced("Undone: you removed the reaction, so that entry is deleted.")
    return replaced("Withdrawn: you removed the reaction, so there is nothing to choose.")


def offer_closed() -> Payload:
    return replaced("That choice is already settled (or the reaction was removed).")


def dismissed() -> Payload:
    return replaced("Dismissed. Nothing was logged.")


def kudos_sent(author: str) -> Payload:
    # Not `replaced`: that escapes its text, and the mention must stay one.
    return message(
        f"Kudos sent: it is on {mention(author)}'s evidence log now.", replace_original=True
    )


def kudos_not_sent(refusals: Sequence[KudosNotSent], *, cap: int, brag: str) -> Payload:
    """The offer, replaced by why its author got no kudos."""
    return {**evidence_ui.kudos_not_sent(refusals, cap=cap, brag=brag), "replace_original": True}


def not_in_channel(channel_id: str, emoji: str | None = None) -> Payload:
    """The bot cannot read the channel the person reacted in."""
    reacted = f"You reacted {_emoji(emoji)}" if emoji else "That message is"
    text = (
        f"{reacted} in {channel_link(channel_id)}, but I'm not in that channel, so I can't"
        " read the message and nothing was logged. Add me there (`/invite @Multiplier`) and"
        " react again."
    )
    return message(text)


def message_gone(channel_id: str) -> Payload:
    return message(
        f"I couldn't find that message in {channel_link(channel_id)} (it may have been deleted),"
        " so nothing was logged."
    )


def no_text(channel_id: str) -> Payload:
    """The message holds no text to log (a file or an app's blocks only)."""
    return message(
        f"That message in {channel_link(channel_id)} has no text to log, so nothing was"
        " logged. Say what happened with `/brag` instead."
    )
