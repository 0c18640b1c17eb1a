"""The monthly sponsor-thread job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import SponsorPost
from bot.scheduling.jobs import JobContext, JobSpec
from bot.sponsors.monthly import MONTHLY, send_sponsor_dms


def next_sponsor_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a month's sponsor DM can follow a sent check-in (a queued one: now)."""
    return MONTHLY.next_due(ctx, after, waiting=SponsorPost.status.in_(("pending", "claimed")))


JOBS = (
    JobSpec.sending(
        "sponsor-dms",
        "Once a month, with the first check-in (one periodic DM a check-in, this one first): "
        "the private sponsor thread DM.",
        send_sponsor_dms,
        budget_seconds=30,
    ),
)
