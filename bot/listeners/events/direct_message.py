"""Messages a user sends the bot in its DM: stored, never lost; only answers become evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.checkins import flows as checkin_flows
from bot.checkins import present
from bot.checkins.replies import ReplyKind
from bot.checkins.schedule import Preferences
from bot.conversations import edits, flows
from bot.conversations.flows import Said
from bot.db.base import utcnow
from bot.listeners.support import (
    capture_emoji,
    coaching_library,
    command_names,
    current_user,
    db,
    message_payload,
    question_choices,
    redraw_quote_ask,
)
from bot.ui import checkins as checkins_ui
from bot.ui import judgments as judgments_ui
from bot.ui import messages
from bot.ui.blocks import Payload
from bot.ui.welcome import with_welcome

if TYPE_CHECKING:  # names for annotations only: listeners hold rows, never query them
    from bot.db.models import CheckIn, User

# Subtypes that are housekeeping rather than something the user wrote.
_IGNORED_SUBTYPES = {"bot_message", "message_deleted", "channel_join", "message_replied"}


def handle_direct_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    subtype = event.get("subtype")
    if subtype in _IGNORED_SUBTYPES or event.get("bot_id"):
        return
    session = db(context)
    if subtype == "message_changed":
        # Unfurls, thread bumps, bot edits and late deliveries change nothing (edits.py).
        edit = edits.user_edit(event)
        if edit is None:
            return
        context["user_id"] = edit.user_id
        user = current_user(context)
        checkin = flows.edit_direct_message(
            session=session,
            user=user,
            library=coaching_library(context),
            channel_id=event["channel"],
            edit=edit,
        )
        if checkin is not None:
            _redraw(client, context, user, checkin)
            confirmation = checkin_flows.edited_confirmation(
                session=session,
                user=user,
                library=coaching_library(context),
                channel_id=event["channel"],
                answer_ts=edit.ts,
            )
            if confirmation is not None:
                client.chat_update(**confirmation.arguments())
        return
    if not event.get("user"):
        return
    user = current_user(context)
    channel, thread_ts = event["channel"], event.get("thread_ts")
    outcome = flows.receive_direct_message(
        session=session,
        user=user,
        library=coaching_library(context),
        channel_id=channel,
        ts=event["ts"],
        thread_ts=thread_ts,
        text=event.get("text") or "",
        now=utcnow(),
    )
    if outcome.said is Said.ANSWERED and outcome.reply is not None:
        # What the bot understood (with Edit / Not an answer), in the thread; then the
        # check-in drawn again with its answers.
        posted = client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts or event["ts"],
            **present.reply_confirmation(
                coaching_library(context), outcome.reply, Preferences.of(user)
            ),
        )
        checkin_flows.remember_confirmation(
            session=session,
            user=user,
            channel_id=channel,
            answer_ts=event["ts"],
            confirmation_ts=posted["ts"],
        )
        _redraw(client, context, user, outcome.reply.checkin)
        return
    if outcome.said is Said.NOTHING:
        return
    if outcome.said in (Said.OUTCOME, Said.WHICH, Said.QUOTED):
        # In the DM's own thread, as an answer's confirmation is.
        thread_ts = thread_ts or event["ts"]
    if outcome.said is Said.QUOTED:
        redraw_quote_ask(
            client,
            user.slack_user_id,
            outcome.ask_ts,
            outcome.requester_slack_id,
            outcome.request_id,
        )
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, **_reply(outcome, user, context))


def _reply(outcome: flows.DirectMessageOutcome, user: User, context: BoltContext) -> Payload:
    """What the bot says back to a DM, other than an answer's confirmation."""
    names = command_names(context)
    if outcome.said is Said.OUTCOME:
        return judgments_ui.outcome_saved(outcome.quote or "")
    if outcome.said is Said.QUOTED:
        return messages.quote_sent(outcome.requester_slack_id)
    if outcome.said is Said.WHICH and outcome.dm_id is not None:
        choices = question_choices(coaching_library(context), user, outcome.choices)
        return messages.which_question(outcome.dm_id, choices)
    if outcome.said is Said.HELP:
        return message_payload(messages.help_message(names, capture_emoji=capture_emoji(context)))
    if outcome.said is Said.NOT_SAVED:
        return checkins_ui.not_saved_as_answer(
            question=outcome.kind is ReplyKind.QUESTION, in_thread=outcome.in_thread
        )
    payload = messages.dm_received(names, outcome.loggable)
    if outcome.welcome:
        payload["blocks"] = with_welcome(
            payload["text"], payload.get("blocks"), multiplier_command=names.multiplier
        )
    return payload


def _redraw(client: WebClient, context: BoltContext, user: User, checkin: CheckIn) -> None:
    """Draw the check-in message again with its answers."""
    redraw = checkin_flows.redraw(
        session=db(context), user=user, library=coaching_library(context), checkin=checkin
    )
    if redraw is not None:
        client.chat_update(**redraw.arguments())
