"""Time off: Slack statuses, public holidays, work days and pauses as away days and weeks.

Three parts, all pure (data in, decisions out):

* **Status** — `status_away` reads a Slack profile's ``status_text``, ``status_emoji`` and
  ``status_expiration`` against configurable words and emoji (`AwayRules`): "Vacationing 🌴",
  "OOO, back Monday", ":face_with_thermometer:". Words match whole words, case-insensitively
  ("OOO" yes, "pool" no), with the keyword rules of `bot.coaching.text`; "back from
  vacation" or "holiday party" are not away. An expiration of 0 means no end; without one,
  "back Monday" / "until 2026-12-07" / "through Friday" in the text gives the end.
* **Holidays** — `holiday_calendar("DE-BY")` checks a calendar code (a country, or a country
  and subdivision, from the `holidays` package) with an error that lists the valid choices;
  `public_holiday(calendar, day)` names the public holiday on a date, if any.
* **Away days** — `absence(prefs, time_off, day)` says why a person is away on a local date
  (a pause, a public holiday on their calendar, or an away status), and `away_weeks` which
  weeks of a period had no work day left (see `bot.checkins.schedule.Preferences` for
  work days, pauses and time zones).

A status is known only from the moment it is seen: the wiring keeps `AwaySpan`s (from
when a status was set until it expired or was cleared) and passes them in `TimeOff`.
A span covers a local date when it covers that date's midday in the person's time zone, so
"OOO until 09:00" does not take the day and an expiry at 23:59 does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from bot.capture.emoji import emoji_in, emoji_name, is_emoji_name
from bot.checkins.schedule import Preferences, is_paused, local_instant, workday_list
from bot.coaching.text import compile_keyword, keyword_problem, normalise, unescape_slack

# ── Status ────────────────────────────────────────────────────────────────────────────────

DEFAULT_AWAY_WORDS: tuple[str, ...] = (
    "vacation",
    "vacationing",
    "vacay",
    "holiday",
    "holidays",
    "ooo",
    "out of office",
    "out of the office",
    "pto",
    "annual leave",
    "on leave",
    "parental leave",
    "maternity leave",
    "paternity leave",
    "sick",
    "sick leave",
    "day off",
    "days off",
    "time off",
    "off today",
    "urlaub",
    "congés",
    "vacaciones",
)
DEFAULT_AWAY_EMOJI: tuple[str, ...] = (
    "palm_tree",
    "desert_island",
    "beach_with_umbrella",
    "umbrella_on_ground",
    "airplane",
    "airplane_departure",
    "face_with_thermometer",
    "face_with_head_bandage",
    "sneezing_face",
    "nauseated_face",
    "baby_bottle",
    "luggage",
)
# Words among the two before an away word that say the person is not away (any more, or
# yet): "back from vacation", "not OOO", "planning my holiday".
_NOT_AWAY_BEFORE = frozenset(
    {"back", "returned", "returning", "not", "after", "post", "pre", "before", "no", "planning"}
)
# Words just after an away word that make it about something else ("holiday party").
_NOT_AWAY_AFTER = frozenset(
    {"party", "planning", "prep", "shopping", "card", "cards", "lunch", "of", "coverage", "cover"}
)
_STATUS_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


class AwayRulesError(ValueError):
    """A configured away word or emoji is unusable (the message says which and why)."""


@dataclass(frozen=True, eq=False)
class AwayRules:
    """The words (keyword rules of `bot.coaching.text`) and emoji that mean "away"."""

    words: tuple[str, ...] = DEFAULT_AWAY_WORDS
    emoji: tuple[str, ...] = DEFAULT_AWAY_EMOJI
    _patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        problems = [
            f"away word {word!r} {problem}"
            for word in self.words
            if (problem := keyword_problem(word)) is not None
        ]
        problems += [
            f"away emoji {name!r} is not an emoji name (like palm_tree)"
            for name in self.emoji
            if not is_emoji_name(name)
        ]
        if problems:
            raise AwayRulesError("; ".join(problems))
        patterns = tuple((word, compile_keyword(word)) for word in self.words)
        object.__setattr__(self, "_patterns", patterns)

    @classmethod
    def parse(cls, words: str | None = None, emoji: str | None = None) -> AwayRules:
        """Rules from comma-separated settings ("vacation, OOO", ":palm_tree:, 🤒").

        An unset setting keeps the defaults; a set one replaces them.
        """
        chosen_words = DEFAULT_AWAY_WORDS
        if words is not None:
            chosen_words = tuple(w.strip().lower() for w in words.split(",") if w.strip())
        chosen_emoji = DEFAULT_AWAY_EMOJI
        if emoji is not None:
            chosen_emoji = tuple(emoji_name(e) for e in emoji.split(",") if e.strip())
        return cls(words=chosen_words, emoji=chosen_emoji)

    def word_hit(self, text: str) -> str | None:
        """The first away word in a status text that really says "away", or None."""
        folded = normalise(unescape_slack(text))
        for word, pattern in self._patterns:
            for match in pattern.finditer(folded):
                before = _STATUS_WORD.findall(folded[: match.start()])[-2:]
                after = _STATUS_WORD.findall(folded[match.end() :])[:1]
                if set(before) & _NOT_AWAY_BEFORE or set(after) & _NOT_AWAY_AFTER:
                    continue
                return word
        return None

    def emoji_hit(self, status_emoji: str | None, text: str) -> str | None:
        """The first away emoji in the status emoji or the text, or None."""
        names = [emoji_name(status_emoji)] if status_emoji else []
        names += emoji_in(text)
        return next((name for name in names if name in self.emoji), None)


DEFAULT_RULES = AwayRules()


@dataclass(frozen=True)
class AwayStatus:
    """What a Slack status says: away or not, until when (UTC; None = no end), and why."""

    away: bool
    until: datetime | None
    why: str


def status_away(
    status_text: str | None,
    status_emoji: str | None,
    status_expiration: int | float | None,
    *,
    now: datetime,
    zone: ZoneInfo | None = None,
    rules: AwayRules = DEFAULT_RULES,
) -> AwayStatus:
    """Whether a Slack status says its person is away, and until when.

    `status_expiration` is Slack's (seconds since the epoch; 0 or None: no end). With no
    expiration, "back Monday"-style text gives the end, read in `zone` (the person's).
    """
    text = (status_text or "").strip()
    expires = _expiry(status_expiration)
    if expires is not None and expires <= now:
        return AwayStatus(False, None, "the status has expired")
    hit = rules.word_hit(text)
    why = f'status says "{hit}"' if hit else None
    if why is None and (emoji := rules.emoji_hit(status_emoji, text)):
        why = f"status emoji :{emoji}:"
    if why is None:
        return AwayStatus(False, None, "the status does not say away" if text else "no status")
    until = expires
    if until is None:
        back = back_on(text, today=now.astimezone(zone or UTC).date())
        if back is not None:
            until = local_instant(back, 0, zone or ZoneInfo("UTC")).astimezone(UTC)
            why += f", back {back.isoformat()}"
    elif expires is not None:
        why += f", until {expires.isoformat()}"
    return AwayStatus(True, until, why)


def _expiry(status_expiration: int | float | None) -> datetime | None:
    if not status_expiration or status_expiration < 0:
        return None
    try:
        return datetime.fromtimestamp(status_expiration, UTC)
    except (OverflowError, OSError, ValueError):  # far beyond any real expiry: no end
        return None


_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_BACK = re.compile(
    r"\b(back|returning|return|until|till|til|through|thru)\b(?:\s+on)?\s+(?:the\s+)?"
    r"(\d{4}-\d{2}-\d{2}|tomorrow|[a-z]+\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?"
    r"\s+[a-z]+|[a-z]+)",
)


def back_on(text: str, *, today: date) -> date | None:
    """The day someone is back from "back Monday", "until Dec 7", "through 2026-12-04"…

    "back/until/returning X" means back on X; "through X" means back the day after. A
    weekday is the next one after today; a date without a year the next one from today.
    """
    match = _BACK.search(normalise(text))
    if match is None:
        return None
    day = _read_day(match.group(2), today)
    if day is None or day <= today:
        return None
    return day + timedelta(days=1) if match.group(1) in {"through", "thru"} else day


def _read_day(words: str, today: date) -> date | None:
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words in _WEEKDAYS:
        ahead = (_WEEKDAYS[words] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(words)
    except ValueError:
        return _month_day(words, today)


def _month_day(words: str, today: date) -> date | None:
    """ "dec 7", "7th december" → the next such date after today."""
    parts = words.split()
    if len(parts) != 2:
        return None
    month_word, day_word = (parts[0], parts[1]) if parts[0] in _MONTHS else (parts[1], parts[0])
    month = _MONTHS.get(month_word)
    number = re.match(r"\d+", day_word)
    if month is None or number is None:
        return None
    for year in (today.year, today.year + 1):
        try:
            day = date(year, month, int(number.group()))
        except ValueError:
            return None
        if day > today:
            return day
    return None  # pragma: no cover - a valid month and day recur within a year


# ── Public holidays ───────────────────────────────────────────────────────────────────────

NO_CALENDAR = "none"


class UnknownCalendar(ValueError):
    """A holiday calendar code that the holidays library does not know; lists the choices."""

    def __init__(self, message: str, choices: Sequence[str]) -> None:
        super().__init__(message)
        self.choices = tuple(choices)


@dataclass(frozen=True)
class HolidayCalendar:
    """A public-holiday calendar: a country and maybe a subdivision ("US-CA", "DE-BY")."""

    country: str
    subdivision: str | None = None

    @property
    def code(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    @property
    def name(self) -> str:
        """ "Germany (Bayern)", "United States" — for settings and explanations."""
        country = _country_names().get(self.country, self.country)
        if self.subdivision is None:
            return country
        region = _subdivision_names(self.country).get(self.subdivision, self.subdivision)
        return f"{country} ({region})"


_CODE_SEPARATOR = re.compile(r"[\s_/\-]+")


@lru_cache(maxsize=1)
def _countries() -> Mapping[str, tuple[str, ...]]:
    """Country code (two letters) → its subdivision codes, as the holidays library has them."""
    return {code: tuple(subs) for code, subs in holidays.list_supported_countries(False).items()}


@lru_cache(maxsize=1)
def _country_aliases() -> Mapping[str, str]:
    """Every upper-cased code the library accepts for a country ("USA", "UK") → its code."""
    aliases: dict[str, str] = {}
    for code in holidays.list_supported_countries(include_aliases=True):
        if code.upper() not in _countries():
            try:
                aliases[code.upper()] = holidays.country_holidays(code).country
            except NotImplementedError:  # pragma: no cover - the library lists what it has
                continue
    aliases.update({code: code for code in _countries()})
    return aliases


@lru_cache(maxsize=1)
def _country_names() -> Mapping[str, str]:
    names: dict[str, str] = {}
    registry = getattr(getattr(holidays, "registry", None), "COUNTRIES", {})
    for class_name, code, *_ in registry.values():
        names[code] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return names


@lru_cache(maxsize=64)
def _subdivision_names(country: str) -> Mapping[str, str]:
    aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", {}) or {}
    names: dict[str, str] = {}
    for name, code in aliases.items():
        names.setdefault(code, name)
    return names


def holiday_calendar(code: str) -> HolidayCalendar:
    """The calendar a code names ("US", "us-ca", "DE BY", "GB-SCT", "USA"), or UnknownCalendar.

    A bad country lists the country codes; a bad subdivision lists that country's.
    """
    cleaned = code.strip()
    country_part, _, sub_part = _CODE_SEPARATOR.sub("-", cleaned).partition("-")
    country = _country_aliases().get(country_part.upper())
    if country is None:
        codes = sorted(_countries())
        what = f"{cleaned!r} is not a holiday calendar" if cleaned else "Choose a holiday calendar"
        raise UnknownCalendar(
            f"{what}: use a country code ({', '.join(codes)}), optionally with a region,"
            " e.g. US-CA or DE-BY.",
            codes,
        )
    if not sub_part:
        return HolidayCalendar(country)
    subdivision = _find_subdivision(country, sub_part)
    if subdivision is None:
        names = _subdivision_names(country)
        subs = _countries()[country]
        choices = [f"{country}-{sub}" for sub in subs]
        listed = ", ".join(
            f"{country}-{sub} ({names[sub]})" if sub in names else f"{country}-{sub}"
            for sub in subs
        )
        country_name = _country_names().get(country, country)
        message = (
            f"{cleaned!r} is not a holiday calendar: {country_name} has no region {sub_part!r}."
            f" Use {country} for the whole country" + (f", or one of: {listed}." if subs else ".")
        )
        raise UnknownCalendar(message, [country, *choices])
    return HolidayCalendar(country, subdivision)


# Shown as examples when a typed calendar is not a country code.
_EXAMPLE_COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "CA", "AU")
# A short message names at most this many choices (a form field has little room).
_SHORT_CHOICES = 8


def calendar_problem(code: str) -> str | None:
    """A short message (for a form field) when a typed calendar is unknown, else None.

    Empty and "none" are fine: the workspace default, and no public holidays.
    """
    cleaned = code.strip()
    if not cleaned or cleaned.lower() == NO_CALENDAR:
        return None
    try:
        holiday_calendar(cleaned)
    except UnknownCalendar as error:
        if error.choices and error.choices[0] in _countries() and "-" in error.choices[-1]:
            shown = ", ".join(error.choices[1 : 1 + _SHORT_CHOICES])
            more = len(error.choices) - 1 - _SHORT_CHOICES
            region = _CODE_SEPARATOR.sub("-", cleaned).partition("-")[2]
            name = HolidayCalendar(error.choices[0]).name
            return (
                f"{name} has no region {region!r}: use {error.choices[0]} for the whole country,"
                f" or a region such as {shown}" + (f" ({more} more)." if more > 0 else ".")
            )
        if error.choices and error.choices[0] in _countries() and len(error.choices) == 1:
            return (
                f"{HolidayCalendar(error.choices[0]).name} has no regions: use {error.choices[0]}."
            )
        return (
            f"{cleaned!r} is not a holiday calendar. Type a country code such as"
            f" {', '.join(_EXAMPLE_COUNTRIES)}, optionally with a region (US-CA, DE-BY),"
            f' or "{NO_CALENDAR}" for no public holidays.'
        )
    return None


def _find_subdivision(country: str, typed: str) -> str | None:
    wanted = typed.casefold()
    for sub in _countries()[country]:
        if sub.casefold() == wanted:
            return sub
    for sub, name in _subdivision_names(country).items():
        if name.casefold() == wanted:
            return sub
    return None


def calendar_for(person: str | None, workspace: str | None = None) -> HolidayCalendar | None:
    """The calendar that applies: the person's choice, else the workspace default.

    "none" chosen by the person means no calendar even when the workspace has one. A stored
    code the library no longer knows (after an upgrade) counts as no calendar rather than
    stopping the scheduler; codes are checked with `holiday_calendar` when they are chosen.
    """
    chosen = person if person else workspace
    if not chosen or chosen.strip().lower() == NO_CALENDAR:
        return None
    try:
        return holiday_calendar(chosen)
    except UnknownCalendar:
        return None


@lru_cache(maxsize=1024)
def _holidays_in(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """Public holidays of one calendar and year, names in English where the library has it.

    Built once and never changed, so threads can share it.
    """
    probe = holidays.country_holidays(country, subdiv=subdivision)
    languages = tuple(getattr(probe, "supported_languages", ()) or ())
    english = next((lang for lang in ("en_US", "en_GB") if lang in languages), None)
    english = english or next((lang for lang in languages if lang.startswith("en")), None)
    found = holidays.country_holidays(country, subdiv=subdivision, years=year, language=english)
    return dict(found.items())


def public_holiday(calendar: HolidayCalendar | None, day: date) -> str | None:
    """The name of the public holiday on a date in a calendar, or None."""
    if calendar is None:
        return None
    return _holidays_in(calendar.country, calendar.subdivision, day.year).get(day)


# ── Away days and weeks ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AwaySpan:
    """A time someone's status said they were away: from `start` until `end` (None: no end)."""

    start: datetime
    end: datetime | None
    why: str

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)


