"""Every job the worker ticks and `python -m bot jobs` runs, listed here explicitly and in
run order: importing a feature never registers anything."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from bot.checkins import jobs as checkin_jobs
from bot.conversations import jobs as conversation_jobs
from bot.digests import jobs as digest_jobs
from bot.expectations import jobs as expectation_jobs
from bot.judgments import jobs as judgment_jobs
from bot.quotes import jobs as quote_jobs
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from bot.sponsors import jobs as sponsor_jobs
from bot.stories import jobs as story_jobs
from bot.suggestions import jobs as suggestion_jobs
from bot.summaries import jobs as summary_jobs
from bot.workspaces import jobs as workspace_jobs

logger = logging.getLogger(__name__)

JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        *conversation_jobs.JOBS,
        *checkin_jobs.JOBS,
        *sponsor_jobs.JOBS,
        *expectation_jobs.JOBS,  # after the sponsor DM: the two read in order
        *story_jobs.JOBS,
        *quote_jobs.JOBS,
        *digest_jobs.JOBS,
        *summary_jobs.JOBS,
        *suggestion_jobs.JOBS,
        *judgment_jobs.JOBS,
        *workspace_jobs.JOBS,
    )
}


def run_job(name: str, ctx: JobContext, now: datetime) -> JobResult:
    """Run one job for the instant `now`."""
    return JOBS[name].run(ctx, now)


def run_all_due(
    ctx: JobContext, now: datetime, *, stop: threading.Event | None = None
) -> list[JobResult]:
    """One scheduler tick: every job, in order; one failure does not stop the others.

    Once `stop` is set no further job starts: the jobs left catch up on the next start.
    """
    results = []
    for spec in JOBS.values():
        if stop is not None and stop.is_set():
            break
        try:
            results.append(spec.run(ctx, now))
        except Exception:
            logger.exception("job failed", extra={"job": spec.name})
    return results
