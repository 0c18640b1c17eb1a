"""Multiplier-effect metrics: pure functions over plain rows (no Slack, no SQL sessions).

Everything a personal summary, the App Home and a team digest show is computed here from
frozen dataclasses the services load, so each number can be checked by hand in a test.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import takewhile
from typing import Literal

from bot.coaching.classify import reframe_for
from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import Coverage
from bot.coaching.models import Nudge, Reframe
from bot.coaching.nudges import ShownNudge, WeeklyStats, pick_nudge, what_went_well
from bot.summaries.periods import Week

UNCLASSIFIED = "unclassified"
UNSCOPED = "unscoped"
TRAILING_PERIODS = 4


# ── Inputs ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class EntryRow:
    """One evidence entry, as the metrics need it."""

    id: int
    occurred_at: datetime
    dimension: str | None = None
    scope: str | None = None
    people: tuple[str, ...] = ()
    text: str = ""
    source: str = "brag"
    visibility: str = "private"
    created_at: datetime | None = None


# What happened to a week nobody was asked to reflect on: its check-in was skipped; check-ins
# were paused; its check-in fell on a public holiday (so was not sent); every work day was a
# public holiday; the person was away (an away status, or absences of several kinds).
QuietWhy = Literal["skipped", "paused", "holiday", "holidays", "away"]


@dataclass(frozen=True)
class Activity:
    """What one person logged around a week: the input of `summarise`.

    `entries` holds everything on the person's log, kudos others gave them included (source
    "kudos"); those count as kudos received, never as the person's own entries.
    """

    slack_user_id: str
    entries: Sequence[EntryRow]
    # When the person gave kudos (to others).
    kudos_given: Sequence[datetime] = ()
    # Answered check-ins, each at an instant inside the week it asked about.
    answered_checkins: Sequence[datetime] = ()
    # Instants of own entries or answered check-ins, further back (for the streak).
    active_instants: Sequence[datetime] = ()
    # Slack user id → the teams (digest channels) they belong to.
    teams_of: Mapping[str, Iterable[str]] = field(default_factory=dict)
    # The person's own teams: helping a teammate reaches no other team.
    own_teams: frozenset[str] = frozenset()
    # Mondays of the weeks whose check-in the person skipped or paused, or that they were
    # away for (bot/capture/timeoff.py): coaching does not critique such a week with nothing
    # logged, nor count it, and it neither breaks nor extends a streak.
    paused_weeks: frozenset[date] = frozenset()
    # What happened in those weeks, by Monday (a week without one reads "paused or skipped").
    paused_why: Mapping[date, QuietWhy] = field(default_factory=dict)
    # Whether the person asked for reflection: check-ins on (without them, and nothing of
    # their own on the log, a week with nothing logged is not critiqued).
    checkins_on: bool = True
    # The person came after the last work day of the last week: that week is not critiqued.
    joined_late: bool = False


def is_kudos(entry: EntryRow) -> bool:
    """A kudos someone gave the person: recognition received, not the person's own entry."""
    return entry.source == "kudos"


# ── One period ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PeriodMetrics:
    """The numbers for one person and one period.

    Every count but `kudos_received` and `kudos_given` is over the person's own entries:
    a kudos on their log is recognition received, not something they logged.
    """

    entries: int = 0
    by_dimension: Mapping[str, int] = field(default_factory=dict)
    multiplier_entries: int = 0
    people_helped: int = 0
    teams_reached: int = 0
    teams: tuple[str, ...] = ()
    scope_mix: Mapping[str, int] = field(default_factory=dict)
    written_artefacts: int = 0
    kudos_received: int = 0
    kudos_given: int = 0
    checkins_answered: int = 0

    @property
    def active(self) -> bool:
        """Logged evidence of their own or answered a check-in in the period."""
        return self.entries > 0 or self.checkins_answered > 0

    def stats(self, week_start: date, *, paused: bool = False) -> WeeklyStats:
        """The view the nudge rules (bot.coaching.nudges) take of this period: own entries."""
        return WeeklyStats(
            week_start=week_start,
            dimension_counts={k: v for k, v in self.by_dimension.items() if k != UNCLASSIFIED},
            scope_counts={k: v for k, v in self.scope_mix.items() if k != UNSCOPED},
            written_artefacts=self.written_artefacts,
            entries=self.entries,
            kudos_received=self.kudos_received,
            people_helped=self.people_helped,
            teams_reached=self.teams_reached,
            checkins_answered=self.checkins_answered,
            paused=paused,
        )


