"""The one way to claim outbox rows (check-ins, reminders, summary and digest posts).

Several workers may share one PostgreSQL: rows are selected `FOR UPDATE SKIP LOCKED`
(`skip_locked`), so each is claimed by exactly one of them and none waits on another's
lock. On SQLite the engine's `BEGIN IMMEDIATE` serialises writers instead: one writer.

A row goes pending → claimed (by one owner, at an instant: its lease) → an outcome the job
records. A claim whose worker died stays `claimed`; `stale_claims` finds it for the job to
settle by looking in Slack, and `owner_is_dead` tells a dead local owner without waiting.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import CheckIn, OutboxRow

Post = TypeVar("Post", bound=OutboxRow)
# Any outbox row: status, claimed_by, claimed_at, last_error.
Row = TypeVar("Row", bound=CheckIn | OutboxRow)
Ts = TypeVarTuple("Ts")


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def skip_locked(query: Select[*Ts], session: Session, *of: Any) -> Select[*Ts]:
    """`query` FOR UPDATE SKIP LOCKED (of these tables) on PostgreSQL; as is on SQLite."""
    if is_postgres(session):
        return query.with_for_update(skip_locked=True, of=list(of) or None)
    return query


def claim_owner(worker_id: str) -> str:
    """A name for this process's claims: `worker@host:pid:random`, at most 64 characters."""
    host = socket.gethostname()[:24]
    return f"{worker_id[:16]}@{host}:{os.getpid()}:{secrets.token_hex(3)}"


def owner_is_dead(owner: str | None) -> bool:
    """True only when the claiming process ran on this host and no longer exists."""
    if not owner or "@" not in owner:
        return False
    try:
        host, pid_text, _token = owner.rsplit("@", 1)[1].rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname()[:24] or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


def claim(
    *, session: Session, model: type[Post], worker_id: str, now: datetime, limit: int
) -> list[int]:
    """Claim up to `limit` pending rows for this worker, oldest first; their ids."""
    query = (
        select(model.id)
        .where(
            model.status == "pending",
            # A delivery that failed at this instant waits for a later run.
            or_(model.claimed_at.is_(None), model.claimed_at < now),
        )
        .order_by(model.id)
        .limit(limit)
    )
    ids = list(session.scalars(skip_locked(query, session)))
    if ids:
        session.execute(
            update(model)
            .where(model.id.in_(ids), model.status == "pending")
            .values(status="claimed", claimed_by=worker_id, claimed_at=now)
        )
    return ids


def lapsed(claimed_by: str | None, claimed_at: datetime | None, *, before: datetime) -> bool:
    """A claim whose worker is gone: taken before `before` (its lease ran out), or by a
    process on this host that no longer exists."""
    return claimed_at is None or claimed_at < before or owner_is_dead(claimed_by)


def stale_claims(
    *, session: Session, model: type[Row], now: datetime, older_than: timedelta
) -> list[Row]:
    """Rows whose worker disappeared mid-delivery (see `lapsed`)."""
    query = skip_locked(select(model).where(model.status == "claimed"), session)
    return [
        row
        for row in session.scalars(query)
        if lapsed(row.claimed_by, row.claimed_at, before=now - older_than)
    ]


def release_lapsed(
    *, session: Session, model: type[Row], owner: str, lease: timedelta, real_now: datetime
) -> int:
    """Settle lapsed claims (see `lapsed`) as `unknown` (maybe sent: the next attempt looks
    before sending); this owner's own claims stay."""
    stale = stale_claims(session=session, model=model, now=real_now, older_than=lease)
    gone = [row for row in stale if row.claimed_by != owner]
    for row in gone:
        session.execute(
            update(model)
            .where(model.id == row.id, model.status == "claimed")
            .values(status="unknown", last_error=f"claim by {row.claimed_by} lapsed"[:255])
        )
    return len(gone)
