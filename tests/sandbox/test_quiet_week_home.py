"""The Home after a week whose check-in was skipped says so, not "paused or away"."""

from __future__ import annotations

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
