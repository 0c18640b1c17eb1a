"""Personal summaries: load a person's rows around a week, compute, and deliver once per week.

The number of SQL statements a summary issues is fixed (it never grows with the size of
the log): one for the entries in the window, one for older activity (the streak), one for
kudos, one for the teams of the people helped.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.coaching.library import CoachingLibrary
from bot.coaching.nudges import ShownNudge
from bot.db.models import (
    CheckIn,
    DigestChannel,
    DigestChannelMember,
    EvidenceEntry,
    Kudos,
    SummaryPost,
    User,
    Workspace,
)
from bot.db.reads import read_rows
from bot.expectations import mapping as expectation_mapping
from bot.judgments import records as judgment_records
from bot.summaries import metrics, periods

logger = logging.getLogger(__name__)

# The streak is counted over at most this many weeks ("52+ weeks" beyond).
STREAK_WEEKS = 52
# A claimed summary whose sender vanished (crash) is looked at again after this long.
STALE_CLAIM = timedelta(minutes=15)
# PostgreSQL advisory lock key: one worker at a time queues summaries (no insert deadlocks).
# Advisory locks are database-wide: the key is paired with the schema's, so two deployments
# (or two test runs) in one database, each in its own schema, never skip each other's turn.
ENQUEUE_LOCK = 0x5EED_0005
# A check-in about the week, open and unanswered, holds its person's summary of that week
# until it is answered, skipped, or has been out this long (since its slot, or since it came
# back from a snooze); never past half the grace window. A Monday 09:00 check-in about last
# week left open lets the summary out at 13:00; answered earlier, it goes then, answer in.
CHECKIN_HOLD = timedelta(hours=4)
# Statuses of a check-in that still waits for its answer (or is about to be sent).
_OPEN = ("snoozed", "pending", "claimed", "sent", "unknown")
# Check-ins about a week: its own, and those early in the next (Monday, Tuesday; local days,
# so a day more to cover every zone's).
_ABOUT_WEEK_AFTER = timedelta(days=3)


def window_weeks(library: CoachingLibrary) -> int:
    """Weeks loaded for a summary: the longest nudge window or the trailing four, complete.

    That is one more than either needs: while a week is in progress, the trend and the
    nudges look at the complete weeks before it.
    """
    longest_rule = max((nudge.rule.weeks for nudge in library.nudges), default=1)
    return max(metrics.TRAILING_PERIODS + 1, longest_rule) + 1


@dataclass(frozen=True)
class SummaryWeeks:
    """The weeks a summary is computed over, all in the person's time zone."""

    window: list[periods.Week]
    streak: list[periods.Week]

    @property
    def week(self) -> periods.Week:
        return self.window[-1]


def weeks_for(week: periods.Week, tz_name: str, library: CoachingLibrary) -> SummaryWeeks:
    window, streak = _weeks_ending_with(week, tz_name, window_weeks(library))
    return SummaryWeeks(window=list(window), streak=list(streak))


@functools.lru_cache(maxsize=1024)
def _weeks_ending_with(
    week: periods.Week, tz_name: str, window: int
) -> tuple[tuple[periods.Week, ...], tuple[periods.Week, ...]]:
    """The window's and the streak's weeks, remembered: a Home is built on every open and
    change, and the 52 weeks of a streak (two zone conversions each) are the same all week
    for everyone in one zone."""
    tz = periods.zone(tz_name)
    return (
        tuple(periods.weeks_ending_with(week, window, tz)),
        tuple(periods.weeks_ending_with(week, STREAK_WEEKS, tz)),
    )


def _answered(checkin: type[CheckIn]) -> ColumnElement[bool]:
    return or_(checkin.answered_at.is_not(None), checkin.status == "answered")


