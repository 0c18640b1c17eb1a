"""Storing a person's expectations: read them in order, replace them with an edited list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models import CheckIn, Expectation, User


def expectations_of(*, session: Session, user: User) -> list[Expectation]:
    """The user's expectations in their order."""
    return list(
        session.scalars(
            select(Expectation)
            .where(Expectation.user_id == user.id)
            .order_by(Expectation.position, Expectation.id)
        )
    )


@dataclass(frozen=True)
class Replaced:
    kept: int
    added: int
    removed: int


def replace_expectations(
    *, session: Session, user: User, texts: Sequence[str], now: datetime
) -> Replaced:
    """Make the user's list `texts` (stored text, no duplicates): an item already stored
    keeps its row (and id), new ones are added, the rest removed."""
    existing: dict[str, list[Expectation]] = {}
    for row in expectations_of(session=session, user=user):
        existing.setdefault(row.text, []).append(row)
    kept = added = 0
    for position, text in enumerate(texts):
        rows = existing.get(text)
        if rows:
            row = rows.pop(0)
            row.position = position
            kept += 1
        else:
            session.add(
                Expectation(
                    workspace_id=user.workspace_id,
                    user_id=user.id,
                    position=position,
                    text=text,
                    created_at=now,
                )
            )
            added += 1
    stale = [row.id for rows in existing.values() for row in rows]
    if stale:
        session.execute(delete(Expectation).where(Expectation.id.in_(stale)))
    session.flush()
    return Replaced(kept=kept, added=added, removed=len(stale))


def asks_on_checkin(*, session: Session, user_id: int, checkin_id: int) -> bool:
    """Whether this check-in carries the ask for expectations: it is the person's first
    check-in and they have entered none yet (entering them takes the ask off its redraw)."""
    first = session.scalar(select(func.min(CheckIn.id)).where(CheckIn.user_id == user_id))
    if first != checkin_id:
        return False
    return session.scalar(select(Expectation.id).where(Expectation.user_id == user_id)) is None
