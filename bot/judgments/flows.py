"""What a person does with a judgment call: mark an entry a bet (3 to 6 months), answer the
follow-up (the outcome, stored beside the entry). Each owns its commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceEntry, JudgmentCall, User
from bot.judgments import records, service


def mark_bet(*, session: Session, user: User, entry_id: int | None, months: int) -> int | None:
    """Mark one of the person's entries a bet followed up in `months`; the months, or None
    when the entry is not theirs (or gone)."""
    entry = session.get(EvidenceEntry, entry_id) if entry_id is not None else None
    if entry is None or entry.user_id != user.id:
        return None
    months = service.valid_months(months)
    call = session.scalars(select(JudgmentCall).where(JudgmentCall.entry_id == entry.id)).first()
    if call is None:
        call = JudgmentCall(workspace_id=entry.workspace_id, user_id=user.id, entry_id=entry.id)
        session.add(call)
    call.bet, call.months = True, months
    session.commit()
    return months


def quote_of(*, session: Session, user: User, call_id: int | None) -> str | None:
    """The quoted entry of one of the person's judgment calls (None: not theirs, or gone)."""
    call = session.get(JudgmentCall, call_id) if call_id is not None else None
    if call is None or call.user_id != user.id:
        return None
    entry = session.get_one(EvidenceEntry, call.entry_id)
    return service.quote(entry.text)


def record_outcome(
    *, session: Session, user: User, call_id: int | None, text: str, now: datetime
) -> bool:
    """Store the answer as the call's outcome (an edit replaces it); False: not theirs."""
    call = store_outcome(session=session, user=user, call_id=call_id, text=text, now=now)
    if call is None:
        return False
    session.commit()
    return True


def store_outcome(
    *, session: Session, user: User, call_id: int | None, text: str, now: datetime
) -> JudgmentCall | None:
    """`record_outcome` without the commit (a DM answering the follow-up: the caller's
    unit of work); the call, or None when it is not theirs or the text is empty."""
    call = session.get(JudgmentCall, call_id) if call_id is not None else None
    if call is None or call.user_id != user.id or not text.strip():
        return None
    call.outcome, call.answered_at = text.strip(), now
    return call


def list_calls(
    *, session: Session, user: User, now: datetime, library: CoachingLibrary | None = None
) -> records.Calls:
    """`/multiplier bets`: the person's judgment calls awaiting a verdict, and the answered
    (texts as views show them, with the `library`)."""
    found = records.calls(session, user.id, now=now, library=library)
    session.rollback()  # a read: hold no transaction while the reply goes out
    return found
