"""Messages a user sends the bot in its DM: stored, never lost."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.conversations import edits
from bot.conversations import service as conversations
from bot.listeners.events import checkin_replies
from bot.listeners.support import current_user, db
from bot.ui import messages

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
        if not conversations.edit_direct_message(
            session=session, user=user, channel_id=event["channel"], edit=edit
        ):
            session.rollback()
            return
        checkin_replies.apply_edit(
            session=session,
            context=context,
            client=client,
            user=user,
            channel_id=event["channel"],
            ts=edit.ts,
            text=edit.text,
        )
        return
    if not event.get("user"):
        return
    user = current_user(context)
    conversations.store_direct_message(
        session=session,
        user=user,
        channel_id=event["channel"],
        ts=event["ts"],
        text=event.get("text") or "",
        thread_ts=event.get("thread_ts"),
    )
    session.commit()
    answered = checkin_replies.take_answer(
        session=session,
        context=context,
        client=client,
        user=user,
        channel_id=event["channel"],
        ts=event["ts"],
        thread_ts=event.get("thread_ts"),
        text=event.get("text") or "",
    )
    if answered:
        return
    client.chat_postMessage(
        channel=event["channel"], thread_ts=event.get("thread_ts"), **messages.dm_received()
    )
