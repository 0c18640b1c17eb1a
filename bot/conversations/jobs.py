"""The conversations job: forget processed Slack event ids once they can no longer be retried."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversations import service as conversations
from bot.plural import plural
from bot.scheduling.jobs import JobContext, JobResult, JobSpec


def next_prune_due(_ctx: JobContext, after: datetime) -> datetime:
    """Pruning once a day is as good as every minute: nothing shows the difference."""
    return after.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def prune_events(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        removed = conversations.prune_processed_events(
            session=session, now=now, keep=timedelta(days=ctx.settings.event_retention_days)
        )
    return JobResult("prune-events", f"forgot {plural(removed, 'processed event id')}")


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "prune-events",
        "Forget processed Slack event ids older than EVENT_RETENTION_DAYS.",
        prune_events,
    ),
)
