"""When the check-in jobs could next act: hints for the local sandbox's fast-forward.

The worker ignores these (it runs every job every minute). The sandbox jumps from one
hinted instant to the next, so a hint must never be later than the first minute at which
the job would do something: a slot coming due, a row held by quiet hours until they end, a
snooze ending, a reminder coming due (or held by quiet hours or the weekend).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import lazyload

from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.db.models import CheckIn, ReminderPost, User
from bot.scheduling.jobs import JobContext, next_minute


def _deliverable(prefs: Preferences, at: datetime) -> datetime:
    """`at`, or the end of quiet hours when `at` falls inside them."""
    return schedule.quiet_hours_end(prefs, at)


def next_checkins_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next slot of anyone opted in, or the next instant a waiting row can be sent."""
    soonest = next_minute(after)
    candidates: list[datetime] = []
    with ctx.database.read_session() as session:
        slot = session.scalar(
            select(func.min(User.next_checkin_at)).where(User.checkins_enabled.is_(True))
        )
        if slot is not None:
            candidates.append(slot)
        if session.scalar(select(func.count()).where(CheckIn.status == "claimed")):
            return soonest  # a claim to reconcile
        waiting = session.execute(
            select(CheckIn, User)
            .join(User, User.id == CheckIn.user_id)
            .options(lazyload(User.workspace))
            .where(CheckIn.status.in_(("pending", "unknown", "snoozed")))
        )
        for checkin, user in waiting:
            # A snoozed row always has its snoozed_until; the slot is the fallback, as in delivery.
            snoozed = checkin.snoozed_until if checkin.status == "snoozed" else None
            due = snoozed or checkin.slot_at
            candidates.append(_deliverable(Preferences.of(user), max(due, soonest)))
    if not candidates:
        return None
    return max(min(candidates), soonest)


def next_reminders_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant an unanswered check-in's one reminder can go out (a queued one: now)."""
    soonest = next_minute(after)
    delay = timedelta(hours=ctx.settings.checkin_reminder_hours)
    grace = timedelta(hours=ctx.settings.checkin_grace_hours)
    candidates: list[datetime] = []
    with ctx.database.read_session() as session:
        if session.scalar(select(exists().where(ReminderPost.status.in_(("pending", "claimed"))))):
            return soonest
        open_ = session.execute(
            select(CheckIn, User)
            .join(User, User.id == CheckIn.user_id)
            .options(lazyload(User.workspace))
            .where(
                CheckIn.status == "sent",
                CheckIn.reminded_at.is_(None),
                CheckIn.answered_at.is_(None),
                ~exists().where(ReminderPost.checkin_id == CheckIn.id),  # one per check-in
                User.reminder_enabled.is_(True),
            )
        )
        for checkin, user in open_:
            prefs = Preferences.of(user)
            due = schedule.reminder_due(prefs, checkin.snoozed_until or checkin.slot_at, delay)
            if due + grace < soonest:
                continue
            at = schedule.first_moment_to_remind(prefs, max(due, soonest))
            if at <= due + grace:
                candidates.append(at)
    return max(min(candidates), soonest) if candidates else None
