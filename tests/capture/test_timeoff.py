"""Time off: what a Slack status says, public holidays, and away days and weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.capture.timeoff import (
    DEFAULT_RULES,
    Absence,
    AwayRules,
    AwayRulesError,
    AwaySpan,
    AwayStatus,
    HolidayCalendar,
    TimeOff,
    UnknownCalendar,
    absence,
    absence_at,
    away_weeks,
    back_on,
    calendar_for,
    calendar_problem,
    holiday_calendar,
    is_away_day,
    is_away_week,
    next_span,
    public_holiday,
    status_away,
)
from bot.checkins.schedule import Preferences, workdays_mask

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # a Thursday
NEW_YORK = ZoneInfo("America/New_York")


def away(text: str | None, emoji: str | None = None, expiration: float | None = 0) -> bool:
    return status_away(text, emoji, expiration, now=NOW).away


# ── Status words and emoji ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text",
    [
        "Vacationing",
        "vacation",
        "On vacation 🌴",
        "OOO",
        "ooo until further notice",
        "OOO, back Monday",
        "Out of office",
        "out-of-office",
        "Out sick",
        "sick",
        "Parental leave",
        "On holiday in Lisbon",
        "PTO",
        "Day off",
        "Urlaub",
        "Vacation &amp; family time",
        "ＯＯＯ",  # full-width letters fold to ASCII
        "“Vacationing”",
    ],
)
def test_status_words_that_mean_away(text: str) -> None:
    """Default away words match whole words, case-insensitively, in any surrounding text."""
    assert away(text)


@pytest.mark.parametrize(
    "text",
    [
        "pool party",
        "Woooo release day",
        "Goood morning",
        "In a meeting",
        "Commuting",
        "Working remotely",
        "Back from vacation",
        "back from holiday, catching up",
        "Just returned from PTO",
        "Holiday party prep",
        "Sick of flaky tests",
        "vacationplanner.io",
        "ooops",
        "",
        "   ",
        None,
    ],
)
def test_status_words_that_do_not_mean_away(text: str | None) -> None:
    """Parts of words, being back, and an away word about something else do not count."""
    assert not away(text)


@pytest.mark.parametrize(
    ("emoji", "text"),
    [
        (":palm_tree:", ""),
        (":palm_tree:", "Lisbon"),
        (":airplane:", "Travelling"),
        (":face_with_thermometer:", "Out"),
        (":baby_bottle:", ""),
        (None, "🌴 Lisbon"),
        (None, "🤒"),
        (None, ":desert_island: see you"),
        ("", "✈️ NYC"),
    ],
)
def test_status_emoji_that_mean_away(emoji: str | None, text: str) -> None:
    """A default away emoji as the status emoji, or in the text (shortcode or unicode), counts."""
    assert away(text, emoji)


def test_other_emoji_do_not_mean_away() -> None:
    """A status emoji outside the rules (a meeting, a custom :ooo:) is not away by itself."""
    assert not away("", ":spiral_calendar_pad:")
    assert not away("Focus time", ":headphones:")
    assert not away("", ":ooo:")


def test_a_status_says_why() -> None:
    """The verdict names the word or emoji that matched."""
    assert status_away("OOO", None, 0, now=NOW).why == 'status says "ooo"'
    assert status_away("", ":palm_tree:", 0, now=NOW).why == "status emoji :palm_tree:"
    assert status_away("Lunch", None, 0, now=NOW).why == "the status does not say away"
    assert status_away("", None, 0, now=NOW).why == "no status"


def test_a_huge_status_is_read() -> None:
    """A status text far beyond Slack's 100 characters is still read, quickly and correctly."""
    assert away("busy " * 5_000 + "OOO")
    assert not away("pool " * 5_000)


# ── Expiration and "back Monday" ─────────────────────────────────────────────────────────


def test_an_expiration_of_zero_has_no_end() -> None:
    """Slack's expiration 0 means the status stays until cleared: away with no end."""
    assert status_away("Vacationing", ":palm_tree:", 0, now=NOW) == AwayStatus(
        True, None, 'status says "vacationing"'
    )


def test_a_future_expiration_is_the_end() -> None:
    """An expiration in the future is when the time off ends."""
    end = NOW + timedelta(days=4)
    status = status_away("Vacationing", ":palm_tree:", end.timestamp(), now=NOW)
    assert status.away
    assert status.until == end


@pytest.mark.parametrize("expiration", [NOW.timestamp(), (NOW - timedelta(minutes=1)).timestamp()])
def test_an_expired_status_is_not_away(expiration: float) -> None:
    """A status whose expiration has passed (Slack may not have cleared it yet) is not away."""
    status = status_away("Vacationing", ":palm_tree:", expiration, now=NOW)
    assert not status.away
    assert status.why == "the status has expired"


