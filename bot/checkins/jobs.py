"""The check-in jobs the worker runs every minute (and `python -m bot jobs run` runs once)."""

from __future__ import annotations

from datetime import datetime

from bot.checkins.dispatch import Dispatcher
from bot.checkins.reminders import send_reminders
from bot.coaching.library import default_library
from bot.scheduling.jobs import JobContext, JobResult, JobSpec

RUN_BUDGET_SECONDS = 45


def _token_for(ctx: JobContext):
    return lambda team_id: ctx.client_for(team_id).token


def run_checkins(ctx: JobContext, now: datetime) -> JobResult:
    dispatcher = Dispatcher(
        database=ctx.database,
        settings=ctx.settings,
        library=default_library(ctx.settings.prompts_dir),
        token_for=_token_for(ctx),
        worker_id=ctx.worker_id,
    )
    # In the worker a run sends for about RUN_BUDGET_SECONDS, then the tick moves on to the
    # other jobs (the rest stays pending for the next minute); `jobs run` runs to the end.
    budget = None if ctx.worker_id == "cli" else RUN_BUDGET_SECONDS
    return JobResult("checkins", dispatcher.run(now, budget_seconds=budget).summary())


def run_checkin_reminders(ctx: JobContext, now: datetime) -> JobResult:
    report = send_reminders(
        database=ctx.database, settings=ctx.settings, token_for=_token_for(ctx), now=now
    )
    return JobResult("checkin-reminders", report.summary())


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "checkins",
        "Send the check-ins that are due: one per user and period, exactly once.",
        run_checkins,
    ),
    JobSpec(
        "checkin-reminders",
        "Remind once about unanswered check-ins, outside quiet hours.",
        run_checkin_reminders,
    ),
)
