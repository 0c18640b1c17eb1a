"""The worker process: APScheduler ticks once a minute and runs every job for that instant.

APScheduler keeps its jobs in memory, one scheduler per replica: exactly-once delivery comes
from unique delivery rows and row claims in the database, not from a shared job store.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import UTC, datetime
from threading import Event

from bot import clock
from bot.scheduling.catalog import run_all_due
from bot.scheduling.jobs import JobContext

logger = logging.getLogger(__name__)

TICK_SECONDS = 60
# A tick's last seconds, left for the jobs after a run that sent through its minute.
TICK_RESERVE_SECONDS = 2


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def tick_ends(wall_seconds: float, monotonic: float) -> float:
    """The monotonic instant by which this minute's tick should stop sending, given the real
    time it started (a tick that starts late gets what is left of its minute)."""
    into_minute = wall_seconds % TICK_SECONDS
    return monotonic + max(0.0, TICK_SECONDS - TICK_RESERVE_SECONDS - into_minute)


def tick(ctx: JobContext, now: datetime | None = None, stop: Event | None = None) -> None:
    """Run every job for the current minute (no new job starts once `stop` is set)."""
    ctx.tick_ends = tick_ends(time.time(), time.monotonic())
    instant = (now or clock.now()).replace(second=0, microsecond=0)
    for result in run_all_due(ctx, instant, stop=stop):
        logger.info("%s: %s", result.name, result.summary)


def run_worker(ctx: JobContext, stop: Event) -> None:
    """Tick every minute on the minute until `stop` is set (SIGTERM) or Ctrl-C; then finish
    the job in hand and exit.

    Stopping is a flag, never an exception raised into whatever code happens to run: a job
    cut at an arbitrary line could leave a lock held or a transaction half done.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    from bot.home.service import start_home_refresher, uninstall_refresher

    # Work done here changes people's data: their Homes are republished from here too.
    home_refresher = start_home_refresher(ctx)

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        CronTrigger(second=0, timezone=UTC),
        args=[ctx, None, stop],
        id="tick",
        max_instances=1,
        coalesce=True,
        # A tick that starts late still runs: missed slots are caught up by the jobs themselves.
        misfire_grace_time=TICK_SECONDS,
    )
    try:
        logger.info("worker %s started; ticking every minute", ctx.worker_id)
        tick(ctx, stop=stop)
        if not stop.is_set():
            scheduler.start()
            stop.wait()
    except KeyboardInterrupt:
        stop.set()
    finally:
        logger.info("worker stopping")
        if scheduler.running:
            scheduler.shutdown(wait=True)  # the tick in hand stops after its current job
        home_refresher.close()
        uninstall_refresher(ctx.database, home_refresher)