# A summary's statements, built once with bound parameters: building a statement and its
# cache key anew for every summary (and every Home, which shows one) cost more CPU than
# running it. Parameters: user_id, workspace_id, window_start, this_week_start, end,
# streak_start, checkins_end (a week after `end`), people (expanding).
_ENTRIES_IN_WINDOW = select(
    EvidenceEntry.id,
    EvidenceEntry.occurred_at,
    EvidenceEntry.dimension,
    EvidenceEntry.scope,
    EvidenceEntry.people,
    # Only this week's text is read (for the reframe); older text stays in the table.
    case(
        (EvidenceEntry.occurred_at >= bindparam("this_week_start"), EvidenceEntry.text),
        else_=None,
    ),
    EvidenceEntry.source,
    EvidenceEntry.visibility,
).where(
    EvidenceEntry.user_id == bindparam("user_id"),
    EvidenceEntry.occurred_at >= bindparam("window_start"),
    EvidenceEntry.occurred_at < bindparam("end"),
)
# Older own entries (only their instants) and every answered check-in, in one statement.
_OLDER_ENTRIES = select(EvidenceEntry.occurred_at.label("at"), literal("e").label("kind")).where(
    EvidenceEntry.user_id == bindparam("user_id"),
    EvidenceEntry.source != "kudos",
    EvidenceEntry.occurred_at >= bindparam("streak_start"),
    EvidenceEntry.occurred_at < bindparam("window_start"),
)
# A check-in early in a week asks about the week before: it counts for that week, so
# check-ins sent up to a week after the summary's week are read too.
_ANSWERED_CHECKINS = select(CheckIn.slot_at.label("at"), literal("c").label("kind")).where(
    CheckIn.user_id == bindparam("user_id"),
    _answered(CheckIn),
    CheckIn.slot_at >= bindparam("streak_start"),
    CheckIn.slot_at < bindparam("checkins_end"),
)
# Check-ins skipped ("s"), or cancelled ("p": a pause, a holiday, an away status): weeks
# coaching does not critique if empty.
_SKIPPED_CHECKINS = select(
    CheckIn.slot_at.label("at"),
    case((CheckIn.status == "skipped", literal("s")), else_=literal("p")).label("kind"),
).where(
    CheckIn.user_id == bindparam("user_id"),
    CheckIn.status.in_(("skipped", "cancelled")),
    CheckIn.slot_at >= bindparam("streak_start"),  # the streak skips paused weeks too
    CheckIn.slot_at < bindparam("checkins_end"),
)
_INSTANTS = union_all(_OLDER_ENTRIES, _ANSWERED_CHECKINS, _SKIPPED_CHECKINS)
# For a person with a pause: the other check-ins in the span too (a week inside the pause
# has none at all).
_ASKED_CHECKINS = select(CheckIn.slot_at.label("at"), literal("a").label("kind")).where(
    CheckIn.user_id == bindparam("user_id"),
    CheckIn.status.not_in(("skipped", "cancelled")),
    CheckIn.slot_at >= bindparam("streak_start"),
    CheckIn.slot_at < bindparam("checkins_end"),
)
_INSTANTS_AROUND_A_PAUSE = union_all(
    _OLDER_ENTRIES, _ANSWERED_CHECKINS, _SKIPPED_CHECKINS, _ASKED_CHECKINS
)
_KUDOS_GIVEN = select(Kudos.created_at).where(
    Kudos.giver_id == bindparam("user_id"),
    Kudos.created_at >= bindparam("this_week_start"),
    Kudos.created_at < bindparam("end"),
)
_TEAMS_OF = (
    select(
        DigestChannelMember.slack_user_id,
        DigestChannel.channel_name,
        DigestChannel.channel_id,
    )
    .join(DigestChannel, DigestChannel.id == DigestChannelMember.digest_channel_id)
    .where(
        DigestChannelMember.workspace_id == bindparam("workspace_id"),
        DigestChannel.active.is_(True),
        DigestChannelMember.slack_user_id.in_(bindparam("people", expanding=True)),
    )
)


