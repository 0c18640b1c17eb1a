"""The queue runner sleeps when idle, yet finds work queued by this process at once, work
queued by another process at its next poll (SQLite) or at once (PostgreSQL notifications)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import bot.workqueue.runner as runner_module
from bot.db.engine import Database
from bot.evidence.queued import pending_brag
from bot.scheduling.jobs import JobContext
from bot.workqueue import wakeups
from bot.workqueue.runner import QueueRunner
from bot.workqueue.writer import write_batch
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings
from tests.support.databases import MigratedDatabase
from tests.support.waiting import poll_until

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
IDLE_SECONDS = 2.0


@pytest.fixture
def ctx(database: Database, standin: SlackStandIn) -> JobContext:
    settings = make_settings(standin=standin, database_url=database.url)
    return JobContext(database=database, settings=settings, worker_id="test")


@pytest.fixture
def polls(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The instants at which any runner thread looked for work."""
    seen: list[float] = []
    real_take_next = runner_module.take_next

    def counting_take_next(ctx_: JobContext, now: datetime):
        seen.append(time.monotonic())
        return real_take_next(ctx_, now)

    monkeypatch.setattr(runner_module, "take_next", counting_take_next)
    return seen


@pytest.fixture
def other_process(test_database: MigratedDatabase, database: Database) -> Iterator[Database]:
    """The same database through an engine of its own, as another process would reach it."""
    other = test_database.open()
    yield other
    other.dispose()


def _queue_brag(database: Database, standin: SlackStandIn, text_: str) -> None:
    write_batch(
        database,
        [
            pending_brag(
                team_id=standin.team_id, slack_user_id="UALICE", command="/brag", text=text_,
                response_url=standin.response_url(), now=NOW,
            )
        ],
    )  # fmt: skip


def test_an_idle_runner_polls_a_few_times_a_second_at_most(
    ctx: JobContext, standin: SlackStandIn, polls: list[float]
) -> None:
    """Four idle threads over 2 s look for work a handful of times in all (each once at
    start, then one of them on the poll timer), not in a loop that wakes the others."""
    runner = QueueRunner(ctx, threads=4).start()
    try:
        if runner.listener is not None:
            assert runner.listener.wait_listening()
        assert runner.wait_idle()
        started = time.monotonic()
        time.sleep(IDLE_SECONDS)  # the measurement window: nothing happens in it
        idle_polls = [t for t in polls if t >= started]
        # At most one poll per POLL_SECONDS, plus one for a late start-up look.
        assert len(idle_polls) <= IDLE_SECONDS / runner_module.POLL_SECONDS + 1, len(polls)

        # Asleep is not deaf: work this process queues is done at once.
        _queue_brag(ctx.database, standin, "queued while the runner slept")
        runner.notify()
        standin.wait_for("response_url", timeout=10)
        assert runner.wait_idle()
    finally:
        runner.close()


@pytest.mark.sqlite_only
def test_work_queued_by_another_process_is_found_at_the_next_poll(
    ctx: JobContext, standin: SlackStandIn, other_process: Database
) -> None:
    """On SQLite nothing tells the worker about work the web process queued: the one timed
    poll finds it within POLL_SECONDS."""
    runner = QueueRunner(ctx, threads=4).start()
    try:
        assert runner.wait_idle()
        _queue_brag(other_process, standin, "queued by the web process")
        standin.wait_for("response_url", timeout=runner_module.POLL_SECONDS + 5)
    finally:
        runner.close()


@pytest.mark.postgres_only
def test_work_queued_by_another_process_wakes_a_listening_runner_at_once(
    ctx: JobContext, standin: SlackStandIn, other_process: Database
) -> None:
    """On PostgreSQL the writer's NOTIFY wakes the worker's runner: the work is done long
    before a (here very slow) poll would have found it."""
    runner = QueueRunner(ctx, threads=4, poll_seconds=120).start()
    try:
        assert runner.listener is not None and runner.listener.wait_listening()
        assert runner.wait_idle()
        _queue_brag(other_process, standin, "queued by the web process")
        standin.wait_for("response_url", timeout=10)
    finally:
        runner.close()


@pytest.mark.postgres_only
def test_notifications_for_another_schema_do_not_wake_the_runner(
    ctx: JobContext, other_process: Database, polls: list[float]
) -> None:
    """Apps sharing a PostgreSQL server in other schemas (other test runs, staging) queue
    work on the same channel; this runner ignores theirs."""
    runner = QueueRunner(ctx, threads=4, poll_seconds=120).start()
    try:
        assert runner.listener is not None and runner.listener.wait_listening()
        assert runner.wait_idle()
        before = len(polls)
        with other_process.engine.begin() as connection:
            for _ in range(20):
                connection.execute(
                    text("SELECT pg_notify(:channel, 'someone_elses_schema')"),
                    {"channel": wakeups.CHANNEL},
                )
        # One of our own, sent after theirs: once it has woken the runner, theirs are past.
        with other_process.engine.begin() as connection:
            wakeups.announce_queued_work(connection)
        poll_until(lambda: len(polls) > before, what="the runner woken by our notification")
        assert runner.wait_idle()
        assert len(polls) == before + 1
    finally:
        runner.close()


@pytest.mark.postgres_only
def test_the_listener_reconnects_after_losing_its_connection(
    ctx: JobContext,
    standin: SlackStandIn,
    other_process: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listening connection killed by the server (restart, failover) is replaced, and
    notifications wake the runner again."""
    monkeypatch.setattr(wakeups, "RECONNECT_SECONDS", 0.05)
    runner = QueueRunner(ctx, threads=2, poll_seconds=120).start()
    try:
        listener = runner.listener
        assert listener is not None and listener.wait_listening()
        first_pid = listener.backend_pid
        with other_process.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        poll_until(
            lambda: listener.listening and listener.backend_pid not in (None, first_pid),
            what="a new listening connection",
        )
        _queue_brag(other_process, standin, "queued after the failover")
        standin.wait_for("response_url", timeout=10)
    finally:
        runner.close()


def test_closing_an_idle_runner_is_quick(ctx: JobContext) -> None:
    """close() wakes every sleeping thread (and the listener) at once: it joins them all
    well within their join timeout."""
    runner = QueueRunner(ctx, threads=4, poll_seconds=120).start()
    if runner.listener is not None:
        assert runner.listener.wait_listening()
    assert runner.wait_idle()
    started = time.monotonic()
    runner.close()
    assert time.monotonic() - started < 2
