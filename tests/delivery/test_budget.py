"""The send budget shared by worker replicas on PostgreSQL (bot/delivery/budget.py).

Each "replica" is a SharedBudget on an engine of its own (its own connections), as separate
worker processes would have. Clocks are explicit; slots are read from `reserve`, which takes
a slot without waiting for it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest

from bot.db.engine import Database
from bot.delivery.budget import CATCH_UP_SECONDS, SharedBudget
from bot.delivery.sender import RateLimiter, Sender
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings

PER_MINUTE = 600  # one slot every 0.1 s
INTERVAL = 60 / PER_MINUTE


class SteppingClock:
    """Wall-clock seconds that advance by `step` at every read, shared by threads."""

    def __init__(self, start: float = 1_000_000.0, step: float = 0.0) -> None:
        self.now = start
        self.step = step
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            self.now += self.step
            return self.now


class NoFallback:
    def acquire(self, key: str, channel: str | None = None) -> None:
        raise AssertionError("the shared budget fell back to the process's pacer")

    def pause(self, key: str, seconds: float) -> None:
        raise AssertionError("the shared budget fell back to the process's pacer")


@pytest.fixture
def replicas(database: Database) -> Iterator[list[Database]]:
    """Two engines on the test's PostgreSQL schema (the tests using it are postgres_only)."""
    engines = [Database(database.url), Database(database.url)]
    yield engines
    for engine in engines:
        engine.dispose()


def budget(database: Database, clock: SteppingClock, **limits: float) -> SharedBudget:
    return SharedBudget(
        database.engine,
        per_minute=limits.get("per_minute", PER_MINUTE),
        channel_per_second=limits.get("channel_per_second", 1),
        fallback=NoFallback(),
        clock=clock,
        sleep=lambda seconds: None,
    )


def most_in_any_window(slots: list[float], window: float) -> int:
    ordered = sorted(slots)
    most = first = 0
    for last, slot in enumerate(ordered):
        while slot - ordered[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.mark.postgres_only
def test_two_replicas_sending_at_once_share_one_schedule(replicas: list[Database]) -> None:
    """Two replicas, four threads each, all taking slots as fast as they can: together they
    get one slot per interval, never two closer, and no more than the rate in any window."""
    clock = SteppingClock(step=0.001)  # time runs far slower than slots are asked for
    budgets = [budget(replica, clock) for replica in replicas]
    slots: dict[int, list[float]] = {index: [] for index in range(8)}
    start = threading.Barrier(8)

    def send(index: int) -> None:
        start.wait()
        for number in range(40):
            slots[index].append(budgets[index % 2].reserve("T1", f"U{index}-{number}"))

    threads = [threading.Thread(target=send, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = sorted(slot for taken in slots.values() for slot in taken)
    assert len(every) == 320
    gaps = [later - earlier for earlier, later in itertools.pairwise(every)]
    assert min(gaps) == pytest.approx(INTERVAL, abs=1e-6)
    assert max(gaps) == pytest.approx(INTERVAL, abs=1e-6)
    assert most_in_any_window(every, 9.95) == 100  # 600/min: 100 slots in any 10 s
    assert all(len(taken) == 40 for taken in slots.values())


@pytest.mark.postgres_only
def test_after_an_idle_spell_only_the_catch_up_allowance_bursts(
    replicas: list[Database],
) -> None:
    """A schedule left behind by idle time lets the replicas catch up at most CATCH_UP_SECONDS'
    worth of slots at once, so no minute ever holds more than the rate plus that allowance."""
    clock = SteppingClock(step=0.0)
    first, second = (budget(replica, clock) for replica in replicas)
    slots = []
    for round_start in (0.0, 45.0, 120.0, 121.0):
        clock.now = 1_000_000.0 + round_start
        for number in range(300):
            taken = (first if number % 2 else second).reserve("T1", f"U{number}")
            slots.append(taken)
            clock.now = max(clock.now, taken)  # each replica sends when its slot comes
    allowance = int(CATCH_UP_SECONDS / INTERVAL) + 1
    assert most_in_any_window(slots, 60.0) <= PER_MINUTE + allowance
    assert most_in_any_window(slots, 60.0) > PER_MINUTE - allowance  # the rate is used


@pytest.mark.postgres_only
def test_a_retry_after_on_one_replica_pauses_every_replica(replicas: list[Database]) -> None:
    clock = SteppingClock()
    told, other = (budget(replica, clock) for replica in replicas)
    assert other.reserve("T1", "U1") == clock.now
    told.pause("T1", 30)
    assert other.reserve("T1", "U2") == pytest.approx(clock.now + 30)
    # Another workspace's budget is its own.
    assert other.reserve("T2", "U1") == clock.now


@pytest.mark.postgres_only
def test_one_channel_is_spaced_within_a_replica(replicas: list[Database]) -> None:
    clock = SteppingClock()
    one = budget(replicas[0], clock, per_minute=60_000, channel_per_second=1)
    first = one.reserve("T1", "U1")
    assert one.reserve("T1", "U2") == pytest.approx(first + 0.001)
    assert one.reserve("T1", "U1") == pytest.approx(first + 1.0)


@pytest.mark.postgres_only
def test_acquire_waits_for_the_slot_without_holding_a_connection(
    replicas: list[Database],
) -> None:
    """The slot is committed before the wait: while a replica sleeps for its slot, the pool
    has every connection back."""
    clock = SteppingClock()
    waited: list[float] = []
    checked_out: list[int] = []
    pool = replicas[0].engine.pool

    def sleep(seconds: float) -> None:
        checked_out.append(pool.checkedout())  # type: ignore[attr-defined]
        waited.append(seconds)

    one = SharedBudget(
        replicas[0].engine,
        per_minute=PER_MINUTE,
        channel_per_second=1,
        fallback=NoFallback(),
        clock=clock,
        sleep=sleep,
    )
    for number in range(3):
        one.acquire("T1", f"U{number}")
    assert waited == pytest.approx([INTERVAL, 2 * INTERVAL])
    assert checked_out == [0, 0]


def test_an_unreachable_database_falls_back_to_the_process_pacer() -> None:
    clock = SteppingClock()
    slept: list[float] = []
    local = RateLimiter(per_minute=PER_MINUTE, channel_per_second=1, sleep=slept.append)
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:1/none")
    try:
        one = SharedBudget(
            unreachable.engine,
            per_minute=PER_MINUTE,
            channel_per_second=1,
            fallback=local,
            clock=clock,
        )
        one.acquire("T1", "U1")
        one.pause("T1", 5)
        one.acquire("T1", "U2")
    finally:
        unreachable.dispose()
    assert slept and slept[-1] == pytest.approx(5, abs=0.1)  # the local pause held


def test_senders_pace_on_the_shared_budget_on_postgresql_and_per_process_on_sqlite(
    database: Database, standin: SlackStandIn
) -> None:
    settings = make_settings(standin=standin, database_url=database.url)
    limiter = Sender(settings).limiter
    if database.engine.dialect.name == "postgresql":
        assert isinstance(limiter, SharedBudget)
        assert limiter is Sender(settings).limiter  # one per process
    else:
        assert isinstance(limiter, RateLimiter)
