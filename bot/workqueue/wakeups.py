"""Wake-ups across processes on PostgreSQL: `LISTEN`/`NOTIFY` on one channel.

Why: in the Procfile's arrangement the web process queues work and the worker does it. Without
a signal the worker only finds the work at its next poll; with one it looks the moment the
web process commits. The writer's transaction sends `NOTIFY` (delivered at its commit) with
the schema's name as payload, so that apps sharing a database in different schemas (test
runs, staging beside production) do not wake each other. Polling stays, slowly, as the
safety net for a notification lost while the listening connection was down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from bot.db.engine import Database

logger = logging.getLogger(__name__)

CHANNEL = "multiplier_queued_work"
# How often an idle listening connection is checked (a dead one is replaced).
CHECK_SECONDS = 30.0
# After losing the connection: wait this long before connecting again.
RECONNECT_SECONDS = 2.0

_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', current_schema())")


def announce_queued_work(connection: Connection) -> None:
    """Tell listening runners, at this transaction's commit, that work was queued."""
    if connection.dialect.name == "postgresql":
        connection.execute(_NOTIFY)


class QueuedWorkListener:
    """Calls `wake()` whenever another process (or this one) queues work in this schema."""

    def __init__(self, database: Database, wake: Callable[[], None]) -> None:
        self._database = database
        self._wake = wake
        self._closed = threading.Event()
        self._listening = threading.Event()
        self._lock = threading.Lock()
        self._connection: Any = None
        self._thread = threading.Thread(target=self._run, name="queue-listener", daemon=True)

    @property
    def listening(self) -> bool:
        """Whether notifications arrive now (False while connecting or after a failure)."""
        return self._listening.is_set()

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend process of the listening connection (None without one)."""
        with self._lock:
            connection = self._connection
        return None if connection is None else connection.info.backend_pid

    def start(self) -> QueuedWorkListener:
        self._thread.start()
        return self

    def wait_listening(self, timeout: float = 10.0) -> bool:
        return self._listening.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._closed.set()
        with self._lock:
            connection = self._connection
        if connection is not None:
            connection.close()  # ends a wait for notifications at once
        self._thread.join(timeout)

    def _connect(self) -> tuple[Any, str]:
        """A psycopg connection of its own (taken out of the pool), listening; its schema."""
        pooled = self._database.engine.raw_connection()
        connection = pooled.driver_connection
        if connection is None:  # only an invalidated pool entry has none
            pooled.invalidate()
            raise RuntimeError("the pool handed out a connection with no driver connection")
        pooled.detach()  # the pool forgets it (and opens another when it needs one)
        try:
            connection.rollback()
            connection.autocommit = True
            schema = connection.execute("SELECT current_schema()").fetchone()[0]
            connection.execute(f"LISTEN {CHANNEL}")
        except Exception:
            connection.close()
            raise
        return connection, schema

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                connection, schema = self._connect()
            except Exception as error:
                logger.warning("work queue: cannot listen for new work (%s)", error)
                self._closed.wait(RECONNECT_SECONDS)
                continue
            with self._lock:
                self._connection = connection
            if self._closed.is_set():
                connection.close()
                return
            self._listening.set()
            # Work queued while nobody listened (start-up, reconnecting) is found now.
            self._wake()
            try:
                self._listen(connection, schema)
            except Exception as error:
                if not self._closed.is_set():
                    logger.warning(
                        "work queue: listening connection lost (%s)", type(error).__name__
                    )
            finally:
                self._listening.clear()
                with self._lock:
                    self._connection = None
                connection.close()
            self._closed.wait(RECONNECT_SECONDS)

    def _listen(self, connection: Any, schema: str) -> None:
        while not self._closed.is_set():
            for notification in connection.notifies(timeout=CHECK_SECONDS):
                if notification.payload == schema:
                    self._wake()
            connection.execute("SELECT 1")  # a dead connection raises here
