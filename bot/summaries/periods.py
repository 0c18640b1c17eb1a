"""Weeks and digest periods as UTC instants, computed in a person's or a channel's time zone.

Pure functions: no clock, no database. A week runs Monday 00:00 to the next Monday 00:00 in
local time, so a daylight-saving change makes it 167 or 169 hours long, as people live it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.timetext import day_range

DAYS_PER_WEEK = 7


def zone(name: str | None) -> ZoneInfo:
    """The zone for a Slack tz name; UTC when the name is unknown or empty."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, order=True)
class Week:
    """One local week: `monday` names it; start and end are UTC instants."""

    monday: date
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """ISO week, e.g. 2026-W47: the period key of a summary."""
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    def label(self) -> str:
        return day_range(self.monday, self.monday + timedelta(days=6))


def week_of_monday(monday: date, tz: ZoneInfo) -> Week:
    return Week(
        monday=monday,
        start=_local_midnight(monday, tz),
        end=_local_midnight(monday + timedelta(days=DAYS_PER_WEEK), tz),
    )


def week_containing(instant: datetime, tz: ZoneInfo) -> Week:
    """The local week an instant falls in."""
    local = instant.astimezone(tz).date()
    return week_of_monday(local - timedelta(days=local.weekday()), tz)


def weeks_ending_with(week: Week, count: int, tz: ZoneInfo) -> list[Week]:
    """`count` consecutive weeks, oldest first, the last one being `week`."""
    return [
        week_of_monday(week.monday - timedelta(weeks=back), tz) for back in range(count - 1, -1, -1)
    ]


def week_index(instant: datetime, weeks: list[Week]) -> int | None:
    """Which of the consecutive `weeks` (oldest first) contains the instant, if any."""
    if not weeks or instant < weeks[0].start or instant >= weeks[-1].end:
        return None
    for index, week in enumerate(weeks):
        if week.contains(instant):
            return index
    return None


def summary_due_at(week: Week, tz: ZoneInfo, weekday: int, minute_of_day: int) -> datetime:
    """When the summary about `week` is due: the given local weekday and time of the next week."""
    day = week.monday + timedelta(days=DAYS_PER_WEEK + weekday)
    local = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=tz)
    return local.astimezone(UTC)


def week_to_summarise(
    now: datetime, tz: ZoneInfo, weekday: int, minute_of_day: int, grace: timedelta
) -> Week | None:
    """The ended week whose summary is due at `now` (within the grace window), if any."""
    current = week_containing(now, tz)
    for candidate in (week_of_monday(current.monday - timedelta(weeks=n), tz) for n in (1, 2)):
        due = summary_due_at(candidate, tz, weekday, minute_of_day)
        if due <= now < due + grace:
            return candidate
    return None


@dataclass(frozen=True)
class DigestPeriod:
    """The 7 days a digest covers, ending at its scheduled slot."""

    start: datetime
    end: datetime
    key: str

    @property
    def previous(self) -> DigestPeriod:
        # Keys only need to be unique per channel; the previous key is informative.
        return DigestPeriod(
            start=self.start - timedelta(days=DAYS_PER_WEEK),
            end=self.start,
            key=f"{self.start:%Y-%m-%dT%H:%MZ}",
        )


def _slot_on(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    local = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=tz)
    return local.astimezone(UTC)


def latest_digest_slot(now: datetime, weekday: int, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The most recent scheduled slot at or before `now`."""
    local_day = now.astimezone(tz).date()
    back = (local_day.weekday() - weekday) % DAYS_PER_WEEK
    slot = _slot_on(local_day - timedelta(days=back), minute_of_day, tz)
    if slot > now:
        slot = _slot_on(local_day - timedelta(days=back + DAYS_PER_WEEK), minute_of_day, tz)
    return slot


def next_digest_slot(after: datetime, weekday: int, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The first scheduled slot strictly after `after`."""
    latest = latest_digest_slot(after, weekday, minute_of_day, tz)
    local_day = latest.astimezone(tz).date()
    return _slot_on(local_day + timedelta(days=DAYS_PER_WEEK), minute_of_day, tz)


def digest_period(slot: datetime, tz: ZoneInfo) -> DigestPeriod:
    """The 7 local days ending at `slot` (a DST change makes it 167 or 169 hours)."""
    local = slot.astimezone(tz)
    start_local = datetime.combine(
        local.date() - timedelta(days=DAYS_PER_WEEK), local.time(), tzinfo=tz
    )
    return DigestPeriod(start=start_local.astimezone(UTC), end=slot, key=f"{slot:%Y-%m-%dT%H:%MZ}")
