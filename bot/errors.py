"""The one global error handler: tell the user briefly, log with context.

Bolt calls it for failures in listeners (after the ack: `response` is the ack, 2xx) and in
global middleware (before the ack: `response` is a 500). A failure before the request was
verified (see `bot.slack.verification`) gets 401 and contacts nobody. What Slack and the
user see for a verified request:

| surface | before the ack (e.g. database down) | after the ack |
|---|---|---|
| event | 500, so Slack retries it later; nobody is messaged | ephemeral in the channel |
| slash command | 200 with the apology and the typed text | ephemeral via response_url |
| button, shortcut | 200, apology via response_url or DM | via response_url or DM |
| modal submit | 503: Slack keeps the modal open, says to try again | DM |
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.db.failures import availability
from bot.slack.verification import VERIFIED
from bot.ui import messages

logger = logging.getLogger("bot.errors")

_INTERACTIVE = {"block_actions", "message_action", "shortcut", "view_submission"}


def user_message(error: BaseException) -> str:
    """What the person is told: busy (try again now), database down, or our fault."""
    state = availability(error)
    if state == "busy":
        return messages.database_busy()
    if state == "unreachable":
        return messages.database_unavailable()
    return messages.something_went_wrong()


def _typed(body: dict[str, Any]) -> str:
    """What the user typed in a slash command, echoed back so a failure loses nothing."""
    if not body.get("command"):
        return ""
    return f"{body['command']} {body.get('text') or ''}".strip()


def _payload_type(body: dict[str, Any]) -> str | None:
    return body.get("type") or ("command" if body.get("command") else None)


def _tell_user(body: dict[str, Any], context: BoltContext, client: WebClient, text: str) -> None:
    try:
        respond = context.respond
        if respond is not None and body.get("response_url"):
            respond(**messages.failure_notice(text, typed=_typed(body)))
        elif context.user_id and context.channel_id:
            client.chat_postEphemeral(channel=context.channel_id, user=context.user_id, text=text)
        elif context.user_id and _payload_type(body) in _INTERACTIVE:
            # A modal or the Home tab has no channel: the user's DM with the bot.
            client.chat_postMessage(channel=context.user_id, text=text)
    except Exception:  # the user may not be reachable at all; the log above has the cause
        logger.warning("could not tell the user about the failure", exc_info=True)


def _in_background(fn: Callable[[], None]) -> None:
    """Run off the request thread, so a slow Slack never delays the response to Slack."""
    threading.Thread(target=fn, name="error-notice", daemon=True).start()


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Log the failure with its context and tell the user, ephemerally, where we can."""
    if not context.get(VERIFIED):
        # The failure came before the request was verified (Bolt's signature check raises
        # on some malformed headers): its body is not Slack's, so nobody is contacted.
        logger.warning("refused a request that could not be verified (%s)", type(error).__name__)
        return BoltResponse(status=401, body={"error": "invalid request"})
    db = context.get("db")
    if db is not None:
        try:
            db.rollback()
        except Exception:  # the connection may be the thing that failed
            logger.debug("rollback after failure failed", exc_info=True)
    before_ack = response is not None and response.status >= 500
    payload_type = _payload_type(body)
    where = "request" if before_ack else "listener"
    extra = {"team_id": context.team_id, "user_id": context.user_id, "payload_type": payload_type}
    if availability(error) == "busy":
        # Capacity, not a bug and not an outage: one line, no traceback.
        logger.warning(
            "%s refused: database busy (%s)",
            where,
            str(getattr(error, "orig", None) or error).strip().splitlines()[0],
            extra=extra,
        )
    else:
        logger.error("%s failed: %s", where, type(error).__name__, exc_info=error, extra=extra)
    text = user_message(error)
    if not before_ack:
        _tell_user(body, context, client, text)
        return response
    if payload_type in {"event_callback", "view_submission"}:
        # Slack retries the event later; a modal stays open with Slack's "try again".
        return BoltResponse(status=503, body="")
    if payload_type == "command":
        return BoltResponse(status=200, body=messages.failure_notice(text, typed=_typed(body)))
    if payload_type in _INTERACTIVE:
        _in_background(lambda: _tell_user(body, context, client, text))
        return BoltResponse(status=200, body="")
    return response
