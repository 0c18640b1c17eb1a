"""The welcome: with someone's first command, and on the Home tab while check-ins are off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse, Respond

from bot.checkins import service
from bot.config import Settings
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.listeners import Registrar
from bot.ui.blocks import MESSAGE_BLOCK_LIMIT, divider, fit, section
from bot.ui.text import truncate
from bot.ui.welcome import welcome_blocks
from bot.workspaces import service as workspaces

# /multiplier subcommands that already deal with check-ins: welcomed, without the pitch.
_CHECKIN_WORDS = {"checkins", "checkin", "check-ins", "settings", "preferences", "prefs"}


def register(registrar: Registrar) -> None:
    registrar.app.use(welcome_on_first_command)


def welcome_on_first_command(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """On someone's first slash command, add the welcome to that command's own reply.

    The welcome rides on the first ephemeral `respond()` of the command (no extra message,
    so nothing else the command sends is disturbed). Deciding costs one indexed query
    before the ack, like the event de-duplication.
    """
    command = body.get("command")
    team_id = context.team_id or context.enterprise_id
    if command and context.user_id and team_id and context.respond is not None:
        settings: Settings = context["settings"]
        words = (body.get("text") or "").strip().split(" ")
        about_checkins = command == settings.command_multiplier and words[0].lower() in (
            _CHECKIN_WORDS
        )
        if _first_command(context["database"], team_id, context.user_id) and not about_checkins:
            blocks = welcome_blocks(multiplier_command=settings.command_multiplier)
            context["respond"] = _WithWelcome(context.respond, blocks)
    return next()


def _first_command(database: Database, team_id: str, slack_user_id: str) -> bool:
    """Record the welcome; True when it should be shown (first time, check-ins off)."""
    with database.session() as session:
        user = workspaces.ensure_user(session=session, team_id=team_id, slack_user_id=slack_user_id)
        if user.welcomed_at is not None:
            return False
        return service.mark_welcomed(session=session, user=user, now=utcnow()) and not (
            user.checkins_enabled
        )


class _WithWelcome:
    """A `respond` that appends the welcome to the first ephemeral reply it sends."""

    def __init__(self, respond: Respond, blocks: list[dict[str, Any]]) -> None:
        self._respond = respond
        self._blocks = blocks
        self._done = False
        self.response_url = getattr(respond, "response_url", None)

    def __call__(self, text: str | None = None, blocks: list | None = None, **kwargs: Any):
        ephemeral = kwargs.get("response_type", "ephemeral") == "ephemeral"
        replacing = kwargs.get("replace_original") or kwargs.get("delete_original")
        if not self._done and ephemeral and not replacing:
            self._done = True
            # Our own reply's text is already mrkdwn: shown as it would have been without blocks.
            own = list(blocks) if blocks else ([section(truncate(text, 3000))] if text else [])
            blocks = fit([*own, divider(), *self._blocks], MESSAGE_BLOCK_LIMIT)
        return self._respond(text=text, blocks=blocks, **kwargs)
