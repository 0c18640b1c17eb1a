"""What the log holds about judgment calls, for summaries, the packet and `/multiplier bets`
(read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceEntry, JudgmentCall, JudgmentFollowupPost
from bot.db.reads import read_rows
from bot.evidence.parsing import entry_words
from bot.judgments import service


@dataclass(frozen=True)
class Outcome:
    """A judgment call and how it turned out, in the person's words."""

    entry_id: int
    entry_text: str
    occurred_at: datetime
    outcome: str
    answered_at: datetime
    dimension: str | None = None


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
            dimension=entry.dimension,
        )
        for entry, call in session.execute(query)
        if call.answered_at is not None
    ]


@dataclass(frozen=True)
class Week:
    """A week's judgment calls: (entry text, outcome) answered in it, and how many calls
    logged before its end still wait for their verdict."""

    outcomes: tuple[tuple[str, str], ...]
    awaiting: int


def _week_statement() -> Select[str, str | None, datetime | None]:
    """`week`'s one statement, with the user, the week's bounds and the oldest call still
    awaited as bound parameters."""
    start: BindParameter[datetime] = bindparam("start")
    end: BindParameter[datetime] = bindparam("end")
    oldest: BindParameter[datetime] = bindparam("oldest")
    judged = or_(
        EvidenceEntry.dimension.in_(service.JUDGMENT_DIMENSIONS), JudgmentCall.bet.is_(True)
    ) & (EvidenceEntry.source != service.NOT_A_CALL_SOURCE)
    told = JudgmentCall.answered_at.is_not(None) & (JudgmentCall.answered_at >= start)
    waiting = (
        judged
        & (EvidenceEntry.created_at < end)
        & (EvidenceEntry.created_at >= oldest)
        & or_(JudgmentCall.id.is_(None), JudgmentCall.answered_at.is_(None))
    )
    return (
        select(EvidenceEntry.text, JudgmentCall.outcome, JudgmentCall.answered_at)
        .outerjoin(JudgmentCall, JudgmentCall.entry_id == EvidenceEntry.id)
        .where(
            EvidenceEntry.user_id == bindparam("user_id"),
            or_(told & (JudgmentCall.answered_at < end), waiting),
        )
        .order_by(JudgmentCall.answered_at, EvidenceEntry.id)
    )


# Built once: every Home and summary asks it, and building a statement (and its cache key)
# anew cost more CPU than running it.
_WEEK = _week_statement()


def week(session: Session, user_id: int, *, start: datetime, end: datetime) -> Week:
    """`outcomes` in [start, end) and `awaiting` at `end`, in one statement."""
    params = {"user_id": user_id, "start": start, "end": end, "oldest": end - service.LATEST}
    outcomes: list[tuple[str, str]] = []
    awaiting = 0
    for text, outcome, answered_at in read_rows(session, _WEEK, params):
        if answered_at is None:
            awaiting += 1
        else:
            outcomes.append((text, outcome or ""))
    return Week(tuple(outcomes), awaiting)


@dataclass(frozen=True)
class Call:
    """One judgment call on the person's log, for `/multiplier bets`."""

    entry_text: str
    logged_at: datetime
    bet: bool
    # When the follow-up is (or was) due, and when it was asked (None: not yet).
    due_at: datetime
    asked_at: datetime | None
    outcome: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class Calls:
    """The person's calls awaiting a verdict (soonest due first) and the ones answered
    (latest first)."""

    awaiting: tuple[Call, ...]
    answered: tuple[Call, ...]


def calls(
    session: Session, user_id: int, *, now: datetime, library: CoachingLibrary | None = None
) -> Calls:
    """Every judgment call of the person that is still to be followed up, asked and awaiting
    its verdict, or answered; a call whose follow-up could no longer go out (past its grace,
    never asked) is left out, as the follow-up job leaves it. With the `library`, each
    entry's text is as views show it (`entry_words`: no trailing #dimension tag)."""
    query = (
        select(EvidenceEntry, JudgmentCall, JudgmentFollowupPost.sent_at)
        .outerjoin(JudgmentCall, JudgmentCall.entry_id == EvidenceEntry.id)
        .outerjoin(JudgmentFollowupPost, JudgmentFollowupPost.call_id == JudgmentCall.id)
        .where(
            EvidenceEntry.user_id == user_id,
            EvidenceEntry.source != service.NOT_A_CALL_SOURCE,
            or_(
                EvidenceEntry.dimension.in_(service.JUDGMENT_DIMENSIONS),
                JudgmentCall.bet.is_(True),
                JudgmentCall.answered_at.is_not(None),
            ),
        )
        .order_by(EvidenceEntry.created_at, EvidenceEntry.id)
    )
    awaiting: list[Call] = []
    answered: list[Call] = []
    for entry, call, asked_at in session.execute(query):
        found = Call(
            entry_text=entry_words(entry.text, library, entry.dimension)
            if library is not None
            else entry.text,
            logged_at=entry.occurred_at,
            bet=bool(call and call.bet),
            due_at=service.due_at(entry.created_at, call.months if call else None),
            asked_at=asked_at,
            outcome=call.outcome if call else None,
            answered_at=call.answered_at if call else None,
        )
        if found.answered_at is not None:
            answered.append(found)
        elif asked_at is not None or found.due_at + service.GRACE >= now:
            awaiting.append(found)
    awaiting.sort(key=lambda c: c.due_at)
    answered.sort(key=lambda c: c.answered_at or c.due_at, reverse=True)
    return Calls(tuple(awaiting), tuple(answered))
