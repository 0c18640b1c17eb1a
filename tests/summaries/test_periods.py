"""Weeks and digest periods in local time, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.summaries import periods

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_a_week_is_monday_to_monday_in_local_time() -> None:
    """A Berlin week in winter starts Sunday 23:00 UTC."""
    week = periods.week_containing(datetime(2026, 11, 18, 12, tzinfo=UTC), BERLIN)
    assert week.monday == date(2026, 11, 16)
    assert week.start == datetime(2026, 11, 15, 23, tzinfo=UTC)
    assert week.end - week.start == timedelta(days=7)
    assert week.key == "2026-W47"


def test_a_week_with_a_dst_change_is_an_hour_shorter() -> None:
    """The week of 29 March 2026 in Berlin (clocks go forward) lasts 167 hours."""
    week = periods.week_of_monday(date(2026, 3, 23), BERLIN)
    assert week.end - week.start == timedelta(hours=167)


def test_the_iso_week_key_across_new_year() -> None:
    """29 Dec 2025 starts ISO week 1 of 2026."""
    assert periods.week_of_monday(date(2025, 12, 29), UTC).key == "2026-W01"


def test_summary_is_due_on_monday_at_nine_local_within_the_grace() -> None:
    """09:00 Monday in New York is due; 08:59 is not; two days later is past the grace."""
    grace = timedelta(hours=48)
    nine = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 EST
    week = periods.week_to_summarise(nine, NEW_YORK, 0, 9 * 60, grace)
    assert week is not None and week.monday == date(2026, 11, 16)
    assert periods.week_to_summarise(nine - timedelta(minutes=1), NEW_YORK, 0, 540, grace) is None
    assert periods.week_to_summarise(nine + grace, NEW_YORK, 0, 540, grace) is None
    late = periods.week_to_summarise(nine + timedelta(hours=47), NEW_YORK, 0, 540, grace)
    assert late == week


def test_digest_slots_and_period() -> None:
    """A Monday 09:00 Berlin digest: the latest slot, the next one, and the 7 days before."""
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)  # Wednesday
    slot = periods.latest_digest_slot(now, 0, 540, BERLIN)
    assert slot == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert periods.next_digest_slot(slot, 0, 540, BERLIN) == datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert periods.latest_digest_slot(slot, 0, 540, BERLIN) == slot
    period = periods.digest_period(slot, BERLIN)
    assert period.start == datetime(2026, 11, 16, 8, tzinfo=UTC)
    assert period.end == slot
    assert period.key == "2026-11-23T08:00Z"
    assert period.previous.end == period.start


def test_digest_period_across_dst_is_local_days() -> None:
    """The digest after Berlin's autumn change covers 169 hours, 09:00 to 09:00 local."""
    slot = datetime(2026, 10, 26, 8, tzinfo=UTC)  # Mon 09:00 CET
    period = periods.digest_period(slot, BERLIN)
    assert period.start == datetime(2026, 10, 19, 7, tzinfo=UTC)  # Mon 09:00 CEST
    assert period.end - period.start == timedelta(hours=169)


def test_unknown_zone_falls_back_to_utc() -> None:
    """A tz name Slack sent that we cannot load is treated as UTC rather than failing."""
    for name in ("Mars/Olympus", "x" * 500, "../../etc/passwd", ""):
        assert periods.zone(name) == ZoneInfo("UTC")
    assert not periods.is_known_zone("Mars/Olympus")
    assert not periods.is_known_zone("x" * 500)


def test_a_weeks_label_names_its_days_unpadded_with_the_year_once() -> None:
    """The summary header: "7–13 Dec 2026" (failed before: "07–13 Dec 2026"), across months
    and years alike (failed before: "28 Dec–03 Jan 2027", the first year left out)."""
    assert periods.week_of_monday(date(2026, 12, 7), UTC).label() == "7–13 Dec 2026"
    assert periods.week_of_monday(date(2026, 11, 30), UTC).label() == "30 Nov–6 Dec 2026"
    assert periods.week_of_monday(date(2026, 12, 28), UTC).label() == "28 Dec 2026–3 Jan 2027"
