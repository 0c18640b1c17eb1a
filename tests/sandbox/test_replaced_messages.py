"""A message the app replaces through a response_url is replaced where Slack keeps it: `:dm`
shows the new version, as the DM in Slack does."""

from __future__ import annotations

from tests.sandbox.conftest import Session


def test_dm_history_shows_the_replaced_confirmation(session: Session) -> None:
    """ "Not an answer" replaces the answer's confirmation (failed before: `:dm` still showed
    "Saved as your answer…" with its buttons, after the app had said it replaced it)."""
    session.feed("/multiplier checkins on fri 4pm\n:time fri 16:05\n")
    session.feed(":reply Helped @bob pick SQS over Kafka\n")
    pressed = session.feed(":press Not an answer\n")
    assert "Removed — that message is not stored as an answer." in pressed
    history = session.feed(":dm 1\n")
    assert "Removed — that message is not stored as an answer." in history
    assert "Saved as your answer" not in history
