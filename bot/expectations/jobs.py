"""The monthly expectations-check job (listed in bot/scheduling/catalog.py) and its sandbox
hint (sandbox/hints.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from bot.db.models import Expectation, ExpectationCheck
from bot.expectations.monthly import MONTHLY, ON_ITS_WAY, send_expectation_checks
from bot.scheduling.jobs import JobContext, JobSpec


def next_expectation_checks_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a month's expectations check can follow a sent check-in (a queued
    one: now); none while nobody has expectations to be asked about."""
    waiting = ExpectationCheck.status.in_(ON_ITS_WAY)
    with ctx.database.read_session() as session:
        if not session.scalar(
            select(exists().where(waiting) | exists().where(Expectation.id.is_not(None)))
        ):
            return None  # nobody to ask
    return MONTHLY.next_due(ctx, after, waiting=waiting)


JOBS = (
    JobSpec.sending(
        "expectation-checks",
        "Once a month, with the first check-in the sponsor DM did not ride: whether you and your "
        "manager mapped recent work to your staff expectations.",
        send_expectation_checks,
        budget_seconds=30,
    ),
)
