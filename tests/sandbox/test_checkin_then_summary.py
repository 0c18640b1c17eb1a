"""A Monday check-in about last week and the weekly summary of that same week."""

from __future__ import annotations

import re

from tests.sandbox.conftest import Session, sections


def _arrivals(transcript: str) -> list[tuple[str, str]]:
    """(header, first line) of each DM the bot sent to alice, in order."""
    return [
        (header, body.strip().splitlines()[0])
        for header, body in sections(transcript)
        if header.startswith("[multiplier → alice · DM") and body.strip()
    ]


def test_the_summary_waits_for_the_checkin_about_its_week_and_counts_the_answer(
    session: Session,
) -> None:
    """Check-ins on Monday 09:00 ask about last week: the summary of that week, due at 09:00
    too, waits until alice answers (failed before: both arrived at 09:00, the summary
    judging the week the check-in was asking about), then comes with the answer in it."""
    session.feed("/multiplier checkins on mon 09:00\n:time +7d\n:time mon 08:00\n")
    monday = session.feed(":time mon 09:30\n")
    assert [first for _, first in _arrivals(monday)] == ["Weekly reflection"], monday
    answered = session.feed(":press Answer\nHelped bob ship the deploy\n:submit\n:time +5m\n")
    summaries = [
        body
        for header, body in sections(answered)
        if header.startswith("[multiplier → alice · DM") and "Your multiplier week" in body
    ]
    assert len(summaries) == 1, answered
    assert "1 multiplier entry" in summaries[0], summaries[0]


def test_a_checkin_left_open_lets_the_summary_out_four_hours_later(session: Session) -> None:
    """Left unanswered, Monday's 09:00 check-in holds the summary until 13:00, and one
    `:time` jump delivers it then (the sandbox's hint names the hold's end). alice logged
    something that week: a week with nothing new in it gets no summary at all."""
    session.feed("/multiplier checkins on mon 09:00\n/brag Helped bob ship the deploy\n")
    session.feed(":time +7d\n:time mon 08:00\n")
    out = session.feed(":time mon 18:00\n")
    arrivals = _arrivals(out)
    assert arrivals[0][1] == "Weekly reflection", out
    headers = [header for header, first in arrivals if first.startswith("Your multiplier week")]
    assert len(headers) == 1, out
    assert re.fullmatch(r"\[multiplier → alice · DM · Mon \d+ \w+ 13:00 alice's time\]", headers[0])
