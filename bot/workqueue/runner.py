"""Threads that drain the work queue: woken at once in the process that queued the work,
and polling the table for work queued by another process (the web process, for the worker).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

# Registers the kinds of work this runner can do.
import bot.evidence.queued  # noqa: F401
from bot import clock
from bot.scheduling.jobs import JobContext
from bot.workqueue.queue import finish, take_next

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
# After a database error: wait, then try again (the pool's pre-ping finds it back).
ERROR_BACKOFF_SECONDS = 2.0


class QueueRunner:
    """Runs queued work on `threads` background threads until closed."""

    def __init__(
        self, ctx: JobContext, *, threads: int = 4, poll_seconds: float = POLL_SECONDS
    ) -> None:
        self._ctx = ctx
        self._threads_wanted = threads
        self._poll = poll_seconds
        self._cond = threading.Condition()
        self._busy = 0
        # Wakes asked for, and the last wake after which a thread found nothing due.
        self._wakes = 0
        self._drained = 0
        self._closed = False
        self._threads: list[threading.Thread] = []
        # SQLite has one writer: taking turns here beats its busy handler's sleeps.
        self._one_writer = threading.Lock() if ctx.database.is_sqlite else None

    def start(self) -> QueueRunner:
        for n in range(self._threads_wanted):
            thread = threading.Thread(target=self._run, name=f"work-queue-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def notify(self) -> None:
        """New work was committed by this process: look now rather than at the next poll."""
        with self._cond:
            self._wakes += 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything due that this process queued is done; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._busy == 0 and self._drained >= self._wakes, timeout
            )

    def close(self, timeout: float = 10.0) -> None:
        """Finish the work in hand and stop (work still queued stays for the next start)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)

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

    def _run(self) -> None:
        while True:
            with self._cond:
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
            with self._cond:
                self._busy -= 1
                if not took and not failed:
                    self._drained = max(self._drained, seen)
                self._cond.notify_all()
                if took or self._closed:
                    continue
                if self._wakes == seen:
                    self._cond.wait(ERROR_BACKOFF_SECONDS if failed else self._poll)
