"""Buttons on messages of someone who has since used forget-me: "this was deleted".

Every message with our buttons was sent to someone the app had a row for. If, when a
button on an older message is pressed, the workspace is known but the person has no row,
their data went with forget-me (or the purge after they revoked the app): whatever the
button points at is gone. Saying so beats "not found", and no row is made for them.
"""

from __future__ import annotations

import functools
import inspect
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.kwargs_injection.args import Args

from bot import clock
from bot.listeners.support import db
from bot.slack.bolt_compat import Handler, arguments
from bot.ui.evidence import notice
from bot.workspaces import flows

# A message this fresh may be answering the very request that is creating the person's row.
MIN_AGE = timedelta(seconds=60)


def _seconds(ts: object) -> float | None:
    """A Slack message ts ("1700000000.000100") as seconds; None when it is not one."""
    try:
        return float(str(ts)) if ts else None
    except ValueError:
        return None


def was_forgotten(body: dict[str, Any], context: BoltContext) -> bool:
    """True for a press on an older message by someone the app no longer has a row for."""
    container = body.get("container") or {}
    sent = _seconds(container.get("message_ts"))
    if container.get("type") != "message" or sent is None:
        return False
    if clock.now().timestamp() - sent < MIN_AGE.total_seconds():
        return False
    return flows.is_forgotten(
        session=db(context),
        team_id=context.team_id or context.enterprise_id or "",
        slack_user_id=context.user_id or "",
    )


def sent_before_their_row(body: dict[str, Any], created_at: datetime) -> bool:
    """True for a press on a message older than the clicker's row (`created_at`): it was
    sent to the row forget-me deleted, and they have used the app again since (or the press
    itself made their new row, on a message too fresh for `was_forgotten`)."""
    container = body.get("container") or {}
    sent = _seconds(container.get("message_ts"))
    return container.get("type") == "message" and sent is not None and sent < created_at.timestamp()


def answer_if_forgotten(handler: Handler) -> Handler:
    """Wrap an action listener: a forgotten person's press is answered and goes no further."""
    names = list(inspect.signature(handler).parameters)

    @functools.wraps(handler)
    def guarded(args: Args) -> Any:
        body, context = args.body, args.context
        container = body.get("container") or {}
        if container.get("type") == "message" and container.get("message_ts"):
            args.ack()  # before the database read; the handler's own ack is then a no-op
            if was_forgotten(body, context):
                if body.get("response_url"):
                    args.respond(**forgotten_notice())
                return None
        return handler(**arguments(args, names))

    del guarded.__wrapped__  # Bolt is to pass `args` (see bot.slack.bolt_compat)
    return guarded


def forgotten_notice() -> dict[str, Any]:
    return notice(
        "This was deleted with forget-me, so nothing changed. If you use Multiplier again, "
        "it starts from a clean slate."
    )
