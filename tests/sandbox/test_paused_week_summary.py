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


def test_weeks_inside_a_pause_keep_the_streak_and_draw_no_trend(session: Session) -> None:
    """carol logs in her first week, then skips and pauses two weeks from the next check-in:
    three weeks later `summary last` says the week was paused, keeps her 1-week streak and
    shows no falling trend (failed before: the weeks inside the pause had no check-in to
    mark them, so they broke the streak, and "↓ 0 multiplier entries … (-100%)" showed)."""
    session.feed(":as carol\n/multiplier checkins on wed 10:00\n:time wed 10:05\n")
    session.feed("/brag Walked @bob through the on-call runbook until he could run it alone\n")
    session.feed(":time wed 10:05\n")
    menu = max(session.chat.controls)  # the ⋯ menu of the check-in just shown
    session.feed(f"{menu} 2\n:time mon 10:00\n:time mon 10:00\n:time mon 10:00\n")
    out = session.feed("/multiplier summary last\n")
    ((_, body),) = [(h, b) for h, b in sections(out) if "Your multiplier week" in b]
    lines = [line.strip() for line in body.splitlines()]
    assert lines[2].startswith("Check-ins were paused this week"), body
    assert lines[3].endswith("🔥 1-week streak of reflecting or logging."), body
    assert "↓" not in body, body
