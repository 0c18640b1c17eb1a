"""Check-in slots with explicit instants: time zones, DST changes, cadences, pauses, quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from bot.checkins import schedule
from bot.checkins.schedule import Preferences

FRIDAY = 4
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Auckland"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fri_1500(tz: str, **kwargs) -> Preferences:
    return Preferences(tz=tz, weekday=FRIDAY, minute=15 * 60, **kwargs)


@pytest.mark.parametrize("tz", ZONES)
def test_one_slot_every_friday_at_1500_local_all_year(tz: str) -> None:
    """fri 15:00 gives exactly one slot per ISO week, each on a Friday at 15:00 local, all 2026."""
    slots = schedule.slots_between(fri_1500(tz), utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(slots) == 52
    assert len({s.period_key for s in slots}) == 52
    for slot in slots:
        assert slot.local.weekday() == FRIDAY
        assert (slot.local.hour, slot.local.minute) == (15, 0)
        assert slot.local.astimezone(UTC) == slot.at
        assert slot.period_key == "{}-W{:02d}".format(*slot.local.date().isocalendar()[:2])
    gaps = {(b.at - a.at) for a, b in pairwise(slots)}
    assert gaps <= {timedelta(days=7), timedelta(days=7, hours=1), timedelta(days=7, hours=-1)}


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        # US: clocks spring forward on Sun 8 Mar 2026 and fall back on Sun 1 Nov 2026.
        (
            "America/New_York",
            [
                utc(2026, 3, 6, 20),
                utc(2026, 3, 13, 19),
                utc(2026, 10, 30, 19),
                utc(2026, 11, 6, 20),
            ],
        ),
        # EU: Sun 29 Mar 2026 and Sun 25 Oct 2026.
        (
            "Europe/Berlin",
            [
                utc(2026, 3, 27, 14),
                utc(2026, 4, 3, 13),
                utc(2026, 10, 23, 13),
                utc(2026, 10, 30, 14),
            ],
        ),
        # India has no DST and a half-hour offset: always 09:30 UTC.
        (
            "Asia/Kolkata",
            [
                utc(2026, 3, 6, 9, 30),
                utc(2026, 3, 13, 9, 30),
                utc(2026, 10, 30, 9, 30),
                utc(2026, 11, 6, 9, 30),
            ],
        ),
        # New Zealand: +13 until Sun 5 Apr 2026, +12 until Sun 27 Sep 2026, then +13 again.
        (
            "Pacific/Auckland",
            [utc(2026, 4, 3, 2), utc(2026, 4, 10, 3), utc(2026, 9, 25, 3), utc(2026, 10, 2, 2)],
        ),
    ],
)
def test_the_weeks_either_side_of_each_dst_change(tz: str, expected: list[datetime]) -> None:
    """The Friday before and after each DST change is at 15:00 local, so its UTC instant moves."""
    prefs = fri_1500(tz)
    for instant in expected:
        slot = schedule.next_slot(prefs, instant - timedelta(days=3))
        assert slot is not None
        assert slot.at == instant
        assert slot.local.strftime("%a %H:%M") == "Fri 15:00"


@pytest.mark.parametrize(
    ("tz", "day", "minute", "expected_utc", "expected_local"),
    [
        # Wall times inside a spring-forward gap move forward by the gap.
        ("America/New_York", date(2026, 3, 8), 150, utc(2026, 3, 8, 7, 30), "03:30"),
        ("Europe/Berlin", date(2026, 3, 29), 150, utc(2026, 3, 29, 1, 30), "03:30"),
        ("Pacific/Auckland", date(2026, 9, 27), 150, utc(2026, 9, 26, 14, 30), "03:30"),
        # Wall times that happen twice (fall back) mean the first occurrence.
        ("America/New_York", date(2026, 11, 1), 90, utc(2026, 11, 1, 5, 30), "01:30"),
        ("Europe/Berlin", date(2026, 10, 25), 150, utc(2026, 10, 25, 0, 30), "02:30"),
        ("Pacific/Auckland", date(2026, 4, 5), 150, utc(2026, 4, 4, 13, 30), "02:30"),
        # Half-hour and quarter-hour zones.
        ("Asia/Kolkata", date(2026, 6, 5), 15 * 60, utc(2026, 6, 5, 9, 30), "15:00"),
        ("Asia/Kathmandu", date(2026, 6, 5), 15 * 60, utc(2026, 6, 5, 9, 15), "15:00"),
    ],
)
def test_dst_gaps_shift_forward_and_folds_take_the_first(
    tz: str, day: date, minute: int, expected_utc: datetime, expected_local: str
) -> None:
    """A nonexistent local time moves forward by the gap; an ambiguous one is its first occurrence."""
    local = schedule.local_instant(day, minute, schedule.zone_for(tz))
    assert local.astimezone(UTC) == expected_utc
    assert local.strftime("%H:%M") == expected_local


def test_weekly_slot_on_a_dst_night_happens_once() -> None:
    """A Sunday 02:30 check-in in New York is sent once on both DST nights, never skipped or doubled."""
    prefs = Preferences(tz="America/New_York", weekday=6, minute=150)
    slots = schedule.slots_between(prefs, utc(2026, 3, 1), utc(2026, 3, 16))
    assert [s.local.strftime("%d %H:%M") for s in slots] == ["01 02:30", "08 03:30", "15 02:30"]
    slots = schedule.slots_between(prefs, utc(2026, 10, 25), utc(2026, 11, 9))
    assert [s.local.strftime("%d %H:%M %Z") for s in slots] == [
        "25 02:30 EDT",
        "01 02:30 EST",
        "08 02:30 EST",
    ]


def test_next_slot_is_inclusive_unless_strict() -> None:
    """At exactly the slot instant it is due now; strict asks for the one after."""
    prefs = fri_1500("Europe/Berlin")
    slot_at = utc(2026, 11, 20, 14)
    assert schedule.next_slot(prefs, slot_at - timedelta(minutes=1)).at == slot_at
    assert schedule.next_slot(prefs, slot_at).at == slot_at
    assert schedule.next_slot(prefs, slot_at, strict=True).at == slot_at + timedelta(days=7)


def test_off_or_disabled_has_no_slots() -> None:
    """Cadence off, or check-ins disabled, schedule nothing."""
    assert schedule.next_slot(Preferences(cadence="off"), utc(2026, 1, 1)) is None
    assert schedule.next_slot(Preferences(enabled=False), utc(2026, 1, 1)) is None


def test_twice_weekly_has_two_periods_a_week() -> None:
    """Twice a week: two slots per ISO week with distinct period keys; default second day is 3 days earlier.

    Tuesday's check-in, early in the week, is about the week that ended (its key names it).
    """
    prefs = fri_1500("UTC", cadence="twice_weekly")
    slots = schedule.slots_between(prefs, utc(2026, 11, 16), utc(2026, 11, 30))
    assert [s.local.strftime("%a %d") for s in slots] == ["Tue 17", "Fri 20", "Tue 24", "Fri 27"]
    assert [s.period_key for s in slots] == ["2026-W46", "2026-W47.2", "2026-W47", "2026-W48.2"]
    chosen = fri_1500("UTC", cadence="twice_weekly", second_weekday=0)
    days = [
        s.local.strftime("%a")
        for s in schedule.slots_between(chosen, utc(2026, 11, 16), utc(2026, 11, 23))
    ]
    assert days == ["Mon", "Fri"]


def test_biweekly_keeps_a_14_day_rhythm_across_a_53_week_year() -> None:
    """Every two weeks stays exactly 14 days apart, also across 2026's ISO week 53."""
    prefs = fri_1500("Asia/Kolkata", cadence="biweekly")
    slots = schedule.slots_between(prefs, utc(2026, 10, 1), utc(2027, 4, 1))
    gaps = {b.at - a.at for a, b in pairwise(slots)}
    assert gaps == {timedelta(days=14)}
    # The same rhythm for everyone: deterministic from a fixed anchor.
    again = schedule.slots_between(prefs, utc(2026, 10, 1), utc(2027, 4, 1))
    assert [s.at for s in again] == [s.at for s in slots]


