"""Check-in preferences, and finding a user's own check-ins (ownership always re-checked)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.schedule import Preferences, Slot
from bot.db.base import rowcount
from bot.db.engine import Database
from bot.db.models import Answer, CheckIn, User, Workspace
from bot.delivery.claim import skip_locked
from bot.timetext import day_label, hhmm

if TYPE_CHECKING:
    from bot.ui.blocks import Block

_Owned = TypeVar("_Owned", CheckIn, Answer)

# Jobs that walk check-ins (reminders, sponsor DMs) take them this many at a time.
BATCH = 200
MAX_PAUSE_DAYS = 366
# A due slot the worker has not picked up yet survives a preference change this long.
KEEP_DUE = timedelta(hours=1)
# Reasons the worker marks a user inactive; a later sign of life clears them.
SEND_FAILURE_PREFIX = "slack:"


class PreferenceError(ValueError):
    """A preference the user asked for cannot work; the message says why, plainly."""


@dataclass(frozen=True)
class Schedule:
    """A user's check-in preferences described, with their next check-in in local time."""

    description: str
    next_local: datetime | None
    active: bool


def _taken_periods(session: Session, user: User, since: datetime) -> set[str]:
    if user.id is None:
        return set()
    return set(
        session.scalars(
            select(CheckIn.period_key).where(
                CheckIn.user_id == user.id, CheckIn.slot_at >= since - timedelta(days=8)
            )
        )
    )


def upcoming_slot(*, session: Session, user: User, now: datetime) -> Slot | None:
    """The next slot for which the user has no check-in yet (one per period, always)."""
    prefs = Preferences.of(user)
    if not (user.active and prefs.active):
        return None
    taken = _taken_periods(session, user, now)
    return next((s for s in schedule.slots_from(prefs, now) if s.period_key not in taken), None)


def reschedule(*, session: Session, user: User, now: datetime) -> Slot | None:
    """Recompute `next_checkin_at` after any change to preferences, time zone or status.

    A slot that is already due but not yet picked up by the worker (it ticks every minute)
    is kept rather than lost to a change made in that minute.
    """
    session.flush()
    start = now
    due = user.next_checkin_at
    if due is not None and now - KEEP_DUE <= due <= now:
        start = due
    slot = upcoming_slot(session=session, user=user, now=start)
    user.next_checkin_at = slot.at if slot else None
    return slot


