"""The suggestions job: forget suggestions (their ids) once they are 7 days old."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.plural import plural
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from bot.suggestions import flows


def next_expiry_due(_ctx: JobContext, after: datetime) -> datetime:
    """Forgetting once a day is as good as every minute: an expired suggestion can no
    longer be logged whether or not its row is gone."""
    return after.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def expire_suggestions(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        removed = flows.forget_expired(session=session, now=now)
    return JobResult("expire-suggestions", f"forgot {plural(removed, 'thanks suggestion')}")


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "expire-suggestions",
        "Forget thanks suggestions 7 days old (open ones can no longer be logged).",
        expire_suggestions,
    ),
)
