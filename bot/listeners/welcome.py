"""The welcome: on someone's first command (a DM) and on the Home tab while check-ins are off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.checkins import service
from bot.config import Settings
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import User
from bot.listeners import Registrar
from bot.listeners.support import command_names, db
from bot.ui.blocks import VIEW_BLOCK_LIMIT, fit
from bot.ui.welcome import welcome_blocks, welcome_message
from bot.workspaces import service as workspaces

logger = logging.getLogger(__name__)

# /multiplier subcommands that already deal with check-ins: welcomed, but no DM about it.
_CHECKIN_WORDS = {"checkins", "checkin", "check-ins", "settings", "preferences", "prefs"}


def register(registrar: Registrar) -> None:
    registrar.app.use(welcome_on_first_command)


def welcome_on_first_command(
    body: dict[str, Any], context: BoltContext, client: WebClient, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """After the first slash command someone sends, DM them the welcome (after the ack)."""
    response = next()
    command = body.get("command")
    team_id = context.team_id or context.enterprise_id
    if not command or not context.user_id or not team_id:
        return response
    runner = context.get("listener_runner")
    executor = getattr(runner, "listener_executor", None)
    if executor is None:
        return response
    settings: Settings = context["settings"]
    quiet = command == settings.command_multiplier and (
        (body.get("text") or "").strip().split(" ")[0].lower() in _CHECKIN_WORDS
    )
    executor.submit(
        _welcome, context["database"], settings, client, team_id, context.user_id, quiet=quiet
    )
    return response


def _welcome(
    database: Database,
    settings: Settings,
    client: WebClient,
    team_id: str,
    slack_user_id: str,
    *,
    quiet: bool,
) -> None:
    try:
        with database.session() as session:
            user = workspaces.ensure_user(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            if user.welcomed_at is not None:
                return
            first = service.mark_welcomed(session=session, user=user, now=utcnow())
            if not first or quiet or user.checkins_enabled:
                return
        client.chat_postMessage(
            channel=slack_user_id,
            **welcome_message(multiplier_command=settings.command_multiplier),
        )
    except Exception:  # a background task: nobody else would log it
        logger.exception("welcome failed", extra={"team_id": team_id, "user_id": slack_user_id})


def with_home_welcome(view: dict[str, Any], context: BoltContext, user: User) -> dict[str, Any]:
    """The Home view with the welcome on top while the user's check-ins are off."""
    if user.checkins_enabled:
        return view
    first = service.mark_welcomed(session=db(context), user=user, now=utcnow())
    db(context).commit()
    blocks = welcome_blocks(multiplier_command=command_names(context).multiplier, first_time=first)
    return {**view, "blocks": fit([*blocks, *view.get("blocks", [])], VIEW_BLOCK_LIMIT)}
