"""A message the app replaces through a response_url is replaced where Slack keeps it: `:dm`
shows the new version, as the DM in Slack does."""

from __future__ import annotations

from tests.sandbox.conftest import Session, sections


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


def test_a_commands_second_answer_says_it_replaces_the_first(session: Session) -> None:
    """`/multiplier export packet` with nothing logged: "Preparing your promotion packet…"
    is replaced in Slack by "Nothing to export" (replace_original on the response_url); the
    sandbox says so instead of showing both as if the packet were still coming (failed
    before: two answers, the first promising a DM that never came)."""
    out = session.feed("/multiplier export packet\n")
    headers = [header for header, _ in sections(out)]
    assert headers == [
        "[multiplier → alice · only visible to you]",
        "[multiplier → alice · only visible to you · replaced the answer above]",
    ], out
    assert "Nothing to export" in sections(out)[-1][1]
