"""Periods people type for exports and lists, read in their own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.evidence.periods import PeriodError, default_period, parse_period

NOW = datetime(2026, 8, 14, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("q1 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Q4-2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("this quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("last quarter", date(2026, 4, 1), date(2026, 6, 30)),
        ("last 90 days", date(2026, 5, 17), date(2026, 8, 14)),
        ("past 2 weeks", date(2026, 8, 1), date(2026, 8, 14)),
        ("last 6 months", date(2026, 2, 15), date(2026, 8, 14)),
        ("last 1 year", date(2025, 8, 15), date(2026, 8, 14)),
        ("2026-01-01..2026-06-30", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-01-01 to 2026-06-30", date(2026, 1, 1), date(2026, 6, 30)),
        ("since 2026-07-04", date(2026, 7, 4), date(2026, 8, 14)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("this year", date(2026, 1, 1), date(2026, 12, 31)),
        ("last month", date(2026, 7, 1), date(2026, 7, 31)),
        ("2026-03-05", date(2026, 3, 5), date(2026, 3, 5)),
        ("  THIS   QUARTER ", date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_periods_people_type(typed: str, first: date, last: date) -> None:
    """Quarters, relative ranges, explicit dates, years and months are understood."""
    period = parse_period(typed, now=NOW, tz="UTC")
    assert (period.first_day, period.last_day) == (first, last)
    assert period.start < period.end


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("last week", date(2026, 8, 3), date(2026, 8, 9)),
        ("this week", date(2026, 8, 10), date(2026, 8, 16)),
        ("previous week", date(2026, 8, 3), date(2026, 8, 9)),
        ("this month", date(2026, 8, 1), date(2026, 8, 31)),
        ("last month", date(2026, 7, 1), date(2026, 7, 31)),
        ("december", date(2025, 12, 1), date(2025, 12, 31)),
        ("August", date(2026, 8, 1), date(2026, 8, 31)),
        ("sept", date(2025, 9, 1), date(2025, 9, 30)),
        ("dec 2026", date(2026, 12, 1), date(2026, 12, 31)),
        ("Dec. 2025", date(2025, 12, 1), date(2025, 12, 31)),
        ("December, 2024", date(2024, 12, 1), date(2024, 12, 31)),
        ("2026 march", date(2026, 3, 1), date(2026, 3, 31)),
        ("last two weeks", date(2026, 8, 1), date(2026, 8, 14)),
    ],
)
def test_weeks_and_month_names(typed: str, first: date, last: date) -> None:
    """`last week`, `this week`, month names with or without a year (a bare name is the
    latest such month that has begun) and counts in words (failed before: all refused)."""
    period = parse_period(typed, now=NOW, tz="UTC")
    assert (period.first_day, period.last_day) == (first, last)


def test_a_week_is_the_summaries_week() -> None:
    """ "this week" is the local Monday-to-Sunday week the weekly summary is about."""
    from bot.summaries.periods import week_containing, zone

    tz = "Asia/Kolkata"
    period = parse_period("this week", now=NOW, tz=tz)
    week = week_containing(NOW, zone(tz))
    assert (period.start, period.end) == (week.start, week.end)


def test_default_is_the_last_six_months() -> None:
    """No period means the six months up to and including today."""
    period = parse_period("", now=NOW, tz="UTC")
    assert period == default_period(NOW, "UTC")
    assert (period.first_day, period.last_day) == (date(2026, 2, 15), date(2026, 8, 14))


def test_dates_are_read_in_the_users_zone() -> None:
    """A quarter starts at local midnight: 2026-07-01 00:00 in New York is 04:00 UTC."""
    period = parse_period("2026-Q3", now=NOW, tz="America/New_York")
    assert period.start == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 1, 4, 0, tzinfo=UTC)
    assert parse_period("2026-Q3", now=NOW, tz="Not/AZone").start == datetime(
        2026, 7, 1, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "typed",
    [
        "next tuesday",
        "2026-Q5",
        "2026-13",
        "2026-02-30",
        "2026-06-30..2026-01-01",
        "last 0 days",
        "<!channel>",
        "1900",
        "last 99999 years",
        "decembre",
        "ma",
        "dec 20266",
    ],
)
def test_unreadable_periods_say_what_works(typed: str) -> None:
    """Nonsense, impossible dates and reversed ranges raise a PeriodError with guidance."""
    with pytest.raises(PeriodError):
        parse_period(typed, now=NOW, tz="UTC")
