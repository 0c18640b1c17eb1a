"""Sponsor notes: stored per person over time, the newest is the current one. Private to
their owner: read only through the owner's user row, never by digests or shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import SponsorNote, User

MAX_SPONSOR_LENGTH = 200
MAX_NEXT_STEP_LENGTH = 1000


class SponsorNoteError(ValueError):
    """An answer we will not store; `field` names the form block it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SponsorAnswer:
    """One answer as typed (texts already in stored, Slack-escaped form)."""

    sponsor_user_id: str | None
    sponsor_text: str | None
    last_shown_on: date | None
    next_step: str


def check(answer: SponsorAnswer, *, today: date) -> None:
    """Raise SponsorNoteError for an answer that cannot be stored."""
    if not answer.sponsor_user_id and not (answer.sponsor_text or "").strip():
        raise SponsorNoteError("sponsor", "Name someone: pick a person or type a name.")
    if len(answer.sponsor_text or "") > MAX_SPONSOR_LENGTH:
        raise SponsorNoteError("sponsor_text", f"Keep it under {MAX_SPONSOR_LENGTH} characters.")
    if not answer.next_step.strip():
        raise SponsorNoteError("next_step", "One next step, however small.")
    if len(answer.next_step) > MAX_NEXT_STEP_LENGTH:
        raise SponsorNoteError("next_step", f"Keep it under {MAX_NEXT_STEP_LENGTH:,} characters.")
    if answer.last_shown_on is not None and answer.last_shown_on > today:
        raise SponsorNoteError("last_shown", "Pick a day that has passed, or leave it empty.")


def record(*, session: Session, user: User, answer: SponsorAnswer, now: datetime) -> SponsorNote:
    """Store a new note (earlier ones are kept: the thread over time)."""
    note = SponsorNote(
        workspace_id=user.workspace_id,
        user_id=user.id,
        sponsor_user_id=answer.sponsor_user_id or None,
        sponsor_text=(answer.sponsor_text or "").strip() or None,
        last_shown_on=answer.last_shown_on,
        next_step=answer.next_step.strip(),
        created_at=now,
    )
    session.add(note)
    session.flush()
    return note


def latest(*, session: Session, user: User) -> SponsorNote | None:
    """The person's newest note, or None."""
    return session.scalars(
        select(SponsorNote)
        .where(SponsorNote.user_id == user.id)
        .order_by(SponsorNote.created_at.desc(), SponsorNote.id.desc())
        .limit(1)
    ).first()
