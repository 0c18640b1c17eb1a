"""What a summary with nothing in it says: a week in progress, a week that ended, a paused one."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.coaching.library import default_library
from bot.summaries import metrics, periods
from bot.summaries.metrics import Activity
from bot.ui.summary import summary_blocks

LIB = default_library()
UTCZ = ZoneInfo("UTC")
WEEK = periods.week_of_monday(date(2026, 12, 14), UTCZ)


def _first_line(*, in_progress: bool, paused: bool = False) -> str:
    weeks = periods.weeks_ending_with(WEEK, 6, UTCZ)
    summary = metrics.summarise(
        Activity(
            slack_user_id="UALICE",
            entries=[],
            paused_weeks=frozenset({WEEK.monday} if paused else ()),
        ),
        weeks=weeks,
        streak_weeks=periods.weeks_ending_with(WEEK, 52, UTCZ),
        library=LIB,
        in_progress=in_progress,
    )
    blocks = summary_blocks(summary, LIB, multiplier_command="/multiplier")
    return str(blocks[0]["text"]["text"])


def test_a_week_in_progress_with_nothing_yet_is_not_critiqued() -> None:
    """`/multiplier summary` on a Monday morning says nothing is logged *yet* (failed before:
    "A week without evidence is usually a week whose evidence was not written down")."""
    assert _first_line(in_progress=True) == "Nothing logged yet this week."


def test_an_ended_empty_week_is_critiqued_and_a_paused_one_is_not() -> None:
    assert _first_line(in_progress=False).startswith("Nothing logged this week. A week without")
    assert _first_line(in_progress=False, paused=True).startswith(
        "Check-ins were paused or skipped this week"
    )
