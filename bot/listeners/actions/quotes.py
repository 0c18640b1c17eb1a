"""A quote request's buttons: "Request a quote" (on Home, the packet, `/multiplier quote`,
any surface carrying bot.ui.quotes.request_button) opens the form; the peer's "Write a
sentence" opens theirs, "Not now" declines. Registered without the forget-me guard: the
peer may never have used the app (no row is no sign of forget-me here)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import coaching_library, current_user, db
from bot.quotes import flows, states
from bot.quotes.texts import texts
from bot.ui import quotes as ui
from bot.values import parse_id


def handle_request_open(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Open the request form (pick one peer, an optional note)."""
    ack()
    client.views_open(
        trigger_id=body["trigger_id"], view=ui.request_modal(texts(coaching_library(context)))
    )


def handle_write(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """The peer's "Write a sentence": their form while the request is open, or, answered by
    them, with their sentence to change; else why not (declined, expired, withdrawn, or not
    theirs)."""
    ack()
    state = flows.peer_state(
        session=db(context),
        peer=current_user(context),
        request_id=parse_id(action.get("value")),
        now=clock.now(),
    )
    if state.state == states.OPEN or state.sentence is not None:
        client.views_open(trigger_id=body["trigger_id"], view=ui.answer_modal(state))
    else:
        respond(**ui.peer_notice(state.state))


def handle_not_now(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The peer's "Not now": the request closes and its requester is told kindly."""
    ack()
    state = flows.decline(
        session=db(context),
        peer=current_user(context),
        request_id=parse_id(action.get("value")),
        now=clock.now(),
    )
    if state.state == states.DECLINED_NOW:
        respond(**ui.declined_reply(state.requester_slack_id))
    else:
        respond(**ui.peer_notice(state.state))