def period_metrics(
    *,
    entries: Iterable[EntryRow],
    library: CoachingLibrary,
    slack_user_id: str = "",
    kudos_given: int = 0,
    answered_checkins: int = 0,
    teams_of: Mapping[str, Iterable[str]] | None = None,
    own_teams: Iterable[str] = (),
) -> PeriodMetrics:
    """Counts for the rows of one period (the caller picks the rows in the period)."""
    dimensions = {d.id: d for d in library.dimensions}
    by_dimension: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    people: set[str] = set()
    multiplier = written = total = received = 0
    for entry in entries:
        if is_kudos(entry):
            received += 1
            continue
        total += 1
        by_dimension[entry.dimension or UNCLASSIFIED] += 1
        scopes[entry.scope or UNSCOPED] += 1
        known = dimensions.get(entry.dimension or "")
        if known is not None and known.multiplier:
            multiplier += 1
        if known is not None and known.written_artefact:
            written += 1
        people.update(p for p in entry.people if p and p != slack_user_id)
    teams: set[str] = set()
    for person in people:
        teams.update((teams_of or {}).get(person, ()))
    teams.difference_update(own_teams)
    return PeriodMetrics(
        entries=total,
        by_dimension=dict(by_dimension),
        multiplier_entries=multiplier,
        people_helped=len(people),
        teams_reached=len(teams),
        teams=tuple(sorted(teams)),
        scope_mix=dict(scopes),
        written_artefacts=written,
        kudos_received=received,
        kudos_given=kudos_given,
        checkins_answered=answered_checkins,
    )


def weekly_metrics(
    activity: Activity, weeks: Sequence[Week], library: CoachingLibrary
) -> list[PeriodMetrics]:
    """One PeriodMetrics per week (oldest first), each over the rows that fall in it."""
    return [
        period_metrics(
            entries=[e for e in activity.entries if week.contains(e.occurred_at)],
            library=library,
            slack_user_id=activity.slack_user_id,
            kudos_given=sum(1 for at in activity.kudos_given if week.contains(at)),
            answered_checkins=sum(1 for c in activity.answered_checkins if week.contains(c)),
            teams_of=activity.teams_of,
            own_teams=activity.own_teams,
        )
        for week in weeks
    ]


# ── Over time ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Trend:
    """This period against the average of the trailing periods."""

    periods: int
    average_entries: float
    average_multiplier: float
    average_by_dimension: Mapping[str, float]
    change_multiplier: float
    change_percent: float | None

    @property
    def direction(self) -> str:
        if self.change_multiplier > 0:
            return "up"
        if self.change_multiplier < 0:
            return "down"
        return "flat"


def trend(current: PeriodMetrics, trailing: Sequence[PeriodMetrics]) -> Trend | None:
    """Change of multiplier entries against the average of the trailing periods (None if none).

    Only periods the person had history in are passed, so a newcomer is not compared with
    weeks before they started.
    """
    if not trailing:
        return None
    n = len(trailing)
    dims: Counter[str] = Counter()
    for period in trailing:
        dims.update(period.by_dimension)
    average_multiplier = sum(p.multiplier_entries for p in trailing) / n
    change = current.multiplier_entries - average_multiplier
    percent = None if average_multiplier == 0 else change / average_multiplier
    return Trend(
        periods=n,
        average_entries=sum(p.entries for p in trailing) / n,
        average_multiplier=average_multiplier,
        average_by_dimension={key: value / n for key, value in dims.items()},
        change_multiplier=change,
        change_percent=percent,
    )


