"""Judgment calls: "Tell what happened" on a follow-up opens the answer modal; the "a bet"
overflow on an entry asks for a follow-up in 3 to 6 months."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.judgments import flows
from bot.listeners.support import current_user, db
from bot.ui import judgments as ui
from bot.values import parse_id


def handle_answer(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    call_id = parse_id(action.get("value"))
    quote = flows.quote_of(session=db(context), user=current_user(context), call_id=call_id)
    if call_id is None or quote is None:
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=ui.outcome_modal(call_id=call_id, quote=quote)
    )


def handle_bet(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    chosen = str((action.get("selected_option") or {}).get("value") or "")
    entry_text, _, months_text = chosen.partition(":")
    months = flows.mark_bet(
        session=db(context),
        user=current_user(context),
        entry_id=parse_id(entry_text),
        months=parse_id(months_text) or 0,
    )
    respond(**(ui.bet_marked(months) if months is not None else ui.gone()))


ACTIONS: dict[str, Callable[..., None]] = {
    ui.ANSWER: handle_answer,
    ui.BET: handle_bet,
}
