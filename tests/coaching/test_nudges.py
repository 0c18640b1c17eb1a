"""Nudge rules over weekly stats, and glue-work reframes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest

from bot.coaching.classify import classify
from bot.coaching.library import default_library
from bot.coaching.models import (
    AbsentForWeeks,
    NoWrittenArtefactForWeeks,
    RatioAbove,
    ScopeShareBelow,
)
from bot.coaching.nudges import (
    WeeklyStats,
    evaluate_rule,
    firing_nudges,
    pick_nudge,
)

from ._support import (
    HEALTHY_DIMENSIONS,
    HEALTHY_SCOPES,
    MONDAY,
    build_weekly_stats,
    healthy_history,
    history,
    week,
    without,
)

LIB = default_library()


# ── Each shipped nudge fires on its pattern ──────────────────────────────────────────────


def _solving_everything_yourself() -> list[WeeklyStats]:
    return history(4, {"delivery": 5, "writing": 1, "cross_team": 1}, HEALTHY_SCOPES)


def _neglecting_writing() -> list[WeeklyStats]:
    return history(4, without(HEALTHY_DIMENSIONS, "writing"), HEALTHY_SCOPES)


def _no_cross_team_evidence() -> list[WeeklyStats]:
    dims = without(HEALTHY_DIMENSIONS, "cross_team")
    return history(3, dims, {"self": 3, "team": 6}, written_artefacts=1)


def _waiting_for_permission() -> list[WeeklyStats]:
    dims = without(HEALTHY_DIMENSIONS, "problem_framing", "cross_team")
    scopes = without(HEALTHY_SCOPES, "org")
    return history(6, dims, scopes, written_artefacts=1)


def _narrow_scope_mix() -> list[WeeklyStats]:
    # Some cross-team work (so "no cross-team evidence" stays quiet), but only 1 in 10.
    return history(6, HEALTHY_DIMENSIONS, {"team": 9, "cross_team": 1}, written_artefacts=1)


def _ignoring_organisational_dynamics() -> list[WeeklyStats]:
    dims = without(HEALTHY_DIMENSIONS, "alignment")
    return history(6, dims, HEALTHY_SCOPES, written_artefacts=1)


PATTERNS: dict[str, Callable[[], list[WeeklyStats]]] = {
    "solving-everything-yourself": _solving_everything_yourself,
    "neglecting-writing": _neglecting_writing,
    "no-cross-team-evidence": _no_cross_team_evidence,
    "waiting-for-permission": _waiting_for_permission,
    "narrow-scope-mix": _narrow_scope_mix,
    "ignoring-organisational-dynamics": _ignoring_organisational_dynamics,
}


def test_every_shipped_nudge_has_a_pattern_test() -> None:
    """Each nudge in nudges.yaml is covered by a hand-built history below."""
    assert set(PATTERNS) == {nudge.id for nudge in LIB.nudges}


@pytest.mark.parametrize("nudge_id", sorted(PATTERNS))
def test_nudge_fires_on_its_pattern(nudge_id: str) -> None:
    """The nudge's rule fires on a history showing its mistake, and pick_nudge returns it."""
    weeks = PATTERNS[nudge_id]()
    assert evaluate_rule(LIB.nudge(nudge_id).rule, weeks, LIB).fires
    picked = pick_nudge(weeks, LIB)
    assert picked is not None and picked.id == nudge_id
    assert "{" not in picked.message and picked.message != LIB.nudge(nudge_id).message


@pytest.mark.parametrize("nudge_id", sorted(PATTERNS))
def test_nudge_is_quiet_on_a_healthy_history(nudge_id: str) -> None:
    """The nudge's rule does not fire on balanced multiplier evidence."""
    assert not evaluate_rule(LIB.nudge(nudge_id).rule, healthy_history(), LIB).fires


def test_healthy_history_gets_no_nudge() -> None:
    """A balanced log gets silence, not a nudge."""
    assert pick_nudge(healthy_history(), LIB) is None
    assert firing_nudges(healthy_history(), LIB) == []


def test_inactive_person_gets_no_nudge() -> None:
    """Someone who has barely logged anything is not critiqued (min_entries guards)."""
    quiet = history(8, {"delivery": 0}, {})
    assert pick_nudge(quiet, LIB) is None
    one_entry = [*history(7, {}, {}), week(7, {"delivery": 1}, {"team": 1})]
    assert pick_nudge(one_entry, LIB) is None


def test_rules_need_enough_history() -> None:
    """A rule over N weeks never fires for someone with fewer than N weeks of history."""
    weeks = _waiting_for_permission()
    rule = LIB.nudge("waiting-for-permission").rule
    assert evaluate_rule(rule, weeks, LIB).fires
    assert not evaluate_rule(rule, weeks[1:], LIB).fires
    assert not evaluate_rule(rule, [], LIB).fires


