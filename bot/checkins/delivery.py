"""The check-in outbox: one row per user and period, claimed by one worker, sent once.

The life of a row (bot/delivery/status.py): created `pending` when its slot is due →
`claimed` (committed before any Web API call, with the claiming process and the time) →
`sent` with the message ts. A claim whose worker died, or a send that Slack failed with a
5xx, leaves a row whose outcome is `unknown`: the next attempt looks for the message in the
DM's history (each check-in carries message metadata with its id) before sending anything.

Several workers may share one PostgreSQL: due users and pending rows are taken with
`FOR UPDATE SKIP LOCKED`, so each row is claimed by exactly one of them. On SQLite the
engine's `BEGIN IMMEDIATE` serialises writers instead (bot/delivery/claim.py, for every outbox).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.checkins.service import SEND_FAILURE_PREFIX
from bot.coaching.library import CoachingLibrary
from bot.coaching.selection import choose_prompts
from bot.db.base import Base, rowcount
from bot.db.models import Answer, CheckIn, EvidenceEntry, User, Workspace
from bot.delivery import claim as claims
from bot.delivery.claim import skip_locked
from bot.delivery.status import CheckInStatus

EVIDENCE_WINDOW = timedelta(weeks=6)
NO_REPEAT_WINDOW = timedelta(weeks=4)
PROMPTS_PER_CHECKIN = 3
PROMPTS_TWICE_WEEKLY = 2


# ── Housekeeping ────────────────────────────────────────────────────────────────────────


def _due() -> Any:
    return func.coalesce(CheckIn.snoozed_until, CheckIn.slot_at)


def expire_missed(*, session: Session, now: datetime, grace: timedelta) -> int:
    """Slots older than the grace window are not back-filled (`unknown` ones are looked up)."""
    result = session.execute(
        update(CheckIn)
        .where(
            CheckIn.status.in_(("pending", "snoozed")),
            _due() < now - grace,
        )
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


# ── Creating due rows ───────────────────────────────────────────────────────────────────


@dataclass
class Created:
    users: int = 0
    created: int = 0


def _evidence_counts(session: Session, user_ids: Sequence[int], now: datetime) -> dict:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(EvidenceEntry.user_id, EvidenceEntry.dimension, func.count())
        .where(
            EvidenceEntry.user_id.in_(user_ids),
            EvidenceEntry.occurred_at >= now - EVIDENCE_WINDOW,
            EvidenceEntry.dimension.is_not(None),
        )
        .group_by(EvidenceEntry.user_id, EvidenceEntry.dimension)
    )
    for user_id, dimension, count in rows:
        if dimension is not None:  # the query leaves NULL out; this tells the type checker
            counts[user_id][dimension] = int(count)
    return counts


def _recent_prompts(session: Session, user_ids: Sequence[int], now: datetime) -> dict:
    asked: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        select(CheckIn.user_id, CheckIn.prompt_ids).where(
            CheckIn.user_id.in_(user_ids),
            CheckIn.slot_at >= now - NO_REPEAT_WINDOW,
            CheckIn.status.not_in(("expired", "cancelled")),
        )
    )
    for user_id, prompt_ids in rows:
        asked[user_id].update(prompt_ids or [])
    return asked


def _recent_answers(session: Session, user_ids: Sequence[int], now: datetime) -> dict:
    """Per user, (prompt id, kind) of their answers in the evidence window, newest first."""
    answers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = session.execute(
        select(Answer.user_id, Answer.prompt_id, Answer.kind)
        .where(
            Answer.user_id.in_(user_ids),
            Answer.prompt_id.is_not(None),
            Answer.created_at >= now - EVIDENCE_WINDOW,
        )
        .order_by(Answer.created_at.desc(), Answer.id.desc())
    )
    for user_id, prompt_id, kind in rows:
        if prompt_id is not None:  # the query leaves NULL out; this tells the type checker
            answers[user_id].append((prompt_id, kind))
    return answers


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT (user_id, period_key) DO NOTHING; the number of rows inserted."""
    insert = pg_insert if claims.is_postgres(session) else sqlite_insert
    table = Base.metadata.tables[CheckIn.__tablename__]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"])
        .returning(table.c.id)
    )
    # executemany ("insertmanyvalues"): one cached statement, rows sent in batches.
    return len(session.execute(statement, rows).all())


