"""`/multiplier sponsor`: your latest sponsor note (private to you) and a button to update it."""

from __future__ import annotations

from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, current_user, db
from bot.sponsors import flows
from bot.sponsors.texts import texts
from bot.ui import sponsor as ui


def show_sponsor(request: SubcommandRequest) -> None:
    """Show the latest note with an Update button (which opens the modal)."""
    note = flows.current(session=db(request.context), user=current_user(request.context))
    request.respond(**ui.sponsor_reply(note, texts(coaching_library(request.context))))


SUBCOMMANDS = (Subcommand("sponsor", show_sponsor, aliases=("sponsors",)),)
