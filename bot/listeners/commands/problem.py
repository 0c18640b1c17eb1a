"""`/multiplier problem [<what you are taking on> | done <step> | undo <step> | clear]`: the
one staff-shaped problem you are taking on (issue 17 item 3), private to you."""

from __future__ import annotations

from bot import clock
from bot.coaching.staff_problem import CHOOSE_TEXT
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.problems import flows
from bot.summaries.periods import zone
from bot.ui import problems as ui

_SHOW = ("", "show", "list")


def problem(request: SubcommandRequest) -> None:
    """No argument (or `show`) shows it; `done`/`undo <step>` ticks; `clear` closes it; any
    other text names it (replacing the open one). The text is kept as Slack sent it."""
    context = request.context
    names = command_names(context)
    library = coaching_library(context)
    user = current_user(context)
    session = db(context)
    tz = zone(user.tz)
    first, _, rest = request.args.partition(" ")
    word = first.lower()
    try:
        if word in _SHOW and not rest:
            shown = flows.show(session=session, user=user, library=library)
            choose = library.problem_text(CHOOSE_TEXT)
            request.respond(**ui.reply(shown, choose, tz, names))
        elif word == "clear" and not rest:
            request.respond(
                **ui.cleared_reply(flows.clear(session=session, user=user, now=clock.now()))
            )
        elif word in ("done", "undo"):
            if word == "done":
                ticked = flows.tick(
                    session=session, user=user, library=library, word=rest, now=clock.now()
                )
                request.respond(**ui.ticked_reply(ticked.step, ticked.newly, ticked.shown, tz))
            else:
                ticked = flows.untick(session=session, user=user, library=library, word=rest)
                request.respond(**ui.unticked_reply(ticked.step, ticked.newly))
        else:
            try:
                named = flows.name(
                    session=session, user=user, library=library, text=request.args, now=clock.now()
                )
            except flows.ProblemError as error:  # the typed name is given back whole
                request.reply(ui.refused_name(str(error), request.args))
                return
            request.respond(**ui.named_reply(named.shown, named.replaced, tz))
    except flows.UnknownStep:
        request.respond(**ui.unknown_step_reply(library.problem_steps, names))
    except flows.ProblemError as error:
        request.respond(**ui.problem_reply(str(error)))


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("problem", problem, aliases=("problems",)),)