def create_due(
    *,
    session: Session,
    now: datetime,
    grace: timedelta,
    library: CoachingLibrary,
    limit: int = 500,
) -> Created:
    """Create the pending row of every user whose slot has come, and plan their next slot."""
    query = skip_locked(
        select(User, Workspace.team_id, Workspace.active)
        .join(Workspace, Workspace.id == User.workspace_id)
        .options(lazyload(User.workspace))
        .where(User.checkins_enabled.is_(True), User.next_checkin_at <= now)
        .order_by(User.next_checkin_at, User.id)
        .limit(limit),
        session,
        User,
    )
    due = list(session.execute(query))
    result = Created(users=len(due))
    plans: list[tuple[User, str, schedule.Slot]] = []
    earliest = now - grace
    for user, team_id, workspace_active in due:
        prefs = Preferences.of(user)
        if not prefs.active:
            user.next_checkin_at = None
            continue
        start = max(user.next_checkin_at or earliest, earliest)
        slot = schedule.next_slot(prefs, start)
        if slot is not None and slot.at <= now:
            if user.active and workspace_active:
                plans.append((user, team_id, slot))
            slot = schedule.next_slot(prefs, slot.at, strict=True)
        user.next_checkin_at = slot.at if slot else None
    if not plans:
        return result
    user_ids = [user.id for user, _, _ in plans]
    counts = _evidence_counts(session, user_ids, now)
    asked = _recent_prompts(session, user_ids, now)
    answered = _recent_answers(session, user_ids, now)
    rows = []
    for user, team_id, slot in plans:
        count = PROMPTS_TWICE_WEEKLY if user.cadence == "twice_weekly" else PROMPTS_PER_CHECKIN
        prompts = choose_prompts(
            library=library,
            user_key=f"{team_id}/{user.slack_user_id}",
            period_key=slot.period_key,
            evidence_counts=counts.get(user.id, {}),
            recently_asked=asked.get(user.id, set()),
            count=count,
            recent_answers=answered.get(user.id, ()),
        )
        days = schedule.span(Preferences.of(user), slot.local.date())
        rows.append(
            {
                "workspace_id": user.workspace_id,
                "user_id": user.id,
                "period_key": slot.period_key,
                "period_kind": days.kind,
                "period_first": days.first,
                "period_last": days.last,
                "slot_at": slot.at,
                "status": "pending",
                "prompt_ids": [p.id for p in prompts],
                "attempts": 0,
            }
        )
    session.flush()
    result.created = _insert_ignoring_duplicates(session, rows)
    return result


# ── Claiming ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Outgoing:
    """One claimed check-in to post (plain data: no session needed to send it)."""

    checkin_id: int
    user_id: int
    workspace_id: int
    team_id: str
    slack_user_id: str
    dm_channel_id: str | None
    prompt_ids: tuple[str, ...]
    slot_local: datetime
    # The metadata key of this delivery: its due instant (the slot, or the snooze's end).
    delivery: str
    # When it goes out, in the person's zone (a snoozed one: after its slot, maybe in a new
    # week, which changes how the message names the week it is about).
    due_local: datetime
    # An earlier attempt may have posted it: look in the DM's history before sending.
    needs_check: bool
    # Too late, or no longer wanted: only find out whether an earlier attempt posted it.
    check_only: bool
    # The person's schedule (their cadence decides which days the check-in asks about).
    prefs: Preferences | None = None
    # The days it asks about, as fixed when it was created (None: from `prefs`).
    span: schedule.Span | None = None
    # A snoozed one's first copy (channel, ts): its buttons go once it is posted again.
    earlier: tuple[str, str] | None = None


@dataclass
class Claimed:
    items: list[Outgoing] = field(default_factory=list)
    seen: int = 0
    last_id: int = 0
    deferred: int = 0
    cancelled: int = 0
    expired: int = 0


def delivery_key(checkin: CheckIn) -> str:
    due = checkin.snoozed_until or checkin.slot_at
    return due.isoformat()


