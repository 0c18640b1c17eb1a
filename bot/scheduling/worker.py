"""The worker process: APScheduler ticks once a minute and runs every job for that instant;
beside it, threads do the work requests queued for after their ack (bot/workqueue).

APScheduler keeps its jobs in memory, one scheduler per replica: exactly-once delivery comes
from unique delivery rows and row claims in the database, not from a shared job store.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from bot import clock
from bot.scheduling.jobs import JobContext, run_all_due

logger = logging.getLogger(__name__)

TICK_SECONDS = 60


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def tick(ctx: JobContext, now: datetime | None = None) -> None:
    """Run every job for the current minute."""
    instant = (now or clock.now()).replace(second=0, microsecond=0)
    for result in run_all_due(ctx, instant):
        logger.info("%s: %s", result.name, result.summary)


def run_worker(ctx: JobContext) -> None:
    """Block, ticking every minute on the minute and draining the work queue, until
    interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    from bot.home.service import start_home_refresher, uninstall_refresher
    from bot.workqueue.runner import QueueRunner

    # Work done here changes people's data: their Homes are republished from here too.
    home_refresher = start_home_refresher(ctx)
    queue_runner = QueueRunner(ctx, threads=ctx.settings.work_queue_threads).start()

    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        CronTrigger(second=0, timezone=UTC),
        args=[ctx],
        id="tick",
        max_instances=1,
        coalesce=True,
        # A tick that starts late still runs: missed slots are caught up by the jobs themselves.
        misfire_grace_time=TICK_SECONDS,
    )
    try:
        logger.info("worker %s started; ticking every minute", ctx.worker_id)
        tick(ctx)
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("worker stopping")
    finally:
        queue_runner.close()
        home_refresher.close()
        uninstall_refresher(ctx.database.engine, home_refresher)
