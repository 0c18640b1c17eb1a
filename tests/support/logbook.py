"""Rows for summary, Home and digest tests: users, entries, kudos, check-ins, digest teams."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import (
    CheckIn,
    DigestChannel,
    DigestChannelMember,
    EvidenceEntry,
    Kudos,
    User,
    Workspace,
)

TEAM_ID = "T0001"
DIMENSIONS = (
    "unblocking",
    "reviews",
    "decisions",
    "writing",
    "mentoring",
    "cross_team",
    "delivery",
    "problem_framing",
)
SCOPES = ("self", "team", "cross_team", "org")
_ids = itertools.count(1)


def workspace(session: Session, team_id: str = TEAM_ID) -> Workspace:
    found = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one_or_none()
    if found is not None:
        return found
    created = Workspace(team_id=team_id, name="Acme", settings={})
    session.add(created)
    session.flush()
    return created


def user(session: Session, slack_user_id: str, *, team_id: str = TEAM_ID, **fields: Any) -> User:
    ws = workspace(session, team_id)
    fields.setdefault("tz", "America/New_York")
    created = User(workspace_id=ws.id, slack_user_id=slack_user_id, **fields)
    session.add(created)
    session.flush()
    return created


def entry(
    session: Session,
    owner: User,
    occurred_at: datetime,
    *,
    text: str = "Unblocked the deploy",
    dimension: str | None = "unblocking",
    scope: str | None = "team",
    people: Sequence[str] = (),
    visibility: str = "private",
    source: str = "brag",
    created_at: datetime | None = None,
) -> EvidenceEntry:
    row = EvidenceEntry(
        workspace_id=owner.workspace_id,
        user_id=owner.id,
        text=text,
        dimension=dimension,
        scope=scope,
        people=list(people),
        visibility=visibility,
        source=source,
        occurred_at=occurred_at,
        created_at=created_at or occurred_at,
        updated_at=created_at or occurred_at,
    )
    session.add(row)
    session.flush()
    return row


def kudos(
    session: Session,
    giver: User,
    recipient: User,
    created_at: datetime,
    *,
    text: str = "Thanks!",
    share: bool = False,
) -> Kudos:
    row = Kudos(
        workspace_id=giver.workspace_id,
        giver_id=giver.id,
        recipient_id=recipient.id,
        text=text,
        share_in_digest=share,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return row


def answered_checkin(session: Session, owner: User, slot_at: datetime) -> CheckIn:
    row = CheckIn(
        workspace_id=owner.workspace_id,
        user_id=owner.id,
        period_key=f"{slot_at:%G-W%V}-{next(_ids)}",
        slot_at=slot_at,
        status="answered",
        sent_at=slot_at,
        answered_at=slot_at + timedelta(hours=1),
    )
    session.add(row)
    session.flush()
    return row


def digest_channel(
    session: Session,
    channel_id: str,
    name: str,
    members: Iterable[str],
    *,
    team_id: str = TEAM_ID,
    weekday: int = 0,
    minute: int = 9 * 60,
    tz: str = "UTC",
    next_post_at: datetime | None = None,
) -> DigestChannel:
    ws = workspace(session, team_id)
    row = DigestChannel(
        workspace_id=ws.id,
        channel_id=channel_id,
        channel_name=name,
        weekday=weekday,
        minute_of_day=minute,
        tz=tz,
        next_post_at=next_post_at,
    )
    session.add(row)
    session.flush()
    for member in members:
        session.add(
            DigestChannelMember(workspace_id=ws.id, digest_channel_id=row.id, slack_user_id=member)
        )
    session.flush()
    return row


def bulk_history(
    session: Session,
    owners: Sequence[User],
    *,
    end: datetime,
    weeks: int,
    per_week: int,
    text: str = "Helped a neighbouring team with their flaky deploy",
) -> int:
    """Many entries at once (executemany): `per_week` for each owner in each of `weeks`."""
    rows = []
    for owner in owners:
        for week in range(weeks):
            for n in range(per_week):
                when = end - timedelta(weeks=week, hours=1 + n * 7)
                rows.append(
                    {
                        "workspace_id": owner.workspace_id,
                        "user_id": owner.id,
                        "text": text,
                        "dimension": DIMENSIONS[(week + n) % len(DIMENSIONS)],
                        "scope": SCOPES[n % len(SCOPES)],
                        "people": [f"UP{n % 7}"],
                        "visibility": "team" if n % 3 == 0 else "private",
                        "source": "brag",
                        "occurred_at": when,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
    if rows:
        session.execute(insert(EvidenceEntry), rows)
    return len(rows)


@contextmanager
def count_queries(database: Database) -> Iterator[list[str]]:
    """Collect every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def before_cursor_execute(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", before_cursor_execute)


def now() -> datetime:
    return utcnow()
