"""Global Bolt middleware: a database session per listener, and Slack retry de-duplication."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.config import Settings
from bot.conversations import service as conversations
from bot.db.engine import Database

logger = logging.getLogger(__name__)

Next = Callable[[], BoltResponse]


class SessionClosingExecutor(ThreadPoolExecutor):
    """Runs Bolt listeners after the ack, closing each thread's session when one finishes."""

    def __init__(self, database: Database, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._database = database
        self._in_flight = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def run_then_close() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self._database.remove_thread_session()
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

        with self._idle:
            self._in_flight += 1
        return super().submit(run_then_close)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener is running (tests, graceful shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)


def database_session(
    database: Database, settings: Settings
) -> Callable[[BoltContext, Next], BoltResponse]:
    """Give every listener `context["db"]`, a session private to the thread that runs it."""

    def middleware(context: BoltContext, next: Next) -> BoltResponse:
        context["db"] = database.scoped_session
        context["database"] = database
        context["settings"] = settings
        try:
            return next()
        finally:
            # Listeners that run after the ack close theirs in SessionClosingExecutor.
            database.remove_thread_session()

    return middleware


def deduplicate_events(database: Database) -> Callable[..., BoltResponse]:
    """Acknowledge Slack's retries of an event we already took, without running it again.

    Bolt does not de-duplicate: Slack resends an event (same event_id, X-Slack-Retry-Num)
    whenever our ack was slow or lost.
    """

    def middleware(body: dict[str, Any], next: Next, context: BoltContext) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        with database.session() as session:
            first_time = conversations.claim_event(
                session=session, event_id=event_id, team_id=body.get("team_id")
            )
        if not first_time:
            logger.info("skipping retried event", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        return next()

    return middleware
