"""The monthly expectations check DM: once per person and local month, with their first
check-in of the month that no other periodic DM rode (`periodic.another_rode`: one a
check-in), for people who entered their staff expectations before the month began (the
question is about recent work mapped to them). Never while paused, away or opted out:
check-ins are not sent then, and the person's state is checked again when queueing; nor
while they are silent (bot/checkins/silence.py).

A check-in sent in the last WINDOW whose local month has no `expectation_checks` row queues
one (unique per person and month: two workers, or a replay, queue it once; bot/checkins/
periodic.py), outside quiet hours and on a work day, and after the month's sponsor DM
(bot/sponsors/monthly.py) when that is still on its way, so the two read in order. It goes
out through the outbox (bot/delivery/outbox.py), which claims it before posting and, on a
retry after a crash or a 5xx, looks for it in the DM first (by its metadata).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Unpack

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.checkins import periodic
from bot.coaching.library import CoachingLibrary
from bot.db.models import Expectation, ExpectationCheck, SponsorPost, User
from bot.delivery import outbox
from bot.delivery.status import DeliveryStatus
from bot.expectations.check_texts import check_texts
from bot.ui.expectation_check import monthly_message

EVENT_TYPE = "multiplier_expectation_check"
# How long after a check-in went out its month's check may follow it.
WINDOW = timedelta(hours=12)
ON_ITS_WAY = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


def had_expectations_before(session: Session, user_id: int, before: datetime) -> bool:
    """Whether the person has expectations, entered before `before` (an earlier month)."""
    first = session.scalar(
        select(func.min(Expectation.created_at)).where(Expectation.user_id == user_id)
    )
    return first is not None and first < before


def sponsor_dm_on_its_way(session: Session, user_id: int, month: str) -> bool:
    """Whether the month's sponsor DM is queued but not out yet (this one follows it)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    SponsorPost.user_id == user_id,
                    SponsorPost.month == month,
                    SponsorPost.status.in_(ON_ITS_WAY),
                )
            )
        )
    )


def _eligible(session: Session, user: User, month: str, start: datetime) -> bool:
    """Expectations entered before the month began, and the month's sponsor DM not still on
    its way (instead of the newcomer rule: the question needs expectations to map to)."""
    return had_expectations_before(session, user.id, start) and not sponsor_dm_on_its_way(
        session, user.id, month
    )


MONTHLY = periodic.WithFirstCheckin(
    window=WINDOW,
    period_of=periodic.month_of,
    period_start=periodic.month_start,
    queued=periodic.queued_in(ExpectationCheck.month),
    eligible=_eligible,
)
EXPECTATION_CHECKS = outbox.Outbox.queued(
    model=ExpectationCheck,
    event_type=EVENT_TYPE,
    owner=User,
    owner_id=lambda check: check.user_id,
    key=lambda check: f"{check.user_id}:{check.month}",
)


def send_expectation_checks(
    *, library: CoachingLibrary, **run: Unpack[outbox.RunArgs]
) -> outbox.Tally:
    """Queue each due monthly expectations check once, and post what is queued. A workspace
    whose prompts override disabled the question gets none."""
    tally = outbox.Tally()
    question = check_texts(library).question
    if question is None:
        return tally
    MONTHLY.queue_each(
        run["database"],
        now=run["now"],
        default_calendar=run["settings"].holiday_calendar,
        row=lambda due: ExpectationCheck(month=due.period, **due.row(run["now"])),
    )

    def message(session: Session, check: ExpectationCheck) -> dict[str, Any]:
        return monthly_message(check_id=check.id, question=question)

    EXPECTATION_CHECKS.send_queued(
        wanted=periodic.owner_active, message=message, tally=tally, **run
    )
    return tally
