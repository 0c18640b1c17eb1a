"""Acks leave as soon as a listener makes them: the request's thread waits on the ack
itself (bot.middleware.SignallingAck) rather than Bolt's 10 ms polling."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltContext, BoltResponse

from bot.db.engine import Database
from bot.middleware import SessionClosingExecutor, SignallingAck, prompt_acks


@pytest.fixture
def executor(tmp_path: Path) -> Iterator[SessionClosingExecutor]:
    database = Database(f"sqlite:///{tmp_path / 'acks.db'}")
    pool = SessionClosingExecutor(database, max_workers=4)
    yield pool
    pool.shutdown(wait=True)
    database.dispose()


def _dispatching() -> SignallingAck:
    """Run the middleware as Bolt would for a new request; return the request's ack."""
    context = BoltContext()
    response = prompt_acks({}, context, lambda: BoltResponse(status=200))
    assert response.status == 200
    ack = context["ack"]
    assert isinstance(ack, SignallingAck)
    assert context.ack is ack  # what Bolt hands the listener and polls
    return ack


def test_submit_returns_as_soon_as_the_listener_acks(executor: SessionClosingExecutor) -> None:
    """The listener acks, then keeps working: submit has returned, with the ack made."""
    ack = _dispatching()
    release = threading.Event()

    def listener() -> None:
        ack()
        release.wait(10)

    future = executor.submit(listener)
    try:
        assert ack.response is not None and ack.response.status == 200
        assert not future.done()  # still working after its ack
    finally:
        release.set()
    future.result(timeout=10)


def test_submit_returns_when_the_listener_ends_without_acking(
    executor: SessionClosingExecutor,
) -> None:
    """A listener that fails (or forgets to ack) does not hold the request thread."""
    ack = _dispatching()

    def failing_listener() -> None:
        raise RuntimeError("before the ack")

    future = executor.submit(failing_listener)
    assert ack.done.is_set()
    assert ack.response is None  # Bolt's own handling of a missing ack takes over
    with pytest.raises(RuntimeError):
        future.result(timeout=10)


def test_only_the_requests_own_listener_is_waited_for(executor: SessionClosingExecutor) -> None:
    """Later submits from the same thread (background work) return at once."""
    ack = _dispatching()
    executor.submit(ack).result(timeout=10)
    release = threading.Event()
    future = executor.submit(release.wait, 10)
    try:
        assert not future.done()
    finally:
        release.set()
    assert future.result(timeout=10) is True


def test_other_threads_never_wait(executor: SessionClosingExecutor) -> None:
    """A submit from a thread that is not dispatching a request does not wait."""
    _dispatching()
    release = threading.Event()
    futures = []
    thread = threading.Thread(target=lambda: futures.append(executor.submit(release.wait, 10)))
    thread.start()
    thread.join(10)
    try:
        assert futures and not futures[0].done()
    finally:
        release.set()