def streak(active: Sequence[bool], *, current_in_progress: bool = False) -> int:
    """Consecutive active periods ending with the last one (oldest first).

    While the last period is still in progress and empty, the streak is the one that ended
    with the period before: nobody loses a streak on a Monday morning.
    """
    flags = list(active)
    if current_in_progress and flags and not flags[-1]:
        flags.pop()
    return len(list(takewhile(bool, reversed(flags))))


def active_weeks(instants: Iterable[datetime], weeks: Sequence[Week]) -> list[bool]:
    """For each consecutive week (oldest first), whether any instant falls in it."""
    if not weeks:
        return []
    flags = [False] * len(weeks)
    starts = [w.start for w in weeks]
    for instant in instants:
        if starts[0] <= instant < weeks[-1].end:
            flags[bisect_right(starts, instant) - 1] = True  # the last week starting by then
    return flags


def history_weeks(instants: Iterable[datetime], weeks: Sequence[Week]) -> int:
    """How many of the trailing `weeks` lie on or after the week of the first activity."""
    flags = active_weeks(instants, weeks)
    return next((len(flags) - index for index, flag in enumerate(flags) if flag), 0)


# ── The summary ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ReframeSuggestion:
    """A glue-work entry and the staff-level version of it."""

    entry_id: int
    entry_text: str
    reframe: Reframe


@dataclass(frozen=True)
class MultiplierSummary:
    """Everything one person's weekly summary (and Home) shows about a week.

    The trend always compares complete weeks: `trend_week` is the week it is about (the
    summary's week once it has ended; while it is in progress, the week before), and
    `trailing` the weeks it is compared with.
    """

    week: Week
    current: PeriodMetrics
    trailing: tuple[PeriodMetrics, ...]
    trend: Trend | None
    streak: int
    streak_capped: bool
    nudge: Nudge | None
    reframe: ReframeSuggestion | None
    in_progress: bool = False
    trend_week: Week | None = None
    trend_metrics: PeriodMetrics | None = None
    # One true sentence about what the log shows went well (said beside any nudge).
    went_well: str | None = None
    # The week's check-in was skipped or paused: with nothing logged, not critiqued (nor sent).
    paused: bool = False
    # The week the trend is about was paused or away with nothing in it: no trend to read.
    trend_paused: bool = False
    # What happened in the paused week, and in the trend's (None: not known, or not paused).
    paused_why: QuietWhy | None = None
    trend_paused_why: QuietWhy | None = None
    # Paused or away weeks (with nothing in them) right before the trend's week, left out of
    # what it is compared with: the weeks compared are the last ones before that gap (and
    # what the gap's latest week was, when known).
    trend_gap: int = 0
    trend_gap_why: QuietWhy | None = None
    # A week with nothing logged is critiqued only when reflection was expected: the person
    # asked for check-ins or keeps a log of their own, and was there for the week's work.
    critique: bool = True
    # Judgment calls (bot/judgments): (entry text, outcome) answered this week, and how
    # many still wait for their verdict (a quiet week is named for what it is).
    outcomes: tuple[tuple[str, str], ...] = ()
    awaiting_calls: int = 0
    # Evidence per expectation (issue 17; bot/expectations/mapping.py): empty when the
    # person has entered no expectations.
    coverage: tuple[Coverage, ...] = ()
    # Entries of earlier weeks logged after the person's last summary was sent or skipped
    # (a late check-in answer): they count for their week, and this summary tells them.
    late: tuple[EntryRow, ...] = ()


