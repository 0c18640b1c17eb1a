"""The monthly expectations check's button: answer it (the flow owns the commit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import User
from bot.expectations import checks
from bot.expectations.checks import Answer, Answered


def answer(
    *, session: Session, user: User, check_id: int | None, given: Answer, now: datetime
) -> Answered | None:
    """Answer one of the person's monthly checks; None (nothing stored) when the button named
    someone else's check, or none."""
    check = checks.check_of(session=session, user=user, check_id=check_id)
    if check is None:
        session.rollback()
        return None
    answered = checks.answer(session=session, check=check, given=given, now=now)
    session.commit()
    return answered
