"""`/multiplier bets`: your judgment calls, when each is followed up, and the verdicts."""

from __future__ import annotations

from bot.checkins.schedule import Preferences
from bot.db.base import utcnow
from bot.judgments import flows
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, current_user, db
from bot.ui import judgments as ui


def show_bets(request: SubcommandRequest) -> None:
    """List the calls awaiting a verdict (with the day each is asked about) and the answered."""
    user = current_user(request.context)
    calls = flows.list_calls(
        session=db(request.context),
        user=user,
        now=utcnow(),
        library=coaching_library(request.context),
    )
    request.respond(**ui.bets_reply(calls, Preferences.of(user).zone))


SUBCOMMANDS = (Subcommand("bets", show_bets, aliases=("bet", "judgment", "judgments", "calls")),)