def test_pause_skips_dates_before_the_end_of_the_pause() -> None:
    """Paused until a date: no slot on earlier local dates, the slot on that date is kept."""
    prefs = fri_1500("Pacific/Auckland", paused_until=date(2026, 12, 4))
    slot = schedule.next_slot(prefs, utc(2026, 11, 1))
    assert slot.local.date() == date(2026, 12, 4)
    assert schedule.is_paused(prefs, date(2026, 12, 3))
    assert not schedule.is_paused(prefs, date(2026, 12, 4))


@pytest.mark.parametrize(
    ("start", "end", "local_hhmm", "quiet"),
    [
        (22 * 60, 7 * 60, "23:30", True),
        (22 * 60, 7 * 60, "06:59", True),
        (22 * 60, 7 * 60, "07:00", False),
        (22 * 60, 7 * 60, "21:59", False),
        (12 * 60, 14 * 60, "13:00", True),
        (12 * 60, 14 * 60, "14:00", False),
        (None, None, "03:00", False),
        (9 * 60, 9 * 60, "09:00", False),
    ],
)
def test_quiet_hours_windows(start, end, local_hhmm: str, quiet: bool) -> None:
    """Quiet hours are [start, end) in local time and may wrap midnight; equal ends mean none."""
    prefs = Preferences(tz="Asia/Kolkata", quiet_start=start, quiet_end=end)
    hour, minute = map(int, local_hhmm.split(":"))
    instant = schedule.local_instant(date(2026, 6, 5), hour * 60 + minute, prefs.zone)
    assert schedule.in_quiet_hours(prefs, instant) is quiet