def pick_reframe(entries: Iterable[EntryRow], library: CoachingLibrary) -> ReframeSuggestion | None:
    """The most recent entry that is glue work, with its staff-level version.

    The entry's dimension and scope as filed count (a person may have corrected them).
    """
    for entry in sorted(entries, key=lambda e: (e.occurred_at, e.id), reverse=True):
        if is_kudos(entry):
            continue  # someone else's words about you: not yours to reframe
        reframe, _ = reframe_for(entry.text, library, dimension=entry.dimension, scope=entry.scope)
        if reframe is not None:
            return ReframeSuggestion(entry.id, entry.text, reframe)
    return None


def summarise(
    activity: Activity,
    *,
    weeks: Sequence[Week],
    streak_weeks: Sequence[Week],
    library: CoachingLibrary,
    in_progress: bool = False,
    recently_shown_nudges: Iterable[ShownNudge] = (),
) -> MultiplierSummary:
    """The summary of the last of `weeks` (consecutive, oldest first).

    `weeks` spans the nudge window (the trailing four periods plus this one, and one more
    while this one is in progress); `streak_weeks` the longer span the streak is counted
    over. Only what the person did themselves (own entries, answered check-ins) makes a
    week active, starts their history, or feeds the nudges; kudos they received never do.
    While the last week is in progress, the trend and the nudges look at complete weeks only,
    so an empty Monday morning reads as neither a fall nor a pattern.
    """
    per_week = weekly_metrics(activity, weeks, library)
    current = per_week[-1]
    own = [e.occurred_at for e in activity.entries if not is_kudos(e)]
    instants = [*activity.active_instants, *own, *activity.answered_checkins]
    history = history_weeks(instants, streak_weeks)
    # Weeks the person has history in, within the window (this week always counts).
    known = max(1, min(history, len(weeks)))
    # The complete weeks: all of them, or all but the one in progress.
    complete = len(weeks) - 1 if in_progress else len(weeks)
    known_complete = known - 1 if in_progress else known
    trend_week = weeks[complete - 1] if complete >= 1 and known_complete >= 1 else None
    trend_metrics = per_week[complete - 1] if trend_week is not None else None
    earlier = min(TRAILING_PERIODS, known_complete - 1)
    trailing = per_week[complete - 1 - earlier : complete - 1] if earlier > 0 else []
    # A paused or away week with nothing in it is no week of nothing: not in the average.
    trailing = [
        period
        for period, week in zip(
            trailing,
            weeks[complete - 1 - earlier : complete - 1] if earlier > 0 else [],
            strict=True,
        )
        if period.active or week.monday not in activity.paused_weeks
    ]
    gap_weeks = (
        list(
            takewhile(
                lambda pair: not pair[0].active and pair[1].monday in activity.paused_weeks,
                zip(
                    reversed(per_week[complete - 1 - earlier : complete - 1]),
                    reversed(weeks[complete - 1 - earlier : complete - 1]),
                    strict=True,
                ),
            )
        )
        if earlier > 0 and trailing
        else []
    )
    flags = active_weeks(instants, streak_weeks)
    # A paused or away week with nothing in it neither counts nor breaks the streak.
    away = [
        not flag and week.monday in activity.paused_weeks
        for flag, week in zip(flags, streak_weeks, strict=True)
    ]
    run = streak(
        [flag for flag, skip in zip(flags, away, strict=True) if not skip],
        current_in_progress=in_progress and not (away and away[-1]),
    )
    nudge_history = [
        stats.stats(week.monday, paused=week.monday in activity.paused_weeks)
        for stats, week in zip(
            per_week[complete - known_complete : complete],
            weeks[complete - known_complete : complete],
            strict=True,
        )
    ]
    this_week = [e for e in activity.entries if weeks[-1].contains(e.occurred_at)]
    trend_paused = (
        trend_week is not None
        and trend_metrics is not None
        and not trend_metrics.active
        and trend_week.monday in activity.paused_weeks
    )
    return MultiplierSummary(
        week=weeks[-1],
        current=current,
        trailing=tuple(trailing),
        trend=trend(trend_metrics, trailing) if trend_metrics is not None else None,
        streak=run,
        streak_capped=run >= len(streak_weeks),
        nudge=pick_nudge(nudge_history, library, shown=tuple(recently_shown_nudges)),
        reframe=pick_reframe(this_week, library),
        in_progress=in_progress,
        trend_week=trend_week,
        trend_metrics=trend_metrics,
        went_well=(
            what_went_well(
                current.stats(weeks[-1].monday, paused=weeks[-1].monday in activity.paused_weeks),
                library,
            )
            if current.active
            else None
        ),
        paused=weeks[-1].monday in activity.paused_weeks,
        trend_paused=trend_paused,
        paused_why=(
            activity.paused_why.get(weeks[-1].monday)
            if weeks[-1].monday in activity.paused_weeks
            else None
        ),
        trend_paused_why=(
            activity.paused_why.get(trend_week.monday)
            if trend_paused and trend_week is not None
            else None
        ),
        critique=not activity.joined_late and (activity.checkins_on or history > 0),
        trend_gap=len(gap_weeks),
        trend_gap_why=activity.paused_why.get(gap_weeks[0][1].monday) if gap_weeks else None,
    )


