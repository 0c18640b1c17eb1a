"""`/multiplier summary [last | on | off]`: the summary now, and the weekly DM switch."""

from __future__ import annotations

from bot import clock
from bot.listeners.commands.subcommands import Subcommand, SubcommandRequest
from bot.listeners.support import coaching_library, command_names, current_user, db, settings
from bot.summaries import flows
from bot.timetext import weekday_name
from bot.ui import messages
from bot.ui import summary as summary_ui


def show_summary(request: SubcommandRequest) -> None:
    """This week so far (or `last` week); `on`/`off` switch the weekly summary DM."""
    names = command_names(request.context)
    word = request.args.strip().lower()
    if word not in ("", "now", "this", "last", "on", "off"):
        request.reply(
            messages.usage_error(
                f"Usage: `{names.multiplier} summary` (this week so far), "
                f"`{names.multiplier} summary last` (the week that ended), "
                f"`{names.multiplier} summary off` / `on` (the weekly DM).",
                request.typed,
                names,
            )
        )
        return
    session = db(request.context)
    user = current_user(request.context)
    config = settings(request.context)
    if word in ("on", "off"):
        flows.set_weekly_summary(session=session, user=user, enabled=word == "on")
        when = f"{weekday_name(config.summary_weekday)}s {config.summary_time}"
        request.respond(**summary_ui.summary_setting_changed(word == "on", names.multiplier, when))
        return
    library = coaching_library(request.context)
    summary = flows.summary_now(
        session=session,
        user=user,
        library=library,
        now=clock.now(),
        last=word == "last",
        default_calendar=config.holiday_calendar,
    )
    request.respond(
        **summary_ui.summary_now_response(summary, library, multiplier_command=names.multiplier)
    )


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("summary", show_summary, aliases=("week", "stats")),)
