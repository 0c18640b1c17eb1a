"""What the log holds about judgment calls, for summaries and the packet (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import EvidenceEntry, JudgmentCall
from bot.judgments import service


@dataclass(frozen=True)
class Outcome:
    """A judgment call and how it turned out, in the person's words."""

    entry_id: int
    entry_text: str
    occurred_at: datetime
    outcome: str
    answered_at: datetime


def outcomes(
    session: Session, user_id: int, *, start: datetime | None = None, end: datetime | None = None
) -> list[Outcome]:
    """The person's answered calls (answered in [start, end) when given), oldest first."""
    query = (
        select(EvidenceEntry, JudgmentCall)
        .join(JudgmentCall, JudgmentCall.entry_id == EvidenceEntry.id)
        .where(JudgmentCall.user_id == user_id, JudgmentCall.answered_at.is_not(None))
        .order_by(JudgmentCall.answered_at, JudgmentCall.id)
    )
    if start is not None:
        query = query.where(JudgmentCall.answered_at >= start)
    if end is not None:
        query = query.where(JudgmentCall.answered_at < end)
    return [
        Outcome(
            entry_id=entry.id,
            entry_text=entry.text,
            occurred_at=entry.occurred_at,
            outcome=call.outcome or "",
            answered_at=call.answered_at,
        )
        for entry, call in session.execute(query)
        if call.answered_at is not None
    ]


def awaiting(session: Session, user_id: int, at: datetime) -> int:
    """How many of the person's judgment calls logged before `at` still wait for a verdict
    (not answered, and not past their follow-up's window)."""
    query = (
        select(func.count())
        .select_from(EvidenceEntry)
        .outerjoin(JudgmentCall, JudgmentCall.entry_id == EvidenceEntry.id)
        .where(
            EvidenceEntry.user_id == user_id,
            or_(
                EvidenceEntry.dimension.in_(service.JUDGMENT_DIMENSIONS),
                JudgmentCall.bet.is_(True),
            ),
            EvidenceEntry.created_at < at,
            EvidenceEntry.created_at >= at - service.LATEST,
            or_(JudgmentCall.id.is_(None), JudgmentCall.answered_at.is_(None)),
        )
    )
    return session.scalar(query) or 0
