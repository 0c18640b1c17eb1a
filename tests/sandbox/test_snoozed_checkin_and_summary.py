"""A check-in snoozed over the weekend and the weekly summary of the week it asks about."""

from __future__ import annotations

import re

from tests.sandbox.conftest import Session, sections


def _arrivals(transcript: str) -> list[str]:
    """The first line of each DM the bot sent, in order ("Weekly reflection", "Your
    multiplier week · …")."""
    return [
        body.strip().splitlines()[0]
        for header, body in sections(transcript)
        if header.startswith("[multiplier → alice · DM") and body.strip()
    ]


def test_the_summary_waits_for_a_snoozed_checkin_and_counts_its_answer(session: Session) -> None:
    """alice snoozes Friday's check-in to Monday; Monday's 09:00 summary of that week waits
    until she answers it at 15:10, and counts the answer (failed before: the summary came at
    09:00, before the check-in was back, without the answer)."""
    session.feed("/multiplier checkins on fri 15:00\n:time fri 15:05\n")
    snoozed = session.feed(":press Snooze to next work day\n:time mon 15:05\n")
    assert not any(line.startswith("Your multiplier week") for line in _arrivals(snoozed))
    assert "Weekly reflection" in _arrivals(snoozed)
    answered = session.feed(":press Answer\nHelped bob ship the deploy\n:submit\n:time +5m\n")
    summaries = [b for h, b in sections(answered) if "Your multiplier week" in b]
    assert summaries, answered
    assert "1 check-in answered" in summaries[0] or "1 multiplier entry" in summaries[0], summaries


def test_an_unanswered_snoozed_checkin_holds_the_summary_four_hours(session: Session) -> None:
    """Left unanswered once it is back (Monday 15:00), the check-in holds the summary until
    19:00, and one `:time` jump delivers it then (the sandbox's hint names the hold's end).
    (alice logged something that week: a week with nothing new in it gets no summary.)"""
    session.feed("/multiplier checkins on fri 15:00\n/brag Reviewed the deploy plan #review\n")
    session.feed(":time fri 15:05\n")
    session.feed(":press Snooze to next work day\n")
    out = session.feed(":time tue 10:00\n")
    headers = [h for h, b in sections(out) if "Your multiplier week" in b and "· DM ·" in h]
    assert len(headers) == 1, out
    assert re.fullmatch(r"\[multiplier → alice · DM · Mon \d+ \w+ 19:00 alice's time\]", headers[0])
