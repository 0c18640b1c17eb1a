"""The answer to a judgment follow-up: stored as the call's outcome."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot import clock
from bot.judgments import flows
from bot.listeners.support import current_user, db
from bot.ui import judgments as ui
from bot.values import parse_id


def handle_outcome_submission(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    values = (view.get("state") or {}).get("values") or {}
    text = str(
        ((values.get(ui.OUTCOME_BLOCK) or {}).get(ui.OUTCOME_INPUT) or {}).get("value") or ""
    )
    if not text.strip():
        ack(response_action="errors", errors={ui.OUTCOME_BLOCK: "Say what happened."})
        return
    ack()
    flows.record_outcome(
        session=db(context),
        user=current_user(context),
        call_id=parse_id(view.get("private_metadata")),
        text=text,
        now=clock.now(),
    )
