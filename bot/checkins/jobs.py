"""The check-in jobs the worker runs every minute (and `python -m bot jobs run` runs once)."""

from __future__ import annotations

from datetime import datetime

from bot.checkins.dispatch import Dispatcher
from bot.checkins.reminders import send_reminders
from bot.coaching.library import default_library
from bot.delivery.messages import token_source
from bot.plural import plural
from bot.scheduling.jobs import JobContext, JobResult, JobSpec

RUN_BUDGET_SECONDS = 45


def run_checkins(ctx: JobContext, now: datetime) -> JobResult:
    dispatcher = Dispatcher(
        database=ctx.database,
        settings=ctx.settings,
        library=default_library(ctx.settings.prompts_dir),
        token_for=token_source(ctx.client_for),
        worker_id=ctx.worker_id,
    )
    report = dispatcher.run(now, budget_seconds=ctx.budget(RUN_BUDGET_SECONDS))
    unfinished = None
    if report.unsent:
        hours = ctx.settings.checkin_grace_hours
        unfinished = (
            f"{plural(report.unsent, 'check-in')} due but not sent: Slack kept "
            "refusing (rate limited or failing; the log says which). Nothing was lost and "
            "nothing is sent twice: run `{again}` again once Slack answers, or leave them to "
            f"the worker, which sends them in its next runs while they are within "
            f"CHECKIN_GRACE_HOURS ({hours} h) of their slot."
        )
    return JobResult("checkins", report.summary(), unfinished=unfinished)


def run_checkin_reminders(ctx: JobContext, now: datetime) -> JobResult:
    report = send_reminders(**ctx.delivery(now, ctx.budget(RUN_BUDGET_SECONDS)))
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