def next_span(kept: AwaySpan | None, status: AwayStatus, *, now: datetime) -> AwaySpan | None:
    """The span to keep after seeing a status at `now`, given the one kept so far.

    Away: the kept span goes on (its start stays, its end and reason are the status's) when
    it still holds at `now`, else a new one starts now. Not away: a kept span that still
    holds ends now; an ended one stays as it was (the last time away, for the weeks before).
    """
    if status.away:
        if kept is not None and kept.covers(now):
            return AwaySpan(kept.start, status.until, status.why)
        return AwaySpan(now, status.until, status.why)
    if kept is not None and kept.covers(now):
        return AwaySpan(kept.start, now, kept.why)
    return kept


@dataclass(frozen=True)
class TimeOff:
    """What, besides work days and pauses, makes a person away: a calendar and status spans."""

    calendar: HolidayCalendar | None = None
    spans: tuple[AwaySpan, ...] = ()

    @classmethod
    def of(cls, user: Any, default_calendar: str | None = None) -> TimeOff:
        """A person's time off as stored (a `bot.db.models.User` or anything shaped like it):
        their calendar or the workspace default, and the away span their status last gave."""
        spans: tuple[AwaySpan, ...] = ()
        if user.away_from is not None:
            spans = (AwaySpan(user.away_from, user.away_until, user.away_why or "away"),)
        return cls(calendar_for(user.holiday_calendar, default_calendar), spans)


