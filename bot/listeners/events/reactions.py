"""React to log: `reaction_added` / `reaction_removed` with the capture emoji (CAPTURE_EMOJI).

On your own message the message becomes your evidence (its text as Slack gives it, its
permalink, a suggested dimension), with a DM confirmation; on someone else's, a DM offers to
log it as yours or to send its author kudos. Removing the reaction within a minute undoes
it. Every other reaction is dropped before the database is touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.capture.reactions import Reaction
from bot.delivery.messages import Posted, Slack, post_message
from bot.delivery.sender import Sender
from bot.evidence import reaction_flows as flows
from bot.listeners.support import coaching_library, current_user, db, permalink_for, settings
from bot.slack.history import ChannelMessage, Unreadable, read_message
from bot.slack.people import display_name, profile_or_none
from bot.ui import capture as ui
from bot.ui.evidence import dimension_how

if TYPE_CHECKING:  # for annotations only: listeners pass the row on, never query it
    from bot.db.models import User


def _capture_reaction(event: dict[str, Any], context: BoltContext) -> Reaction | None:
    """The event as a Reaction, when it is one with the capture emoji."""
    reaction = Reaction.from_event(event)
    if reaction is None or reaction.emoji_name not in settings(context).capture_emoji_names:
        return None
    return reaction


def _dm(client: WebClient, context: BoltContext, user_id: str, payload: dict[str, Any]) -> Posted:
    """A DM to the person who reacted, through the delivery core (pacing, Retry-After)."""
    slack = Slack.for_token(Sender(settings(context)), client.token, context.team_id or "")
    return post_message(slack, channel=user_id, text=payload["text"], blocks=payload["blocks"])


def handle_reaction_added(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Log your own message, or offer a choice about someone else's (no ack: events are
    acked first)."""
    reaction = _capture_reaction(event, context)
    if reaction is None or reaction.channel is None or reaction.ts is None:
        return
    user = current_user(context)
    emoji = settings(context).capture_emoji_names
    decision = flows.decide(
        session=db(context),
        user=user,
        reaction=reaction,
        emoji=emoji,
        app_user=context.bot_user_id,
    )
    if not decision:
        return
    found = _readable(client, context, reaction, reaction.channel, reaction.ts)
    if found is None:
        return
    # Who wrote it, as the message itself says (Slack's item_user is only a hint).
    author = found.user or reaction.author
    permalink = permalink_for(client, reaction.channel, reaction.ts)
    if author == reaction.reactor and not found.is_bot:
        _log_own(context, client, user, reaction, found, permalink)
    else:
        _offer(context, client, user, reaction, found, author, permalink)


def _readable(
    client: WebClient, context: BoltContext, reaction: Reaction, channel: str, ts: str
) -> ChannelMessage | None:
    """The reacted-to message; None, and a DM saying why, when there is nothing to log."""
    found = read_message(client, channel, ts)
    if found is Unreadable.NOT_IN_CHANNEL:
        notice = ui.not_in_channel(channel, reaction.emoji_name)
    elif not isinstance(found, ChannelMessage):
        notice = ui.message_gone(channel)
    elif not found.text.strip():
        notice = ui.no_text(channel)
    else:
        return found
    _dm(client, context, reaction.reactor, notice)
    return None


def _offer(
    context: BoltContext,
    client: WebClient,
    user: User,
    reaction: Reaction,
    found: ChannelMessage,
    author: str | None,
    permalink: str | None,
) -> None:
    profile = profile_or_none(client, author) if author and not found.is_bot else None
    can_give_kudos = (
        author is not None
        and not found.is_bot
        and profile is not None
        and not (profile.get("is_bot") or profile.get("deleted"))
    )
    capture_id = flows.offer(
        session=db(context),
        user=user,
        reaction=reaction,
        author=author,
        can_give_kudos=can_give_kudos,
        permalink=permalink,
    )
    if capture_id is None:
        return
    posted = _dm(
        client,
        context,
        reaction.reactor,
        ui.offer(
            capture_id=capture_id,
            author=author,
            author_name=display_name(profile) if profile else None,
            can_give_kudos=can_give_kudos,
            channel_id=reaction.channel or "",
            permalink=permalink,
            emoji=reaction.emoji_name,
        ),
    )
    flows.note_dm(
        session=db(context), user=user, capture_id=capture_id, channel=posted.channel, ts=posted.ts
    )


def _log_own(
    context: BoltContext,
    client: WebClient,
    user: User,
    reaction: Reaction,
    found: ChannelMessage,
    permalink: str | None,
) -> None:
    library = coaching_library(context)
    logged = flows.log_message(
        session=db(context),
        user=user,
        reaction=reaction,
        text=found.text,
        author=found.user,
        permalink=permalink,
        library=library,
    )
    if logged is None:
        return
    posted = _dm(
        client,
        context,
        reaction.reactor,
        ui.logged(
            logged.entry,
            library,
            emoji=reaction.emoji_name,
            tz=user.tz,
            how=dimension_how(logged.parsed.dimension_source, logged.parsed.matched),
            mapping=logged.mapping,
        ),
    )
    flows.note_dm(
        session=db(context),
        user=user,
        capture_id=logged.capture_id,
        channel=posted.channel,
        ts=posted.ts,
    )


def handle_reaction_removed(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Within a minute of the add: delete what it logged, or withdraw its offer."""
    reaction = _capture_reaction(event, context)
    if reaction is None:
        return
    undone = flows.undo(
        session=db(context),
        user=current_user(context),
        reaction=reaction,
        emoji=settings(context).capture_emoji_names,
        app_user=context.bot_user_id,
    )
    if undone is None or not undone.dm_channel or not undone.dm_ts:
        return
    payload = ui.undone(undone.was)
    client.chat_update(
        channel=undone.dm_channel, ts=undone.dm_ts, text=payload["text"], blocks=payload["blocks"]
    )
