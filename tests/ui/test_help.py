"""`/multiplier help` (and `help` in the DM) names every way to log, not only the commands."""

from __future__ import annotations

from datetime import datetime

from bot.ui.messages import CommandNames, help_message
from bot.ui.text import SECTION_TEXT_LIMIT

NOW = datetime(2026, 11, 20, 15)


def test_help_names_react_to_log_and_the_shortcut() -> None:
    """React to log and the "Log as evidence" shortcut were in no help (failed before): a
    person reading help never learnt that a 🏆 on a message logs it."""
    payload = help_message(CommandNames(), capture_emoji="star")
    (section,) = [b for b in payload["blocks"] if b["type"] == "section"]
    text = section["text"]["text"]
    assert ":star:" in text and "Log as evidence" in text, text
    assert len(text) <= SECTION_TEXT_LIMIT
    default = help_message(CommandNames())["blocks"][0]["text"]["text"]
    assert ":trophy:" in default


def test_help_and_the_checkin_say_a_top_level_reply_answers_too() -> None:
    """A top-level DM answers an open question (asked which when unclear): help and every
    check-in say so (failed before: "reply in a check-in's thread to answer it" and "Reply
    in this thread or use the buttons", as if only thread replies counted)."""
    from bot.ui.checkins import Question, checkin_message

    payload = help_message(CommandNames())
    (section,) = [b for b in payload["blocks"] if b["type"] == "section"]
    (dm_line,) = [
        line for line in section["text"]["text"].splitlines() if line.startswith("• In this DM")
    ]
    assert "right here" in dm_line and "I ask which" in dm_line
    message = checkin_message(
        checkin_id=1, questions=[Question(0, "p", "Q?")], status="sent", slot_local=NOW
    )
    intro = message["blocks"][1]["text"]["text"]
    assert "Reply here or in this thread" in intro and "I ask which" in intro