def claim(
    *,
    session: Session,
    now: datetime,
    real_now: datetime,
    grace: timedelta,
    owner: str,
    after_id: int = 0,
    limit: int = 100,
    default_calendar: str | None = None,
) -> Claimed:
    """Claim up to `limit` sendable rows with id > after_id; quiet hours defer, not skip.

    A check-in due while its person is away (a public holiday on their calendar, or a Slack
    status saying away: `bot.capture.timeoff`) is cancelled, like one due in a pause: the
    week it asks about is then one coaching neither critiques nor counts against a streak.
    """
    query = skip_locked(
        select(CheckIn, User, Workspace.team_id, Workspace.active)
        .join(User, User.id == CheckIn.user_id)
        .join(Workspace, Workspace.id == CheckIn.workspace_id)
        .options(lazyload(User.workspace))
        .where(
            CheckIn.id > after_id,
            CheckIn.slot_at <= now,
            or_(
                CheckIn.status.in_(("pending", "unknown")),
                and_(CheckIn.status == "snoozed", CheckIn.snoozed_until <= now),
            ),
        )
        .order_by(CheckIn.id)
        .limit(limit),
        session,
        CheckIn,
    )
    result = Claimed()
    for checkin, user, team_id, workspace_active in session.execute(query):
        result.seen += 1
        result.last_id = checkin.id
        prefs = Preferences.of(user)
        needs_check = checkin.status == "unknown"
        due = checkin.snoozed_until or checkin.slot_at
        wanted = (
            user.active
            and workspace_active
            and prefs.active
            and not timeoff.away(prefs, user, now, at=due, default_calendar=default_calendar)
        )
        late = due + grace < now
        check_only = late or not wanted
        if check_only and not needs_check:
            if late:
                checkin.status = CheckInStatus.EXPIRED
                result.expired += 1
            else:
                checkin.status = CheckInStatus.CANCELLED
                result.cancelled += 1
            continue
        if not check_only and schedule.in_quiet_hours(prefs, now):
            result.deferred += 1
            continue
        key = delivery_key(checkin)
        checkin.status = CheckInStatus.CLAIMED
        checkin.claimed_by = owner
        checkin.claimed_at = real_now
        checkin.attempts = (checkin.attempts or 0) + 1
        result.items.append(
            Outgoing(
                checkin_id=checkin.id,
                user_id=user.id,
                workspace_id=checkin.workspace_id,
                team_id=team_id,
                slack_user_id=user.slack_user_id,
                dm_channel_id=user.dm_channel_id,
                prompt_ids=tuple(checkin.prompt_ids or ()),
                slot_local=checkin.slot_at.astimezone(prefs.zone),
                delivery=key,
                due_local=(checkin.snoozed_until or checkin.slot_at).astimezone(prefs.zone),
                needs_check=needs_check,
                check_only=check_only,
                prefs=prefs,
                span=schedule.asked_span(prefs, checkin),
                earlier=(
                    (checkin.channel_id, checkin.message_ts)
                    if checkin.snoozed_until is not None
                    and checkin.channel_id
                    and checkin.message_ts
                    else None
                ),
            )
        )
    return result


# ── Recording what happened ─────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row, in database terms."""

    item: Outgoing
    status: str  # sent | pending | unknown | failed | expired
    channel_id: str | None = None
    ts: str | None = None
    error: str | None = None
    user_gone: bool = False
    workspace_gone: bool = False
    # Posted by an earlier attempt, found in the DM's history.
    found: bool = False


def record(
    *, session: Session, owner: str, outcomes: Iterable[Outcome], real_now: datetime
) -> None:
    """Store the outcome of each claimed row (only rows this owner still holds)."""
    outcomes = list(outcomes)
    rows = [
        {
            "id": o.item.checkin_id,
            "status": o.status,
            "message_ts": o.ts,
            "channel_id": o.channel_id,
            "sent_at": real_now if o.status == "sent" else None,
            "last_error": (o.error or None) and o.error[:255],
        }
        for o in sorted(outcomes, key=lambda o: o.item.checkin_id)
    ]
    if rows:
        session.execute(
            update(CheckIn).where(CheckIn.claimed_by == owner, CheckIn.status == "claimed"),
            rows,
            execution_options={"synchronize_session": False},
        )
    channels = {
        o.item.user_id: o.channel_id
        for o in outcomes
        if o.status == "sent" and o.channel_id and o.channel_id != o.item.dm_channel_id
    }
    if channels:
        session.execute(
            update(User),
            [{"id": uid, "dm_channel_id": ch} for uid, ch in sorted(channels.items())],
            execution_options={"synchronize_session": False},
        )
    gone_users = {o.item.user_id: o.error for o in outcomes if o.user_gone}
    if gone_users:
        session.execute(
            update(User),
            [
                {"id": uid, "active": False, "inactive_reason": f"{SEND_FAILURE_PREFIX}{err}"[:64]}
                for uid, err in sorted(gone_users.items())
            ],
            execution_options={"synchronize_session": False},
        )
    gone_workspaces = sorted({o.item.workspace_id for o in outcomes if o.workspace_gone})
    if gone_workspaces:
        session.execute(
            update(Workspace).where(Workspace.id.in_(gone_workspaces)).values(active=False)
        )
