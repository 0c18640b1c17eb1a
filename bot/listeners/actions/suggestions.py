""" "Log it" / "Dismiss" on a thanks suggestion (in its DM, or listed in the check-in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import coaching_library, current_user, db
from bot.slack.channel_messages import message_text
from bot.slack.history import permalink_for
from bot.suggestions import flows
from bot.suggestions.flows import Logged, MessageRef
from bot.ui import suggestions as ui
from bot.values import parse_id


def _in_checkin(body: dict[str, Any]) -> bool:
    """Whether the button is one of the check-in's (answered beside it, not in its place)."""
    action = (body.get("actions") or [{}])[0]
    return action.get("action_id") == ui.LOG_IT_FROM_CHECKIN


def _shown(payload: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    if _in_checkin(body):
        return {**payload, "replace_original": False, "response_type": "ephemeral"}
    return payload


def handle_log_it(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Read the thanked message from Slack now and log it as the person's evidence."""
    ack()
    suggestion_id = parse_id(action.get("value"))
    if suggestion_id is None:
        respond(**_shown(ui.gone(), body))
        return
    links: dict[str, str | None] = {}

    def permalink(ref: MessageRef) -> str | None:
        links["permalink"] = permalink_for(client, ref.channel_id, ref.ts)
        return links["permalink"]

    done = flows.log_suggestion(
        session=db(context),
        user=current_user(context),
        suggestion_id=suggestion_id,
        library=coaching_library(context),
        read_text=lambda ref: message_text(client, ref.channel_id, ref.ts, ref.thread_ts),
        permalink=permalink,
        now=clock.now(),
    )
    if done.outcome is Logged.LOGGED:
        payload = ui.logged(channel_id=done.channel_id, permalink=links.get("permalink"))
    elif done.outcome is Logged.UNREADABLE:
        payload = ui.unreadable(done.channel_id)
    else:
        payload = ui.gone()
    respond(**_shown(payload, body))


def handle_dismiss(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    suggestion_id = parse_id(action.get("value"))
    closed = suggestion_id is not None and flows.dismiss(
        session=db(context),
        user=current_user(context),
        suggestion_id=suggestion_id,
        now=clock.now(),
    )
    respond(**(ui.dismissed() if closed else ui.gone()))


ACTIONS: dict[str, Callable[..., None]] = {
    ui.LOG_IT: handle_log_it,
    ui.LOG_IT_FROM_CHECKIN: handle_log_it,
    ui.DISMISS: handle_dismiss,
}
