"""`/multiplier help` (and `help` in the DM) names every way to log, not only the commands."""

from __future__ import annotations

from bot.ui.messages import CommandNames, help_message
from bot.ui.text import SECTION_TEXT_LIMIT


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
