"""Noticing silence: three check-ins in a row that went by without a word.

A response is anything the person did with a check-in: an answer (or "nothing this week"), a
snooze, a skip or a pause from its menu, or another of its buttons (`CheckIn.responded_at`:
a choice on the line that noticed their silence, a staff-problem step ticked on it).
Check-ins never posted (cancelled while away or paused, expired before they went) are
neither: they are passed over.

After `SILENT_RUN` posted check-ins in a row without a response the coach backs off, kindly
and once: no more reminders while the silence lasts (`bot/checkins/reminders.py`), and the
next check-in says in one line that it noticed, with the choices the app already has (a
calmer cadence, a pause, or keep as is: `bot/ui/checkins.py`, `silence_blocks`), and no
periodic DM rides a check-in while the silence lasts (the month's sponsor DM and
expectations check, the quarter's story: `bot/checkins/periodic.py`). Any response ends the
silence; everything here is read from the check-ins themselves, so nothing else is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import CheckIn
from bot.delivery.status import CheckInStatus

SILENT_RUN = 3


def went_unanswered(
    status: str,
    answered_at: datetime | None,
    snoozed_until: datetime | None,
    responded_at: datetime | None,
) -> bool:
    """Whether a posted check-in has had no response at all (so far)."""
    return (
        status == CheckInStatus.SENT
        and answered_at is None
        and snoozed_until is None
        and responded_at is None
    )


def unanswered(checkin: CheckIn) -> bool:
    return went_unanswered(
        checkin.status, checkin.answered_at, checkin.snoozed_until, checkin.responded_at
    )


def responded(checkin: CheckIn, now: datetime) -> None:
    """Note a response to the check-in that is no answer, snooze or skip: a choice on its
    silence line, or one of its other buttons (a staff-problem step ticked on it)."""
    if checkin.responded_at is None:
        checkin.responded_at = now


def silent_before(session: Session, *, user_id: int, before: datetime, look: int) -> int:
    """How many of the person's posted check-ins just before `before` (at most `look`)
    went unanswered in a row."""
    rows = session.execute(
        select(CheckIn.status, CheckIn.answered_at, CheckIn.snoozed_until, CheckIn.responded_at)
        .where(
            CheckIn.user_id == user_id,
            CheckIn.slot_at < before,
            CheckIn.message_ts.is_not(None),
        )
        .order_by(CheckIn.slot_at.desc())
        .limit(look)
    ).all()
    run = 0
    for row in rows:
        if not went_unanswered(*row):
            break
        run += 1
    return run


def stop_reminding(session: Session, checkin: CheckIn) -> bool:
    """Whether this check-in gets no reminder: it went unanswered, and so did the
    `SILENT_RUN` - 1 posted before it."""
    if not unanswered(checkin):
        return False
    look = SILENT_RUN - 1
    found = silent_before(session, user_id=checkin.user_id, before=checkin.slot_at, look=look)
    return found == look


def notices(session: Session, checkin: CheckIn) -> bool:
    """Whether this check-in says it noticed the silence: exactly `SILENT_RUN` posted
    check-ins before it went unanswered (the one before those had a response, or there is
    none), so it is said once, and only while this one has had no response itself."""
    if checkin.snoozed_until is not None or checkin.responded_at is not None:
        return False
    found = silent_before(
        session, user_id=checkin.user_id, before=checkin.slot_at, look=SILENT_RUN + 1
    )
    return found == SILENT_RUN


def silent(session: Session, checkin: CheckIn) -> bool:
    """Whether the person is silent as of this check-in: the `SILENT_RUN` posted before it
    went unanswered, and so far this one too (a response to it ends the silence)."""
    if not unanswered(checkin):
        return False
    found = silent_before(session, user_id=checkin.user_id, before=checkin.slot_at, look=SILENT_RUN)
    return found == SILENT_RUN
