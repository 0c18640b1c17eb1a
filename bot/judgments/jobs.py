"""The judgment follow-up job the worker runs every minute (and `jobs run` runs once)."""

from __future__ import annotations

from datetime import datetime

from bot.judgments.followups import next_followup_due, send_followups
from bot.scheduling.jobs import JobContext, JobResult, JobSpec

RUN_BUDGET_SECONDS = 45


def run_judgment_followups(ctx: JobContext, now: datetime) -> JobResult:
    report = send_followups(**ctx.delivery(now, ctx.budget(RUN_BUDGET_SECONDS)))
    return JobResult("judgment-followups", report.summary())


def next_judgment_followup_due(ctx: JobContext, after: datetime) -> datetime | None:
    return next_followup_due(ctx.database, after)


JOBS = (
    JobSpec(
        "judgment-followups",
        "Ask once, 3 to 6 months on, how a judgment call turned out.",
        run_judgment_followups,
    ),
)
