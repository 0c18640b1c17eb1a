"""The monthly expectations check's buttons: "Yes, we mapped them" / "Not yet" / "Not this
month" answer the month's check (the value is its id; one that names no check of the
presser's is refused, nothing stored)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot import clock
from bot.expectations import check_flows
from bot.expectations.check_texts import check_texts
from bot.listeners.support import coaching_library, current_user, db
from bot.ui import expectation_check as ui
from bot.values import parse_id


def handle_answer(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    given = ui.ANSWERS[str(action.get("action_id"))]
    answered = check_flows.answer(
        session=db(context),
        user=current_user(context),
        check_id=parse_id(action.get("value")),
        given=given,
        now=clock.now(),
    )
    if answered is None:
        respond(**ui.not_yours())
        return
    respond(**ui.answered_message(answered, check_texts(coaching_library(context))))


ACTIONS: dict[str, Callable[..., None]] = dict.fromkeys(ui.ANSWERS, handle_answer)
