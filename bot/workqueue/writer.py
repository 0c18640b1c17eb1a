"""Writes queued work from request threads in batches, on one thread of its own.

Why: a listener that commits its own row holds a Bolt listener thread on the database (on
SQLite, on the one write lock) and spends the CPU of a transaction per request, both of
which delay other requests' acks under load. Handing the row to this writer costs a list
append; the writer commits whatever has gathered in one transaction (one find, one
multi-row insert), so the busier the app, the cheaper each row.

The hand-off happens after the ack, exactly where the listener used to commit: a process
that dies in between loses the same few milliseconds of work either way. On a clean stop
(`close`) everything gathered is written first. When the database refuses a batch, each
person is told, with what they typed, to try again (`on_failed`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_

from bot.db.engine import Database
from bot.db.models import QueuedWork, User, Workspace
from bot.workqueue.wakeups import announce_queued_work
from bot.workspaces import service as workspaces

logger = logging.getLogger(__name__)

MAX_BATCH = 200
# How long the first row of a batch waits for others before the batch is written.
LINGER_SECONDS = 0.02


@dataclass(frozen=True)
class PendingWork:
    """A row to queue: what to do, for whom, and what it needs."""

    kind: str
    team_id: str
    slack_user_id: str
    payload: dict[str, Any]
    now: datetime


# Built once: re-executing the same statement objects skips SQLAlchemy's construction work.
_FIND_PEOPLE = (
    select(Workspace.team_id, User.slack_user_id, User.id, User.workspace_id)
    .join(Workspace, Workspace.id == User.workspace_id)
    .where(tuple_(Workspace.team_id, User.slack_user_id).in_(bindparam("people", expanding=True)))
)
_INSERT = insert(QueuedWork)


def write_batch(database: Database, batch: list[PendingWork]) -> None:
    """Queue these rows in one transaction (people met for the first time are created),
    and wake the runners listening for work (PostgreSQL)."""
    wanted = list({(p.team_id, p.slack_user_id) for p in batch})
    with database.session() as session:
        connection = session.connection()
        found = {
            (team_id, slack_user_id): (user_id, workspace_id)
            for team_id, slack_user_id, user_id, workspace_id in connection.execute(
                _FIND_PEOPLE, {"people": wanted}
            )
        }
        for team_id, slack_user_id in wanted:
            if (team_id, slack_user_id) not in found:
                user = workspaces.ensure_user(
                    session=session, team_id=team_id, slack_user_id=slack_user_id
                )
                session.flush()
                found[(team_id, slack_user_id)] = (user.id, user.workspace_id)
        rows = []
        for pending in batch:
            user_id, workspace_id = found[(pending.team_id, pending.slack_user_id)]
            rows.append(
                {
                    "kind": pending.kind,
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                    "payload": pending.payload,
                    "enqueued_at": pending.now,
                    "due_at": pending.now,
                    "attempts": 0,
                }
            )
        connection.execute(_INSERT, rows)
        announce_queued_work(connection)


class QueueWriter:
    """Gathers PendingWork from any thread and commits it in batches on its own thread."""

    def __init__(
        self,
        database: Database,
        *,
        on_written: Callable[[], None] | None = None,
        on_failed: Callable[[list[PendingWork], Exception], None] | None = None,
        linger: float = LINGER_SECONDS,
    ) -> None:
        self._database = database
        self._on_written = on_written
        self._on_failed = on_failed
        self._linger = linger
        self._pending: list[PendingWork] = []
        self._writing = 0
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="queue-writer", daemon=True)
        self._thread.start()

    def put(self, work: PendingWork) -> None:
        """Hand over a row to write; returns at once."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the queue writer is closed")
            self._pending.append(work)
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything handed over is written (or failed); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._writing, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Write what has gathered, then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return  # closed, and nothing left
                # Under load, rows arrive faster than transactions finish: gathering them
                # for a moment makes one transaction of many, and the CPU it saves is CPU
                # that the request threads' acks no longer wait behind.
                self._cond.wait_for(
                    lambda: len(self._pending) >= MAX_BATCH or self._closed, self._linger
                )
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                self._writing = len(batch)
            try:
                write_batch(self._database, batch)
            except Exception as error:
                logger.error(
                    "could not queue %s piece(s) of work (%s)", len(batch), type(error).__name__
                )
                if self._on_failed is not None:
                    self._on_failed(batch, error)
            else:
                if self._on_written is not None:
                    self._on_written()
            finally:
                with self._cond:
                    self._writing = 0
                    self._cond.notify_all()
