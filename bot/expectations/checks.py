"""The monthly expectations check's answers: stored per person and local month, and when a
second "not yet" in a row brings seed 002's red flag (once in a row of them, not every month
after). Private to their owner: read only through the owner's user row.

"In a row" counts the months answered: a month nobody answered, or answered "Not this
month", neither breaks nor extends a row; a "yes" ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ExpectationCheck, User


class Answer(StrEnum):
    YES = "yes"  # "Yes, we mapped them"
    NO = "no"  # "Not yet"
    SKIP = "skip"  # "Skip this month"


# A second "no" in a row brings the red flag.
RED_FLAG_AFTER = 2


@dataclass(frozen=True)
class Answered:
    """What a click on the check did: the month's stored answer (the first one stands: a
    double click or a replay changes nothing), whether this answer brought the red flag,
    and whether it was new."""

    check_id: int
    month: str
    answer: Answer
    red_flag: bool
    new: bool


def check_of(*, session: Session, user: User, check_id: int | None) -> ExpectationCheck | None:
    """One of the person's checks, locked until the commit (two clicks at once answer it
    once); None: not theirs, gone, or not a check id at all."""
    check = (
        session.get(ExpectationCheck, check_id, with_for_update=True)
        if check_id is not None
        else None
    )
    if check is None or check.user_id != user.id:
        return None
    return check


def _row_before(session: Session, check: ExpectationCheck) -> list[ExpectationCheck]:
    """The person's answered yes/no checks of earlier months, newest first, back to (and
    without) their last "yes"."""
    earlier = session.scalars(
        select(ExpectationCheck)
        .where(
            ExpectationCheck.user_id == check.user_id,
            ExpectationCheck.month < check.month,
            ExpectationCheck.answer.in_((Answer.YES.value, Answer.NO.value)),
        )
        .order_by(ExpectationCheck.month.desc())
    )
    row: list[ExpectationCheck] = []
    for previous in earlier:
        if previous.answer == Answer.YES:
            break
        row.append(previous)
    return row


def answer(*, session: Session, check: ExpectationCheck, given: Answer, now: datetime) -> Answered:
    """Store the month's answer (once: a stored one stands) and decide the red flag."""
    if check.answer is not None:
        return Answered(
            check.id, check.month, Answer(check.answer), check.advised_at is not None, new=False
        )
    check.answer, check.answered_at = given.value, now
    red_flag = False
    if given == Answer.NO:
        row = _row_before(session, check)
        if len(row) + 1 >= RED_FLAG_AFTER and not any(p.advised_at for p in row):
            check.advised_at = now
            red_flag = True
    session.flush()
    return Answered(check.id, check.month, given, red_flag, new=True)