def mark_welcomed(*, session: Session, user: User, now: datetime) -> bool:
    """Record the welcome; True only for the one caller that recorded it first."""
    result = session.execute(
        update(User)
        .where(User.id == user.id, User.welcomed_at.is_(None))
        .values(welcomed_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result):
        user.welcomed_at = now
    return bool(rowcount(result))


def home_welcome(*, user: User, multiplier: str) -> list[Block]:
    """The welcome for the top of the Home tab while check-ins are off (no queries).

    It stays while check-ins are off; its wording is the first-time hello until the user has
    been welcomed (with their first command) or has started check-ins.
    """
    if user.checkins_enabled:
        return []
    from bot.ui.welcome import welcome_blocks

    return welcome_blocks(multiplier_command=multiplier, first_time=user.welcomed_at is None)


def describe(user: User, *, now: datetime) -> Schedule:
    """The schedule as it stands at `now` (a pause that has ended is not named)."""
    prefs = Preferences.of(user)
    next_local = None
    if user.next_checkin_at is not None:
        next_local = user.next_checkin_at.astimezone(prefs.zone)
    text = schedule.describe(prefs)
    today = now.astimezone(prefs.zone).date()
    if prefs.active and prefs.paused_until is not None and schedule.is_paused(prefs, today):
        last = prefs.paused_until - timedelta(days=1)
        text += f", paused through {day_label(last)}"
    return Schedule(description=text, next_local=next_local, active=prefs.active)


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(schedule.zone_for(user.tz)).date()


def _check_quiet(minute: int, start: int | None, end: int | None) -> None:
    if schedule.in_quiet_window(minute, start, end):
        raise PreferenceError(
            f"{hhmm(minute)} is inside your quiet hours "
            f"({hhmm(start or 0)}–{hhmm(end or 0)}): "
            "pick another time or change the quiet hours."
        )


def revive(user: User, *, deactivated_too: bool = False) -> None:
    """A user we marked unreachable has shown up again: they can receive DMs after all."""
    reason = user.inactive_reason or ""
    if not user.active and (
        reason.startswith(SEND_FAILURE_PREFIX) or (deactivated_too and reason == "deactivated")
    ):
        user.active = True
        user.inactive_reason = None


def enable(
    *,
    session: Session,
    user: User,
    now: datetime,
    weekday: int | None = None,
    minute: int | None = None,
    weekdays: tuple[int, ...] = (),
) -> Schedule:
    """Opt in (weekly unless another cadence was chosen before), optionally moving day/time.

    Two `weekdays` mean twice a week on those days; one day (or `weekday`) for someone who
    had twice a week means every week on that day; no day keeps the days and cadence."""
    new_minute = user.checkin_minute if minute is None else minute
    _check_quiet(new_minute, user.quiet_start_minute, user.quiet_end_minute)
    if weekday is not None:
        weekdays = (weekday,)
    if user.cadence not in ("weekly", "twice_weekly", "biweekly"):
        user.cadence = "weekly"
    if len(weekdays) > 1:  # two days: twice a week
        user.cadence = "twice_weekly"
        user.checkin_weekday, user.second_weekday = weekdays[0], weekdays[1]
    elif weekdays:
        user.checkin_weekday = weekdays[0]
        if user.cadence == "twice_weekly":
            user.cadence = "weekly"
    user.checkin_minute = new_minute
    user.checkins_enabled = True
    revive(user)
    reschedule(session=session, user=user, now=now)
    return describe(user, now=now)


def disable(*, session: Session, user: User, now: datetime) -> None:
    """Opt out: nothing more is scheduled; check-ins not yet sent are cancelled."""
    user.checkins_enabled = False
    user.next_checkin_at = None
    _cancel_unsent(session, user)


def _cancel_unsent(session: Session, user: User) -> None:
    """Forget check-ins created but never sent, so their periods are free again.

    A row whose last send attempt had an unknown outcome (status `unknown`) stays: the
    worker reconciles it.
    """
    if user.id is None:
        return
    session.execute(delete(CheckIn).where(CheckIn.user_id == user.id, CheckIn.status == "pending"))


def pause(*, session: Session, user: User, until: date, now: datetime) -> Schedule:
    """No check-ins on local dates before `until`."""
    today = local_today(user, now)
    if until <= today:
        raise PreferenceError("Pick a date after today to pause until.")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise PreferenceError("A pause can last up to a year.")
    user.paused_until = until
    _cancel_unsent(session, user)
    reschedule(session=session, user=user, now=now)
    return describe(user, now=now)


def pause_end(today: date, weeks: int) -> date:
    """When a pause of `weeks` weeks started today ends (`paused_until`: check-ins resume
    that day). The day `weeks` weeks away is paused too, so a pause of a week taken on a
    Friday after its check-in skips next Friday's. The check-in menu's "Pause for N weeks"
    and `/multiplier pause N weeks` both mean this."""
    return today + timedelta(weeks=weeks, days=1)


def pause_weeks(*, session: Session, user: User, weeks: int, now: datetime) -> Schedule:
    return pause(
        session=session, user=user, until=pause_end(local_today(user, now), weeks), now=now
    )


def resume(*, session: Session, user: User, now: datetime) -> Schedule:
    user.paused_until = None
    revive(user)
    reschedule(session=session, user=user, now=now)
    return describe(user, now=now)


@dataclass(frozen=True)
class NewPreferences:
    """What the settings modal submits."""

    cadence: str
    weekday: int
    second_weekday: int | None
    minute: int
    quiet_start: int | None
    quiet_end: int | None
    reminder: bool
    paused_until: date | None
    # Work-day mask (Monday is bit 0); None keeps the stored one.
    workdays: int | None = None
    # Public-holiday calendar as typed ("US-CA", "none", "" for the workspace's); None keeps
    # the stored one (a form opened before the field existed).
    holiday_calendar: str | None = None


def validate(prefs: NewPreferences, *, today: date) -> dict[str, str]:
    """Problems per settings field (block id → message); empty when all is well."""
    errors: dict[str, str] = {}
    if prefs.cadence not in schedule.CADENCES:
        errors["cadence"] = "Pick how often."
    if not 0 <= prefs.weekday <= 6:
        errors["day"] = "Pick a day."
    if prefs.cadence == "twice_weekly" and prefs.second_weekday == prefs.weekday:
        errors["second_day"] = "Pick a different second day."
    if (prefs.quiet_start is None) != (prefs.quiet_end is None):
        block = "quiet_end" if prefs.quiet_end is None else "quiet_start"
        errors[block] = "Set both ends of your quiet hours, or neither."
    elif prefs.quiet_start is not None and prefs.quiet_start == prefs.quiet_end:
        errors["quiet_end"] = "Quiet hours need to end at a different time than they start."
    elif prefs.cadence != "off":
        try:
            _check_quiet(prefs.minute, prefs.quiet_start, prefs.quiet_end)
        except PreferenceError as error:
            errors["time"] = str(error)
    if prefs.workdays is not None and not 0 < prefs.workdays <= schedule.ALL_DAYS:
        errors["workdays"] = "Pick at least one work day."
    if prefs.paused_until is not None:
        if prefs.paused_until <= today:
            errors["pause_until"] = "Pick a date after today, or leave it empty."
        elif prefs.paused_until > today + timedelta(days=MAX_PAUSE_DAYS):
            errors["pause_until"] = "A pause can last up to a year."
    problem = timeoff.calendar_problem(prefs.holiday_calendar or "")
    if problem is not None:
        errors["holiday_calendar"] = problem
    return errors


def update_preferences(
    *, session: Session, user: User, prefs: NewPreferences, now: datetime
) -> Schedule:
    """Apply the settings modal (already validated)."""
    if prefs.cadence == "off":
        user.checkins_enabled = False
    else:
        user.checkins_enabled = True
        user.cadence = prefs.cadence
        revive(user)
    user.checkin_weekday = prefs.weekday
    user.second_weekday = prefs.second_weekday
    user.checkin_minute = prefs.minute
    user.quiet_start_minute = prefs.quiet_start
    user.quiet_end_minute = prefs.quiet_end
    user.reminder_enabled = prefs.reminder
    user.paused_until = prefs.paused_until
    if prefs.workdays is not None:
        user.workdays = prefs.workdays
    if prefs.holiday_calendar is not None:
        choose_calendar(user=user, code=prefs.holiday_calendar)
    if not user.checkins_enabled or prefs.paused_until is not None:
        _cancel_unsent(session, user)
    if user.checkins_enabled:
        reschedule(session=session, user=user, now=now)
    else:
        user.next_checkin_at = None
    return describe(user, now=now)


def timezone_changed(*, session: Session, user: User, now: datetime) -> None:
    """Re-plan after the user's Slack time zone changed."""
    if user.checkins_enabled:
        reschedule(session=session, user=user, now=now)


# ── Time off ────────────────────────────────────────────────────────────────────────────


def status_seen(
    *, user: User, profile: Mapping[str, Any], now: datetime, rules: timeoff.AwayRules
) -> None:
    """Keep the away span a Slack user object's status gives (users.info, user_change).

    Only the status is read: `profile.status_text`, `status_emoji`, `status_expiration`.
    """
    inner = profile.get("profile")
    if not isinstance(inner, Mapping):
        return
    status = timeoff.status_away(
        _text(inner.get("status_text")),
        _text(inner.get("status_emoji")),
        _number(inner.get("status_expiration")),
        now=now,
        zone=schedule.zone_for(user.tz),
        rules=rules,
    )
    kept = timeoff.TimeOff.of(user).spans
    span = timeoff.next_span(kept[0] if kept else None, status, now=now)
    if span is not None:
        user.away_from, user.away_until, user.away_why = span.start, span.end, span.why[:255]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def choose_calendar(*, user: User, code: str) -> timeoff.HolidayCalendar | None:
    """Set the person's public-holiday calendar: a code, "none" (no holidays), or empty (the
    workspace default). Raises `timeoff.UnknownCalendar` with the choices for a bad code."""
    cleaned = code.strip()
    if not cleaned:
        user.holiday_calendar = None
        return None
    if cleaned.lower() == timeoff.NO_CALENDAR:
        user.holiday_calendar = timeoff.NO_CALENDAR
        return None
    calendar = timeoff.holiday_calendar(cleaned)
    user.holiday_calendar = calendar.code
    return calendar


# ── Ownership ───────────────────────────────────────────────────────────────────────────


def own_checkin(
    *, session: Session, user: User, checkin_id: int | None, lock: bool = False
) -> CheckIn | None:
    """The check-in, only if it belongs to this user in this workspace; locked if asked."""
    return _own(session, user, CheckIn, checkin_id, lock=lock)


def own_answer(
    *, session: Session, user: User, answer_id: int | None, lock: bool = False
) -> Answer | None:
    """The answer, only if it belongs to this user in this workspace; locked if asked."""
    return _own(session, user, Answer, answer_id, lock=lock)


def _own(
    session: Session, user: User, model: type[_Owned], row_id: int | None, *, lock: bool
) -> _Owned | None:
    if row_id is None or user.id is None:
        return None
    query = select(model).where(
        model.id == row_id, model.user_id == user.id, model.workspace_id == user.workspace_id
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def dm_answer(*, session: Session, user: User, channel_id: str, ts: str) -> Answer | None:
    """The user's answer stored from the DM message `ts` (its first, for a message that
    answered several questions: the one its confirmation is about)."""
    if user.id is None:
        return None
    return session.scalars(
        select(Answer)
        .where(
            Answer.user_id == user.id,
            Answer.workspace_id == user.workspace_id,
            Answer.channel_id == channel_id,
            Answer.message_ts == ts,
        )
        .order_by(Answer.id)
        .limit(1)
    ).one_or_none()


def each_checkin(
    database: Database, *criteria: Any
) -> Iterator[tuple[Session, CheckIn, User, bool]]:
    """The check-ins that meet `criteria`, with their person and whether their workspace is
    active, by id: BATCH at a time, each batch locked FOR UPDATE SKIP LOCKED (two workers
    take different ones) in a session of its own, committed once the batch is done."""
    after_id, seen = 0, BATCH
    while seen == BATCH:
        seen = 0
        with database.session() as session:
            query = skip_locked(
                select(CheckIn, User, Workspace.active)
                .join(User, User.id == CheckIn.user_id)
                .join(Workspace, Workspace.id == CheckIn.workspace_id)
                .options(lazyload(User.workspace))
                .where(CheckIn.id > after_id, *criteria)
                .order_by(CheckIn.id)
                .limit(BATCH),
                session,
                CheckIn,
            )
            for checkin, user, workspace_active in session.execute(query).all():
                seen += 1
                after_id = checkin.id
                yield session, checkin, user, workspace_active