def load_activity(
    *, session: Session, user: User, weeks: SummaryWeeks, default_calendar: str | None = None
) -> metrics.Activity:
    """A person's rows for a summary, in a fixed number of statements."""
    window_start, end = weeks.window[0].start, weeks.week.end
    this_week_start = weeks.week.start
    entry_rows = read_rows(
        session,
        _ENTRIES_IN_WINDOW,
        {
            "user_id": user.id,
            "this_week_start": this_week_start,
            "window_start": window_start,
            "end": end,
        },
    ).all()
    entry_rows = sorted(entry_rows, key=lambda row: (row[1], row[0]))
    entries = [
        metrics.EntryRow(
            id=row[0],
            occurred_at=row[1],
            dimension=row[2],
            scope=row[3],
            people=tuple(p for p in (row[4] or ()) if isinstance(p, str)),
            text=row[5] or "",
            source=row[6],
            visibility=row[7],
        )
        for row in entry_rows
    ]
    prefs = Preferences.of(user)
    time_off = timeoff.TimeOff.of(user, default_calendar)
    instants: list[datetime] = []
    answered: list[datetime] = []
    paused: set[date] = set()
    why: dict[date, metrics.QuietWhy] = {}  # what happened in each paused week
    asked: list[datetime] = []  # when check-ins that were not skipped were asked about
    instant_rows = read_rows(
        session,
        _INSTANTS if user.paused_until is None else _INSTANTS_AROUND_A_PAUSE,
        {
            "user_id": user.id,
            "streak_start": weeks.streak[0].start,
            "window_start": window_start,
            "checkins_end": end + timedelta(weeks=1),
        },
    ).all()
    for raw, kind in instant_rows:
        at = _aware(raw)
        if kind in ("p", "s", "a"):
            # A check-in marks the week it asked about (last week, early in a week).
            about = schedule.answer_instant(prefs, at)
            index = periods.week_index(about, weeks.streak)
            if kind == "a":
                asked.append(about)
            elif index is not None:
                monday = weeks.streak[index].monday
                paused.add(monday)  # skipped, or cancelled
                if kind == "s":  # the person's own choice says most
                    why[monday] = "skipped"
                else:
                    why.setdefault(monday, _cancelled_why(prefs, time_off, at))
            continue
        if kind == "c":
            at = schedule.answer_instant(prefs, at)
            if not weeks.streak[0].start <= at < end:
                continue
            if at >= window_start:
                answered.append(at)
        instants.append(at)
    for monday, reason in _paused_or_away(user, prefs, time_off, weeks, asked, paused).items():
        paused.add(monday)
        why.setdefault(monday, reason)
    kudos_given = [
        _aware(at)
        for at in read_rows(
            session,
            _KUDOS_GIVEN,
            {"user_id": user.id, "this_week_start": this_week_start, "end": end},
        ).scalars()
    ]
    people = sorted({p for e in entries for p in e.people} | {user.slack_user_id})
    teams = teams_of(session=session, workspace_id=user.workspace_id, people=people)
    return metrics.Activity(
        slack_user_id=user.slack_user_id,
        entries=entries,
        kudos_given=kudos_given,
        answered_checkins=answered,
        active_instants=instants,
        teams_of=teams,
        own_teams=frozenset(teams.get(user.slack_user_id, ())),
        paused_weeks=frozenset(paused),
        paused_why=why,
        checkins_on=prefs.active,
        joined_late=_joined_late(user, weeks.week, prefs),
    )


def _paused_or_away(
    user: User,
    prefs: Preferences,
    time_off: timeoff.TimeOff,
    weeks: SummaryWeeks,
    asked: list[datetime],
    skipped: set[date],
) -> dict[date, metrics.QuietWhy]:
    """The weeks of the person's pause (the summary's week, if paused now) and their away
    weeks (every work day a public holiday or under an away status), with what they were."""
    found: dict[date, metrics.QuietWhy] = {}
    skipped = set(skipped)
    if user.paused_until is not None and user.paused_until > weeks.week.monday:
        skipped.add(weeks.week.monday)  # paused now: the week being summarised included
        found[weeks.week.monday] = "paused"
    for monday in _inside_pause(user.paused_until, asked, skipped, weeks.streak):
        found.setdefault(monday, "paused")
    for monday in timeoff.away_weeks(prefs, time_off, weeks.streak[0].monday, weeks.week.monday):
        if monday not in found:
            found[monday] = _away_why(prefs, time_off, monday)
    return found


def _cancelled_why(
    prefs: Preferences, time_off: timeoff.TimeOff, slot_at: datetime
) -> metrics.QuietWhy:
    """Why a check-in was cancelled at its slot: a public holiday, an away status, or a
    pause (also when check-ins were off by then)."""
    absence = timeoff.absence_at(prefs, time_off, slot_at)
    kind = absence.kind if absence is not None else "pause"
    return "holiday" if kind == "holiday" else "away" if kind == "status" else "paused"


def _away_why(prefs: Preferences, time_off: timeoff.TimeOff, monday: date) -> metrics.QuietWhy:
    """What made a week an away week: every work day a public holiday, or paused, or else
    away (an away status, or absences of several kinds)."""
    days = [monday + timedelta(days=n) for n in range(7)]
    kinds = {
        absence.kind
        for day in days
        if prefs.is_workday(day) and (absence := timeoff.absence(prefs, time_off, day))
    }
    if kinds == {"holiday"}:
        return "holidays"
    return "paused" if kinds == {"pause"} else "away"