@dataclass(frozen=True)
class Absence:
    """Why a person is away on a local date: `kind` is pause, holiday or status."""

    day: date
    kind: str
    why: str


def _midday(prefs: Preferences, day: date) -> datetime:
    return local_instant(day, 12 * 60, prefs.zone).astimezone(UTC)


def absence(prefs: Preferences, time_off: TimeOff, day: date) -> Absence | None:
    """Why the person is away on a local date (paused, a public holiday, an away status at
    midday), or None. Weekends are not absences: see `Preferences.is_workday`."""
    dated = _dated_absence(prefs, time_off, day)
    if dated is not None or not time_off.spans:
        return dated
    return _status_absence(time_off, day, _midday(prefs, day))


def absence_at(prefs: Preferences, time_off: TimeOff, instant: datetime) -> Absence | None:
    """`absence` at one instant (a check-in or reminder slot): a status counts only while
    it holds at that instant, so "OOO until 14:00" does not stop a 15:00 check-in."""
    day = instant.astimezone(prefs.zone).date()
    return _dated_absence(prefs, time_off, day) or _status_absence(time_off, day, instant)


def _dated_absence(prefs: Preferences, time_off: TimeOff, day: date) -> Absence | None:
    if is_paused(prefs, day):
        return Absence(day, "pause", f"paused until {prefs.paused_until}")
    calendar = time_off.calendar
    holiday = public_holiday(calendar, day)
    if holiday is not None and calendar is not None:
        return Absence(day, "holiday", f"{holiday} ({calendar.code})")
    return None