@pytest.mark.parametrize("expiration", [None, -5, 1e20])
def test_odd_expirations_mean_no_end(expiration: float | None) -> None:
    """A missing, negative or absurd expiration is read as no end, never as an error."""
    status = status_away("OOO", None, expiration, now=NOW)
    assert status.away
    assert status.until is None


def test_the_expiration_wins_over_back_monday_text() -> None:
    """When Slack has an expiration, the text's "back Monday" is not used."""
    end = NOW + timedelta(days=1)
    assert status_away("OOO, back Monday", None, end.timestamp(), now=NOW).until == end


def test_back_monday_ends_at_the_start_of_that_day_in_the_persons_zone() -> None:
    """ "back Monday" without an expiration ends at midnight of Monday, local time."""
    status = status_away("OOO, back Monday", None, 0, now=NOW, zone=NEW_YORK)
    assert status.away
    assert status.until == datetime(2026, 12, 7, 5, 0, tzinfo=UTC)  # 00:00 in New York
    assert status.why == 'status says "ooo", back 2026-12-07'


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("back Monday", date(2026, 12, 7)),
        ("Back on Thursday", date(2026, 12, 10)),  # today is a Thursday: the next one
        ("back thu", date(2026, 12, 10)),
        ("back tomorrow", date(2026, 12, 4)),
        ("OOO until 2026-12-14", date(2026, 12, 14)),
        ("on leave till Dec 14", date(2026, 12, 14)),
        ("Vacation until 14th December", date(2026, 12, 14)),
        ("returning Jan 4", date(2027, 1, 4)),
        ("back Nov 2", date(2027, 11, 2)),  # already past this year: next year's
        ("OOO through Friday", date(2026, 12, 5)),  # through Friday: back Saturday
        ("sick thru 2026-12-04", date(2026, 12, 5)),
    ],
)
def test_back_on_reads_the_day_someone_is_back(text: str, back: date) -> None:
    """Weekdays, "tomorrow", ISO dates and month-day dates give the first day back."""
    assert back_on(text, today=NOW.date()) == back


@pytest.mark.parametrize(
    "text",
    ["back soon", "back Feb 30", "until 2026-12-01", "back 2026-13-01", "until later", "", "🌴"],
)
def test_back_on_says_nothing_when_it_cannot_tell(text: str) -> None:
    """Vague, impossible or past dates give no end rather than a wrong one."""
    assert back_on(text, today=NOW.date()) is None


# ── Configured rules ─────────────────────────────────────────────────────────────────────


def test_configured_words_and_emoji_replace_the_defaults() -> None:
    """Rules from settings match their own words and emoji, and no longer the defaults."""
    rules = AwayRules.parse("Conference, offsite*", ":microphone:, 🤒")
    assert rules.words == ("conference", "offsite*")
    assert rules.emoji == ("microphone", "face_with_thermometer")
    assert status_away("At a conference", None, 0, now=NOW, rules=rules).away
    assert status_away("Offsites all week", None, 0, now=NOW, rules=rules).away
    assert status_away("", ":microphone:", 0, now=NOW, rules=rules).away
    assert not status_away("Vacationing", ":palm_tree:", 0, now=NOW, rules=rules).away


def test_unset_settings_keep_the_defaults() -> None:
    """Rules parsed from nothing are the defaults."""
    rules = AwayRules.parse()
    assert rules.words == DEFAULT_RULES.words
    assert rules.emoji == DEFAULT_RULES.emoji


@pytest.mark.parametrize(
    ("words", "emoji", "problem"),
    [
        ("vac*ation", None, "away word 'vac*ation' may use * only at its very end"),
        ("---", None, "away word '---' needs at least one letter or digit"),
        (None, "palm tree", "away emoji 'palm tree' is not an emoji name"),
    ],
)
def test_unusable_rules_are_refused_with_the_reason(
    words: str | None, emoji: str | None, problem: str
) -> None:
    """A bad configured word or emoji stops with a message naming it and what is wrong."""
    with pytest.raises(AwayRulesError, match="away") as raised:
        AwayRules.parse(words, emoji)
    assert problem in str(raised.value)


