"""Lines of the weekly summary and the Home that must stay true whatever came before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.ui.summary import streak_line


def test_no_streak_is_not_said_to_be_the_first() -> None:
    """A streak that ended reads "no streak yet" no more (failed before: alice, with a
    1-week streak the week before, was told "No streak yet" in the next week's summary):
    the line is true both for a newcomer and after a break."""
    summary: Any = SimpleNamespace(streak=0, streak_capped=False)
    said = streak_line(summary)
    assert "yet" not in said, said
    assert said == "No streak running: one entry or answered check-in a week starts one."
