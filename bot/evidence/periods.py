"""Periods people type: `last week`, `december`, `dec 2026`, `2026-Q3`, `last 90 days`,
`this quarter`, `2026-01-01..2026-06-30`: the one period parser.

Dates are read in the user's time zone; a period is a half-open range of instants
[start, end) in UTC, with a label for people. A week is the summaries' week (Monday to
Sunday, `bot.summaries.periods`), so "this week" here is the week a summary is about; month
and day names are read by `bot.timetext`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.summaries.periods import week_containing
from bot.summaries.periods import zone as user_zone
from bot.timetext import COUNT_WORDS, parse_count, parse_month
from bot.ui.text import plural

MAX_DAYS = 366 * 20

_QUARTER = re.compile(r"^(\d{4})[-\s]?q([1-4])$|^q([1-4])[-\s]?(\d{4})$", re.IGNORECASE)
_LAST = re.compile(
    rf"^(?:the\s+)?(?:last|past)\s+(\d{{1,5}}|{COUNT_WORDS})\s+(day|week|month|year)s?$", re.I
)
# `december`, `dec 2026`, `December, 2026`, `2026 dec`
_MONTH_NAME = re.compile(r"^([a-z]{3,9})\.?,?(?:\s+(\d{4}))?$|^(\d{4})\s+([a-z]{3,9})\.?$", re.I)
_RANGE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|\bto\b|\s-\s)\s*(\d{4}-\d{2}-\d{2})$", re.IGNORECASE
)
_SINCE = re.compile(r"^since\s+(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})$")

PERIOD_HELP = (
    "`this week`, `last week`, a month (`this month`, `last month`, `december`, `dec 2026`, "
    "`2026-05`), a quarter (`2026-Q3`, `this quarter`, `last quarter`), `last 90 days`, "
    "`last 6 months`, a year (`2026`, `this year`), `since 2026-01-01`, or dates "
    "`2026-01-01..2026-06-30`"
)


class PeriodError(ValueError):
    """The period could not be read; the message says what is accepted."""


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, with the first and last local day for people."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    label: str

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def _make(first: date, last: date, zone: ZoneInfo, label: str) -> Period:
    if last < first:
        raise PeriodError("the period ends before it starts")
    if (last - first).days > MAX_DAYS:
        raise PeriodError("that period is longer than twenty years")
    start = datetime.combine(first, time.min, zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC)
    return Period(start=start, end=end, first_day=first, last_day=last, label=label)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{text} is not a date (use YYYY-MM-DD)") from None


def quarter(year: int, number: int, zone: ZoneInfo) -> Period:
    first = _quarter_start(year, number)
    last = _add_months(first, 3) - timedelta(days=1)
    return _make(first, last, zone, f"{year}-Q{number}")


def default_period(now: datetime, tz: str | None) -> Period:
    """The last six months, up to and including today."""
    zone = user_zone(tz)
    today = now.astimezone(zone).date()
    return _make(_add_months(today, -6) + timedelta(days=1), today, zone, "the last six months")


def _fixed(today: date, zone: ZoneInfo) -> dict[str, Callable[[], Period]]:
    """Periods named in words, relative to today."""
    this_q = (today.month - 1) // 3 + 1
    previous_q = (today.year, this_q - 1) if this_q > 1 else (today.year - 1, 4)
    month_start = today.replace(day=1)
    week_start = week_containing(datetime.combine(today, time(12), zone), zone).monday
    last_week_start = week_start - timedelta(weeks=1)
    last_month_start = _add_months(month_start, -1)
    y = today.year
    return {
        "this quarter": lambda: quarter(y, this_q, zone),
        "last quarter": lambda: quarter(*previous_q, zone),
        "this year": lambda: _make(date(y, 1, 1), date(y, 12, 31), zone, str(y)),
        "last year": lambda: _make(date(y - 1, 1, 1), date(y - 1, 12, 31), zone, str(y - 1)),
        "this month": lambda: _make(
            month_start,
            _add_months(month_start, 1) - timedelta(days=1),
            zone,
            f"{month_start:%B %Y}",
        ),
        "last month": lambda: _make(
            last_month_start, month_start - timedelta(days=1), zone, f"{last_month_start:%B %Y}"
        ),
        "this week": lambda: _make(
            week_start, week_start + timedelta(days=6), zone, f"the week of {week_start}"
        ),
        "last week": lambda: _make(
            last_week_start,
            last_week_start + timedelta(days=6),
            zone,
            f"the week of {last_week_start}",
        ),
    }


_SYNONYMS = {
    "quarter": "this quarter",
    "current quarter": "this quarter",
    "previous quarter": "last quarter",
    "year": "this year",
    "previous year": "last year",
    "month": "this month",
    "previous month": "last month",
    "week": "this week",
    "current week": "this week",
    "previous week": "last week",
    "current month": "this month",
}


def _last(count: int, unit: str, today: date, zone: ZoneInfo) -> Period:
    if count < 1:
        raise PeriodError("count from 1")
    if unit == "day":
        first = today - timedelta(days=min(count, MAX_DAYS + 1) - 1)
    elif unit == "week":
        first = today - timedelta(weeks=min(count, MAX_DAYS)) + timedelta(days=1)
    else:
        months = count if unit == "month" else 12 * count
        first = _add_months(today, -min(months, 12 * 21)) + timedelta(days=1)
    return _make(first, today, zone, f"the last {plural(count, unit)}")


def _month(year: int, month: int, zone: ZoneInfo, typed: str) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"{typed} is not a month (use YYYY-MM)")
    first = date(year, month, 1)
    return _make(first, _add_months(first, 1) - timedelta(days=1), zone, f"{first:%B %Y}")


def _year(year: int, zone: ZoneInfo) -> Period:
    if year < 1970:
        raise PeriodError(f"{year} is too long ago")
    return _make(date(year, 1, 1), date(year, 12, 31), zone, str(year))


def _range(first: date, last: date, zone: ZoneInfo) -> Period:
    return _make(first, last, zone, f"{first.isoformat()} to {last.isoformat()}")


def _patterns(typed: str, today: date, zone: ZoneInfo) -> Period | None:
    """Periods written with numbers: quarters, ranges, `last N units`, years, months, days."""
    builders: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Period]]] = [
        (_QUARTER, lambda m: quarter(int(m[1] or m[4]), int(m[2] or m[3]), zone)),
        (_LAST, lambda m: _last(parse_count(m[1]) or 0, m[2].lower(), today, zone)),
        (_RANGE, lambda m: _range(_date(m[1]), _date(m[2]), zone)),
        (_SINCE, lambda m: _make(_date(m[1]), max(today, _date(m[1])), zone, f"since {m[1]}")),
        (_MONTH, lambda m: _month(int(m[1]), int(m[2]), zone, typed)),
        (_YEAR, lambda m: _year(int(m[1]), zone)),
        (_DAY, lambda m: _make(_date(m[1]), _date(m[1]), zone, m[1])),
    ]
    for pattern, build in builders:
        if m := pattern.match(typed):
            return build(m)
    return None


def _named_month(typed: str, today: date, zone: ZoneInfo) -> Period | None:
    """`december` (the latest December that has begun), `dec 2026`, `2026 december`."""
    match = _MONTH_NAME.match(typed)
    if match is None:
        return None
    month = parse_month(match[1] or match[4])
    if month is None:
        return None
    year_text = match[2] or match[3]
    if year_text:
        return _month(int(year_text), month, zone, typed)
    year = today.year if month <= today.month else today.year - 1
    return _month(year, month, zone, typed)


def parse_period(text: str, *, now: datetime, tz: str | None) -> Period:
    """Read a period typed by a user; empty text is the last six months."""
    zone = user_zone(tz)
    today = now.astimezone(zone).date()
    typed = " ".join(text.strip().split())
    if not typed:
        return default_period(now, tz)
    lowered = typed.lower()
    named = _fixed(today, zone).get(_SYNONYMS.get(lowered, lowered))
    if named is not None:
        return named()
    found = _patterns(typed, today, zone) or _named_month(typed, today, zone)
    if found is None:
        raise PeriodError(f"I can't read that period. Try {PERIOD_HELP}.")
    return found