def _joined_late(user: User, week: periods.Week, prefs: Preferences) -> bool:
    """Whether the person came after the week's last work day (local): a Sunday-night
    arrival is not told that a week they never worked in had nothing logged."""
    if user.created_at is None:
        return False
    days = [week.monday + timedelta(days=n) for n in range(7)]
    last = max((day for day in days if prefs.is_workday(day)), default=days[-1])
    return _aware(user.created_at).astimezone(prefs.zone).date() > last


def _inside_pause(
    paused_until: date | None,
    asked: list[datetime],
    skipped: set[date],
    weeks: list[periods.Week],
) -> set[date]:
    """The weeks of the person's last pause that no check-in asked about (a pause creates
    none): after the last check-in asked before it, or its skipped one, until it ended."""
    if paused_until is None:
        return set()
    before = [at for at in asked if at.date() < paused_until]
    if not before and not skipped:
        return set()  # nothing says when it began
    found = set()
    for week in weeks:
        if week.monday >= paused_until:
            break
        inside = week.start > max(before) if before else week.monday >= min(skipped)
        if inside and not any(week.contains(at) for at in asked):
            found.add(week.monday)
    return found


def _aware(value: datetime) -> datetime:
    # union_all may lose the UTCDateTime type decorator: restore UTC if it did.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def teams_of(
    *, session: Session, workspace_id: int, people: list[str]
) -> dict[str, frozenset[str]]:
    """Slack user id → the teams (digest channels, by name) they are members of."""
    if not people:
        return {}
    rows = read_rows(session, _TEAMS_OF, {"workspace_id": workspace_id, "people": people}).all()
    found: dict[str, set[str]] = {}
    for who, name, channel_id in rows:
        found.setdefault(who, set()).add(f"#{name}" if name else channel_id)
    return {who: frozenset(teams) for who, teams in found.items()}


def build_summary(
    *,
    session: Session,
    user: User,
    week: periods.Week,
    library: CoachingLibrary,
    in_progress: bool = False,
    recently_shown_nudges: tuple[ShownNudge, ...] = (),
    default_calendar: str | None = None,
) -> metrics.MultiplierSummary:
    """The summary of one of the person's weeks (`default_calendar`: the workspace's
    public-holiday calendar, for people who chose none)."""
    weeks = weeks_for(week, user.tz, library)
    activity = load_activity(
        session=session, user=user, weeks=weeks, default_calendar=default_calendar
    )
    summary = metrics.summarise(
        activity,
        weeks=weeks.window,
        streak_weeks=weeks.streak,
        library=library,
        in_progress=in_progress,
        recently_shown_nudges=recently_shown_nudges,
    )
    summary = _with_judgments(session, user, week, summary)
    return _with_coverage(session, user, week, summary)


# Own entries of earlier weeks logged after the person's last summary (sent or skipped: its
# row's sent_at, else when it was queued) and before this week ended. Parameters: user_id,
# this_week_start, end, key (this summary's period key).
_LAST_SUMMARY_CUT = (
    select(func.coalesce(SummaryPost.sent_at, SummaryPost.created_at))
    .where(
        SummaryPost.user_id == bindparam("user_id"),
        SummaryPost.period_key < bindparam("key"),
    )
    .order_by(SummaryPost.period_key.desc())
    .limit(1)
    .scalar_subquery()
)
_LOGGED_AFTER_LAST_SUMMARY = (
    select(
        EvidenceEntry.id,
        EvidenceEntry.occurred_at,
        EvidenceEntry.dimension,
        EvidenceEntry.text,
        EvidenceEntry.created_at,
    )
    .where(
        EvidenceEntry.user_id == bindparam("user_id"),
        EvidenceEntry.source != "kudos",
        EvidenceEntry.occurred_at < bindparam("this_week_start"),
        EvidenceEntry.created_at < bindparam("end"),
        EvidenceEntry.created_at >= _LAST_SUMMARY_CUT,
    )
    .order_by(EvidenceEntry.occurred_at, EvidenceEntry.id)
)