def test_quiet_hours_end_is_the_next_allowed_instant() -> None:
    """Inside quiet hours the next allowed instant is their end, today or tomorrow, in local time."""
    prefs = Preferences(tz="America/New_York", quiet_start=22 * 60, quiet_end=7 * 60)
    zone = prefs.zone
    late = schedule.local_instant(date(2026, 11, 20), 23 * 60, zone)
    early = schedule.local_instant(date(2026, 11, 21), 3 * 60, zone)
    morning = schedule.local_instant(date(2026, 11, 21), 7 * 60, zone).astimezone(UTC)
    assert schedule.quiet_hours_end(prefs, late) == morning
    assert schedule.quiet_hours_end(prefs, early) == morning
    noon = schedule.local_instant(date(2026, 11, 21), 12 * 60, zone)
    assert schedule.quiet_hours_end(prefs, noon) == noon


def test_snooze_is_tomorrow_at_the_checkin_time() -> None:
    """Snooze until tomorrow means tomorrow at the user's check-in time in their zone.

    (On a Friday, "tomorrow" is the next work day: see test_weekends.py.)
    """
    prefs = fri_1500("Pacific/Auckland")
    now = utc(2026, 11, 18, 2, 10)  # Wed 15:10 in Auckland
    until = schedule.snooze_until(prefs, now)
    assert until.astimezone(prefs.zone).strftime("%a %H:%M") == "Thu 15:00"


def test_unknown_time_zone_falls_back_to_utc() -> None:
    """A time zone name Slack sent that zoneinfo does not know is treated as UTC."""
    prefs = Preferences(tz="Mars/Olympus_Mons")
    assert schedule.next_slot(prefs, utc(2026, 11, 16)).at == utc(2026, 11, 20, 15)


def test_describe_reads_naturally() -> None:
    """The summary names cadence, days, time and zone."""
    assert schedule.describe(fri_1500("Europe/Berlin")) == "every Friday at 15:00 (Europe/Berlin)"
    assert (
        schedule.describe(fri_1500("UTC", cadence="biweekly"))
        == "every other Friday at 15:00 (UTC)"
    )
    assert "Tuesday and Friday" in schedule.describe(fri_1500("UTC", cadence="twice_weekly"))
    assert schedule.describe(Preferences(cadence="off")) == "off"


def test_an_answer_given_later_in_the_week_is_dated_when_given() -> None:
    """A Friday check-in answered on Sunday is Sunday's evidence; answered on the next
    Tuesday, it stays in its week (its last second). Failed before: always Friday 15:00."""
    prefs = fri_1500("America/New_York")
    slot = utc(2026, 12, 11, 20)  # Fri 11 Dec 15:00 in New York
    sunday = utc(2026, 12, 13, 18)  # Sun 13 Dec 13:00 there
    assert schedule.answer_instant(prefs, slot, sunday) == sunday
    tuesday = utc(2026, 12, 15, 14)
    week_end = schedule.answer_instant(prefs, slot, tuesday)
    assert week_end.astimezone(prefs.zone).strftime("%a %d %H:%M:%S") == "Sun 13 23:59:59"
    assert schedule.answer_instant(prefs, slot, slot - timedelta(hours=1)) == slot
    assert schedule.answer_instant(prefs, slot) == slot
