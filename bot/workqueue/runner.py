"""Threads that drain the work queue: woken at once in the process that queued the work,
and finding work queued by another process (the web process, for the worker) through
PostgreSQL's `LISTEN`/`NOTIFY` or, on SQLite, by polling the table.

An idle runner sleeps: a thread that finds nothing goes back to sleep without waking the
others, and only one thread at a time wakes on a timer to poll (a few polls a second per
process; one every few seconds where notifications arrive).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError

# Registers the kinds of work this runner can do.
import bot.evidence.queued  # noqa: F401
from bot import clock
from bot.scheduling.jobs import JobContext
from bot.workqueue.queue import finish, take_next
from bot.workqueue.wakeups import QueuedWorkListener

logger = logging.getLogger(__name__)

# How often an idle runner looks for work nobody told it about (queued by another process
# on SQLite, or due again after a failed attempt).
POLL_SECONDS = 0.5
# The same while PostgreSQL notifications arrive: only a safety net then.
LISTENING_POLL_SECONDS = 5.0
# After a database error: wait, then try again (the pool's pre-ping finds it back).
ERROR_BACKOFF_SECONDS = 2.0


class QueueRunner:
    """Runs queued work on `threads` background threads until closed."""

    def __init__(
        self,
        ctx: JobContext,
        *,
        threads: int = 4,
        poll_seconds: float = POLL_SECONDS,
        listen: bool | None = None,
    ) -> None:
        """`listen` (default: on PostgreSQL) wakes the runner for work other processes queue."""
        self._ctx = ctx
        self._threads_wanted = threads
        self._poll = poll_seconds
        self._lock = threading.Lock()
        # Threads sleep on `_work`; `wait_idle` callers on `_idle`.
        self._work = threading.Condition(self._lock)
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        # Wakes asked for, and the last wake after which a thread found nothing due.
        self._wakes = 0
        self._drained = 0
        # Whether a thread is sleeping on the poll timer (the others sleep until woken).
        self._timer_taken = False
        self._closed = False
        self._threads: list[threading.Thread] = []
        # SQLite has one writer: taking turns here beats its busy handler's sleeps.
        self._one_writer = threading.Lock() if ctx.database.is_sqlite else None
        if listen is None:
            listen = not ctx.database.is_sqlite
        self._listener = QueuedWorkListener(ctx.database, self.notify) if listen else None

    def start(self) -> QueueRunner:
        for n in range(self._threads_wanted):
            thread = threading.Thread(target=self._run, name=f"work-queue-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self._listener is not None:
            self._listener.start()
        return self

    @property
    def listener(self) -> QueuedWorkListener | None:
        return self._listener

    def notify(self) -> None:
        """New work was committed: look now rather than at the next poll."""
        with self._lock:
            self._wakes += 1
            # One thread looks; each thread that finds work wakes another (see _run).
            self._work.notify()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything due that this process queued is done; False on timeout."""
        with self._lock:
            return self._idle.wait_for(
                lambda: self._busy == 0 and self._drained >= self._wakes, timeout
            )

    def close(self, timeout: float = 10.0) -> None:
        """Finish the work in hand and stop (work still queued stays for the next start)."""
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            self._closed = True
            self._work.notify_all()
        deadline = time.monotonic() + timeout  # one bound for all threads, not one each
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _take_one(self) -> bool:
        if self._one_writer is None:
            taken = take_next(self._ctx, clock.now())
        else:
            with self._one_writer:
                taken = take_next(self._ctx, clock.now())
        if taken is None:
            return False
        finish(taken)  # posting to Slack: outside the lock, beside other threads' work
        return True

    def _poll_seconds(self) -> float:
        if self._listener is not None and self._listener.listening:
            return max(self._poll, LISTENING_POLL_SECONDS)
        return self._poll

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                seen = self._wakes
                self._busy += 1
            took, failed = False, False
            try:
                took = self._take_one()
            except SQLAlchemyError as error:
                failed = True
                logger.warning("work queue: database unavailable (%s)", type(error).__name__)
            except Exception:
                failed = True
                logger.exception("work queue: unexpected failure")
            with self._lock:
                self._busy -= 1
                if took:
                    # There may be more: let one more thread look beside this one.
                    self._work.notify()
                elif not failed:
                    self._drained = max(self._drained, seen)
                self._idle.notify_all()
                if took or self._closed or self._wakes != seen:
                    continue  # a wake that came while looking may be for work just missed
                self._sleep(failed)

    def _sleep(self, failed: bool) -> None:
        """Wait (holding the lock) until woken; only one thread at a time on the timer."""
        if failed:
            self._work.wait(ERROR_BACKOFF_SECONDS)
        elif not self._timer_taken:
            self._timer_taken = True
            try:
                self._work.wait(self._poll_seconds())
            finally:
                self._timer_taken = False
        else:
            self._work.wait()
