"""Submission of the expectations modal: problems shown on the field (nothing typed is
lost, the modal stays open), otherwise saved and confirmed in the person's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.expectations import flows
from bot.listeners.support import command_names, current_user, db
from bot.ui import expectations as ui


def typed_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    value = ((values.get(ui.BLOCK) or {}).get(ui.FIELD) or {}).get("value")
    return value if isinstance(value, str) else ""


def handle_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    typed = typed_text(view)
    problem = flows.problem(typed)
    if problem is not None:
        ack(response_action="errors", errors={ui.BLOCK: problem})
        return
    ack()
    user = current_user(context)
    saved = flows.save(session=db(context), user=user, typed=typed, now=clock.now())
    reply = ui.saved(saved.items, saved.duplicates, command=command_names(context).multiplier)
    client.chat_postMessage(channel=user.slack_user_id, **reply)
