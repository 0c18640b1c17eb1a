"""The Home after a week whose check-in was skipped says so, not "paused or away"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.config import load_settings
from sandbox.workspace import Sandbox
from tests.sandbox.conftest import Session, sections


def test_the_home_after_a_skipped_week_says_it_was_skipped(session: Session) -> None:
    """alice logs in her first week, skips the next week's check-in and logs nothing: on
    Monday the Home's trend says she skipped it (failed before: "Last week was paused or you
    were away: no trend to read from it.")."""
    session.feed("/multiplier checkins on fri 15:00\n/brag Helped bob ship the deploy\n")
    session.feed(":time +7d\n:time fri 15:05\n:press Skip this week\n:time +3d\n")
    out = session.feed(":home\n")
    (home,) = [body for header, body in sections(out) if "Home" in header]
    lines = [line.strip() for line in home.splitlines()]
    trend = [line for line in lines if "no trend to read" in line]
    assert trend, home
    assert trend[0].startswith("You skipped last week's check-in: no trend to read from it."), home


def _next_weekday_christmas() -> date:
    """The next Christmas Day on a weekday at least two weeks away (the sandbox's clock only
    moves forward from now)."""
    year = datetime.now(UTC).year
    while True:
        christmas = date(year, 12, 25)
        if christmas.weekday() < 5 and christmas - timedelta(days=14) > datetime.now(UTC).date():
            return christmas
        year += 1


def test_the_home_reads_the_workspace_holidays_as_the_summary_does(tmp_path: Path) -> None:
    """HOLIDAY_CALENDAR=US, alice chose no calendar: her check-in on Christmas Day is
    cancelled, and the Home the Monday after says so, as `summary last` does (failed
    before: the Home ignored the workspace's calendar and said "Last week was paused")."""
    christmas = _next_weekday_christmas()
    monday_before = christmas - timedelta(days=christmas.weekday() + 7)
    monday_after = christmas + timedelta(days=7 - christmas.weekday())
    settings = load_settings(_env_file=None, holiday_calendar="US")
    start = datetime.combine(monday_before, time(15), UTC)  # 10:00 in New York
    with Sandbox(db_path=tmp_path / "sandbox.db", settings=settings, start_at=start) as sandbox:
        session = Session(sandbox)
        day = christmas.strftime("%a").lower()
        session.feed(f"/multiplier checkins on {day} 15:00\n/brag Helped bob ship the deploy\n")
        session.feed(f":time {monday_after.isoformat()} 10:00\n")
        out = session.feed(":home\n/multiplier summary last\n")
        assert sandbox.standin.violations == [], sandbox.standin.violations
    said = [
        line.strip()
        for _, body in sections(out)
        for line in body.splitlines()
        if "public holiday" in line
    ]
    assert said[0].startswith(
        "Last week's check-in fell on a public holiday: no trend to read from it."
    ), out
    assert said[1].startswith("This week's check-in fell on a public holiday"), out
