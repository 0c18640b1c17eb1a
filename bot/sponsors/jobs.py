"""The monthly sponsor-thread job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from bot.coaching.library import default_library
from bot.db.models import SponsorPost
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from bot.sponsors.monthly import MONTHLY, send_sponsor_dms

RUN_BUDGET_SECONDS = 30


def run_sponsor_dms(ctx: JobContext, now: datetime) -> JobResult:
    tally = send_sponsor_dms(
        library=default_library(ctx.settings.prompts_dir),
        **ctx.delivery(now, ctx.budget(RUN_BUDGET_SECONDS)),
    )
    return JobResult("sponsor-dms", f"sent {tally.sent}, failed {tally.failed}")


def next_sponsor_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a month's sponsor DM can follow a sent check-in (a queued one: now)."""
    return MONTHLY.next_due(ctx, after, waiting=SponsorPost.status.in_(("pending", "claimed")))


JOBS = (
    JobSpec(
        "sponsor-dms",
        "Once a month, with the first check-in (one periodic DM a check-in, this one first): "
        "the private sponsor thread DM.",
        run_sponsor_dms,
    ),
)
