"""A workspace's send budget shared by every worker replica on one PostgreSQL database.

Slack's limit on `chat.postMessage` is per workspace, not per process, so N worker replicas
each pacing at the configured rate would together ask for N times the limit and lean on 429s.
On PostgreSQL the pacing schedule lives in one row per (workspace, rate-limit class),
`send_budgets`: the same GCRA ("virtual scheduling" token bucket) as the in-process
RateLimiter, but each slot is taken by one atomic statement,

    INSERT … ON CONFLICT (workspace, bucket) DO UPDATE
        SET next_at = GREATEST(next_at, now - catch-up, paused_until, not_before) + interval
    RETURNING next_at - interval          -- the slot this caller may send at

committed at once (autocommit), so no connection is held while the caller waits for its
slot or calls the Web API (README, Operations). The row lock lasts one statement (a few
milliseconds); every replica's slots come from the same schedule, so their sum keeps to the
configured rate. A 429 moves the shared schedule past its Retry-After: every replica pauses,
not just the one that was told. Each process takes its slots on one connection of its own,
its sending threads taking turns (at 50 messages/s a statement every 20 ms).

Times are wall-clock epoch seconds (`clock`, default time.time), since replicas on different
machines share no monotonic clock. A replica whose clock is off by s sends up to s early or
late against the others, so a window may hold s' worth of extra messages: NTP keeps dynos
within milliseconds of each other, small beside the 0.5 s catch-up allowance that the pace's
margin under Slack's limit already covers. The per-channel
spacing (one message per DM per second) stays per process: a DM's messages are claimed by
one replica at a time.

If the database cannot be reached for a slot, the process falls back to its own pacer for that
send and logs it; delivery needs the database for its claims anyway.

SQLite has one writer and one worker process, so the in-process RateLimiter is the budget
there (bot/delivery/sender.py picks).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import Engine, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError

from bot.db.engine import create_database_engine
from bot.db.models import SendBudget

__all__ = ["BUCKET", "Pacing", "SharedBudget", "shared_budget"]

logger = logging.getLogger(__name__)

# The rate-limit class every paced send draws on: chat.postMessage's workspace limit.
BUCKET = "chat.postMessage"
# How far the shared schedule may fall behind and then catch up in a burst, in seconds (the
# in-process pacer's CATCH_UP_SECONDS).
CATCH_UP_SECONDS = 0.5
# The budget's own pool: one connection, each slot one statement on it, the process's
# sending threads taking turns (a thread lock, so none times out waiting for the pool).
POOL_SIZE = 1


class ChannelGaps(dict[tuple[str, str], float]):
    """When each (workspace, channel) is next free to post in (about one message a second);
    `prune` drops what is long past now and then, so a year of DMs does not pile up."""

    def __init__(self) -> None:
        super().__init__()
        self._last_prune = 0.0

    def prune(self, now: float) -> None:
        if now - self._last_prune < 10 or len(self) < 1000:
            return
        self._last_prune = now
        for key in [k for k, free_at in self.items() if free_at < now]:
            del self[key]


class Pacing(Protocol):
    """What Sender needs from a budget: wait for a slot, and pause a workspace."""

    def acquire(self, key: str, channel: str | None = None) -> None: ...

    def pause(self, key: str, seconds: float) -> None: ...


class SharedBudget:
    """Workspace pacing in PostgreSQL, shared by every process; channel spacing per process."""

    def __init__(
        self,
        engine: Engine,
        *,
        per_minute: float,
        channel_per_second: float,
        fallback: Pacing,
        bucket: str = BUCKET,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Each slot is one statement: autocommit spares the BEGIN and COMMIT round trips.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.interval = 60.0 / per_minute
        self.channel_gap = 1.0 / channel_per_second
        self.bucket = bucket
        self.fallback = fallback
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # The process's threads take slots one at a time (about a millisecond each), on one
        # connection: a busy moment queues them here rather than timing out on the pool.
        self._statement_lock = threading.Lock()
        self._channels = ChannelGaps()

    def acquire(self, key: str, channel: str | None = None) -> None:
        """Wait for this workspace's (and channel's) next free slot, then take it."""
        try:
            start = self.reserve(key, channel)
        except SQLAlchemyError as error:
            logger.warning(
                "shared send budget unavailable, pacing in this process: %s",
                type(error).__name__,
                extra={"workspace": key},
            )
            self.fallback.acquire(key, channel)
            return
        wait = start - self._clock()
        if wait > 0:
            self._sleep(wait)

    def reserve(self, key: str, channel: str | None = None) -> float:
        """Take the workspace's next slot on the shared schedule, no earlier than the
        channel's next free second; the slot's time (epoch seconds). Waits for nothing."""
        now = self._clock()
        not_before = 0.0
        if channel is not None:
            with self._lock:
                not_before = self._channels.get((key, channel), 0.0)
                # Hold the channel while the slot is taken, so a second thread sending to it
                # at once queues behind this send.
                self._channels[(key, channel)] = max(not_before, now) + self.channel_gap
        start = self._take_slot(key, now=now, not_before=not_before)
        if channel is not None:
            with self._lock:
                free_at = max(start, now) + self.channel_gap
                held = self._channels.get((key, channel), 0.0)  # pruned meanwhile: 0
                self._channels[(key, channel)] = max(held, free_at)
                self._channels.prune(now)
        return start

    def pause(self, key: str, seconds: float) -> None:
        """Send nothing more to this workspace for `seconds`, from any replica."""
        until = self._clock() + seconds
        statement = insert(SendBudget).values(
            workspace=key, bucket=self.bucket, next_at=until, paused_until=until
        )
        statement = statement.on_conflict_do_update(
            index_elements=[SendBudget.workspace, SendBudget.bucket],
            set_={
                "paused_until": func.greatest(SendBudget.paused_until, until),
                "next_at": func.greatest(SendBudget.next_at, until),
            },
        )
        try:
            with self._statement_lock, self.engine.connect() as connection:
                connection.execute(statement)
        except SQLAlchemyError as error:
            logger.warning(
                "shared send budget unavailable, pausing this process only: %s",
                type(error).__name__,
                extra={"workspace": key},
            )
            self.fallback.pause(key, seconds)

    def _take_slot(self, key: str, *, now: float, not_before: float) -> float:
        """One statement, committed at once: the slot's time; the schedule moves one interval."""
        first = max(now, not_before)
        fresh = insert(SendBudget).values(
            workspace=key, bucket=self.bucket, next_at=first + self.interval, paused_until=0.0
        )
        statement = fresh.on_conflict_do_update(
            index_elements=[SendBudget.workspace, SendBudget.bucket],
            set_={
                "next_at": func.greatest(
                    SendBudget.next_at,
                    now - CATCH_UP_SECONDS,
                    SendBudget.paused_until,
                    not_before,
                )
                + self.interval
            },
        ).returning(SendBudget.next_at)
        with self._statement_lock, self.engine.connect() as connection:
            next_at = connection.execute(statement).scalar_one()
        return float(next_at) - self.interval


_budgets: dict[tuple[str, float, float], SharedBudget] = {}
_budgets_lock = threading.Lock()


def shared_budget(
    database_url: str, *, per_minute: float, channel_per_second: float, fallback: Pacing
) -> SharedBudget:
    """The process-wide shared budget for this database and these limits, on a pool of its
    own (POOL_SIZE connection, held for one statement at a time)."""
    with _budgets_lock:
        key = (database_url, per_minute, channel_per_second)
        if key not in _budgets:
            engine = create_database_engine(database_url, pool_size=POOL_SIZE, max_overflow=0)
            _budgets[key] = SharedBudget(
                engine,
                per_minute=per_minute,
                channel_per_second=channel_per_second,
                fallback=fallback,
            )
        return _budgets[key]