# ── Holiday calendars ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("code", "calendar"),
    [
        ("US", HolidayCalendar("US")),
        ("us", HolidayCalendar("US")),
        (" us-ca ", HolidayCalendar("US", "CA")),
        ("DE_BY", HolidayCalendar("DE", "BY")),
        ("de by", HolidayCalendar("DE", "BY")),
        ("DE-Bayern", HolidayCalendar("DE", "BY")),
        ("GB-SCT", HolidayCalendar("GB", "SCT")),
        ("UK", HolidayCalendar("GB")),
        ("USA", HolidayCalendar("US")),
        ("IN", HolidayCalendar("IN")),
        ("FR-", HolidayCalendar("FR")),
    ],
)
def test_calendar_codes_are_read_leniently_and_stored_canonically(
    code: str, calendar: HolidayCalendar
) -> None:
    """Case, separators, three-letter codes and region names all give the canonical calendar."""
    assert holiday_calendar(code) == calendar


def test_a_calendar_has_a_code_and_a_readable_name() -> None:
    """A calendar's code is what is stored; its name is what people read."""
    assert holiday_calendar("de-by").code == "DE-BY"
    assert holiday_calendar("de-by").name == "Germany (Bayern)"
    assert holiday_calendar("US").name == "United States"
    assert holiday_calendar("US-CA").name == "United States (California)"


def test_an_unknown_country_lists_the_country_codes() -> None:
    """A bad country code says so and lists every valid country code."""
    with pytest.raises(UnknownCalendar) as raised:
        holiday_calendar("XX")
    message = str(raised.value)
    assert message.startswith("'XX' is not a holiday calendar: use a country code (AD, AE,")
    assert "US-CA or DE-BY" in message
    assert {"US", "DE", "IN", "GB"} <= set(raised.value.choices)
    assert len(raised.value.choices) >= 100


def test_an_unknown_region_lists_that_countrys_regions() -> None:
    """A bad region names the country and lists its regions with their names."""
    with pytest.raises(UnknownCalendar) as raised:
        holiday_calendar("US-ZZ")
    message = str(raised.value)
    assert message.startswith("'US-ZZ' is not a holiday calendar: United States has no region")
    assert "Use US for the whole country, or one of: US-AK (Alaska)," in message
    assert "US-CA (California)" in message
    assert raised.value.choices[0] == "US"
    assert "US-CA" in raised.value.choices


@pytest.mark.parametrize("code", ["", "   ", "<!channel>", "🌴", "D" * 1000, "US-" + "Z" * 500])
def test_junk_calendar_codes_are_refused(code: str) -> None:
    """Empty, markup, emoji and huge codes are refused with the list of choices."""
    with pytest.raises(UnknownCalendar) as raised:
        holiday_calendar(code)
    assert raised.value.choices


@pytest.mark.parametrize(
    ("code", "day", "name"),
    [
        ("US", date(2026, 7, 3), "Independence Day (observed)"),  # the 4th is a Saturday
        ("US", date(2026, 11, 26), "Thanksgiving Day"),
        ("US", date(2026, 11, 27), None),
        ("US-CA", date(2026, 11, 27), "Day After Thanksgiving"),
        ("DE", date(2026, 1, 6), None),
        ("DE-BY", date(2026, 1, 6), "Epiphany"),  # in English, not "Heilige Drei Könige"
        ("DE", date(2026, 12, 25), "Christmas Day"),
        ("IN", date(2026, 1, 26), "Republic Day"),
        ("GB-SCT", date(2026, 1, 2), "New Year Holiday"),
        ("GB-ENG", date(2026, 1, 2), None),
        ("US", date(2026, 12, 3), None),
    ],
)
def test_public_holidays_by_calendar(code: str, day: date, name: str | None) -> None:
    """A date is a public holiday on some calendars and not others, named in English."""
    assert public_holiday(holiday_calendar(code), day) == name


def test_no_calendar_has_no_holidays() -> None:
    """Without a calendar no date is a public holiday."""
    assert public_holiday(None, date(2026, 12, 25)) is None


@pytest.mark.parametrize(
    ("person", "workspace", "expected"),
    [
        ("DE-BY", "US", HolidayCalendar("DE", "BY")),
        (None, "US", HolidayCalendar("US")),
        ("", "US", HolidayCalendar("US")),
        ("none", "US", None),
        ("NONE", None, None),
        (None, None, None),
        ("XX-GONE", "US", None),
    ],
)
def test_the_persons_calendar_wins_over_the_workspace_default(
    person: str | None, workspace: str | None, expected: HolidayCalendar | None
) -> None:
    """A person's choice wins, "none" opts out, and a stale stored code means no calendar."""
    assert calendar_for(person, workspace) == expected


# ── Away days and weeks ──────────────────────────────────────────────────────────────────

BERLIN = Preferences(tz="Europe/Berlin")
BAVARIA = TimeOff(calendar=HolidayCalendar("DE", "BY"))


