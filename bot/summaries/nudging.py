"""Which nudge fires and which glue-to-staff reframe applies: rules read from `prompts/`.

Pure: weekly statistics in, a nudge or a reframe out. The thresholds are the library's data
(`prompts/nudges.yaml`, `prompts/reframes.yaml`); nothing here hard-codes a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.coaching import text as textmatch
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import (
    AbsentForWeeks,
    NoWrittenArtefactForWeeks,
    Nudge,
    RatioAbove,
    Reframe,
    Rule,
    ScopeShareBelow,
)


@dataclass(frozen=True)
class WeeklyStats:
    """One week of a person's log, as the nudge rules see it."""

    by_dimension: Mapping[str, int] = field(default_factory=dict)
    by_scope: Mapping[str, int] = field(default_factory=dict)
    written_artefacts: int = 0
    entries: int = 0


def _window(history: Sequence[WeeklyStats], weeks: int) -> Sequence[WeeklyStats] | None:
    """The last `weeks` weeks, or None when the person has less history than that."""
    if len(history) < weeks:
        return None
    return history[-weeks:]


def _sum(window: Sequence[WeeklyStats], attribute: str, keys: Sequence[str]) -> int:
    return sum(getattr(week, attribute).get(key, 0) for week in window for key in keys)


def rule_fires(rule: Rule, history: Sequence[WeeklyStats]) -> bool:
    """Whether a rule's condition holds over the most recent weeks of `history` (oldest first)."""
    window = _window(history, rule.weeks)
    if window is None:
        return False
    entries = sum(week.entries for week in window)
    if isinstance(rule, AbsentForWeeks):
        hits = _sum(window, "by_dimension", rule.dimensions) + _sum(window, "by_scope", rule.scopes)
        return entries >= rule.min_entries and hits == 0
    if isinstance(rule, RatioAbove):
        numerator = _sum(window, "by_dimension", rule.numerator)
        denominator = _sum(window, "by_dimension", rule.denominator)
        return numerator >= rule.min_numerator and numerator > rule.ratio * denominator
    if isinstance(rule, NoWrittenArtefactForWeeks):
        written = sum(week.written_artefacts for week in window)
        return entries >= rule.min_entries and written == 0
    if isinstance(rule, ScopeShareBelow):
        scoped = sum(sum(week.by_scope.values()) for week in window)
        if scoped < rule.min_entries:
            return False
        return _sum(window, "by_scope", rule.scopes) / scoped < rule.share
    return False


def pick_nudge(history: Sequence[WeeklyStats], library: CoachingLibrary) -> Nudge | None:
    """The highest-priority nudge whose rule fires; ties go to the one listed first."""
    best: Nudge | None = None
    for nudge in library.nudges:
        if rule_fires(nudge.rule, history) and (best is None or nudge.priority > best.priority):
            best = nudge
    return best


def longest_nudge_window(library: CoachingLibrary) -> int:
    """How many weeks of history the nudge rules look at, at most."""
    return max((nudge.rule.weeks for nudge in library.nudges), default=1)


@dataclass(frozen=True)
class ReframeMatch:
    """A reframe offered for one logged text, with how strongly its triggers matched."""

    reframe: Reframe
    score: int


def find_reframe(text: str, library: CoachingLibrary) -> ReframeMatch | None:
    """The most specific reframe whose triggers occur in the text and whose guards do not."""
    prepared = textmatch.prepare(text)
    for ranked in library.reframe_matcher.rank(prepared):
        if library.reframe_guards[ranked.key].matches_any(prepared):
            continue
        return ReframeMatch(library.reframe(ranked.key), ranked.score)
    return None
