"""What a check-in's notes and nudge call it, in the sandbox: the days its header names, and
the copy in view after a snooze brought it back."""

from __future__ import annotations

from tests.sandbox.conftest import Session, sections


def _dm_bodies(transcript: str, who: str = "alice") -> list[str]:
    return [
        body
        for header, body in sections(transcript)
        if header.startswith(f"[multiplier → {who} · DM ·") and body.strip()
    ]


def test_skipping_a_checkin_about_last_week_says_last_week(session: Session) -> None:
    """A Monday check-in asks about the week that ended; its skip button and what it says
    name it so (failed before: "Skip this week", then "Skipped this week.", under a header
    about last week)."""
    session.feed("/multiplier checkins on mon 10:00\n:time mon 10:05\n:time mon 10:05\n")
    out = session.feed(":press Skip this check-in\n")
    (updated,) = [b for h, b in sections(out) if h == "[multiplier → alice · DM · updated]"]
    lines = [line.strip() for line in updated.splitlines()]
    assert lines[2].startswith("Your reflection on last week (7–13 Dec)."), updated
    assert (
        "⏩ Skipped your reflection on last week (7–13 Dec). See you at the next one." in lines
    ), updated


def test_the_nudge_after_a_snooze_names_the_copy_in_view(session: Session) -> None:
    """Friday's check-in snoozed to Monday comes back Monday; Tuesday's nudge names both days
    (failed before: "your reflection from Fri 11 Dec is still open", the copy dated Mon)."""
    session.feed("/multiplier checkins on fri 15:00\n:time fri 15:05\n")
    session.feed(":press Snooze to next work day\n")
    out = session.feed(":time wed 18:00\n")
    nudges = [b.strip() for b in _dm_bodies(out) if b.strip().startswith("A gentle nudge")]
    assert len(nudges) == 1, out
    assert nudges[0].startswith(
        "A gentle nudge: your reflection from Fri 11 Dec, reposted Mon 14 Dec, is still open."
    ), out
