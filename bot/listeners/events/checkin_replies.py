"""Free-text replies to a check-in in the DM: confirmed in its thread, the check-in redrawn."""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.checkins import answers, present
from bot.db.models import CheckIn, User
from bot.listeners.actions.checkins import refresh_checkin_message
from bot.listeners.support import coaching_library, db
from bot.ui import checkins as ui


def confirm(
    *,
    client: WebClient,
    context: BoltContext,
    user: User,
    channel_id: str,
    thread_ts: str,
    reply: answers.Reply,
) -> None:
    """Say what the bot understood from the answer (with Edit / Not an answer), in the thread."""
    first = reply.answers[0]
    library = coaching_library(context)
    client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts,
        **ui.answer_confirmation(
            answer_id=first.id,
            question=reply.question,
            dimension_label=reply.dimension_label,
            people=reply.entry.people if reply.entry else [],
            visibility=reply.entry.visibility if reply.entry else "private",
            kind=reply.kind,
            understood=present.understood(library, reply.entry, first.prompt_id),
        ),
    )
    redraw(client=client, context=context, checkin=reply.checkin, user=user)


def redraw(*, client: WebClient, context: BoltContext, checkin: CheckIn, user: User) -> None:
    """Draw the check-in message again with its answers."""
    refresh_checkin_message(
        client=client, session=db(context), context=context, checkin=checkin, user=user
    )
