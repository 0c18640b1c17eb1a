"""The welcome: with someone's first command, and on the Home tab while check-ins are off."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_bolt.kwargs_injection.args import Args

from bot.checkins import flows
from bot.config import Settings
from bot.db.engine import Database
from bot.slack.bolt_compat import Handler, arguments
from bot.ui.welcome import with_welcome

# /multiplier subcommands that already deal with check-ins: welcomed, without the pitch.
_CHECKIN_WORDS = {"checkins", "checkin", "check-ins", "settings", "preferences", "prefs"}


def on_first_command(handler: Handler, settings: Settings) -> Handler:
    """The command's listener, given a `respond` that adds the welcome on someone's first
    slash command.

    The welcome rides on the first ephemeral `respond()` of the command (no extra message,
    so nothing else the command sends is disturbed). The listener runs after the ack, so
    the look-up (a read that never waits for SQLite's write lock) costs the ack nothing; the
    welcome is recorded once the listener is done, in a session of its own.
    """
    names = list(inspect.signature(handler).parameters)

    @functools.wraps(handler)
    def welcomed(args: Args) -> Any:
        given = arguments(args, names)
        respond = _welcoming(args.body, args.context, args.respond, settings)
        if "respond" in given and respond is not None:
            given["respond"] = respond
        try:
            return handler(**given)
        finally:
            if respond is not None and respond.shown:
                # The listener's session may still hold SQLite's write lock: close it first,
                # or the record would wait for this very thread.
                database: Database = args.context["database"]
                database.remove_thread_session()
                respond.record()

    del welcomed.__wrapped__  # Bolt is to pass `args` (see bot.slack.bolt_compat)
    return welcomed


def _welcoming(
    body: dict[str, Any], context: BoltContext, respond: Respond | None, settings: Settings
) -> _WithWelcome | None:
    command = body.get("command")
    team_id = context.team_id or context.enterprise_id
    user_id = context.user_id
    if not (command and user_id and team_id and respond is not None):
        return None
    words = (body.get("text") or "").strip().split(" ")
    if command == settings.command_multiplier and words[0].lower() in _CHECKIN_WORDS:
        return None
    database: Database = context["database"]
    return _WithWelcome(
        respond,
        settings.command_multiplier,
        lambda: flows.needs_welcome(database=database, team_id=team_id, slack_user_id=user_id),
        lambda: flows.record_welcome(database=database, team_id=team_id, slack_user_id=user_id),
    )


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
        self._done = False
        self.shown = False
        self.record = record
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
        self.shown = self.shown or welcome
        return response
