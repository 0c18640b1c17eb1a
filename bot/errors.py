"""The one global error handler: tell the user briefly, log with context."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.ui import messages

logger = logging.getLogger("bot.errors")


def _user_message(error: Exception) -> str:
    if isinstance(error, OperationalError | PoolTimeout):
        return messages.database_unavailable()
    return messages.something_went_wrong()


def _typed(body: dict[str, Any]) -> str:
    """What the user typed in a slash command, echoed back so a failure loses nothing."""
    if not body.get("command"):
        return ""
    return f"{body['command']} {body.get('text') or ''}".strip()


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Log the failure with its context and tell the user, ephemerally, where we can."""
    db = context.get("db")
    if db is not None:
        db.rollback()
    logger.error(
        "listener failed: %s",
        type(error).__name__,
        exc_info=error,
        extra={
            "team_id": context.team_id,
            "user_id": context.user_id,
            "payload_type": body.get("type") or ("command" if body.get("command") else None),
        },
    )
    text = _user_message(error)
    try:
        respond = context.respond
        if respond is not None and body.get("response_url"):
            respond(**messages.failure_notice(text, typed=_typed(body)))
        elif context.user_id and context.channel_id:
            client.chat_postEphemeral(channel=context.channel_id, user=context.user_id, text=text)
    except Exception:  # the user may not be reachable at all; the log above has the cause
        logger.warning("could not tell the user about the failure", exc_info=True)
    if response is not None and response.status >= 500 and body.get("command"):
        # A slash command still acked with our apology rather than Slack's generic failure.
        return BoltResponse(status=200, body=text)
    return response
