"""Times, weekdays, months and counts as people type them: one parser each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.timetext import (
    day_label,
    day_range,
    parse_count,
    parse_month,
    parse_time_of_day,
    parse_weekday,
)


@pytest.mark.parametrize(
    ("typed", "minute"),
    [
        ("16:00", 960), ("4pm", 960), ("4:30pm", 990), ("4.30pm", 990), ("9am", 540),
        ("4 pm", 960), ("4:30 PM", 990), ("9 a.m.", 540), ("15h30", 930), ("16.00", 960),
        ("9", 540), ("09:00", 540), ("23:59", 1439), ("12am", 0), ("12pm", 720),
        ("noon", 720), ("midnight", 0), ("  7:05pm ", 1145),
    ],
)  # fmt: skip
def test_times_in_the_usual_spellings(typed: str, minute: int) -> None:
    """24-hour and am/pm times, with `:`, `.` or `h`, mean the same minute everywhere."""
    assert parse_time_of_day(typed) == minute


@pytest.mark.parametrize(
    "typed",
    ["24:00", "13pm", "0am", "9:5", "4.5", "9:60", "", "pm", "four", "4pmm", "<!here>", "1" * 50],
)
def test_not_times(typed: str) -> None:
    """Anything else is not a time, rather than a guess."""
    assert parse_time_of_day(typed) is None


@pytest.mark.parametrize(
    ("word", "day"),
    [("mon", 0), ("Monday", 0), ("TUE", 1), ("tues", 1), ("weds", 2), ("thurs", 3),
     ("thur", 3), ("fri.", 4), ("sun", 6), ("mo", None), ("x", None), ("fridays", None)],
)  # fmt: skip
def test_weekdays(word: str, day: int | None) -> None:
    """Days parse from three letters up to the full name, any case."""
    assert parse_weekday(word) == day


@pytest.mark.parametrize(
    ("word", "month"),
    [("dec", 12), ("December", 12), ("sept", 9), ("may", 5), ("ma", None), ("jun", 6)],
)
def test_months(word: str, month: int | None) -> None:
    """Months parse from three letters up to the full name."""
    assert parse_month(word) == month


def test_counts_in_words() -> None:
    """Small counts read as digits or words."""
    assert [parse_count(w) for w in ("2", "two", "a", "Twelve", "many")] == [2, 2, 1, 12, None]


def test_a_count_in_digits_that_are_not_decimal_is_no_count() -> None:
    """'²'.isdigit() is true but int('²') raises: it reads as no count (issue 12 item 7)."""
    assert parse_count("²") is None and parse_count("1²") is None
    assert parse_count("3") == 3 and parse_count("٣") == 3


def test_day_label_names_a_day_one_way_unpadded_with_the_year_on_request() -> None:
    assert day_label(date(2026, 12, 7)) == "Mon 7 Dec"
    assert day_label(date(2026, 12, 7), year=True) == "Mon 7 Dec 2026"
    assert day_label(datetime(2027, 1, 8, 16, 30, tzinfo=UTC)) == "Fri 8 Jan"
    assert day_label(date(2026, 11, 30), year=True) == "Mon 30 Nov 2026"


def test_day_range_names_the_month_and_year_once() -> None:
    assert day_range(date(2026, 12, 7), date(2026, 12, 13)) == "7–13 Dec 2026"
    assert day_range(date(2026, 11, 30), date(2026, 12, 6)) == "30 Nov–6 Dec 2026"
    assert day_range(date(2026, 12, 28), date(2027, 1, 3)) == "28 Dec 2026–3 Jan 2027"
    assert day_range(date(2026, 12, 7), date(2026, 12, 7)) == "7 Dec 2026"
    assert day_range(date(2026, 12, 7), date(2026, 12, 13), year=False) == "7–13 Dec"
    assert day_range(date(2026, 11, 30), date(2026, 12, 6), year=False) == "30 Nov–6 Dec"
    assert day_range(date(2026, 12, 28), date(2027, 1, 3), year=False) == "28 Dec 2026–3 Jan 2027"
    assert day_range(date(2026, 12, 7), date(2026, 12, 7), year=False) == "7 Dec"