def with_logged_after_last_summary(
    *, session: Session, user: User, week: periods.Week, summary: metrics.MultiplierSummary
) -> metrics.MultiplierSummary:
    """The weekly DM's summary with the entries of earlier weeks logged after the person's
    last summary went (or was skipped): a late answer counts for its week, whose summary is
    gone, so this one tells it (one statement)."""
    rows = read_rows(
        session,
        _LOGGED_AFTER_LAST_SUMMARY,
        {
            "user_id": user.id,
            "this_week_start": week.start,
            "end": week.end,
            "key": week.key,
        },
    ).all()
    zone = periods.zone(user.tz)
    late = tuple(
        metrics.EntryRow(
            id=row[0],
            occurred_at=_aware(row[1]).astimezone(zone),  # shown as the person's date
            dimension=row[2],
            text=row[3] or "",
            created_at=_aware(row[4]),
        )
        for row in rows
    )
    return dataclasses.replace(summary, late=late)


def _with_coverage(
    session: Session, user: User, week: periods.Week, summary: metrics.MultiplierSummary
) -> metrics.MultiplierSummary:
    """Evidence per expectation, this week's in it (bot/expectations/mapping.py)."""
    found = expectation_mapping.coverage(
        session=session, user=user, week_start=week.start, week_end=week.end
    )
    return dataclasses.replace(summary, coverage=tuple(found))


def _with_judgments(
    session: Session, user: User, week: periods.Week, summary: metrics.MultiplierSummary
) -> metrics.MultiplierSummary:
    """The week's judgment-call outcomes, and how many calls still wait (bot/judgments)."""
    calls = judgment_records.week(session, user.id, start=week.start, end=week.end)
    return dataclasses.replace(summary, outcomes=calls.outcomes, awaiting_calls=calls.awaiting)


# Nudges shown in this many previous summaries are looked at (coaching decides what to do).
NUDGE_MEMORY_WEEKS = 8


def recent_nudges(*, session: Session, user: User, before_key: str) -> tuple[ShownNudge, ...]:
    """Nudges shown in the person's summaries before this period, with their weeks."""
    rows = session.execute(
        select(SummaryPost.period_key, SummaryPost.nudge_id)
        .where(
            SummaryPost.user_id == user.id,
            SummaryPost.period_key < before_key,
            SummaryPost.status == "sent",
            SummaryPost.nudge_id.is_not(None),
        )
        .order_by(SummaryPost.period_key.desc())
        .limit(NUDGE_MEMORY_WEEKS)
    ).all()
    shown = []
    for key, nudge_id in rows:
        if nudge_id is None:  # the query leaves these out; this tells the type checker
            continue
        try:
            monday = datetime.strptime(key + "-1", "%G-W%V-%u").date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
        shown.append(ShownNudge(monday, nudge_id))
    return tuple(shown)


def current_week(user: User, now: datetime) -> periods.Week:
    return periods.week_containing(now, periods.zone(user.tz))


def previous_week(user: User, now: datetime) -> periods.Week:
    tz = periods.zone(user.tz)
    this = periods.week_containing(now, tz)
    return periods.week_of_monday(this.monday - timedelta(weeks=1), tz)


def set_summary_enabled(*, session: Session, user: User, enabled: bool) -> None:
    """Turn the weekly summary DM on or off for this person."""
    user.summary_enabled = enabled
    session.flush()


# ── The weekly job: enqueue, claim, deliver ───────────────────────────────────────────────


def _eligible_users(week: periods.Week) -> ColumnElement[bool]:
    """Active humans in active workspaces with evidence in the week, or with check-ins on
    who were already using Multiplier then (nobody is told about a week before they came)."""
    has_evidence = exists().where(
        EvidenceEntry.user_id == User.id,
        EvidenceEntry.occurred_at >= week.start,
        EvidenceEntry.occurred_at < week.end,
    )
    return and_(
        User.active.is_(True),
        User.is_bot.is_(False),
        User.summary_enabled.is_(True),
        or_(and_(User.checkins_enabled.is_(True), User.created_at < week.end), has_evidence),
    )


def _out_since() -> ColumnElement[datetime]:
    """When a check-in was (or is) due to reach its person: back from a snooze, or its slot
    (sending takes minutes; the slot keeps the hold's end on the minute)."""
    return func.coalesce(CheckIn.snoozed_until, CheckIn.slot_at)