def span(start: str, end: str | None, why: str = 'status says "vacation"') -> AwaySpan:
    return AwaySpan(
        datetime.fromisoformat(start), datetime.fromisoformat(end) if end else None, why
    )


def test_a_public_holiday_is_an_absence() -> None:
    """A public holiday on the person's calendar is an away day, named with its calendar."""
    assert absence(BERLIN, BAVARIA, date(2026, 1, 6)) == Absence(
        date(2026, 1, 6), "holiday", "Epiphany (DE-BY)"
    )
    assert absence(BERLIN, TimeOff(calendar=HolidayCalendar("DE")), date(2026, 1, 6)) is None


def test_a_pause_is_an_absence_until_it_ends() -> None:
    """Days before `paused_until` are away; that day itself is not."""
    prefs = Preferences(tz="Europe/Berlin", paused_until=date(2026, 12, 10))
    assert absence(prefs, TimeOff(), date(2026, 12, 9)) == Absence(
        date(2026, 12, 9), "pause", "paused until 2026-12-10"
    )
    assert absence(prefs, TimeOff(), date(2026, 12, 10)) is None


def test_a_status_span_covers_the_days_whose_midday_it_covers() -> None:
    """A span counts for a local date when it holds at that date's midday, local time."""
    time_off = TimeOff(spans=(span("2026-12-07T08:00+01:00", "2026-12-09T09:00+01:00"),))
    assert is_away_day(BERLIN, time_off, date(2026, 12, 7))
    assert is_away_day(BERLIN, time_off, date(2026, 12, 8))
    assert not is_away_day(BERLIN, time_off, date(2026, 12, 9))  # ended at 09:00
    assert not is_away_day(BERLIN, time_off, date(2026, 12, 6))


def test_midday_is_the_persons_own() -> None:
    """The same span can cover a date in one time zone and not in another."""
    time_off = TimeOff(spans=(span("2026-12-07T12:30+00:00", None),))
    kolkata = Preferences(tz="Asia/Kolkata")  # midday there is 06:30 UTC
    new_york = Preferences(tz="America/New_York")  # midday there is 17:00 UTC
    assert not is_away_day(kolkata, time_off, date(2026, 12, 7))
    assert is_away_day(new_york, time_off, date(2026, 12, 7))
    assert is_away_day(kolkata, time_off, date(2026, 12, 8))


def test_a_span_without_end_covers_every_later_day() -> None:
    """A status with no end covers each day from when it was seen until it is cleared."""
    status = status_away("Parental leave", ":baby_bottle:", 0, now=NOW)
    seen = next_span(None, status, now=NOW)
    assert seen == AwaySpan(NOW, None, 'status says "parental leave"')
    time_off = TimeOff(spans=(seen,))
    assert not is_away_day(BERLIN, time_off, date(2026, 12, 3))  # seen at 16:00 Berlin
    assert is_away_day(BERLIN, time_off, date(2026, 12, 4))
    assert is_away_day(BERLIN, time_off, date(2027, 6, 30))


def test_a_status_at_an_instant_counts_only_while_it_holds() -> None:
    """ "OOO until 14:00" keeps a 10:00 reminder away but not a 15:00 check-in."""
    time_off = TimeOff(spans=(span("2026-12-07T08:00+01:00", "2026-12-07T14:00+01:00"),))
    morning = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 Berlin
    afternoon = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 15:00 Berlin
    at_morning = absence_at(BERLIN, time_off, morning)
    assert at_morning is not None
    assert at_morning.kind == "status"
    assert absence_at(BERLIN, time_off, afternoon) is None
    holiday = datetime(2026, 1, 6, 14, 0, tzinfo=UTC)
    assert absence_at(BERLIN, BAVARIA, holiday) == Absence(
        date(2026, 1, 6), "holiday", "Epiphany (DE-BY)"
    )


def test_a_week_with_every_work_day_off_is_an_away_week() -> None:
    """Vacation Monday to Wednesday, Christmas Eve off by status, Christmas Day a holiday:
    no work day left, so the week is an away week; the next week is not."""
    time_off = TimeOff(
        calendar=HolidayCalendar("DE"),
        spans=(span("2026-12-21T00:00+01:00", "2026-12-25T00:00+01:00"),),
    )
    assert is_away_week(BERLIN, time_off, date(2026, 12, 23))
    assert away_weeks(BERLIN, time_off, date(2026, 12, 1), date(2026, 12, 31)) == [
        date(2026, 12, 21)
    ]


