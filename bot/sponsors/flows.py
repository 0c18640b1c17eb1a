"""The sponsor thread's flows: each owns its commit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db.models import SponsorNote, User
from bot.sponsors import service
from bot.sponsors.service import SponsorAnswer, SponsorNoteError
from bot.ui.text import from_typed


def current(*, session: Session, user: User) -> SponsorNote | None:
    """The person's latest note (read, then the transaction ends before Slack is called)."""
    note = service.latest(session=session, user=user)
    if note is not None:
        session.expunge(note)
    session.commit()
    return note


def save(
    *, session: Session, user: User, answer: SponsorAnswer, today_local: date, now: datetime
) -> SponsorNote:
    """Check an answer as typed and store it (its texts Slack-escaped, as every stored text
    is); raises SponsorNoteError (nothing stored) when it can't be."""
    try:
        service.check(answer, today=today_local)
    except SponsorNoteError:
        session.rollback()
        raise
    stored = replace(
        answer,
        sponsor_text=from_typed(answer.sponsor_text) if answer.sponsor_text else None,
        next_step=from_typed(answer.next_step),
    )
    note = service.record(session=session, user=user, answer=stored, now=now)
    session.expunge(note)
    session.commit()
    return note
