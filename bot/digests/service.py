"""Team digests: which channels get one, when, who is in the team, and what it says.

A digest covers the 7 days ending at its scheduled slot; the first after `digest add` covers
from then to its first slot, at least a day away (never a week before the digest existed, and
nothing logged after `digest add` is left out). Its rows are unique per
channel and period (`digest_posts`), claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so
however often and on however many workers the job runs, each period is posted once. Building
one issues a fixed number of statements, whatever the size of the team's log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from bot.coaching.library import CoachingLibrary
from bot.db.models import (
    CheckIn,
    DigestChannel,
    DigestChannelMember,
    DigestPost,
    EvidenceEntry,
    Kudos,
    User,
    Workspace,
)
from bot.summaries import metrics, periods
from bot.summaries.service import insert_ignoring_conflicts
from bot.timetext import parse_time_of_day, parse_weekday
from bot.ui.text import readable

STALE_CLAIM = timedelta(minutes=15)
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_MINUTE = 9 * 60

_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{2,31})(?:\|([^>]*))?>$")


# ── Parsing /multiplier digest … ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ChannelRef:
    id: str
    name: str | None


@dataclass(frozen=True)
class Schedule:
    weekday: int
    minute: int
    tz: str | None


class DigestUsageError(ValueError):
    """The digest command was malformed; the message says how to write it."""


def parse_channel(word: str) -> ChannelRef:
    match = _CHANNEL.match(word.strip())
    if match is None:
        raise DigestUsageError(
            "Pick the channel with # so Slack links it, e.g. `digest add #team-payments`."
        )
    return ChannelRef(id=match.group(1), name=match.group(2) or None)


def parse_schedule(words: list[str]) -> Schedule | None:
    """`weekly <day> <time> [tz]` → Schedule (`16:00`, `4pm`, `4 pm`…); nothing → None (the
    default schedule)."""
    if not words:
        return None
    if len(words) >= 4 and words[3].lower().replace(".", "") in ("am", "pm"):
        words = [*words[:2], words[2] + words[3], *words[4:]]  # "9 am" as two words
    if words[0].lower() != "weekly" or len(words) not in (3, 4):
        raise DigestUsageError(
            "The schedule reads `weekly <day> <time> [time zone]`, e.g. `weekly fri 4pm`."
        )
    weekday = parse_weekday(words[1])
    if weekday is None:
        raise DigestUsageError(f"“{readable(words[1])}” is not a day of the week.")
    minute = parse_time_of_day(words[2])
    if minute is None:
        raise DigestUsageError(f"“{readable(words[2])}” is not a time of day such as 09:00 or 9am.")
    tz = words[3] if len(words) == 4 else None
    if tz is not None and not periods.is_known_zone(tz):
        raise DigestUsageError(f"“{readable(tz)}” is not a time zone I know (try Europe/Berlin).")
    return Schedule(weekday, minute, tz)


# ── Managing digest channels ───────────────────────────────────────────────────────────────


def get_digest(*, session: Session, workspace_id: int, channel_id: str) -> DigestChannel | None:
    return session.scalars(
        select(DigestChannel).where(
            DigestChannel.workspace_id == workspace_id, DigestChannel.channel_id == channel_id
        )
    ).one_or_none()


def add_digest(
    *,
    session: Session,
    admin: User,
    channel: ChannelRef,
    schedule: Schedule | None,
    members: Iterable[str] | None,
    now: datetime,
) -> DigestChannel:
    """Set up (or re-schedule) the weekly digest of a channel. The caller checked `admin`."""
    weekday = schedule.weekday if schedule else DEFAULT_WEEKDAY
    minute = schedule.minute if schedule else DEFAULT_MINUTE
    tz = (schedule.tz if schedule else None) or admin.tz or "UTC"
    digest = get_digest(session=session, workspace_id=admin.workspace_id, channel_id=channel.id)
    if digest is None:
        digest = DigestChannel(workspace_id=admin.workspace_id, channel_id=channel.id)
        session.add(digest)
    running = bool(digest.active)
    digest.channel_name = channel.name or digest.channel_name
    digest.weekday, digest.minute_of_day, digest.tz = weekday, minute, tz
    digest.active = True
    digest.stopped_reason = digest.stopped_at = digest.stop_told_at = None
    digest.created_by_id = admin.id
    zone = periods.zone(tz)
    # Re-scheduling a running digest keeps its next slot; a new (or restarted) one covers
    # from now to its first slot.
    if running:
        digest.next_post_at = periods.next_digest_slot(now, weekday, minute, zone)
    else:
        digest.covers_from = now
        digest.next_post_at = first_digest_slot(now, weekday, minute, zone)
    session.flush()
    if members is not None:
        replace_members(session=session, digest=digest, members=members, now=now)
    return digest


# A new digest's first post covers at least this long (set up at 03:00 for 09:00, the first
# is a week later, not a post about six hours).
FIRST_PERIOD_AT_LEAST = timedelta(days=1)


def first_digest_slot(now: datetime, weekday: int, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """A new digest's first slot: the next one at least FIRST_PERIOD_AT_LEAST after `now`.
    That first digest covers from `now` (`covers_from`) to it."""
    slot = periods.next_digest_slot(now, weekday, minute_of_day, tz)
    if slot - now < FIRST_PERIOD_AT_LEAST:
        slot = periods.next_digest_slot(slot, weekday, minute_of_day, tz)
    return slot


def stop_digest(*, digest: DigestChannel, reason: str, now: datetime) -> None:
    """Slack will not let the digest be posted any more (`reason`: not_in_channel,
    channel_not_found, is_archived): stop it, keep why, and leave its admin to be told."""
    if not digest.active:
        return
    digest.active = False
    digest.next_post_at = None
    digest.stopped_reason = reason[:64]
    digest.stopped_at = now
    digest.stop_told_at = None


def untold_stops(*, session: Session, limit: int = 50) -> list[DigestChannel]:
    """Digests Slack stopped whose admin has not been told yet."""
    return list(
        session.scalars(
            select(DigestChannel)
            .where(DigestChannel.stopped_reason.is_not(None), DigestChannel.stop_told_at.is_(None))
            .order_by(DigestChannel.id)
            .limit(limit)
        )
    )


def remove_digest(*, session: Session, workspace_id: int, channel_id: str) -> DigestChannel | None:
    """End a channel's digest (running, or stopped by Slack); its team is forgotten too. None
    if there was none."""
    digest = get_digest(session=session, workspace_id=workspace_id, channel_id=channel_id)
    if digest is None or not (digest.active or digest.stopped_reason):
        return None
    digest.active = False
    digest.next_post_at = None
    digest.stopped_reason = digest.stopped_at = None
    session.execute(
        delete(DigestChannelMember).where(DigestChannelMember.digest_channel_id == digest.id)
    )
    session.flush()
    return digest


def list_digests(
    *, session: Session, workspace_id: int, not_counting: Sequence[str] = ()
) -> list[tuple[DigestChannel, int]]:
    """Digests of a workspace, running or stopped by Slack (`stopped_reason`), with their
    team sizes: channel members, except the known bots and the ids in `not_counting` (the
    app's own user)."""
    bots = select(User.slack_user_id).where(
        User.workspace_id == workspace_id, User.is_bot.is_(True)
    )
    counts = (
        select(DigestChannelMember.digest_channel_id, func.count().label("n"))
        .where(
            DigestChannelMember.slack_user_id.not_in(bots),
            DigestChannelMember.slack_user_id.not_in(list(not_counting) or [""]),
        )
        .group_by(DigestChannelMember.digest_channel_id)
        .subquery()
    )
    rows = session.execute(
        select(DigestChannel, counts.c.n)
        .outerjoin(counts, counts.c.digest_channel_id == DigestChannel.id)
        .where(
            DigestChannel.workspace_id == workspace_id,
            or_(DigestChannel.active.is_(True), DigestChannel.stopped_reason.is_not(None)),
        )
        .order_by(DigestChannel.channel_name, DigestChannel.channel_id)
    ).all()
    return [(digest, int(n or 0)) for digest, n in rows]


def replace_members(
    *, session: Session, digest: DigestChannel, members: Iterable[str], now: datetime
) -> int:
    """Store the channel's current members (the team): two statements, whatever the size."""
    unique = sorted({m for m in members if m})
    session.execute(
        delete(DigestChannelMember).where(DigestChannelMember.digest_channel_id == digest.id)
    )
    if unique:
        session.execute(
            insert(DigestChannelMember),
            [
                {
                    "workspace_id": digest.workspace_id,
                    "digest_channel_id": digest.id,
                    "slack_user_id": member,
                }
                for member in unique
            ],
        )
    digest.members_refreshed_at = now
    return len(unique)


def known_admins(*, session: Session, workspace_id: int, limit: int = 5) -> list[str]:
    """Slack ids of workspace admins and owners we know of."""
    return list(
        session.scalars(
            select(User.slack_user_id)
            .where(
                User.workspace_id == workspace_id,
                User.is_admin.is_(True),
                User.active.is_(True),
                User.is_bot.is_(False),
            )
            .order_by(User.id)
            .limit(limit)
        )
    )


# ── The job: enqueue, claim ────────────────────────────────────────────────────────────────


def enqueue_due(*, session: Session, now: datetime, grace: timedelta) -> tuple[int, int]:
    """Create the digest rows due at `now`; returns (queued, skipped as too late)."""
    query = (
        select(DigestChannel)
        .join(Workspace, Workspace.id == DigestChannel.workspace_id)
        .where(
            DigestChannel.active.is_(True),
            Workspace.active.is_(True),
            DigestChannel.next_post_at <= now,
        )
        .order_by(DigestChannel.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent workers split the due channels instead of queueing the same ones.
        query = query.with_for_update(of=DigestChannel, skip_locked=True)
    due = session.scalars(query).all()
    queued = skipped = 0
    for digest in due:
        tz = periods.zone(digest.tz)
        slot = periods.latest_digest_slot(now, digest.weekday, digest.minute_of_day, tz)
        digest.next_post_at = periods.next_digest_slot(
            slot, digest.weekday, digest.minute_of_day, tz
        )
        if now - slot > grace:
            digest.covers_from = None
            skipped += 1
            continue
        period = periods.digest_period(slot, tz)
        # The first digest after `digest add` covers from there: nothing from a week before
        # the digest existed, nothing logged since left out.
        start, digest.covers_from = digest.covers_from or period.start, None
        result = session.execute(
            insert_ignoring_conflicts(session, DigestPost)
            .values(
                digest_channel_id=digest.id,
                period_key=period.key,
                period_start=start,
                period_end=period.end,
                status="pending",
                attempts=0,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(DigestPost.id)
        )
        queued += len(result.all())
    return queued, skipped


# ── Building a digest ──────────────────────────────────────────────────────────────────────


def build_digest(
    *,
    session: Session,
    digest: DigestChannel,
    period_start: datetime,
    period_end: datetime,
    library: CoachingLibrary,
    min_group_size: int,
) -> metrics.TeamDigest:
    """The digest of a channel's team for one period, in a fixed number of statements."""
    previous_start = period_start - (period_end - period_start)
    team = (
        select(DigestChannelMember.slack_user_id)
        .where(DigestChannelMember.digest_channel_id == digest.id)
        .scalar_subquery()
    )
    members = session.execute(
        select(User.id, User.slack_user_id).where(
            User.workspace_id == digest.workspace_id,
            User.slack_user_id.in_(team),
            User.is_bot.is_(False),
        )
    ).all()
    slack_of = dict(members)
    member_ids = select(User.id).where(
        User.workspace_id == digest.workspace_id,
        User.slack_user_id.in_(team),
        User.is_bot.is_(False),
    )
    entry_rows = session.execute(
        select(
            EvidenceEntry.id,
            EvidenceEntry.user_id,
            EvidenceEntry.occurred_at,
            EvidenceEntry.created_at,
            EvidenceEntry.dimension,
            EvidenceEntry.scope,
            EvidenceEntry.people,
            EvidenceEntry.visibility,
            EvidenceEntry.text,
            EvidenceEntry.source,
        )
        .where(
            EvidenceEntry.workspace_id == digest.workspace_id,
            EvidenceEntry.user_id.in_(member_ids),
            EvidenceEntry.occurred_at >= previous_start,
            EvidenceEntry.occurred_at < period_end,
            EvidenceEntry.created_at < period_end,
        )
        .execution_options(yield_per=2000)
    )
    entries = [
        metrics.TeamEntryRow(
            id=row.id,
            author=slack_of.get(row.user_id, ""),
            occurred_at=row.occurred_at,
            created_at=row.created_at,
            dimension=row.dimension,
            scope=row.scope,
            people=tuple(p for p in (row.people or ()) if isinstance(p, str)),
            # Private text never leaves this function: only shared entries keep theirs.
            shared_text=row.text if row.visibility == "team" else None,
            source=row.source,
        )
        for row in entry_rows
    ]
    checkins = [
        (slack_of.get(user_id, ""), slot_at)
        for user_id, slot_at in session.execute(
            select(CheckIn.user_id, CheckIn.slot_at).where(
                CheckIn.workspace_id == digest.workspace_id,
                CheckIn.user_id.in_(member_ids),
                or_(CheckIn.answered_at.is_not(None), CheckIn.status == "answered"),
                CheckIn.slot_at >= previous_start,
                CheckIn.slot_at < period_end,
            )
        ).all()
    ]
    giver, recipient = aliased(User), aliased(User)
    kudos = [
        metrics.TeamKudosRow(
            id=row[0], giver=row[1], recipient=row[2], text=row[3], created_at=row[4]
        )
        for row in session.execute(
            select(
                Kudos.id,
                giver.slack_user_id,
                recipient.slack_user_id,
                Kudos.text,
                Kudos.created_at,
            )
            .join(giver, giver.id == Kudos.giver_id)
            .join(recipient, recipient.id == Kudos.recipient_id)
            .where(
                Kudos.workspace_id == digest.workspace_id,
                Kudos.recipient_id.in_(member_ids),
                Kudos.share_in_digest.is_(True),
                Kudos.created_at >= period_start,
                Kudos.created_at < period_end,
            )
        ).all()
    ]
    return metrics.team_digest(
        period_start=period_start,
        period_end=period_end,
        members=slack_of.values(),
        entries=entries,
        answered_checkins=checkins,
        kudos=kudos,
        library=library,
        min_group_size=min_group_size,
    )
