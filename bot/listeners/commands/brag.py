"""/brag <text>: log evidence in one line."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.evidence import service as evidence
from bot.home.service import request_home_refresh
from bot.listeners.support import command_names, current_user, db
from bot.ui import messages


def handle_brag(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Store the text as a private evidence entry and confirm."""
    ack()
    text = (command.get("text") or "").strip()
    if not text:
        names = command_names(context)
        respond(
            **messages.usage_error(
                f"Tell me what happened: `{names.brag} unblocked the payments team on the "
                "rate-limit bug`",
                text,
                names,
            )
        )
        return
    if len(text) > evidence.MAX_TEXT_LENGTH:
        respond(**messages.text_too_long(text, evidence.MAX_TEXT_LENGTH))
        return
    session = db(context)
    user = current_user(context)
    entry = evidence.create_entry(session=session, user=user, text=text, source="brag")
    request_home_refresh(session=session, user=user)
    session.commit()
    respond(**messages.evidence_logged(entry))