def test_only_the_latest_weeks_count() -> None:
    """Evidence older than the rule's window does not keep a nudge quiet."""
    old = [week(0, {"cross_team": 5}, {"org": 5})]
    recent = [week(n, {"delivery": 2, "mentoring": 1}, {"team": 3}) for n in range(1, 4)]
    rule = LIB.nudge("no-cross-team-evidence").rule
    assert evaluate_rule(rule, old + recent, LIB).fires
    assert not evaluate_rule(
        rule, [*recent[:-1], week(3, {"cross_team": 1}, {"team": 1})], LIB
    ).fires


def test_a_missing_week_counts_as_empty() -> None:
    """One gap inside the window is a week with no evidence, not a skipped week."""
    rule = AbsentForWeeks(weeks=3, dimensions=("cross_team",), min_entries=1)
    gap = [week(0, {"cross_team": 1}), week(2, {"delivery": 2}), week(3, {"delivery": 1})]
    assert evaluate_rule(rule, gap, LIB).fires


def test_two_missing_weeks_are_time_away_and_skipped() -> None:
    """Two empty weeks in a row are a vacation: the window reaches past them."""
    rule = AbsentForWeeks(weeks=3, dimensions=("cross_team",), min_entries=1)
    holiday = [week(0, {"cross_team": 1}), week(3, {"delivery": 2}), week(4, {"delivery": 1})]
    assert not evaluate_rule(rule, holiday, LIB).fires


def test_history_order_does_not_matter_but_duplicates_do() -> None:
    """Weeks may come in any order; two stats for the same week are a caller bug."""
    weeks = _neglecting_writing()
    assert pick_nudge(list(reversed(weeks)), LIB) == pick_nudge(weeks, LIB)
    with pytest.raises(ValueError, match="two WeeklyStats"):
        pick_nudge([*weeks, weeks[0]], LIB)


def test_highest_priority_wins_and_recently_shown_are_skipped() -> None:
    """When several rules fire, the highest priority is shown; recently shown ones are skipped."""
    dims = {"delivery": 5, "reviews": 0}
    weeks = history(6, dims, {"team": 5})
    fired = [nudge.id for nudge in firing_nudges(weeks, LIB)]
    priorities = [LIB.nudge(n).priority for n in fired]
    assert priorities == sorted(priorities, reverse=True)
    assert fired[0] == "solving-everything-yourself"
    assert pick_nudge(weeks, LIB).id == fired[0]  # type: ignore[union-attr]
    assert pick_nudge(weeks, LIB, recently_shown=[fired[0]]).id == fired[1]  # type: ignore[union-attr]
    assert pick_nudge(weeks, LIB, recently_shown=fired) is None


def test_equal_priorities_resolve_in_file_order() -> None:
    """Ties in priority go to the nudge listed first, deterministically."""
    flat = replace(
        LIB,
        nudges=tuple(replace(nudge, priority=10) for nudge in LIB.nudges),
    )
    weeks = history(6, {"delivery": 5}, {"team": 5})
    fired = [nudge.id for nudge in firing_nudges(weeks, flat)]
    order = [nudge.id for nudge in flat.nudges]
    assert fired == sorted(fired, key=order.index)


# ── Rule kinds at their thresholds ───────────────────────────────────────────────────────


def test_ratio_above_is_strict_and_needs_min_numerator() -> None:
    """ratio_above fires only above the ratio and only with enough numerator entries."""
    rule = RatioAbove(("delivery",), ("unblocking",), ratio=3, min_numerator=3, weeks=2)
    assert evaluate_rule(rule, history(2, {"delivery": 2}), LIB).fires  # 4 > 3 × 0
    assert not evaluate_rule(rule, history(2, {"delivery": 1}), LIB).fires  # 2 < min_numerator
    assert not evaluate_rule(
        rule, history(2, {"delivery": 3, "unblocking": 1}), LIB
    ).fires  # 6 = 3 × 2
    assert evaluate_rule(rule, history(2, {"delivery": 4, "unblocking": 1}), LIB).fires  # 8 > 6


def test_scope_share_below_uses_only_scoped_entries() -> None:
    """scope_share_below compares shares among entries that have a scope."""
    rule = ScopeShareBelow(("cross_team", "org"), share=0.25, weeks=2, min_entries=4)
    assert evaluate_rule(rule, history(2, {}, {"team": 4}, entries=5), LIB).fires
    exactly = history(2, {}, {"team": 3, "org": 1}, entries=5)  # exactly 25 %
    assert not evaluate_rule(rule, exactly, LIB).fires
    assert not evaluate_rule(
        rule, history(2, {}, {"team": 1}, entries=5), LIB
    ).fires  # too few scoped


def test_written_artefacts_count_from_stats_or_dimension() -> None:
    """A written artefact is either counted by the caller or an entry in a writing dimension."""
    rule = NoWrittenArtefactForWeeks(weeks=2, min_entries=2)
    assert evaluate_rule(rule, history(2, {"delivery": 2}), LIB).fires
    assert not evaluate_rule(rule, history(2, {"delivery": 2}, written_artefacts=1), LIB).fires
    assert not evaluate_rule(rule, history(2, {"delivery": 2, "writing": 1}), LIB).fires


