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
from bot.middleware import release_claimed_event
from bot.slack.replies import RESPONSE_URL_POSTS, send_in_turn, to_dm
from bot.slack.verification import VERIFIED
from bot.ui import messages
from bot.ui.text import escape

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


# Inputs whose value is what the person typed into a modal.
_TYPED_INPUTS = {"plain_text_input", "url_text_input", "email_text_input", "number_input"}


def _typed(body: dict[str, Any]) -> str:
    """What the user typed (a slash command, or a modal's text fields), as Slack text,
    echoed back so a failure loses nothing."""
    if body.get("command"):
        return f"{body['command']} {body.get('text') or ''}".strip()
    if body.get("type") != "view_submission":
        return ""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    typed = [
        action["value"]
        for block in values.values()
        if isinstance(block, dict)
        for action in block.values()
        if isinstance(action, dict)
        and action.get("type") in _TYPED_INPUTS
        and isinstance(action.get("value"), str)
        and action["value"].strip()
    ]
    # Form values arrive as typed; the echo reads Slack-escaped text, as commands send it.
    return escape("\n\n".join(typed))


def _payload_type(body: dict[str, Any]) -> str | None:
    return body.get("type") or ("command" if body.get("command") else None)


def _respond_all(
    context: BoltContext, client: WebClient, notices: list[dict[str, Any]], *, posts_left: int
) -> None:
    """The notices through the response_url, past Slack's five posts in the person's DM."""
    respond = context.respond
    if respond is None:
        return
    user_id = context.user_id
    send_in_turn(
        notices,
        lambda message: respond(**message),
        posts_left=posts_left,
        overflow=to_dm(client, user_id) if user_id else None,
    )


def _tell_user(body: dict[str, Any], context: BoltContext, client: WebClient, text: str) -> None:
    try:
        respond = context.respond
        if respond is not None and body.get("response_url"):
            notices = messages.failure_notice(text, typed=_typed(body))
            _respond_all(context, client, notices, posts_left=RESPONSE_URL_POSTS)
        elif context.user_id and context.channel_id:
            client.chat_postEphemeral(channel=context.channel_id, user=context.user_id, text=text)
        elif context.user_id and _payload_type(body) in _INTERACTIVE:
            # A modal or the Home tab has no channel: the user's DM with the bot, with what
            # they typed into the modal (it has closed).
            notices = messages.failure_notice(text, typed=_typed(body))
            send_in_turn(notices, to_dm(client, context.user_id), posts_left=len(notices))
    except Exception:  # the user may not be reachable at all; the log above has the cause
        logger.warning("could not tell the user about the failure", exc_info=True)


def _send_rest(context: BoltContext, client: WebClient, rest: list[dict[str, Any]]) -> None:
    try:
        _respond_all(context, client, rest, posts_left=RESPONSE_URL_POSTS)
    except Exception:  # Slack unreachable too: the log above has the failure
        logger.warning("could not send the rest of the failure notice", exc_info=True)


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
    # An event that failed is not done: Slack's retry of it must be handled, not skipped.
    release_claimed_event(context)
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
        # The first message is the response; a long echo continues through the response_url.
        first, *rest = messages.failure_notice(text, typed=_typed(body))
        if rest and body.get("response_url"):
            _in_background(lambda: _send_rest(context, client, rest))
        return BoltResponse(status=200, body=first)
    if payload_type in _INTERACTIVE:
        _in_background(lambda: _tell_user(body, context, client, text))
        return BoltResponse(status=200, body="")
    return response
