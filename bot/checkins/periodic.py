"""DMs that come with a person's first check-in of a period: a month's sponsor DM
(bot/sponsors/monthly.py) and expectations check (bot/expectations/monthly.py), a quarter's
promotion story (bot/stories/quarterly.py).

One such DM (a `RIDERS` row) rides a check-in: when another was queued at or after that
check-in's slot, this one waits for the next check-in of its period (the worker runs the jobs
in catalog order, so the sponsor DM goes first, then the expectations check, then the story).
One blocked for the whole period is skipped that period.

A check-in sent in the last `window` whose period has no DM queued yet queues one, from the
period after the person's first check-in on (a newcomer's first weeks are not crowded; a DM
may have its own rule instead: `eligible`), and only when they may be messaged now: active,
not paused or away, outside quiet hours and on a work day. So never while paused, away or
opted out: check-ins are not sent then either. Nor while the person is silent
(bot/checkins/silence.py: the check-in and the three before it went without a response): a
coach who stopped reminding does not send more either. A response ends it, and the period's
DM rides that check-in (within its window) or the next.
The queued row goes out through the outbox (`Outbox.queued`); a row the feature decided not
to send (`skipped`, e.g. the story of an empty quarter) settles its period but rode nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Generic, TypeVar

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule, silence
from bot.checkins.hints import next_checkins_due
from bot.checkins.schedule import Preferences
from bot.checkins.service import each_checkin
from bot.db.engine import Database
from bot.db.models import CheckIn, ExpectationCheck, PromotionStoryPost, SponsorPost, User
from bot.delivery.status import DeliveryStatus
from bot.scheduling.jobs import JobContext, next_minute

Period = TypeVar("Period", bound=Hashable)
Row = TypeVar("Row")

# The periodic DMs that ride a check-in, one a check-in; each row's created_at is the
# instant its job queued it.
RIDERS = (SponsorPost, ExpectationCheck, PromotionStoryPost)


def month_of(prefs: Preferences, instant: datetime) -> str:
    """The person's local month of an instant, YYYY-MM."""
    return instant.astimezone(prefs.zone).strftime("%Y-%m")


def month_start(prefs: Preferences, instant: datetime) -> datetime:
    """The first instant of the person's local month of `instant`."""
    local = instant.astimezone(prefs.zone)
    return datetime(local.year, local.month, 1, tzinfo=prefs.zone)


def queued_in(
    column: InstrumentedAttribute[str], key: Callable[[Any], str] = str
) -> Callable[[Session, int, Any], bool]:
    """`WithFirstCheckin.queued` for a `RIDERS` table whose `column` holds the period's
    `key`: whether the person has a row for the period."""
    model = column.class_

    def queued(session: Session, user_id: int, period: Any) -> bool:
        return bool(
            session.scalar(select(exists().where(model.user_id == user_id, column == key(period))))
        )

    return queued


def after_first_period(session: Session, user: User, period: object, start: datetime) -> bool:
    """`WithFirstCheckin.eligible` by default: a check-in of the person's went out before the
    period began at `start` (a newcomer's first period is not crowded)."""
    return had_checkin_before(session, user.id, start)


@dataclass(frozen=True)
class Due(Generic[Period]):
    """A DM due with this check-in: whose, for which period, to which channel."""

    session: Session
    user: User
    period: Period
    channel: str

    def row(self, now: datetime) -> dict[str, Any]:
        """The columns every `RIDERS` row takes from its due (the period's is its own)."""
        return {
            "workspace_id": self.user.workspace_id,
            "user_id": self.user.id,
            "channel_id": self.channel,
            "created_at": now,  # the job's instant: `another_rode` reads it
        }


