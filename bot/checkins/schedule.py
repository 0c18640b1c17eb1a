"""Check-in slots in each engineer's own time zone: pure functions of preferences and instants.

A *slot* is one local date and wall-clock time at which a check-in is due. Its `period_key`
names the period it belongs to — the ISO week of its local date (plus ".2" for the second
slot of a twice-weekly cadence) — so that the delivery table's unique (user, period_key)
gives at most one check-in per period even when someone moves their day mid-week.

Daylight saving is handled explicitly:
- a wall time that does not exist (clocks spring forward over it) moves forward by the gap
  (02:30 on the spring-forward night becomes 03:30);
- a wall time that happens twice (clocks fall back) means its first occurrence.

Every-two-weeks slots fall in the even weeks counted from a fixed Monday, so the rhythm is
the same for everyone, deterministic, and does not stumble at ISO years with 53 weeks.

A check-in early in the week (a slot on Monday or Tuesday) asks about the week that ended:
its period is that week, and answers to it are dated inside that week (its last work day),
so they count there however late they come. Later in the week a check-in asks about the
week it is in. Every two weeks, a check-in asks about that week and the one before it
(none goes unasked); twice a week, each asks about the days since the other (`span`).

Reminders and snoozes never land on the person's weekend: `workdays` (Monday to Friday
unless the person chose otherwise) moves them to the next work day at the same local time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.timetext import checkin_schedule

CADENCES = ("weekly", "twice_weekly", "biweekly", "off")
BIWEEKLY_EPOCH = date(2024, 1, 1)  # a Monday
# Work days as a bit mask, bit n for weekday n (Monday is bit 0): Monday to Friday.
DEFAULT_WORKDAYS = 0b0011111
ALL_DAYS = 0b1111111
# A check-in on these local weekdays (Monday, Tuesday) asks about the week that ended.
EARLY_WEEKDAYS = (0, 1)
MINUTES_PER_DAY = 24 * 60
# Slots are searched at most this far ahead (a pause is at most a year).
_SEARCH_DAYS = 400


def zone_for(name: str | None) -> ZoneInfo:
    """The IANA zone, or UTC when the name is unknown (Slack sometimes sends odd values)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local_date(instant: datetime | None, tz: str | None) -> date | None:
    return instant.astimezone(zone_for(tz)).date() if instant is not None else None


def default_second_weekday(weekday: int) -> int:
    """The other day of a twice-weekly cadence when none was chosen: three days earlier."""
    return (weekday - 3) % 7


@dataclass(frozen=True)
class Preferences:
    """Everything that decides when someone's check-ins are due."""

    tz: str = "UTC"
    cadence: str = "weekly"
    weekday: int = 4
    second_weekday: int | None = None
    minute: int = 15 * 60
    quiet_start: int | None = None
    quiet_end: int | None = None
    paused_until: date | None = None
    enabled: bool = True
    workdays: int = DEFAULT_WORKDAYS
    # The local date the person joined (first contact): no check-in asks about days before.
    started: date | None = None

    @classmethod
    def of(cls, user: Any) -> Preferences:
        """Read a user's preferences (a `bot.db.models.User` or anything shaped like it)."""
        return cls(
            tz=user.tz or "UTC",
            cadence=user.cadence or "weekly",
            weekday=user.checkin_weekday,
            second_weekday=user.second_weekday,
            minute=user.checkin_minute,
            quiet_start=user.quiet_start_minute,
            quiet_end=user.quiet_end_minute,
            paused_until=user.paused_until,
            enabled=bool(user.checkins_enabled),
            workdays=valid_workdays(getattr(user, "workdays", None)),
            started=_local_date(getattr(user, "created_at", None), user.tz),
        )

    @property
    def zone(self) -> ZoneInfo:
        return zone_for(self.tz)

    @property
    def active(self) -> bool:
        return self.enabled and self.cadence in CADENCES and self.cadence != "off"

    @property
    def weekdays(self) -> tuple[int, ...]:
        """The local weekdays with a slot, earliest in the week first."""
        if self.cadence != "twice_weekly":
            return (self.weekday,)
        second = self.second_weekday
        if second is None or second == self.weekday:
            second = default_second_weekday(self.weekday)
        return tuple(sorted({self.weekday, second}))

    def is_workday(self, day: date) -> bool:
        """Whether a local date is one of the person's work days (not their weekend)."""
        return bool(self.workdays >> day.weekday() & 1)

    @property
    def has_quiet_hours(self) -> bool:
        return (
            self.quiet_start is not None
            and self.quiet_end is not None
            and self.quiet_start != self.quiet_end
        )


