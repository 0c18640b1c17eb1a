"""Work that a request leaves for after its ack: queued as a row, done once by a runner.

Why: the web process must ack within milliseconds even under load, and Python runs one
thread at a time; storing a `/brag`, building its confirmation, posting it and republishing
the Home cost several milliseconds of CPU each, and done in the web process they delay
other requests' acks. So the request path only writes a `queued_work` row (what the user
typed, and where to answer) and acks; a `QueueRunner` in the worker process (or in the web
process, where no worker runs) does the rest.

Exactly once: a runner takes the oldest due row inside a transaction (`FOR UPDATE SKIP
LOCKED` on PostgreSQL, the write lock on SQLite), does the handler's database work and
deletes the row in that same transaction; what must happen outside (posting to Slack) runs
after the commit. A handler that fails is retried later with backoff; after `MAX_ATTEMPTS`
its `give_up` tells the user, with their text, and the row goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import Database
from bot.db.models import QueuedWork
from bot.scheduling.jobs import JobContext
from bot.workqueue.writer import PendingWork, write_batch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Seconds before attempt n + 1 (the last one about 7 minutes after the first, well inside
# the 30 minutes a response_url stays valid).
RETRY_DELAYS = (2, 10, 60, 300)

# Something to do once the handler's transaction has committed (e.g. post to Slack).
AfterCommit = Callable[[], None]
# The handler: the database work for one row, inside the runner's transaction.
Handle = Callable[[JobContext, Session, QueuedWork], AfterCommit | None]
# Told when the work is abandoned: the row as it was (detached), to tell the user.
GiveUp = Callable[[JobContext, "QueuedItem"], None]


@dataclass(frozen=True)
class QueuedItem:
    """A copy of a queued row's values, usable after its session has closed."""

    id: int
    kind: str
    workspace_id: int
    user_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class WorkKind:
    kind: str
    handle: Handle
    give_up: GiveUp | None = None


HANDLERS: dict[str, WorkKind] = {}


def handler(kind: str, *, give_up: GiveUp | None = None) -> Callable[[Handle], Handle]:
    """Register the function that does queued work of this kind."""

    def decorate(func: Handle) -> Handle:
        HANDLERS[kind] = WorkKind(kind=kind, handle=func, give_up=give_up)
        return func

    return decorate


def enqueue(
    *,
    database: Database,
    kind: str,
    team_id: str,
    slack_user_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Queue one piece of work for this person, committed when this returns.

    (The request path hands its rows to a QueueWriter instead, which batches them.)
    """
    write_batch(
        database,
        [
            PendingWork(
                kind=kind, team_id=team_id, slack_user_id=slack_user_id, payload=payload, now=now
            )
        ],
    )


def _copy(row: QueuedWork) -> QueuedItem:
    return QueuedItem(
        id=row.id,
        kind=row.kind,
        workspace_id=row.workspace_id,
        user_id=row.user_id,
        payload=dict(row.payload),
        attempts=row.attempts,
    )


@dataclass(frozen=True)
class Taken:
    """One piece of work whose database part has committed; `after` is still to run."""

    after: AfterCommit | None


def take_next(ctx: JobContext, now: datetime) -> Taken | None:
    """The database part of the oldest due piece of work, committed; None when none is due.

    Raises only for database trouble (the runner backs off and tries again); a handler's
    own failure is recorded on the row and retried later.
    """
    after: AfterCommit | None = None
    with ctx.database.session() as session:
        row = session.scalars(
            select(QueuedWork)
            .where(QueuedWork.due_at <= now)
            .order_by(QueuedWork.due_at, QueuedWork.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        spec = HANDLERS.get(row.kind)
        try:
            if spec is None:
                raise LookupError(f"no handler for queued work of kind {row.kind!r}")
            with session.begin_nested():
                after = spec.handle(ctx, session, row)
            session.delete(row)
        except Exception:
            logger.exception("queued work failed", extra={"work_id": row.id, "kind": row.kind})
            row.attempts += 1
            if spec is None or row.attempts >= MAX_ATTEMPTS:
                after = _giving_up(ctx, spec, _copy(row))
                session.delete(row)
            else:
                row.due_at = now + timedelta(seconds=RETRY_DELAYS[row.attempts - 1])
    return Taken(after=after)


def finish(taken: Taken) -> None:
    """Run what comes after the commit; its failure loses nothing stored."""
    if taken.after is None:
        return
    try:
        taken.after()
    except Exception:
        logger.warning("posting after queued work failed", exc_info=True)


def run_next(ctx: JobContext, now: datetime) -> bool:
    """Do the oldest due piece of work, if any, start to finish; True when one was taken."""
    taken = take_next(ctx, now)
    if taken is None:
        return False
    finish(taken)
    return True


def _giving_up(ctx: JobContext, spec: WorkKind | None, item: QueuedItem) -> AfterCommit | None:
    logger.error(
        "gave up on queued work after %s attempt(s)",
        item.attempts,
        extra={"work_id": item.id, "kind": item.kind},
    )
    if spec is None or spec.give_up is None:
        return None
    give_up = spec.give_up
    return lambda: give_up(ctx, item)