def test_one_work_day_left_keeps_the_week() -> None:
    """A week with a single available work day is not an away week."""
    time_off = TimeOff(
        calendar=HolidayCalendar("DE"),
        spans=(span("2026-12-21T00:00+01:00", "2026-12-24T00:00+01:00"),),
    )
    assert not is_away_week(BERLIN, time_off, date(2026, 12, 21))


def test_away_weeks_follow_the_persons_work_days() -> None:
    """Someone working Tuesday to Saturday is away the week their five work days are off,
    even though the Monday is free."""
    prefs = Preferences(tz="Europe/Berlin", workdays=workdays_mask([1, 2, 3, 4, 5]))
    time_off = TimeOff(spans=(span("2026-12-08T00:00+01:00", "2026-12-13T00:00+01:00"),))
    assert away_weeks(prefs, time_off, date(2026, 12, 7), date(2026, 12, 13)) == [date(2026, 12, 7)]
    assert away_weeks(BERLIN, time_off, date(2026, 12, 7), date(2026, 12, 13)) == []


def test_a_paused_week_is_an_away_week() -> None:
    """A pause over a whole week makes it an away week; the week it ends in is not."""
    prefs = Preferences(tz="Europe/Berlin", paused_until=date(2026, 12, 16))
    assert away_weeks(prefs, TimeOff(), date(2026, 12, 7), date(2026, 12, 20)) == [
        date(2026, 12, 7)
    ]


def test_away_weeks_cover_the_weeks_the_period_touches() -> None:
    """A period starting mid-week still reports that whole week; no away time, no weeks."""
    prefs = Preferences(tz="Europe/Berlin", paused_until=date(2027, 1, 1))
    assert away_weeks(prefs, TimeOff(), date(2026, 12, 10), date(2026, 12, 15)) == [
        date(2026, 12, 7),
        date(2026, 12, 14),
    ]
    assert away_weeks(BERLIN, TimeOff(), date(2026, 1, 1), date(2026, 12, 31)) == []


# ── Keeping the span a status gives, and the form's short calendar message ────────────────


def test_next_span_starts_extends_and_ends_with_the_status() -> None:
    """Away: a new span from now (or the open one goes on, its end the status's); cleared: the
    open span ends now; an ended span is kept as the last time away."""
    later = NOW + timedelta(days=2)
    vacation = AwayStatus(True, later, 'status says "vacation"')
    started = next_span(None, vacation, now=NOW)
    assert started == AwaySpan(NOW, later, vacation.why)
    no_end = AwayStatus(True, None, 'status says "ooo"')
    assert next_span(started, no_end, now=NOW + timedelta(hours=1)) == AwaySpan(
        NOW, None, no_end.why
    )
    cleared = AwayStatus(False, None, "no status")
    ended = next_span(started, cleared, now=NOW + timedelta(days=1))
    assert ended == AwaySpan(NOW, NOW + timedelta(days=1), vacation.why)
    assert next_span(ended, cleared, now=NOW + timedelta(days=5)) == ended
    assert next_span(None, cleared, now=NOW) is None
    again = next_span(ended, vacation, now=NOW + timedelta(days=5))
    assert again == AwaySpan(NOW + timedelta(days=5), later, vacation.why)


@pytest.mark.parametrize("typed", ["", "  ", "none", "None", "US", "us-ca", "DE BY", "USA"])
def test_calendar_problem_accepts_codes_none_and_empty(typed: str) -> None:
    assert calendar_problem(typed) is None


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("Narnia", ["US", "DE", "US-CA", "none"]),
        ("US-ZZ", ["US", "US-CA", "more"]),
        ("IS-XX", ["IS"]),
    ],
)
def test_calendar_problem_is_short_and_names_valid_choices(typed: str, names: list[str]) -> None:
    problem = calendar_problem(typed)
    assert problem is not None and len(problem) <= 200
    words = set(problem.replace(",", " ").replace("(", " ").replace(")", " ").split())
    assert {name for name in names if name != "more"} <= {w.strip(".'\"") for w in words}


def test_time_off_of_reads_the_stored_span_and_the_calendar_choice() -> None:
    class Stored:
        holiday_calendar: str | None = None
        away_from: datetime | None = NOW
        away_until: datetime | None = None
        away_why: str | None = None

    person = Stored()
    assert TimeOff.of(person, "GB") == TimeOff(
        HolidayCalendar("GB"), (AwaySpan(NOW, None, "away"),)
    )
    person.holiday_calendar, person.away_from = "none", None
    assert TimeOff.of(person, "GB") == TimeOff(None, ())
    person.holiday_calendar = "DE-BY"
    assert TimeOff.of(person).calendar == HolidayCalendar("DE", "BY")
