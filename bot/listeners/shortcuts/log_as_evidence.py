"""Message shortcut: capture any Slack message as evidence, with its permalink."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.evidence import service as evidence
from bot.listeners.support import current_user, db
from bot.ui import messages


def handle_log_as_evidence(
    ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    message = shortcut.get("message") or {}
    channel_id = (shortcut.get("channel") or {}).get("id")
    text = (message.get("text") or "")[: evidence.MAX_TEXT_LENGTH]
    session = db(context)
    entry = evidence.create_entry(
        session=session, user=current_user(context), text=text or "(no text)", source="shortcut"
    )
    if channel_id and message.get("ts"):
        entry.source_channel_id = channel_id
        entry.source_message_ts = message["ts"]
        entry.permalink = client.chat_getPermalink(channel=channel_id, message_ts=message["ts"])[
            "permalink"
        ]
    session.commit()
    client.chat_postMessage(channel=entry_owner(context), **messages.evidence_logged(entry))


def entry_owner(context: BoltContext) -> str:
    return context.user_id or ""
