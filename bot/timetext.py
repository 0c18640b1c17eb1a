"""Times, weekdays and counts as people type them: one parser for each, used everywhere.

Commands (`checkins on fri 4pm`, `digest add #team weekly mon 9am`, `pause two weeks`), the
settings modal, the configuration (SUMMARY_TIME) and the sandbox read times and days here,
so `16:00`, `4pm`, `4:30pm`, `4.30pm`, `4 pm`, `15h30` and `9am` mean the same thing
wherever they are typed; and every message names a day (`Mon 7 Dec`, `Mon 7 Dec 2026`) and a
run of days (`7–13 Dec 2026`) with `day_label` and `day_range`. Periods (`last week`,
`december`, `2026-Q3`) are read by `bot.evidence.periods.parse_period`, which uses these.
Pure functions, no clock.
"""

from __future__ import annotations

import re
from datetime import date

MINUTES_PER_DAY = 24 * 60

_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?m?\.?$|^(\d{1,2})(?:[:.h](\d{2}))?$")
_NAMED_TIMES = {"noon": 12 * 60, "midday": 12 * 60, "midnight": 0}

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Besides the full names: any prefix of at least three letters ("tues", "thur", "wed").
_WEEKDAY_EXTRA = {"weds": 2, "thurs": 3, "thur": 3, "tues": 1}

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_EXTRA = {"sept": 9}

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def parse_time_of_day(text: str) -> int | None:
    """Minutes after midnight from `16:00`, `4pm`, `4:30pm`, `4.30pm`, `4 pm`, `9am`, `9 a.m.`,
    `15h30`, `9` or `noon`; None when it is not a time of day."""
    typed = " ".join(text.strip().lower().split())
    if typed in _NAMED_TIMES:
        return _NAMED_TIMES[typed]
    match = _TIME.match(typed)
    if match is None:
        return None
    if match.group(3):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3) == "p" else 0)
    else:
        hour, minute = int(match.group(4)), int(match.group(5) or 0)
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def _by_name(word: str, names: tuple[str, ...], extra: dict[str, int], first: int) -> int | None:
    """The position (from `first`) of the name `word` is, or starts with (three letters or
    more), or an extra spelling of."""
    typed = word.strip().lower().rstrip(".,")
    if typed in extra:
        return extra[typed]
    if len(typed) < 3:
        return None
    return next((n for n, name in enumerate(names, first) if name.startswith(typed)), None)


def parse_weekday(word: str) -> int | None:
    """Monday is 0: from `mon`, `Monday`, `tues`, `thur`, `weds.`; None otherwise."""
    return _by_name(word, WEEKDAY_NAMES, _WEEKDAY_EXTRA, 0)


def weekday_name(index: int) -> str:
    """`Monday` for 0."""
    return WEEKDAY_NAMES[index].capitalize()


def hhmm(minute_of_day: int) -> str:
    """`09:05` for 545."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def day_label(day: date, *, year: bool = False) -> str:
    """A day as every message names it: `Mon 7 Dec`, or `Mon 7 Dec 2026` with the year (for
    dates that may be in another year: the log, the packet, a staff problem's start). Takes a
    local date or datetime; no zero-padded day."""
    label = f"{day:%a} {day.day} {day:%b}"
    return f"{label} {day.year}" if year else label


def day_range(first: date, last: date, *, year: bool = True) -> str:
    """Days from `first` to `last` as every message names them: `7–13 Dec 2026`,
    `30 Nov–6 Dec 2026`, `28 Dec 2026–3 Jan 2027`; without the year (`year=False`): `7–13 Dec`,
    `30 Nov–6 Dec`, and the year only across one. One day is `7 Dec 2026` (`7 Dec`)."""
    if first == last:
        return f"{last.day} {last:%b} {last.year}" if year else f"{last.day} {last:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b} {first.year}–{last.day} {last:%b} {last.year}"
    start = f"{first.day}" if first.month == last.month else f"{first.day} {first:%b}"
    end = f"{last.day} {last:%b} {last.year}" if year else f"{last.day} {last:%b}"
    return f"{start}–{end}"


def parse_month(word: str) -> int | None:
    """1–12 from `dec`, `December`, `sept`; None otherwise."""
    return _by_name(word, MONTH_NAMES, _MONTH_EXTRA, 1)


def parse_count(text: str) -> int | None:
    """A small count as typed: `2`, `two`, `a`; None otherwise."""
    typed = " ".join(text.strip().lower().split())
    # isdecimal, not isdigit: '²'.isdigit() is true and int('²') raises.
    if typed.isdecimal() and len(typed) <= 6:
        return int(typed)
    return _NUMBER_WORDS.get(typed)


def checkin_schedule(cadence: str, weekdays: tuple[int, ...], minute: int, tz: str) -> str:
    """How check-ins are scheduled, in the words every place uses (the `checkins` reply,
    the Home tab): "every Friday at 15:00 (Europe/Berlin)", "every Tuesday and Friday at
    10:00 (…)" twice a week, "every other Friday at 15:00 (…)" every two weeks."""
    days = " and ".join(weekday_name(day) for day in weekdays)
    when = f"{days} at {hhmm(minute)} ({tz})"
    return f"every other {when}" if cadence == "biweekly" else f"every {when}"


COUNT_WORDS = r"\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
"""A regex alternative matching what `parse_count` reads."""
