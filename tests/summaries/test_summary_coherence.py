"""One coherent weekly summary: one empty-week line, trends that do not over-react to tiny
numbers, and a scope line only when it says something."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.library import default_library
from bot.summaries import metrics, periods
from bot.summaries.metrics import Activity, EntryRow, MultiplierSummary
from bot.ui.blocks import Block
from bot.ui.judgments import empty_week_line
from bot.ui.summary import scope_line, summary_blocks, trend_line

LIB = default_library()
UTCZ = ZoneInfo("UTC")
WEEK = periods.week_of_monday(date(2026, 12, 14), UTCZ)


def _summary(*entries: EntryRow, in_progress: bool = False) -> MultiplierSummary:
    return metrics.summarise(
        Activity(slack_user_id="UALICE", entries=list(entries)),
        weeks=periods.weeks_ending_with(WEEK, 6, UTCZ),
        streak_weeks=periods.weeks_ending_with(WEEK, 52, UTCZ),
        library=LIB,
        in_progress=in_progress,
    )


def _weeks_ago(weeks: int, dimension: str = "unblocking") -> EntryRow:
    """An entry of alice's in the week `weeks` before the summary's (0: that week)."""
    monday = datetime.combine(WEEK.monday, datetime.min.time(), UTC)
    when = monday + timedelta(weeks=-weeks, days=2, hours=12)
    return EntryRow(id=100 + weeks, occurred_at=when, dimension=dimension)


def _texts(blocks: list[Block]) -> list[str]:
    """Every text the blocks show, section or context element, in order."""
    found = []
    for block in blocks:
        if block["type"] == "section":
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found.extend(element["text"] for element in block["elements"])
    return found


def test_an_empty_week_with_calls_waiting_says_one_empty_week_line() -> None:
    """Nothing logged and two judgment calls waiting: the calls name the quiet week, and the
    evidence-not-written-down line is not said beside it (failed before: both, "Nothing
    logged … a week whose evidence was not written down" and "A quiet week is not an empty
    one")."""
    summary = dataclasses.replace(_summary(_weeks_ago(2)), awaiting_calls=2)
    texts = _texts(summary_blocks(summary, LIB, multiplier_command="/multiplier"))
    waiting = empty_week_line(awaiting=2, library=LIB)
    critique = LIB.summary_text("empty-week")
    assert waiting is not None and critique is not None
    assert texts[:2] == ["Nothing logged this week.", waiting]
    assert texts.count(waiting) == 1
    assert critique.text not in texts


def test_the_empty_week_critique_is_coaching_text_with_its_seed() -> None:
    """With no call waiting, the line about evidence not written down is said, from
    prompts/summary.yaml (seed and verbatim seed_quote); an override that disables it
    leaves the plain fact."""
    said = LIB.summary_text("empty-week")
    assert said is not None and said.seed and said.seed_quote
    summary = _summary(_weeks_ago(2))
    assert _texts(summary_blocks(summary, LIB, multiplier_command="/m"))[0] == said.text
    without = dataclasses.replace(LIB, summary_texts=())
    assert _texts(summary_blocks(summary, without, multiplier_command="/m"))[0] == (
        "Nothing logged this week."
    )


def test_a_small_average_is_said_in_counts_not_a_percentage() -> None:
    """One multiplier entry in the four weeks before, none this week: "-100%" against an
    average of 0.25 over-reacts (failed before: "↓ 0 multiplier entries against your
    4-week average of 0.25 (-100%)")."""
    summary = _summary(_weeks_ago(4))
    assert trend_line(summary) == "↓ 0 multiplier entries, against 1 in the 4 weeks before."
    two = _summary(_weeks_ago(4), dataclasses.replace(_weeks_ago(0), id=1))
    assert trend_line(two) == "↑ 1 multiplier entry, against 1 in the 4 weeks before."


def test_a_trend_level_at_zero_is_not_called_level() -> None:
    """Own delivery only, this week and the week before: no "→ Level with your previous
    week (0 multiplier entries a week)" (failed before)."""
    summary = _summary(_weeks_ago(1, "delivery"), _weeks_ago(0, "delivery"))
    assert trend_line(summary) == "No multiplier entries this week, nor in the week before."
    going = _summary(_weeks_ago(2, "delivery"), _weeks_ago(1, "delivery"), in_progress=True)
    assert trend_line(going) == "Last week: no multiplier entries, nor in the week before."


def test_one_a_week_is_said_in_counts_and_more_keeps_its_percentage() -> None:
    """One entry the week before, none this week: in counts, not "-100%"; two entries the
    week before, one this week: the change against an average of 2."""
    assert trend_line(_summary(_weeks_ago(1))) == (
        "↓ 0 multiplier entries, against 1 in the week before."
    )
    before = [dataclasses.replace(_weeks_ago(1), id=n) for n in (1, 2)]
    summary = _summary(*before, dataclasses.replace(_weeks_ago(0), id=3))
    assert trend_line(summary) == ("↓ 1 multiplier entry against your previous week of 2 (-50%).")


def test_the_scope_line_is_shown_only_when_an_entry_has_a_scope() -> None:
    """Two entries without a scope: no "Scope: 2 without a scope" (failed before); one with
    a scope beside them: the mix."""
    unscoped = [dataclasses.replace(_weeks_ago(0), id=n) for n in (1, 2)]
    assert scope_line(_summary(*unscoped), LIB) is None
    scoped = dataclasses.replace(_weeks_ago(0), id=3, scope="cross_team")
    line = scope_line(_summary(*unscoped, scoped), LIB)
    assert line is not None and line.startswith("Scope: 1 ") and line.endswith("2 without a scope")
