"""Evidence entries: the engineer's private log of multiplier work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.models import EvidenceEntry, User

MAX_TEXT_LENGTH = 10_000


class EvidenceTooLong(ValueError):
    """The text is longer than we store; the caller echoes it back so nothing is lost."""


def create_entry(
    *,
    session: Session,
    user: User,
    text: str,
    source: str,
    dimension: str | None = None,
    scope: str | None = None,
    people: list[str] | None = None,
    link: str | None = None,
    impact: str | None = None,
    visibility: str = "private",
    occurred_at: datetime | None = None,
) -> EvidenceEntry:
    """Store a new evidence entry exactly as typed."""
    if len(text) > MAX_TEXT_LENGTH:
        raise EvidenceTooLong(f"{len(text)} characters; the limit is {MAX_TEXT_LENGTH}")
    entry = EvidenceEntry(
        workspace_id=user.workspace_id,
        user_id=user.id,
        text=text,
        source=source,
        dimension=dimension,
        scope=scope,
        people=list(people or []),
        link=link,
        impact=impact,
        visibility=visibility,
        occurred_at=occurred_at or utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def recent_entries(*, session: Session, user: User, limit: int = 10) -> list[EvidenceEntry]:
    """The user's own most recent entries, newest first."""
    return list(
        session.scalars(
            select(EvidenceEntry)
            .where(EvidenceEntry.user_id == user.id)
            .order_by(EvidenceEntry.occurred_at.desc(), EvidenceEntry.id.desc())
            .limit(limit)
        )
    )
