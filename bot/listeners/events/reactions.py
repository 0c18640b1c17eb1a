"""React to log: `reaction_added` / `reaction_removed` with the capture emoji (CAPTURE_EMOJI).

On your own message the message becomes your evidence (its text as Slack gives it, its
permalink, a suggested dimension), with a DM confirmation; on someone else's, a DM offers to
log it as yours or to send its author kudos. Removing the reaction within a minute undoes
it. Every other reaction is dropped before the database is touched. What a reaction does is
bot/evidence/reaction_flows.py's.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.capture.reactions import Reaction
from bot.evidence import reaction_flows as flows
from bot.listeners.support import coaching_library, current_user, db, delivery_slack, settings


def _reacted(
    event: dict[str, Any], context: BoltContext, client: WebClient
) -> flows.Reacted | None:
    """The event, when it is a reaction with the capture emoji on a message."""
    reaction = Reaction.from_event(event)
    emoji = settings(context).capture_emoji_names
    if reaction is None or reaction.emoji_name not in emoji or not reaction.channel:
        return None
    return flows.Reacted(
        session=db(context),
        user=current_user(context),
        reaction=reaction,
        emoji=emoji,
        app_user=context.bot_user_id,
        client=client,
        slack=delivery_slack(client, context),
    )


def handle_reaction_added(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Log your own message, or offer a choice about someone else's (no ack: events are
    acked first)."""
    reacted = _reacted(event, context, client)
    if reacted is not None:
        flows.reaction_added(reacted, library=coaching_library(context))


def handle_reaction_removed(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Within a minute of the add: delete what it logged, or withdraw its offer."""
    reacted = _reacted(event, context, client)
    if reacted is not None:
        flows.reaction_removed(reacted)
