"""The modal naming a staff-shaped problem: checked in the ack (errors keep it open with the
text kept), then stored, replacing the open one."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import coaching_library, current_user, db
from bot.problems import flows
from bot.summaries.periods import zone
from bot.ui import problems as ui


def _typed(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    got = (values.get(ui.NAME_BLOCK) or {}).get(ui.NAME_BLOCK) or {}
    value = got.get("value") if isinstance(got, dict) else None
    return value if isinstance(value, str) else ""


def handle_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Validate, store, then acknowledge; a tampered form is refused and stores nothing."""
    if view.get("private_metadata") != ui.METADATA:
        ack(
            response_action="errors", errors={ui.NAME_BLOCK: "This form is out of date: reopen it."}
        )
        return
    user = current_user(context)
    try:
        named = flows.name(
            session=db(context),
            user=user,
            library=coaching_library(context),
            text=_typed(view),
            now=clock.now(),
            typed=True,
        )
    except flows.ProblemError as error:
        ack(response_action="errors", errors={ui.NAME_BLOCK: str(error)})
        return
    ack()
    reply = ui.named_reply(named.shown, named.replaced, zone(user.tz))
    reply.pop("response_type", None)
    client.chat_postMessage(channel=user.dm_channel_id or user.slack_user_id, **reply)
