"""Block Kit for what the owner chooses to show others: a public kudos shout-out, and a
summary or promotion packet sent to a named person (the confirmation, the DM, the list).

Pure builders; button values carry ids only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.evidence.periods import user_zone
from bot.timetext import day_label
from bot.ui.blocks import Payload, actions, button, context, message, section
from bot.ui.text import and_list, display, mention, safe, truncate

KUDOS_POST = "kudos_post_in_channel"
KUDOS_POST_SKIP = "kudos_post_skip"
SHARE_SEND = "evidence_share_send"
SHARE_CANCEL = "evidence_share_cancel"
SHARE_BLOCK = "evs"

# What can be shared, as the owner types it → what it is called.
SHARE_KINDS = {"summary": "summary", "packet": "promotion packet"}
MAX_SHARES_LISTED = 50


# ── Public kudos ─────────────────────────────────────────────────────────────────────────


def kudos_shout_out(giver: str, recipients: Sequence[str], text: str) -> Payload:
    """The public post a giver asked for: who gave kudos to whom, and their words."""
    who = and_list([mention(r) for r in recipients])
    return message(
        f"{mention(giver)} gave kudos to {who}",
        section(f":raised_hands: {mention(giver)} gave kudos to {who}:\n{display(text, 2600)}"),
        context("Recorded on their evidence logs with Multiplier."),
    )


def kudos_posted(channel_id: str, *, replace: bool = False) -> Payload:
    return message(
        f"Posted a shout-out in <#{channel_id}>.", ephemeral=True, replace_original=replace
    )


def kudos_offer_post(kudos_ids: Sequence[int], channel_id: str) -> Payload:
    """The text ends in a channel without clearly asking to post there: ask."""
    text = f"Also post a shout-out in <#{channel_id}>? The kudos stays private until you do."
    return message(
        text,
        section(text),
        actions(
            button("Post in channel", KUDOS_POST, f"{','.join(map(str, kudos_ids))}|{channel_id}"),
            button("No thanks", KUDOS_POST_SKIP),
        ),
        ephemeral=True,
        replace_original=False,
    )


def kudos_not_offered() -> Payload:
    return message(
        "Nothing posted; the kudos stays private.", ephemeral=True, replace_original=True
    )


def kudos_post_refused() -> Payload:
    return message(
        "That kudos isn't one you gave, so nothing was posted.",
        ephemeral=True,
        replace_original=True,
    )


# Why the shout-out could not be posted (Slack's error → what to say); the kudos is stored.
_NOT_POSTED = {
    "not_in_channel": "I'm not a member of {where}, so I couldn't post the shout-out there. "
    "Invite me with `/invite @Multiplier` in that channel, or pick one I'm in.",
    "channel_not_found": "I can't see {where} (a private channel I'm not in?), so I couldn't "
    "post the shout-out there.",
    "is_archived": "{where} is archived, so I couldn't post the shout-out there.",
}


def kudos_channel_unknown(name: str | None) -> Payload:
    """The giver asked to post in a channel Slack did not recognise (it left `#name` as
    typed): nothing was posted; the kudos is on the recipients' logs anyway."""
    where = f"#{safe(name, 80)}" if name else "That channel"
    text = (
        f"I couldn't find {where}, so I posted no shout-out there: Slack didn't recognise "
        "it as a channel (a typo, or a private channel I'm not in). The kudos itself is "
        "saved on their evidence logs. To post one, send the same kudos again and pick the "
        "channel from Slack's list as you type # (in a private channel, `/invite @Multiplier` "
        "first): it is only posted, not logged twice."
    )
    return message(text, ephemeral=True, replace_original=False)


def kudos_not_posted(channel_id: str, error: str, *, replace: bool = False) -> Payload:
    """The shout-out failed; the kudos is on the recipients' logs anyway."""
    where = f"<#{channel_id}>"
    reason = _NOT_POSTED.get(
        error, "Slack didn't let me post the shout-out in {where} just now."
    ).format(where=where)
    text = f"{reason} The kudos itself is saved on their evidence logs."
    return message(text, ephemeral=True, replace_original=replace)


# ── Sharing a summary or packet ──────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ShareShown:
    """One share as the owner sees it."""

    id: int
    recipient: str | None  # a Slack id; None once that person used forget-me
    kind: str
    period_label: str
    status: str
    at: datetime


def _what(kind: str, period_label: str) -> str:
    return f"your {SHARE_KINDS.get(kind, kind)} for {safe(period_label, 200)}"


def share_confirmation(
    share_id: int, recipient: str, kind: str, period_label: str, detail: str
) -> Payload:
    """Ask before anything leaves: what goes to whom, Send / Cancel."""
    text = f"Send {_what(kind, period_label)} to {mention(recipient)}?"
    return message(
        "Confirm what to share.",
        section(
            f"*{text}*\nThey get a DM from Multiplier with the file ({safe(detail, 300)}) "
            "and a note saying it comes from you. Nothing is sent until you press Send."
        ),
        actions(
            button("Send", SHARE_SEND, str(share_id), style="primary"),
            button("Cancel", SHARE_CANCEL, str(share_id)),
            block_id=SHARE_BLOCK,
        ),
        ephemeral=True,
    )


def share_note(owner: str, kind: str, period_label: str) -> str:
    """The comment beside the file in the recipient's DM (mrkdwn, names the owner)."""
    return truncate(
        f"{mention(owner)} shared their {SHARE_KINDS.get(kind, kind)} for "
        f"{safe(period_label, 200)} with you through Multiplier.",
        1000,
    )


def share_done(recipient: str, kind: str, period_label: str) -> Payload:
    return message(
        f"Sent {_what(kind, period_label)} to {mention(recipient)}. "
        "`/multiplier evidence shares` lists everything you've shared.",
        ephemeral=True,
        replace_original=True,
    )


def share_cancelled() -> Payload:
    return message("Cancelled: nothing was shared.", ephemeral=True, replace_original=True)


def share_failed(recipient: str, error: str) -> Payload:
    return message(
        f"I couldn't send it to {mention(recipient)} ({safe(error, 80)}). Nothing was shared; "
        "try again later.",
        ephemeral=True,
        replace_original=True,
    )


def share_gone() -> Payload:
    return message(
        "That share was already sent or cancelled, so nothing more was sent.",
        ephemeral=True,
        replace_original=True,
    )


def share_list(shares: Sequence[ShareShown], tz: str | None) -> Payload:
    """Everything the owner has shared, newest first."""
    if not shares:
        return message(
            "You haven't shared anything yet. `/multiplier evidence share @person summary|packet "
            "[period]` sends a summary or packet to someone, after you confirm.",
            ephemeral=True,
        )
    zone = user_zone(tz)
    lines = []
    for share in shares[:MAX_SHARES_LISTED]:
        to = mention(share.recipient) if share.recipient else "someone who has since left"
        day = day_label(share.at.astimezone(zone), year=True)
        lines.append(
            f"• {day} — {SHARE_KINDS.get(share.kind, share.kind)} for "
            f"{safe(share.period_label, 200)} to {to}"
        )
    return message(
        "What you've shared.",
        section("*What you've shared*\n" + "\n".join(lines)),
        ephemeral=True,
    )