def _held_by_checkin(week: periods.Week, now: datetime) -> ColumnElement[bool]:
    """A check-in about the week is open and unanswered: snoozed, or out (sent at its slot,
    back from a snooze, or due and not yet sent) less than CHECKIN_HOLD ago. Their summary
    waits, so it never arrives in the minute the check-in asks about the same week, and the
    answer given in the meantime is in it (answers count for the week asked about, however
    late)."""
    checkin_out = exists().where(
        CheckIn.user_id == User.id,
        CheckIn.slot_at >= week.start,
        CheckIn.slot_at < week.end + _ABOUT_WEEK_AFTER,
        CheckIn.status.in_(_OPEN),
        _out_since() > now - CHECKIN_HOLD,
    )
    # Due this minute but not created yet (the check-ins job runs its batches as it goes).
    checkin_due = and_(
        User.checkins_enabled.is_(True),
        User.next_checkin_at.is_not(None),  # never NULL: NOT (… OR NULL) would drop the row
        User.next_checkin_at >= week.start,
        User.next_checkin_at < week.end + _ABOUT_WEEK_AFTER,
        User.next_checkin_at <= now,
        User.next_checkin_at > now - CHECKIN_HOLD,
    )
    return or_(checkin_out, checkin_due)


def hold_ends(session: Session, now: datetime) -> list[datetime]:
    """When the holds open check-ins may have on summaries at `now` end, at the latest
    (see _held_by_checkin); empty when none may be holding one."""
    out = session.scalars(
        select(_out_since())
        .where(CheckIn.status.in_(_OPEN), _out_since() > now - CHECKIN_HOLD)
        .distinct()
    )
    due = session.scalars(
        select(User.next_checkin_at)
        .where(
            User.checkins_enabled.is_(True),
            User.next_checkin_at <= now,
            User.next_checkin_at > now - CHECKIN_HOLD,
        )
        .distinct()
    )
    return sorted({_aware(at) + CHECKIN_HOLD for at in [*out, *due] if at is not None})


def take_enqueue_turn(session: Session) -> bool:
    """On PostgreSQL, whether this transaction may queue summaries now (one worker at a time,
    per schema); held until the transaction ends. SQLite has one writer anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    schema_key = func.hashtext(func.current_schema())
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(schema_key, ENQUEUE_LOCK))))


def enqueue_due(
    *, session: Session, now: datetime, weekday: int, minute: int, grace: timedelta
) -> int:
    """Create a pending summary row for everyone whose summary is due at `now`.

    One statement per time zone in its window; the unique (user, period) key and ON
    CONFLICT DO NOTHING make reruns and concurrent workers harmless. A summary held by an
    open check-in about its week (`_held_by_checkin`) is queued by a later run, once it is
    answered or the hold ends, and by half the grace window at the latest.
    """
    if not take_enqueue_turn(session):
        return 0  # another worker is queueing right now; its rows are as good as ours
    zones = session.scalars(
        select(User.tz)
        .where(User.active.is_(True), User.summary_enabled.is_(True), User.is_bot.is_(False))
        .distinct()
    ).all()
    created = 0
    for tz_name in zones:
        week = periods.week_to_summarise(now, periods.zone(tz_name), weekday, minute, grace)
        if week is None:
            continue
        already = exists().where(SummaryPost.user_id == User.id, SummaryPost.period_key == week.key)
        due = periods.summary_due_at(week, periods.zone(tz_name), weekday, minute)
        waits = [~_held_by_checkin(week, now)] if now < due + grace / 2 else []
        source = (
            select(
                User.workspace_id,
                User.id,
                literal(week.key),
                literal("pending"),
                literal(now, SummaryPost.created_at.type),
            )
            .join(Workspace, Workspace.id == User.workspace_id)
            .where(
                User.tz == tz_name,
                Workspace.active.is_(True),
                _eligible_users(week),
                ~already,
                *waits,
            )
        )
        statement = insert_ignoring_conflicts(session, SummaryPost).from_select(
            ["workspace_id", "user_id", "period_key", "status", "created_at"], source
        )
        # RETURNING counts the rows reliably (rowcount is -1 for INSERT … SELECT on psycopg).
        inserted = session.execute(statement.on_conflict_do_nothing().returning(SummaryPost.id))
        created += len(inserted.all())
    return created


def insert_ignoring_conflicts(
    session: Session, model: type[Any]
) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING for this session's dialect (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def period_week(period_key: str, tz_name: str) -> periods.Week:
    """The week a summary period key (ISO week) names, in the person's zone."""
    monday = datetime.strptime(period_key + "-1", "%G-W%V-%u").date()  # noqa: DTZ007 - a date
    return periods.week_of_monday(monday, periods.zone(tz_name))