# ── Team digests ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class TeamEntryRow:
    """A team member's entry for a digest. `text` is None unless its author shared it."""

    id: int
    author: str
    occurred_at: datetime
    created_at: datetime
    dimension: str | None = None
    scope: str | None = None
    people: tuple[str, ...] = ()
    shared_text: str | None = None
    source: str = "brag"


@dataclass(frozen=True)
class TeamKudosRow:
    """A kudos whose giver allowed it in digests."""

    id: int
    giver: str
    recipient: str
    text: str
    created_at: datetime
    # Everyone one /kudos named (a row per recipient is stored): shown as one line.
    also_to: tuple[str, ...] = ()

    @property
    def recipients(self) -> tuple[str, ...]:
        return (self.recipient, *self.also_to)


def _one_line_per_kudos(rows: Sequence[TeamKudosRow]) -> list[TeamKudosRow]:
    """Rows of one /kudos to several people (same giver, text and instant) as one row."""
    merged: dict[tuple[str, str, datetime], TeamKudosRow] = {}
    for row in rows:
        key = (row.giver, row.text, row.created_at)
        first = merged.get(key)
        if first is None:
            merged[key] = row
        elif row.recipient not in first.recipients:
            merged[key] = replace(first, also_to=(*first.also_to, row.recipient))
    return list(merged.values())


@dataclass(frozen=True)
class Highlight:
    author: str
    text: str
    dimension: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class TeamTotals:
    """Aggregates: only ever built for a group of at least the minimum size."""

    participants: int
    members: int
    entries: int
    multiplier_entries: int
    by_dimension: Mapping[str, int]
    people_helped: int
    cross_team_entries: int
    written_artefacts: int


@dataclass(frozen=True)
class TeamDigest:
    """What a team digest shows for one period."""

    period_start: datetime
    period_end: datetime
    members: int
    totals: TeamTotals | None
    highlights: tuple[Highlight, ...]
    highlights_more: int
    kudos: tuple[TeamKudosRow, ...]
    kudos_more: int
    late_totals: TeamTotals | None
    late_highlights: tuple[Highlight, ...]
    min_group_size: int

    @property
    def is_empty(self) -> bool:
        return (
            self.totals is None
            and not self.highlights
            and not self.kudos
            and self.late_totals is None
            and not self.late_highlights
        )


