"""One worker replica for `checkins_fanout.py`: start up as the worker does, report ready,
then run the check-ins job at the moment the bench makes them due.

    python bench/fanout_replica.py READY_FILE GO_FILE NOW_ISO [USERS]

In production a worker has been running for hours before a scheduled fan-out: its modules
are imported, the coaching library loaded and checked, its database pool and Slack client
warm from earlier idle ticks. This process does the same start-up as `python -m bot jobs run`
(settings, logging, `_job_context`: the coaching library and the database), then one idle
run of the check-ins job a minute before `NOW_ISO` (nothing is due yet: the idle tick a
running worker had), then writes READY_FILE. It waits for GO_FILE, which holds the wall-clock
instant (Unix seconds) at which the check-ins become due, sleeps until then, and runs the
check-ins job for `NOW_ISO` to the end, exactly as `jobs run checkins --now NOW_ISO` does
(no per-run budget). Its exit code and output are `jobs run`'s.

With USERS (`checkins_fanout.py --ticks`) it runs as the worker does instead: a tick at the
due instant and one every minute after it, each running the check-ins job with the worker's
per-tick budget (`JobContext.budget`: the rest of the tick's minute, see
bot/scheduling/worker.py), until USERS check-ins are sent.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.__main__ import EXIT_UNFINISHED, _job_context
from bot.config import get_settings
from bot.db.models import CheckIn
from bot.delivery.status import CheckInStatus
from bot.logs import configure_logging
from bot.scheduling import worker
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext


def main() -> int:
    ready, go, now_text = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    users = int(sys.argv[4]) if len(sys.argv) > 4 else None
    now = datetime.fromisoformat(now_text)
    settings = get_settings()
    configure_logging(settings.log_level)
    ctx = _job_context(settings, "cli" if users is None else worker.worker_id())
    idle = run_job("checkins", ctx, now - timedelta(minutes=1))
    ready.write_text(f"{time.time()} {idle.summary}\n")
    while not go.exists():
        time.sleep(0.01)
    due = float(go.read_text())
    time.sleep(max(0.0, due - time.time()))
    if users is not None:
        return ticks(ctx, now, due, users)
    result = run_job("checkins", ctx, now)
    print(f"{result.name} at {now.isoformat()}: {result.summary}")
    return EXIT_UNFINISHED if result.unfinished else 0


def ticks(ctx: JobContext, now: datetime, due: float, users: int) -> int:
    """The worker's ticks from the due instant (taken as the minute's start) until `users`
    check-ins are sent: each tick's run gets what the worker's tick gives it."""
    minute = 0
    while True:
        start = due + minute * worker.TICK_SECONDS
        time.sleep(max(0.0, start - time.time()))
        # As worker.tick does at :00 of a minute (`start` plays the top of the minute).
        started_at = time.monotonic() - (time.time() - start)
        ctx.tick_ends = worker.tick_ends(0.0, started_at)
        result = run_job("checkins", ctx, now + timedelta(minutes=minute))
        print(f"tick {minute}: {result.summary}")
        with ctx.database.read_session() as session:
            sent = session.scalar(
                select(func.count())
                .select_from(CheckIn)
                .where(CheckIn.status == CheckInStatus.SENT)
            )
        if (sent or 0) >= users:
            return 0
        minute += 1


if __name__ == "__main__":
    sys.exit(main())