def _status_absence(time_off: TimeOff, day: date, instant: datetime) -> Absence | None:
    span = next((span for span in time_off.spans if span.covers(instant)), None)
    return Absence(day, "status", span.why) if span is not None else None


def is_away_day(prefs: Preferences, time_off: TimeOff, day: date) -> bool:
    """Whether the person is away on a local date (see `absence`)."""
    return absence(prefs, time_off, day) is not None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_away_week(prefs: Preferences, time_off: TimeOff, day: date) -> bool:
    """Whether the ISO week of a local date had no work day left: every one was an absence."""
    monday = _monday(day)
    workdays = [monday + timedelta(days=n) for n in workday_list(prefs.workdays)]
    return all(absence(prefs, time_off, d) is not None for d in workdays)


def away_weeks(prefs: Preferences, time_off: TimeOff, start: date, end: date) -> list[date]:
    """The Mondays of the ISO weeks touching `start`…`end` that were away weeks.

    An away week does not count against streaks or nudges: nobody can reflect on a week
    they did not work.
    """
    if (
        prefs.paused_until is None
        and time_off.calendar is None
        and not time_off.spans
        and workday_list(prefs.workdays)
    ):
        return []  # nothing makes a work day an absence (a Home asks for 52 weeks of it)
    weeks = []
    monday = _monday(start)
    while monday <= end:
        if is_away_week(prefs, time_off, monday):
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def away(
    prefs: Preferences,
    user: Any,
    now: datetime,
    *,
    default_calendar: str | None,
    at: datetime | None = None,
) -> bool:
    """Whether the app leaves the person alone: paused today (their local day of `now`), or
    away at `at` (default: now) — a public holiday, an away Slack status."""
    return is_paused(prefs, now.astimezone(prefs.zone).date()) or (
        absence_at(prefs, TimeOff.of(user, default_calendar), at or now) is not None
    )