def _totals(
    entries: Sequence[TeamEntryRow],
    participants: set[str],
    members: int,
    library: CoachingLibrary,
    min_group_size: int,
) -> TeamTotals | None:
    if len(participants) < min_group_size:
        return None
    dimensions = {d.id: d for d in library.dimensions}
    by_dimension: Counter[str] = Counter(e.dimension or UNCLASSIFIED for e in entries)
    helped = {p for e in entries for p in e.people if p != e.author}
    known = [d for e in entries if (d := dimensions.get(e.dimension or "")) is not None]
    return TeamTotals(
        participants=len(participants),
        members=members,
        entries=len(entries),
        multiplier_entries=sum(d.multiplier for d in known),
        by_dimension=dict(by_dimension),
        people_helped=len(helped),
        cross_team_entries=sum(1 for e in entries if e.scope in ("cross_team", "org")),
        written_artefacts=sum(d.written_artefact for d in known),
    )


def _highlights(entries: Iterable[TeamEntryRow]) -> list[Highlight]:
    shared = [e for e in entries if e.shared_text is not None and e.shared_text.strip()]
    shared.sort(key=lambda e: (e.occurred_at, e.id))
    return [Highlight(e.author, e.shared_text or "", e.dimension, e.occurred_at) for e in shared]


def team_digest(
    *,
    period_start: datetime,
    period_end: datetime,
    members: Iterable[str],
    entries: Sequence[TeamEntryRow],
    answered_checkins: Iterable[tuple[str, datetime]],
    kudos: Sequence[TeamKudosRow],
    library: CoachingLibrary,
    min_group_size: int,
    highlight_limit: int = 10,
    kudos_limit: int = 10,
) -> TeamDigest:
    """A digest for [period_start, period_end).

    `entries` may include entries of the previous period: those created at or after
    `period_start` (logged after the previous digest was cut) make the "also from last week"
    section. An entry counts in a period only if it was created before that period's end, so
    the same rows give the same digest however late the job runs.
    """
    member_set = set(members)
    previous_start = period_start - (period_end - period_start)
    current = [
        e
        for e in entries
        if e.author in member_set
        and period_start <= e.occurred_at < period_end
        and e.created_at < period_end
    ]
    late = [
        e
        for e in entries
        if e.author in member_set
        and previous_start <= e.occurred_at < period_start <= e.created_at < period_end
    ]
    # Highlights are whatever authors shared; the numbers count only what members logged
    # themselves: a kudos on a member's log is recognition received (the Kudos section shows
    # the ones their givers allowed), so it neither counts as an entry nor as taking part.
    highlights = _highlights(current)
    late_highlights = _highlights(late)
    current = [e for e in current if e.source != "kudos"]
    late = [e for e in late if e.source != "kudos"]
    checkins = list(answered_checkins)
    participants = {e.author for e in current}
    participants.update(
        who for who, at in checkins if who in member_set and period_start <= at < period_end
    )
    # Last week's group, as it stands now: on time or late, for the late section's threshold.
    previous_group = {
        e.author
        for e in entries
        if e.author in member_set
        and e.source != "kudos"
        and previous_start <= e.occurred_at < period_start
    }
    previous_group.update(
        who for who, at in checkins if who in member_set and previous_start <= at < period_start
    )
    shown_kudos = _one_line_per_kudos(
        sorted(
            (
                k
                for k in kudos
                if period_start <= k.created_at < period_end and k.recipient in member_set
            ),
            key=lambda k: (k.created_at, k.id),
        )
    )
    late_totals = None
    if late and len(previous_group) >= min_group_size:
        late_totals = _totals(
            late, {e.author for e in late}, len(member_set), library, min_group_size=1
        )
    return TeamDigest(
        period_start=period_start,
        period_end=period_end,
        members=len(member_set),
        totals=_totals(current, participants, len(member_set), library, min_group_size),
        highlights=tuple(highlights[:highlight_limit]),
        highlights_more=max(0, len(highlights) - highlight_limit),
        kudos=tuple(shown_kudos[:kudos_limit]),
        kudos_more=max(0, len(shown_kudos) - kudos_limit),
        late_totals=late_totals,
        late_highlights=tuple(late_highlights[:highlight_limit]),
        min_group_size=min_group_size,
    )