@dataclass(frozen=True)
class WithFirstCheckin(Generic[Period]):
    """A DM with the first check-in of each `period_of` (starting at `period_start`), up to
    `window` after that check-in went out; `queued` says whether the period has its row,
    `eligible` whether the person gets it for the period beginning at the given instant
    (default: not in the period of their first check-in)."""

    window: timedelta
    period_of: Callable[[Preferences, datetime], Period]
    period_start: Callable[[Preferences, datetime], datetime]
    queued: Callable[[Session, int, Period], bool]
    eligible: Callable[[Session, User, Period, datetime], bool] = after_first_period

    def each_due(
        self, database: Database, *, now: datetime, default_calendar: str | None
    ) -> Iterator[Due[Period]]:
        """The DMs due now, one per person and period, for the caller to queue (`queue`)."""
        for session, checkin, user, workspace_active in each_checkin(
            database,
            CheckIn.message_ts.is_not(None),
            CheckIn.slot_at <= now,
            CheckIn.slot_at > now - self.window,
        ):
            prefs = Preferences.of(user)
            period = self.period_of(prefs, checkin.slot_at)
            if (
                period != self.period_of(prefs, now)
                or self.queued(session, user.id, period)
                or not self.eligible(
                    session, user, period, self.period_start(prefs, checkin.slot_at)
                )
                or another_rode(session, user.id, checkin.slot_at)
            ):
                continue
            if (
                not (user.active and workspace_active and prefs.active)
                or timeoff.away(prefs, user, now, default_calendar=default_calendar)
                or not schedule.may_remind(prefs, now)
                or silence.silent(session, checkin)
            ):
                continue
            channel = checkin.channel_id or user.dm_channel_id or user.slack_user_id
            yield Due(session, user, period, channel)

    def queue_each(
        self,
        database: Database,
        *,
        now: datetime,
        default_calendar: str | None,
        row: Callable[[Due[Period]], Row],
        then: Callable[[Due[Period], Row], object] | None = None,
    ) -> None:
        """Queue each DM due now (`each_due`) once: its `row`, and `then` (given the due and
        the row) in the same transaction (`queue`)."""
        for due in self.each_due(database, now=now, default_calendar=default_calendar):
            queued = row(due)
            queue(due.session, queued, None if then is None else partial(then, due, queued))

    def next_due(self, ctx: JobContext, after: datetime, *, waiting: Any) -> datetime | None:
        """The sandbox's hint: now while a row is `waiting` (pending or claimed); else the
        first moment to remind after a check-in sent in the last `window` whose period has
        none queued yet, for someone `eligible` and not silent, that no other periodic DM
        rode, within that window."""
        soonest = next_minute(after)
        candidates: list[datetime] = []
        with ctx.database.read_session() as session:
            if session.scalar(select(exists().where(waiting))):
                return soonest
            recent = session.execute(
                select(CheckIn, User)
                .join(User, User.id == CheckIn.user_id)
                .options(lazyload(User.workspace))
                .where(CheckIn.message_ts.is_not(None), CheckIn.slot_at > soonest - self.window)
            )
            for checkin, user in recent:
                prefs = Preferences.of(user)
                period = self.period_of(prefs, checkin.slot_at)
                if (
                    self.queued(session, user.id, period)
                    or not self.eligible(
                        session, user, period, self.period_start(prefs, checkin.slot_at)
                    )
                    or another_rode(session, user.id, checkin.slot_at)
                    or silence.silent(session, checkin)
                ):
                    continue
                at = schedule.first_moment_to_remind(prefs, max(checkin.slot_at, soonest))
                if at < checkin.slot_at + self.window and self.period_of(prefs, at) == period:
                    candidates.append(at)
        # A check-in still to come brings its DM in the same minute (the worker runs this job
        # just after the check-ins): without it the sandbox sent the DM a minute late.
        next_checkin = next_checkins_due(ctx, after)
        if next_checkin is not None:
            candidates.append(next_checkin)
        return max(min(candidates), soonest) if candidates else None


def queue(session: Session, row: object, then: Callable[[], object] | None = None) -> bool:
    """Add the period's row (and do `then` in the same transaction); False when another
    worker queued it first (its unique key per person and period)."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            if then is not None:
                then()
    except IntegrityError:
        return False
    return True


def owner_active(session: Session, post: Any) -> bool:
    """Whether a `RIDERS` row's person is still with the app (else it is not sent)."""
    user = session.get(User, post.user_id)
    return user is not None and user.active


def had_checkin_before(session: Session, user_id: int, before: datetime) -> bool:
    """Whether a check-in of the person's went out before `before` (an earlier period)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    CheckIn.user_id == user_id,
                    CheckIn.message_ts.is_not(None),
                    CheckIn.slot_at < before,
                )
            )
        )
    )


def another_rode(session: Session, user_id: int, slot_at: datetime) -> bool:
    """Whether a periodic DM of the person's (`RIDERS`) was queued at or after the slot of
    the check-in at `slot_at`: it rode that check-in, so another one waits for the next.
    A row decided `skipped` when it was queued (nothing to send) rode nothing."""
    return any(
        session.scalar(
            select(
                exists().where(
                    model.user_id == user_id,
                    model.created_at >= slot_at,
                    model.status != DeliveryStatus.SKIPPED,
                )
            )
        )
        for model in RIDERS
    )
