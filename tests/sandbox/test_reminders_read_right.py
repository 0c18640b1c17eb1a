"""Reminders in the sandbox: none for a check-in a newer one supersedes, at most one per check-in."""

from __future__ import annotations

from tests.sandbox.conftest import Session, sections

TWICE_WEEKLY_TUE_FRI = "/multiplier settings\n2\n5\n2\n:submit\n"


def _dms(transcript: str, who: str = "alice") -> list[tuple[str, str]]:
    return [
        (header, body.strip().splitlines()[0])
        for header, body in sections(transcript)
        if header.startswith(f"[multiplier → {who} · DM ·") and body.strip()
    ]


def _reminders(transcript: str) -> list[tuple[str, str]]:
    return [(h, first) for h, first in _dms(transcript) if first.startswith("A gentle nudge")]


def test_a_snoozed_checkin_superseded_by_the_next_one_gets_no_reminder(session: Session) -> None:
    """Twice a week (Tue, Fri): Friday's check-in snoozed to Monday would be reminded on
    Tuesday 15:00, the minute Tuesday's check-in arrives. Tuesday's supersedes it: no
    reminder (failed before: "your reflection from Fri 11 Dec is still open" came with it)."""
    session.feed(":time tue 16:00\n" + TWICE_WEEKLY_TUE_FRI + ":time fri 15:05\n")
    session.feed(":press Snooze to next work day\n")
    out = session.feed(":time tue 15:05\n:time wed 14:00\n")
    firsts = [first for _, first in _dms(out)]
    assert "Reflection" in firsts, out
    assert _reminders(out) == [], out
    assert "⚠" not in out, out


def test_a_checkin_reminded_then_snoozed_is_not_reminded_again(session: Session) -> None:
    """Weekly on Friday: reminded Monday, snoozed then to Tuesday, left open: no second
    reminder on Wednesday and no failing job (failed before: the snooze cleared `reminded_at`,
    queueing a second reminder row for the check-in broke the unique key, every minute)."""
    session.feed("/multiplier checkins on fri 15:00\n:time fri 15:05\n")
    first = session.feed(":time mon 15:05\n")
    assert len(_reminders(first)) == 1, first
    session.feed(":press Snooze to next work day\n")
    out = session.feed(":time wed 18:00\n")
    assert _reminders(out) == [], out
    assert "⚠" not in out, out


def test_a_button_pressed_by_label_is_the_one_on_the_message_shown_last(session: Session) -> None:
    """Tuesday's and Friday's check-ins both arrive in one `:time` jump; `:press Snooze…`
    snoozes Friday's, the one shown last (failed before: it snoozed Tuesday's, the first
    matching button on screen), and `:press Answer` still means its first question."""
    session.feed(TWICE_WEEKLY_TUE_FRI + ":time fri 15:05\n")
    out = session.feed(":press Snooze to next work day\n")
    (updated,) = [b for h, b in sections(out) if h == "[multiplier → alice · DM · updated]"]
    assert "days since Tuesday (8–11 Dec)" in updated.splitlines()[2], updated
