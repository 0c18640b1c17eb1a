"""`/multiplier quote`: your quote requests (private to you) and the button to ask a peer."""

from __future__ import annotations

from bot import clock
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, current_user, db
from bot.quotes import flows
from bot.quotes.texts import texts
from bot.ui import quotes as ui


def show_quotes(request: SubcommandRequest) -> None:
    requests = flows.requests_of(session=db(request.context), user=current_user(request.context))
    words = texts(coaching_library(request.context))
    request.respond(**ui.quote_reply(requests, words, clock.now()))


SUBCOMMANDS = (Subcommand("quote", show_quotes, aliases=("quotes",)),)
