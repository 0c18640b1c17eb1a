"""A week the person chose to skip or pause gets no weekly summary critiquing it."""

from __future__ import annotations

from tests.sandbox.conftest import Session, sections


def _summaries(transcript: str) -> list[str]:
    return [
        body
        for header, body in sections(transcript)
        if header.startswith("[multiplier → alice · DM") and "Your multiplier week" in body
    ]


def test_a_skipped_weeks_summary_is_not_sent(session: Session) -> None:
    """alice skips Friday's check-in and logs nothing: Monday brings no "Nothing logged this
    week. A week without evidence is usually…" about the week she skipped (failed before)."""
    session.feed("/multiplier checkins on fri 15:00\n:time fri 15:05\n")
    session.feed(":press Skip this week\n")
    out = session.feed(":time mon 12:00\n")
    assert _summaries(out) == [], out


def test_a_paused_weeks_summary_is_not_sent_and_the_next_one_is(session: Session) -> None:
    """Paused for a week from Monday: no summary of that week; the week after, with an
    entry, is summarised as usual."""
    session.feed(":time mon 12:00\n/multiplier checkins on fri 15:00\n/multiplier pause 1 week\n")
    out = session.feed(":time mon 12:00\n")
    assert _summaries(out) == [], out
    session.feed("/brag Helped bob ship the deploy\n")
    out = session.feed(":time mon 12:00\n")
    assert len(_summaries(out)) == 1, out
