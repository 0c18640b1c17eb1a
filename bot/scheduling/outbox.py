"""Claiming rows of an outbox table (summary posts, digest posts) so each is delivered once.

A row goes pending → claimed (by one worker, `FOR UPDATE SKIP LOCKED` on PostgreSQL, the
write lock on SQLite) → an outcome the job records. A claim whose worker died stays
`claimed`; `stale_claims` finds it for the job to settle by looking in Slack.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import DigestPost, SummaryPost

Post = TypeVar("Post", DigestPost, SummaryPost)


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
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(model)
            .where(model.id.in_(ids), model.status == "pending")
            .values(status="claimed", claimed_by=worker_id, claimed_at=now)
        )
    return ids


def stale_claims(
    *, session: Session, model: type[Post], now: datetime, older_than: timedelta
) -> list[Post]:
    """Rows claimed longer ago than `older_than`: their worker disappeared mid-delivery."""
    query = select(model).where(model.status == "claimed", model.claimed_at < now - older_than)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))
