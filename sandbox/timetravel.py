"""Moving the sandbox clock forward and running every job that falls due, in order.

The worker runs every job at every minute. Doing that across a week (10,080 minutes) would
take minutes, so the fast-forward visits only the minutes where a job could have work:

- a job with a hint in sandbox/hints.py runs exactly at the instants the hint names;
- any other job runs on a grid: every minute on short jumps (up to three hours), every
  quarter hour on longer ones — every time zone is a whole number of quarter hours from UTC,
  so a slot at a quarter hour of local time is still hit exactly — and at the final minute.

Every job also runs at the first minute of a jump, as a worker's first tick would. At each
visited minute the app's clock is set to that minute before the due jobs run, so whatever
they store and send carries the time it would have in production.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot import clock
from bot.scheduling.catalog import JOBS
from bot.scheduling.jobs import JobContext, JobSpec
from sandbox.hints import NEXT_DUE
from sandbox.workspace import ceil_minute, minute

logger = logging.getLogger(__name__)

FINE_GRID_SPAN = timedelta(hours=3)
FINE_STEP = timedelta(minutes=1)
COARSE_STEP = timedelta(minutes=15)
MAX_JUMP = timedelta(days=400)


@dataclass(frozen=True)
class JobRun:
    """One job run at one instant: its summary, or the error it raised."""

    job: str
    at: datetime
    summary: str
    failed: bool = False


@dataclass
class Journey:
    """What a fast-forward did."""

    start: datetime
    end: datetime
    instants: int = 0
    runs: list[JobRun] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> list[JobRun]:
        return [run for run in self.runs if run.failed]

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for run in self.runs:
            counted[run.job] = counted.get(run.job, 0) + 1
        return counted


def _next_grid(after: datetime, step: timedelta) -> datetime:
    """The first grid point strictly after `after` (grid anchored at the Unix epoch, UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    steps = (minute(after) - epoch) // step + 1
    return epoch + steps * step


def _next_for(
    spec: JobSpec,
    ctx: JobContext,
    after: datetime,
    end: datetime,
    step: timedelta,
    *,
    hints: bool = True,
) -> datetime | None:
    """The next minute after `after` (and at most `end`) when `spec` should run, or None."""
    next_due = NEXT_DUE.get(spec.name) if hints else None
    if next_due is not None:
        try:
            hint = next_due(ctx, after)
        except Exception:
            logger.exception(
                "next_due hint failed; falling back to the grid", extra={"job": spec.name}
            )
        else:
            if hint is None:
                return None
            due = max(ceil_minute(hint), after + FINE_STEP)
            return due if due <= end else None
    if after >= end:
        return None
    return min(_next_grid(after, step), end)


def fast_forward(
    ctx: JobContext,
    *,
    since: datetime,
    until: datetime,
    on_instant: Callable[[datetime, list[JobRun]], None] = lambda _at, _runs: None,
    every_minute: bool = False,
) -> Journey:
    """Run every job due in (since, until], minute by minute in order; leave the clock at `until`.

    Every job runs at the first minute, as a worker's first tick would: whatever people did
    since the last jump (turned something on within a grace window) is picked up at once.
    After that, hints and the grid decide (see the module docstring); `every_minute` ignores
    them and runs every job at every minute, as the worker does (slow: for comparisons).
    `on_instant` is called after each visited minute with what ran there, so the caller can
    show what arrived while the clock stood at that minute.
    """
    started = time.monotonic()
    start, end = minute(since), minute(until)
    journey = Journey(start=start, end=end)
    fine = every_minute or end - start <= FINE_GRID_SPAN
    step = FINE_STEP if fine else COARSE_STEP
    cursor = start
    while True:
        due: dict[str, datetime] = {}
        for spec in JOBS.values():
            if cursor == start:
                at: datetime | None = start + FINE_STEP if start < end else None
            else:
                at = _next_for(spec, ctx, cursor, end, step, hints=not every_minute)
            if at is not None:
                due[spec.name] = at
        if not due:
            break
        instant = min(due.values())
        clock.shift(instant - clock.now())
        runs = []
        for spec in JOBS.values():
            if due.get(spec.name) != instant:
                continue
            try:
                result = spec.run(ctx, instant)
                runs.append(JobRun(spec.name, instant, result.summary))
            except Exception as error:
                logger.exception("job failed", extra={"job": spec.name})
                runs.append(JobRun(spec.name, instant, f"{type(error).__name__}: {error}", True))
        journey.instants += 1
        journey.runs.extend(runs)
        on_instant(instant, runs)
        cursor = instant
    if until > clock.now():
        clock.shift(until - clock.now())
    journey.seconds = time.monotonic() - started
    return journey
