"""Weekly statistics, the nudge rules evaluated over them, and glue-work reframes."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType

from bot.coaching.library import CoachingLibrary
from bot.coaching.models import (
    AbsentForWeeks,
    NoWrittenArtefactForWeeks,
    Nudge,
    RatioAbove,
    Rule,
    ScopeShareBelow,
)
from bot.plural import noun, plural

_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WeeklyStats:
    """One person's evidence for one week: the input to the nudge rules and summaries.

    Counts are of the person's **own** entries: kudos they received are someone else's
    words about them, counted in `kudos_received` only, and never feed a nudge about their
    own behaviour. `entries` is the number of own entries; left at 0 it is taken to be the
    sum of `dimension_counts`. `written_artefacts` counts documents (design docs, RFCs,
    write-ups); entries in a dimension marked `written_artefact` always count too.
    `paused` marks a week whose check-in the person skipped or paused. A paused week with
    nothing logged, and any run of two or more empty weeks (no entry, no answered check-in:
    a vacation nobody announced), is a week away: neither counted nor critiqued.
    """

    week_start: date
    dimension_counts: Mapping[str, int] = field(default_factory=dict)
    scope_counts: Mapping[str, int] = field(default_factory=dict)
    written_artefacts: int = 0
    entries: int = 0
    kudos_received: int = 0
    people_helped: int = 0
    teams_reached: int = 0
    checkins_answered: int = 0
    paused: bool = False

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
            "checkins_answered",
        )
        for name in numbers:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be zero or more")

    @property
    def total_entries(self) -> int:
        """Own entries this week: `entries`, or the dimension counts when that is larger."""
        return max(self.entries, sum(self.dimension_counts.values()))

    @property
    def empty(self) -> bool:
        """Nothing logged and no check-in answered."""
        return self.total_entries == 0 and self.checkins_answered == 0

    def count(self, dimensions: Iterable[str]) -> int:
        """Entries in any of these dimensions."""
        return sum(self.dimension_counts.get(d, 0) for d in dimensions)

    def in_scopes(self, scopes: Iterable[str]) -> int:
        """Entries with any of these scopes."""
        return sum(self.scope_counts.get(s, 0) for s in scopes)


# ── Which weeks count ─────────────────────────────────────────────────────────────────────

# No nudge before a person has this much history: a newcomer needs a welcome, not a critique.
MIN_HISTORY_WEEKS = 3
MIN_OWN_ENTRIES = 6
# This many empty weeks in a row (no entry, no answered check-in) read as time away.
AWAY_AFTER_EMPTY_WEEKS = 2
# At most one nudge every other week; and the same nudge not again within this many weeks.
NUDGE_GAP_WEEKS = 2
NUDGE_REPEAT_WEEKS = 6


def _ordered(history: Sequence[WeeklyStats]) -> list[WeeklyStats]:
    weeks = sorted(history, key=lambda stats: stats.week_start)
    for earlier, later in itertools.pairwise(weeks):
        if earlier.week_start == later.week_start:
            raise ValueError(f"two WeeklyStats for the week of {later.week_start}")
    return weeks


def _filled(weeks: Sequence[WeeklyStats]) -> list[WeeklyStats]:
    """Every week from the first to the last; weeks missing from the history are empty."""
    if not weeks:
        return []
    by_start = {stats.week_start: stats for stats in weeks}
    filled = []
    current = weeks[0].week_start
    while current <= weeks[-1].week_start:
        filled.append(by_start.get(current) or WeeklyStats(week_start=current))
        current += _WEEK
    return filled


def away_weeks(history: Sequence[WeeklyStats]) -> set[date]:
    """The weeks (by start) a person was away: paused with nothing logged, or inside a run of
    at least AWAY_AFTER_EMPTY_WEEKS empty weeks (a vacation nobody announced).
    """
    weeks = _filled(_ordered(history))
    away = {stats.week_start for stats in weeks if stats.paused and stats.empty}
    run: list[WeeklyStats] = []
    for stats in [*weeks, None]:
        if stats is not None and stats.empty:
            run.append(stats)
            continue
        if len(run) >= AWAY_AFTER_EMPTY_WEEKS:
            away.update(item.week_start for item in run)
        run = []
    return away


def counted_weeks(history: Sequence[WeeklyStats]) -> list[WeeklyStats]:
    """The weeks that count, oldest first: every week since the first, less the away ones."""
    weeks = _filled(_ordered(history))
    away = away_weeks(weeks)
    return [stats for stats in weeks if stats.week_start not in away]


def _window(weeks: Sequence[WeeklyStats], size: int) -> list[WeeklyStats] | None:
    """The latest `size` counted weeks, or None when fewer weeks count."""
    if len(weeks) < size:
        return None
    return list(weeks[-size:])


# ── The rules ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RuleResult:
    """Whether a rule fires over a window, and the counts it saw (for the nudge message)."""

    fires: bool
    counts: Mapping[str, int] = field(default_factory=dict)


def evaluate_rule(
    rule: Rule, history: Sequence[WeeklyStats], library: CoachingLibrary
) -> RuleResult:
    """The rule over the most recent counted weeks of `history` (away weeks skipped)."""
    window = _window(counted_weeks(history), rule.weeks)
    if window is None:
        return RuleResult(False)
    entries = sum(stats.total_entries for stats in window)
    if isinstance(rule, AbsentForWeeks):
        hits = sum(s.count(rule.dimensions) + s.in_scopes(rule.scopes) for s in window)
        return RuleResult(entries >= rule.min_entries and hits == 0, {"entries": entries})
    if isinstance(rule, RatioAbove):
        numerator = sum(stats.count(rule.numerator) for stats in window)
        denominator = sum(stats.count(rule.denominator) for stats in window)
        fires = numerator >= rule.min_numerator and numerator > rule.ratio * denominator
        return RuleResult(fires, {"numerator_count": numerator, "denominator_count": denominator})
    if isinstance(rule, NoWrittenArtefactForWeeks):
        written_dims = [d.id for d in library.dimensions if d.written_artefact]
        written = sum(max(s.written_artefacts, s.count(written_dims)) for s in window)
        return RuleResult(entries >= rule.min_entries and written == 0, {"entries": entries})
    if isinstance(rule, ScopeShareBelow):
        scoped = sum(sum(stats.scope_counts.values()) for stats in window)
        inside = sum(stats.in_scopes(rule.scopes) for stats in window)
        fires = scoped >= rule.min_entries and inside < rule.share * scoped
        return RuleResult(fires, {"inside": inside, "scoped": scoped})
    raise TypeError(f"unknown rule {rule!r}")  # pragma: no cover - the loader rejects it


def enough_history(history: Sequence[WeeklyStats]) -> bool:
    """At least MIN_HISTORY_WEEKS counted weeks and MIN_OWN_ENTRIES own entries in them."""
    weeks = counted_weeks(history)
    own = sum(stats.total_entries for stats in weeks)
    return len(weeks) >= MIN_HISTORY_WEEKS and own >= MIN_OWN_ENTRIES


def may_critique(history: Sequence[WeeklyStats]) -> bool:
    """Enough history, and the week being looked at is one the person was here for."""
    weeks = _ordered(history)
    if not weeks or weeks[-1].week_start in away_weeks(weeks):
        return False
    return enough_history(weeks)


def firing_nudges(history: Sequence[WeeklyStats], library: CoachingLibrary) -> list[Nudge]:
    """Every nudge whose rule fires, highest priority first (ties in file order), each with
    its message filled in; none at all while `may_critique` says no.
    """
    if not may_critique(history):
        return []
    ranked = sorted(enumerate(library.nudges), key=lambda item: (-item[1].priority, item[0]))
    found = []
    for _, nudge in ranked:
        result = evaluate_rule(nudge.rule, history, library)
        if result.fires:
            found.append(nudge.with_counts(result.counts))
    return found


@dataclass(frozen=True)
class ShownNudge:
    """A nudge a person was shown, and the week (its start) it was shown for."""

    week_start: date
    nudge_id: str


def pick_nudge(
    history: Sequence[WeeklyStats],
    library: CoachingLibrary,
    *,
    recently_shown: Collection[str] = (),
    shown: Sequence[ShownNudge] = (),
) -> Nudge | None:
    """The one nudge to show for the latest week of `history`, or None — silence is fine.

    None while the person is new or away (see `may_critique`), and in the week after a
    nudge was shown (at most one every other week). Otherwise the highest-priority firing
    rule, skipping nudges in `recently_shown` or shown within NUDGE_REPEAT_WEEKS.
    """
    weeks = _ordered(history)
    if not weeks:
        return None
    latest = weeks[-1].week_start
    earlier = [item for item in shown if item.week_start < latest]
    if any(latest - item.week_start < _WEEK * NUDGE_GAP_WEEKS for item in earlier):
        return None
    repeat = {i.nudge_id for i in earlier if latest - i.week_start < _WEEK * NUDGE_REPEAT_WEEKS}
    skip = frozenset(recently_shown) | repeat
    return next((n for n in firing_nudges(weeks, library) if n.id not in skip), None)


# ── What went well ────────────────────────────────────────────────────────────────────────


def what_went_well(week: WeeklyStats, library: CoachingLibrary) -> str | None:
    """One true sentence about the week's best signal, or None when the log shows none.

    A summary that only critiques teaches people to stop reading; this says what the log
    shows went well: work that reached beyond the team, then the most-logged multiplier
    dimension, then a written artefact, then own delivery, then having reflected at all.
    """
    if week.empty:
        return None
    broader = [s.id for s in library.scopes if s.weight > _team_weight(library)]
    beyond = week.in_scopes(broader)
    counted = [
        (week.count([d.id]), -index, d)
        for index, d in enumerate(library.multiplier_dimensions)
        if week.count([d.id])
    ]
    written_dims = [d.id for d in library.dimensions if d.written_artefact]
    written = max(week.written_artefacts, week.count(written_dims))
    own = week.count(d.id for d in library.dimensions if not d.multiplier)
    sentences: list[str] = []
    if beyond:
        sentences.append(
            f"{plural(beyond, 'entry')} reached beyond your team: the scope staff work is "
            "judged at."
        )
    if counted:
        count, _, best = max(counted, key=lambda item: (item[0], item[1]))
        times = noun(count, "once", plural(count, "time"))
        sentences.append(
            f"You logged {best.name.lower()} {times}: work that multiplies other people's."
        )
    if written:
        sentences.append("You wrote something down that others can use without you in the room.")
    if own:
        sentences.append(
            f"You shipped {plural(own, 'thing')} yourself: solid execution is what staff work "
            "stands on."
        )
    if week.checkins_answered:
        sentences.append(
            "You took the time to reflect: evidence exists once someone writes it down."
        )
    return sentences[0] if sentences else None


def _team_weight(library: CoachingLibrary) -> float:
    return library.scope_rank("team") if "team" in library.scope_ids else 0.0