def test_absent_for_weeks_accepts_scopes() -> None:
    """absent_for_weeks counts entries in the listed scopes as well as dimensions."""
    rule = AbsentForWeeks(weeks=2, dimensions=("cross_team",), scopes=("org",), min_entries=2)
    assert evaluate_rule(rule, history(2, {"delivery": 2}, {"team": 2}), LIB).fires
    assert not evaluate_rule(rule, history(2, {"delivery": 2}, {"org": 1}), LIB).fires


# ── Weekly stats ─────────────────────────────────────────────────────────────────────────


def test_weekly_stats_are_immutable_and_validated() -> None:
    """WeeklyStats freezes its counts and rejects negative numbers or a non-date week."""
    counts = {"writing": 1}
    stats = WeeklyStats(week_start=MONDAY, dimension_counts=counts)
    counts["writing"] = 99
    assert stats.dimension_counts["writing"] == 1
    with pytest.raises(TypeError):
        stats.dimension_counts["writing"] = 2  # type: ignore[index]
    assert stats.total_entries == 1
    assert WeeklyStats(week_start=datetime(2025, 1, 6, 9, 0)).week_start == date(2025, 1, 6)
    with pytest.raises(ValueError, match="zero or more"):
        WeeklyStats(week_start=MONDAY, dimension_counts={"writing": -1})
    with pytest.raises(ValueError, match="zero or more"):
        WeeklyStats(week_start=MONDAY, kudos_received=-1)
    with pytest.raises(TypeError):
        WeeklyStats(week_start="2025-01-06")  # type: ignore[arg-type]


@dataclass
class _Entry:
    dimension: str | None
    scope: str | None
    source: str
    people: list[str]


def test_build_weekly_stats_counts_own_entries_and_kudos_apart() -> None:
    """Own entries feed dimensions, scopes and people; a kudos received counts as kudos only."""
    entries = [
        _Entry("writing", "cross_team", "brag", ["U1"]),
        _Entry("unblocking", "team", "checkin", ["U1", "U2"]),
        _Entry(None, None, "dm", []),
        _Entry("mentoring", "team", "kudos", ["U9"]),
    ]
    stats = build_weekly_stats(week_start=MONDAY, entries=entries, library=LIB)
    assert stats.entries == 3
    assert dict(stats.dimension_counts) == {"writing": 1, "unblocking": 1}
    assert dict(stats.scope_counts) == {"cross_team": 1, "team": 1}
    assert stats.written_artefacts == 1
    assert stats.kudos_received == 1
    assert stats.people_helped == 2


# ── Reframes ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "reframe_id"),
    [
        ("Fixed a flaky test in the checkout suite", "flaky-test-to-testing-strategy"),
        ("fixed the build again after the dependency bump", "broken-build-to-ci-ownership"),
        ("Onboarded our new hire and walked her through the deploy", "onboarding-to-program"),
        ("Ran standup all week while Sam was out", "meeting-to-working-group"),
        ("took notes in the architecture sync", "notes-to-decision-record"),
        ("Updated the docs for the release process", "ad-hoc-docs-to-rfc"),
        ("answered the same question about feature flags three times", "repeat-answers-to-guide"),
        ("got paged twice and hotfixed the importer", "firefighting-to-incident-review"),
        ("copy-pasted the retry logic from the payments client", "copied-code-to-shared-package"),
    ],
)
def test_glue_work_gets_its_staff_reframe(text: str, reframe_id: str) -> None:
    """Text describing glue work is matched to the staff-level version of that work."""
    reframe = classify(text, LIB).reframe
    assert reframe is not None
    assert reframe.id == reframe_id


def test_reframe_table_from_seed_002_is_present() -> None:
    """The four rows of seed 002's glue-vs-staff table are shipped verbatim as glue text."""
    glue = {reframe.glue for reframe in LIB.reframes}
    assert {
        "Fixing a flaky test",
        "Onboarding one new hire",
        "Running a meeting",
        "Writing ad-hoc documentation",
    } <= glue
    flaky = LIB.reframe("flaky-test-to-testing-strategy")
    assert "org-wide" in flaky.staff
    assert flaky.scope == "org"


def test_staff_version_already_underway_gets_no_reframe() -> None:
    """An `unless` phrase (the staff version is happening) suppresses the reframe."""
    assert classify("Fixed a flaky test", LIB).reframe is not None
    assert classify("Wrote a testing strategy to kill flaky tests org-wide", LIB).reframe is None
    assert classify("Updated the docs and turned them into an RFC", LIB).reframe is None


def test_no_reframe_for_work_that_is_not_glue() -> None:
    """Staff-shaped or unrelated text gets no reframe."""
    assert classify("Proposed a shared cache for three teams", LIB).reframe is None
    assert classify("saved 30 minutes of build time", LIB).reframe is None
    assert classify("", LIB).reframe is None


def test_more_specific_trigger_wins() -> None:
    """When glue triggers of two reframes appear, the longer phrase decides."""
    reframe = classify("ran the standup and took notes", LIB).reframe
    assert reframe is not None
    assert reframe.id == "meeting-to-working-group"
