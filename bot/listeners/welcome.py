"""The welcome: with someone's first command, and on the Home tab while check-ins are off."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse, Respond
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.checkins import service
from bot.config import Settings
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import User, Workspace
from bot.listeners import Registrar
from bot.middleware import PlainMiddleware
from bot.ui.welcome import with_welcome
from bot.workspaces import service as workspaces

logger = logging.getLogger(__name__)

# /multiplier subcommands that already deal with check-ins: welcomed, without the pitch.
_CHECKIN_WORDS = {"checkins", "checkin", "check-ins", "settings", "preferences", "prefs"}


def register(registrar: Registrar) -> None:
    registrar.app.use(PlainMiddleware(welcome_on_first_command))


def welcome_on_first_command(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """On someone's first slash command, add the welcome to that command's own reply.

    The welcome rides on the first ephemeral `respond()` of the command (no extra message,
    so nothing else the command sends is disturbed); a `/brag` whose storing is queued gets
    it from bot/evidence/queued.py instead. Nothing is looked up before the ack:
    the check happens in the listener, when it answers, with a read that never waits for
    SQLite's write lock; the welcome is recorded afterwards in the background.
    """
    command = body.get("command")
    team_id = context.team_id or context.enterprise_id
    runner = context.get("listener_runner")
    executor = getattr(runner, "listener_executor", None)
    user_id = context.user_id
    if command and user_id and team_id and context.respond is not None and executor:
        settings: Settings = context["settings"]
        words = (body.get("text") or "").strip().split(" ")
        about_checkins = command == settings.command_multiplier and words[0].lower() in (
            _CHECKIN_WORDS
        )
        if not about_checkins:
            context["respond"] = _WithWelcome(
                context.respond,
                settings.command_multiplier,
                lambda: _needs_welcome(context["database"], team_id, user_id),
                lambda: executor.submit(_record, context["database"], team_id, user_id),
            )
    return next()


def _needs_welcome(database: Database, team_id: str, slack_user_id: str) -> bool:
    """True for someone never welcomed whose check-ins are off (a read; no lock taken).

    The welcome is a nicety: if the database cannot answer, the command goes ahead without
    it (and reports the outage itself).
    """
    try:
        with database.read_session() as session:
            user = session.scalars(
                select(User)
                .join(Workspace, Workspace.id == User.workspace_id)
                .where(Workspace.team_id == team_id, User.slack_user_id == slack_user_id)
            ).one_or_none()
            return user is None or (user.welcomed_at is None and not user.checkins_enabled)
    except SQLAlchemyError:
        logger.warning("welcome skipped: database unavailable", exc_info=True)
        return False


def _record(database: Database, team_id: str, slack_user_id: str) -> None:
    """Remember the welcome was shown (in the background: it may wait for the write lock)."""
    try:
        with database.session() as session:
            user = workspaces.ensure_user(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            service.mark_welcomed(session=session, user=user, now=utcnow())
    except SQLAlchemyError:
        logger.warning("could not record the welcome", exc_info=True)


class _WithWelcome:
    """A `respond` that appends the welcome to the first ephemeral reply it sends."""

    def __init__(
        self,
        respond: Respond,
        multiplier_command: str,
        needed: Callable[[], bool],
        record: Callable[[], Any],
    ) -> None:
        self._respond = respond
        self._multiplier = multiplier_command
        self._needed = needed
        self._record = record
        self._done = False
        self.response_url = getattr(respond, "response_url", None)

    # Bolt's own default for text is "" (None is refused there).
    def __call__(self, text: str = "", blocks: list | None = None, **kwargs: Any):
        ephemeral = kwargs.get("response_type", "ephemeral") == "ephemeral"
        replacing = kwargs.get("replace_original") or kwargs.get("delete_original")
        welcome = False
        if not self._done and ephemeral and not replacing:
            self._done = True
            welcome = self._needed()
        if welcome:
            blocks = with_welcome(text, blocks, multiplier_command=self._multiplier)
        response = self._respond(text=text, blocks=blocks, **kwargs)
        if welcome:
            self._record()
        return response
