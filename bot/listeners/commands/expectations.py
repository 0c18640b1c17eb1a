"""`/multiplier expectations [list | clear]`: your company's staff expectations (issue 17)."""

from __future__ import annotations

from bot import clock
from bot.expectations import flows
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.ui import expectations as ui
from bot.ui import messages


def expectations(request: SubcommandRequest) -> None:
    """No argument opens the modal (pre-filled to edit); `list` shows them; `clear` empties."""
    context = request.context
    names = command_names(context)
    word = request.args.lower()
    user = current_user(context)
    session = db(context)
    if word == "":
        request.client.views_open(
            trigger_id=request.trigger_id,
            view=flows.modal(session=session, user=user, library=coaching_library(context)),
        )
    elif word in ("list", "show"):
        shown = ui.shown(flows.listed(session=session, user=user), command=names.multiplier)
        request.respond(**shown, response_type="ephemeral")
    elif word == "clear":
        removed = flows.clear(session=session, user=user, now=clock.now())
        request.respond(**ui.cleared(removed), response_type="ephemeral")
    else:
        usage = (
            f"Usage: `{names.multiplier} expectations` (enter or edit them), "
            f"`{names.multiplier} expectations list`, `{names.multiplier} expectations clear`."
        )
        request.reply(messages.usage_error(usage, request.typed, names))


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("expectations", expectations, aliases=("ladder",)),)