@dataclass(frozen=True)
class Slot:
    """One due check-in: its instant in UTC, its local time, and the period it belongs to."""

    at: datetime
    local: datetime
    period_key: str


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens on a local date, DST gaps and folds resolved.

    fold=0 picks the first occurrence of a repeated time; for a time inside a gap, fold=0
    uses the offset from before the transition, which lands the gap's length later in real
    time — the round trip below makes that explicit as the shifted-forward local time.
    """
    minute = min(max(minute, 0), MINUTES_PER_DAY - 1)
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    instant = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return instant.astimezone(zone)


def valid_workdays(mask: int | None) -> int:
    """A usable work-day mask: the default when unset or when it names no day at all."""
    if mask is None or not 0 < mask <= ALL_DAYS:
        return DEFAULT_WORKDAYS
    return mask


def workdays_mask(days: Iterable[int]) -> int:
    """The mask of these weekdays (Monday is 0)."""
    mask = 0
    for day in days:
        if 0 <= day <= 6:
            mask |= 1 << day
    return mask


def workday_list(mask: int) -> list[int]:
    """The weekdays (Monday is 0) in a mask, in order."""
    return [day for day in range(7) if mask >> day & 1]


def asks_about_previous_week(day: date) -> bool:
    """Whether a check-in on this local date asks about the week that ended."""
    return day.weekday() in EARLY_WEEKDAYS


def reflected_monday(day: date) -> date:
    """The Monday of the week a check-in on this local date asks about."""
    monday = day - timedelta(days=day.weekday())
    return monday - timedelta(weeks=1) if asks_about_previous_week(day) else monday


def answer_instant(
    prefs: Preferences, slot_at: datetime, answered_at: datetime | None = None
) -> datetime:
    """When an answer to the check-in of `slot_at` is dated: inside the week it asks about.

    A check-in about its own week dates an answer when it was given (`answered_at`), but
    never past that week's end: a Friday check-in answered on Sunday is Sunday's evidence,
    answered the next Tuesday it is still the week's. One about the week that ended dates
    answers on that week's last work day, at the check-in's local time. A twice-weekly
    check-in asks about the days since the one before, up to its own: its answers are dated
    like one about its own week, early in the week or not.
    """
    zone = prefs.zone
    local = slot_at.astimezone(zone)
    if span(prefs, local.date()).kind == "since" or not asks_about_previous_week(local.date()):
        if answered_at is None or answered_at <= slot_at:
            return slot_at
        next_monday = local.date() + timedelta(days=7 - local.weekday())
        week_end = local_instant(next_monday, 0, zone).astimezone(UTC) - timedelta(seconds=1)
        return min(answered_at, week_end)
    monday = reflected_monday(local.date())
    days = [monday + timedelta(days=n) for n in range(7)]
    day = next((d for d in reversed(days) if prefs.is_workday(d)), days[-1])
    return local_instant(day, local.hour * 60 + local.minute, zone).astimezone(UTC)


@dataclass(frozen=True)
class Span:
    """The local days a check-in asks about, first to last, and how they are named.

    `kind` is "week" (every week: this week, or the week that ended for an early slot),
    "two_weeks" (every two weeks: that week and the one before it, so no week goes unasked)
    or "since" (twice a week: the days since the previous check-in's day, so the two
    check-ins of a week never ask about the same days; the first one, since the day the
    person joined).
    """

    first: date
    last: date
    kind: str = "week"


def span(prefs: Preferences, day: date) -> Span:
    """The days the check-in on a local date asks about, for the person's cadence; never
    days before the person joined ("this week (9–13 Dec)" for a Wednesday arrival)."""
    found = _whole_span(prefs, day)
    if prefs.started is not None and found.first < prefs.started <= min(day, found.last):
        return replace(found, first=prefs.started)
    return found


def asked_span(prefs: Preferences, checkin: Any) -> Span:
    """The days a check-in (a `bot.db.models.CheckIn` or anything shaped like it) asks
    about, as fixed when it was created; a row from before they were kept: for the person's
    cadence now."""
    kind, first, last = checkin.period_kind, checkin.period_first, checkin.period_last
    if kind and first is not None and last is not None:
        return Span(first, last, kind)
    return span(prefs, checkin.slot_at.astimezone(prefs.zone).date())


def _whole_span(prefs: Preferences, day: date) -> Span:
    if prefs.cadence == "twice_weekly" and len(prefs.weekdays) > 1:
        days = prefs.weekdays
        earlier = [d for d in days if d < day.weekday()]
        previous = earlier[-1] if earlier else days[-1]
        gap = (day.weekday() - previous) % 7 or 7
        return Span(day - timedelta(days=gap), day, "since")
    monday = reflected_monday(day)
    if prefs.cadence == "biweekly":
        return Span(monday - timedelta(weeks=1), monday + timedelta(days=6), "two_weeks")
    return Span(monday, monday + timedelta(days=6))


def was_here_for(prefs: Preferences, day: date) -> bool:
    """Whether the person was here for at least half the work days the check-in on this local
    date asks about (up to that date): a first check-in asks about time they were here.

    A Monday check-in the morning someone joins would ask about the week before they came,
    and a Friday 15:00 one about a week they saw an hour of: neither is sent, their first
    check-in is the next one. Twice a week, the first one asks about the days since they
    joined (`span`), however few. The weekly summary likewise skips a week its person came
    after (`bot/summaries/service.py`, `_joined_late`).
    """
    whole = _whole_span(prefs, day)
    started = prefs.started
    if started is None or whole.kind == "since" or not whole.first < started <= day:
        return True  # here all along (or a slot from before they came: nothing to judge)
    days = [
        whole.first + timedelta(days=n)
        for n in range((min(day, whole.last) - whole.first).days + 1)
    ]
    work = [d for d in days if prefs.is_workday(d)] or days
    here = sum(1 for d in work if d >= started)
    return 2 * here >= len(work)


def period_key(prefs: Preferences, day: date) -> str:
    """The ISO week the check-in asks about; the second slot of a week gets ".2".

    That is the week of the slot's local date, or the week before for a slot early in the
    week, so a user gets at most one check-in about any week even when moving their day.
    (It is the check-in's identity; the days it asks about are its `span`.)
    """
    year, week, _ = reflected_monday(day).isocalendar()
    key = f"{year}-W{week:02d}"
    days = prefs.weekdays
    if len(days) > 1 and day.weekday() == days[-1]:
        key += ".2"
    return key


def is_paused(prefs: Preferences, day: date) -> bool:
    """Whether a local date falls before the end of a pause (`paused_until` resumes)."""
    return prefs.paused_until is not None and day < prefs.paused_until


def _week_index(day: date) -> int:
    monday = day - timedelta(days=day.weekday())
    return (monday - BIWEEKLY_EPOCH).days // 7


def slot_on(prefs: Preferences, day: date) -> Slot | None:
    """The slot on a local date, if the cadence has one there (pauses ignored)."""
    if not prefs.active or day.weekday() not in prefs.weekdays:
        return None
    if prefs.cadence == "biweekly" and _week_index(day) % 2:
        return None
    local = local_instant(day, prefs.minute, prefs.zone)
    return Slot(at=local.astimezone(UTC), local=local, period_key=period_key(prefs, day))


def slots_from(prefs: Preferences, start: datetime, *, strict: bool = False) -> Iterator[Slot]:
    """Slots at or after `start` (after it, when strict), in order, skipping paused dates."""
    if not prefs.active:
        return
    zone = prefs.zone
    day = start.astimezone(zone).date() - timedelta(days=1)
    if prefs.paused_until is not None and prefs.paused_until > day:
        day = prefs.paused_until
    for _ in range(_SEARCH_DAYS):
        slot = slot_on(prefs, day)
        day += timedelta(days=1)
        if (
            slot is None
            or is_paused(prefs, slot.local.date())
            or not was_here_for(prefs, slot.local.date())
        ):
            continue
        if slot.at > start or (slot.at == start and not strict):
            yield slot


def next_slot(prefs: Preferences, after: datetime, *, strict: bool = False) -> Slot | None:
    """The first slot at (or, when strict, after) an instant; None when check-ins are off."""
    return next(slots_from(prefs, after, strict=strict), None)


def slots_between(prefs: Preferences, start: datetime, end: datetime) -> list[Slot]:
    """Slots with start <= at < end."""
    found = []
    for slot in slots_from(prefs, start):
        if slot.at >= end:
            break
        found.append(slot)
    return found


def minute_of_day(instant: datetime, zone: ZoneInfo) -> int:
    local = instant.astimezone(zone)
    return local.hour * 60 + local.minute


def in_quiet_window(minute: int, start: int | None, end: int | None) -> bool:
    """Whether a local minute of the day falls in [start, end), which may wrap midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def in_quiet_hours(prefs: Preferences, instant: datetime) -> bool:
    """Whether an instant falls in the user's quiet hours, in their local time."""
    if not prefs.has_quiet_hours:
        return False
    return in_quiet_window(minute_of_day(instant, prefs.zone), prefs.quiet_start, prefs.quiet_end)


def quiet_hours_end(prefs: Preferences, instant: datetime) -> datetime:
    """The first instant at or after `instant` outside quiet hours."""
    if prefs.quiet_end is None or not in_quiet_hours(prefs, instant):
        return instant
    zone = prefs.zone
    local = instant.astimezone(zone)
    day = local.date()
    if local.hour * 60 + local.minute >= prefs.quiet_end:
        day += timedelta(days=1)
    return local_instant(day, prefs.quiet_end, zone).astimezone(UTC)


def next_workday(prefs: Preferences, day: date) -> date:
    """The first of the person's work days on or after a local date."""
    for offset in range(7):
        candidate = day + timedelta(days=offset)
        if prefs.is_workday(candidate):
            return candidate
    return day  # unreachable: a valid mask names at least one day


def on_a_workday(prefs: Preferences, instant: datetime) -> datetime:
    """`instant`, or when it falls on the person's weekend, the same local time on the next
    work day (a wall time that does not exist that day moves forward by the gap)."""
    zone = prefs.zone
    local = instant.astimezone(zone)
    day = next_workday(prefs, local.date())
    if day == local.date():
        return instant
    return local_instant(day, local.hour * 60 + local.minute, zone).astimezone(UTC)


def snooze_until(prefs: Preferences, now: datetime) -> datetime:
    """ "Until tomorrow": the next work day after today, at the user's check-in time.

    A snooze on Friday (or over the weekend) brings the check-in back on Monday, not on a
    Saturday.
    """
    zone = prefs.zone
    day = next_workday(prefs, now.astimezone(zone).date() + timedelta(days=1))
    return local_instant(day, prefs.minute, zone).astimezone(UTC)


def reminder_due(prefs: Preferences, since: datetime, delay: timedelta) -> datetime:
    """When the one reminder is due: `delay` after the check-in (or its snooze's end), past
    quiet hours, and off the person's weekend (the same local time on their next work day)."""
    return on_a_workday(prefs, quiet_hours_end(prefs, since + delay))


def may_remind(prefs: Preferences, instant: datetime) -> bool:
    """Whether a reminder may go out at an instant: a work day, outside quiet hours."""
    return prefs.is_workday(instant.astimezone(prefs.zone).date()) and not in_quiet_hours(
        prefs, instant
    )


def first_moment_to_remind(prefs: Preferences, instant: datetime) -> datetime:
    """The first instant at or after `instant` at which `may_remind` holds."""
    zone = prefs.zone
    for _ in range(8):  # quiet hours can end on a weekend day: then on to the work day
        local = instant.astimezone(zone)
        day = next_workday(prefs, local.date())
        if day != local.date():
            instant = local_instant(day, 0, zone).astimezone(UTC)
        instant = quiet_hours_end(prefs, instant)
        if may_remind(prefs, instant):
            break
    return instant


# Messages the coach sends on its own outside a check-in (a judgment call's follow-up, due
# to the minute three months after an entry logged at midnight) wait for the person's day:
# quiet hours are unset unless chosen, and "never at 00:34" should not depend on setting them.
DAY_START = 9 * 60
DAY_END = 18 * 60


def daytime_window(prefs: Preferences) -> tuple[int, int]:
    """The local minutes [start, end) of the person's day: 09:00-18:00, widened to hold
    their check-in hour when they chose one outside it (an evening reflector)."""
    return min(DAY_START, prefs.minute), max(DAY_END, min(prefs.minute + 60, MINUTES_PER_DAY))


def may_reach_out(prefs: Preferences, instant: datetime) -> bool:
    """Whether the coach may send an unprompted message: as a reminder, and in the day."""
    start, end = daytime_window(prefs)
    return may_remind(prefs, instant) and start <= minute_of_day(instant, prefs.zone) < end


def first_moment_to_reach_out(prefs: Preferences, instant: datetime) -> datetime:
    """The first instant at or after `instant` at which `may_reach_out` holds."""
    start, _end = daytime_window(prefs)
    zone = prefs.zone
    for _ in range(16):  # quiet hours, a weekend and the night can each push it on
        instant = first_moment_to_remind(prefs, instant)
        if may_reach_out(prefs, instant):
            break
        local = instant.astimezone(zone)
        day = local.date() if minute_of_day(instant, zone) < start else local.date() + timedelta(1)
        instant = local_instant(day, start, zone).astimezone(UTC)
    return instant


def describe(prefs: Preferences) -> str:
    """ "every Friday at 15:00 (Europe/Berlin)"-style summary of the preferences."""
    if not prefs.active:
        return "off"
    return checkin_schedule(prefs.cadence, prefs.weekdays, prefs.minute, prefs.tz)
