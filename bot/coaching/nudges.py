"""Weekly statistics, the nudge rules evaluated over them, and glue-work reframes."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

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

_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WeeklyStats:
    """One person's evidence for one week: the input to the nudge rules and summaries.

    Every count but `kudos_received` is over the person's *own* entries: a kudos someone
    gave them is recognition received, so it never counts as something they did (the rules
    about their own behaviour never see it), only in `kudos_received`.

    `entries` is the number of own evidence entries; when it is left at 0 it is taken to be
    the sum of `dimension_counts`. `written_artefacts` counts documents (design docs,
    RFCs, write-ups); entries in a dimension marked `written_artefact` always count too.
    """

    week_start: date
    dimension_counts: Mapping[str, int] = field(default_factory=dict)
    scope_counts: Mapping[str, int] = field(default_factory=dict)
    written_artefacts: int = 0
    entries: int = 0
    kudos_received: int = 0
    people_helped: int = 0
    teams_reached: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.week_start, datetime):
            object.__setattr__(self, "week_start", self.week_start.date())
        elif not isinstance(self.week_start, date):
            raise TypeError(f"week_start must be a date, got {self.week_start!r}")
        for name in ("dimension_counts", "scope_counts"):
            counts = dict(getattr(self, name))
            if any(not isinstance(value, int) or value < 0 for value in counts.values()):
                raise ValueError(f"{name} must hold counts of zero or more: {counts!r}")
            object.__setattr__(self, name, MappingProxyType(counts))
        numbers = (
            "written_artefacts",
            "entries",
            "kudos_received",
            "people_helped",
            "teams_reached",
        )
        for name in numbers:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be zero or more")

    @property
    def total_entries(self) -> int:
        """Entries this week: `entries`, or the dimension counts when that is larger."""
        return max(self.entries, sum(self.dimension_counts.values()))

    def count(self, dimensions: Iterable[str]) -> int:
        """Entries in any of these dimensions."""
        return sum(self.dimension_counts.get(d, 0) for d in dimensions)

    def in_scopes(self, scopes: Iterable[str]) -> int:
        """Entries with any of these scopes."""
        return sum(self.scope_counts.get(s, 0) for s in scopes)


class EntryFacts(Protocol):
    """What `build_weekly_stats` needs from an evidence entry (e.g. the ORM row)."""

    @property
    def dimension(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def scope(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def source(self) -> str: ...  # pragma: no cover - protocol

    @property
    def people(self) -> Sequence[str]: ...  # pragma: no cover - protocol


def build_weekly_stats(
    *, week_start: date, entries: Iterable[EntryFacts], library: CoachingLibrary
) -> WeeklyStats:
    """Count one week's own entries by dimension and scope; kudos only as received."""
    dimensions: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    people: set[str] = set()
    total = kudos = written = 0
    written_dims = {d.id for d in library.dimensions if d.written_artefact}
    for entry in entries:
        if entry.source == "kudos":
            kudos += 1
            continue
        total += 1
        if entry.dimension:
            dimensions[entry.dimension] += 1
            written += entry.dimension in written_dims
        if entry.scope:
            scopes[entry.scope] += 1
        people.update(entry.people)
    return WeeklyStats(
        week_start=week_start,
        dimension_counts=dict(dimensions),
        scope_counts=dict(scopes),
        written_artefacts=written,
        entries=total,
        kudos_received=kudos,
        people_helped=len(people),
    )


def _ordered(history: Sequence[WeeklyStats]) -> list[WeeklyStats]:
    weeks = sorted(history, key=lambda stats: stats.week_start)
    for earlier, later in itertools.pairwise(weeks):
        if earlier.week_start == later.week_start:
            raise ValueError(f"two WeeklyStats for the week of {later.week_start}")
    return weeks


def _window(weeks: Sequence[WeeklyStats], size: int) -> list[WeeklyStats] | None:
    """The stats of the latest `size` weeks, or None when the history is shorter than that.

    Missing weeks inside the window count as weeks with no evidence.
    """
    latest = weeks[-1].week_start
    if latest - weeks[0].week_start < _WEEK * (size - 1):
        return None
    cutoff = latest - _WEEK * size
    return [stats for stats in weeks if stats.week_start > cutoff]


def rule_fires(rule: Rule, history: Sequence[WeeklyStats], library: CoachingLibrary) -> bool:
    """True when the rule's condition holds over the most recent weeks of `history`."""
    weeks = _ordered(history)
    if not weeks:
        return False
    window = _window(weeks, rule.weeks)
    if window is None:
        return False
    entries = sum(stats.total_entries for stats in window)
    if isinstance(rule, AbsentForWeeks):
        hits = sum(s.count(rule.dimensions) + s.in_scopes(rule.scopes) for s in window)
        return entries >= rule.min_entries and hits == 0
    if isinstance(rule, RatioAbove):
        numerator = sum(stats.count(rule.numerator) for stats in window)
        denominator = sum(stats.count(rule.denominator) for stats in window)
        return numerator >= rule.min_numerator and numerator > rule.ratio * denominator
    if isinstance(rule, NoWrittenArtefactForWeeks):
        written_dims = [d.id for d in library.dimensions if d.written_artefact]
        written = sum(max(s.written_artefacts, s.count(written_dims)) for s in window)
        return entries >= rule.min_entries and written == 0
    if isinstance(rule, ScopeShareBelow):
        scoped = sum(sum(stats.scope_counts.values()) for stats in window)
        inside = sum(stats.in_scopes(rule.scopes) for stats in window)
        return scoped >= rule.min_entries and inside < rule.share * scoped
    raise TypeError(f"unknown rule {rule!r}")  # pragma: no cover - the loader rejects it


def firing_nudges(history: Sequence[WeeklyStats], library: CoachingLibrary) -> list[Nudge]:
    """Every nudge whose rule fires, highest priority first (ties in file order)."""
    ranked = sorted(enumerate(library.nudges), key=lambda item: (-item[1].priority, item[0]))
    return [nudge for _, nudge in ranked if rule_fires(nudge.rule, history, library)]


def pick_nudge(
    history: Sequence[WeeklyStats],
    library: CoachingLibrary,
    *,
    recently_shown: Collection[str] = (),
) -> Nudge | None:
    """The one nudge to show: the highest-priority firing rule not in `recently_shown`.

    `history` is one person's weekly stats in any order (the latest week last in time);
    weeks missing from it count as empty. None when nothing fires — silence is fine.
    """
    shown = frozenset(recently_shown)
    return next((n for n in firing_nudges(history, library) if n.id not in shown), None)


def find_reframe(text: str, library: CoachingLibrary) -> Reframe | None:
    """The staff-level reframe for glue work described in `text`, or None.

    The reframe whose triggers match most specifically wins (phrases beat single words;
    ties go to the one listed first); a reframe is skipped when one of its `unless`
    phrases shows the staff version is already under way.
    """
    prepared = textmatch.prepare(text)
    for scored in library.reframe_matcher.rank(prepared):
        if not library.reframe_guards[scored.key].matches_any(prepared):
            return library.reframe(scored.key)
    return None
