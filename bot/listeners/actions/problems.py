"""The staff-problem buttons (the Home, `/multiplier problem`, a check-in): name one (opens
the modal), tick the current step, clear it. Values carry ids only; the flows check that the
problem is the clicker's open one, and refuse anything else without changing a thing."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.coaching.staff_problem import CHOOSE_TEXT
from bot.listeners.support import coaching_library, current_user, db
from bot.problems import flows
from bot.summaries.periods import zone
from bot.ui import problems as ui

logger = logging.getLogger(__name__)


def _value(body: dict[str, Any]) -> str:
    value = ((body.get("actions") or [{}])[0] or {}).get("value")
    return value if isinstance(value, str) else ""


def _tell(
    respond: Respond, body: dict[str, Any], client: WebClient, slack_user_id: str, reply: Any
) -> None:
    """An ephemeral note where the click happened; from the Home (no response_url), a DM."""
    if body.get("response_url"):
        respond(**(reply | {"response_type": "ephemeral", "replace_original": False}))
    else:
        dm = {k: v for k, v in reply.items() if k not in ("response_type", "replace_original")}
        client.chat_postMessage(channel=slack_user_id, **dm)


def handle_open(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Open the modal naming the problem."""
    ack()
    choose = coaching_library(context).problem_text(CHOOSE_TEXT)
    client.views_open(trigger_id=body["trigger_id"], view=ui.name_modal(choose))


def handle_done(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Tick the step on the button; a check-in is redrawn with it ticked."""
    ack()
    user = current_user(context)
    try:
        ticked = flows.tick_button(
            session=db(context),
            user=user,
            library=coaching_library(context),
            value=_value(body),
            now=clock.now(),
        )
    except flows.ProblemError as error:
        logger.warning("refused a staff-problem button", extra={"user_id": user.slack_user_id})
        _tell(respond, body, client, user.slack_user_id, ui.problem_reply(str(error)))
        return
    if ticked.redraw is not None:
        client.chat_update(**ticked.redraw.arguments())
    elif body.get("response_url"):
        _tell(
            respond,
            body,
            client,
            user.slack_user_id,
            ui.ticked_reply(ticked.step, ticked.newly, ticked.shown, zone(user.tz)),
        )


def handle_clear(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Clear the problem on the button (only while it is the open one)."""
    ack()
    user = current_user(context)
    try:
        problem_id = int(_value(body))
    except ValueError:
        problem_id = -1
    try:
        name = flows.clear(session=db(context), user=user, now=clock.now(), problem_id=problem_id)
    except flows.ProblemError as error:
        _tell(respond, body, client, user.slack_user_id, ui.problem_reply(str(error)))
        return
    if body.get("response_url"):
        _tell(respond, body, client, user.slack_user_id, ui.cleared_reply(name))


def _answer_stall(
    answer: Any,
    ack: Ack,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """A stall answer on the check-in that asked: the check-in redrawn with the coach's
    word; refused (nothing changed) when tampered with or about a problem since closed."""
    ack()
    user = current_user(context)
    try:
        answered = answer(
            session=db(context),
            user=user,
            library=coaching_library(context),
            value=_value(body),
            now=clock.now(),
        )
    except flows.Moved as moved:
        reply = ui.stall_moved_reply(moved.asked, moved.how, moved.now_open)
        _tell(respond, body, client, user.slack_user_id, reply)
        return
    except flows.ProblemError as error:
        logger.warning("refused a stall answer", extra={"user_id": user.slack_user_id})
        _tell(respond, body, client, user.slack_user_id, ui.problem_reply(str(error)))
        return
    if answered.redraw is not None:
        client.chat_update(**answered.redraw.arguments())


def handle_keep(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Still the right one": kept, the stall count restarted."""
    _answer_stall(flows.keep, ack, body, context, client, respond)


def handle_let_go(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Let it go": closed as let go."""
    _answer_stall(flows.let_go, ack, body, context, client, respond)


# Buttons about the person's stored problem (forget-me answers them on older messages).
ACTIONS = {
    ui.DONE: handle_done,
    ui.CLEAR: handle_clear,
    ui.KEEP: handle_keep,
    ui.LET_GO: handle_let_go,
}
