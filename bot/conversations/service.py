"""Direct messages to the bot and processed Slack events."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.conversations.edits import UserEdit, edit_stamp
from bot.db.base import rowcount, utcnow
from bot.db.models import DirectMessage, EvidenceEntry, ProcessedEvent, User
from bot.values import parse_id

# Built once per dialect with bound parameters (event_id, team_id, received_at): it runs
# before every event's ack, and building it anew cost more CPU than running it.
_CLAIM_EVENT = {
    dialect: insert(ProcessedEvent)
    .values(
        event_id=bindparam("event_id"),
        team_id=bindparam("team_id"),
        received_at=bindparam("received_at"),
    )
    .on_conflict_do_nothing(index_elements=["event_id"])
    .returning(ProcessedEvent.event_id)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def claim_event(*, session: Session, event_id: str, team_id: str | None) -> bool:
    """Record an event id; False when it was already recorded (a Slack retry).

    One INSERT … ON CONFLICT DO NOTHING: this runs before an event's ack, so it takes one
    round trip to the database, not a look-up, a savepoint and an insert.
    """
    statement = _CLAIM_EVENT[
        "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    ]
    parameters = {"event_id": event_id, "team_id": team_id, "received_at": utcnow()}
    # RETURNING, not rowcount: psycopg reports no rowcount here (-1).
    return session.execute(statement, parameters).first() is not None


def release_event(*, session: Session, event_id: str) -> None:
    """Forget a claimed event id whose handling failed, so Slack's retry handles it again."""
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id))


def prune_processed_events(*, session: Session, now: datetime, keep: timedelta) -> int:
    """Forget event ids older than `keep`; Slack never retries that late."""
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - keep))
    return rowcount(result)


def store_direct_message(
    *, session: Session, user: User, channel_id: str, ts: str, text: str, thread_ts: str | None
) -> DirectMessage:
    """Keep a DM exactly as typed; the same message stored twice is stored once."""
    existing = session.scalars(
        select(DirectMessage).where(DirectMessage.channel_id == channel_id, DirectMessage.ts == ts)
    ).one_or_none()
    if existing is not None:
        return existing
    message = DirectMessage(
        workspace_id=user.workspace_id,
        user_id=user.id,
        channel_id=channel_id,
        ts=ts,
        thread_ts=thread_ts,
        text=text,
    )
    session.add(message)
    session.flush()
    return message


def edit_direct_message(*, session: Session, user: User, channel_id: str, edit: UserEdit) -> bool:
    """Apply an edit the user made in Slack to the stored copy of their message.

    True only if the edit was applied: one no newer than the edit already applied (a late
    delivery, or an unfurl repeating it) changes nothing. The check and the write are one
    conditional UPDATE, so two deliveries handled at once cannot both win.
    """
    stamp = edit_stamp(edit.edited_ts)
    result = session.execute(
        update(DirectMessage)
        .where(
            DirectMessage.channel_id == channel_id,
            DirectMessage.ts == edit.ts,
            DirectMessage.user_id == user.id,
            or_(DirectMessage.edited_ts.is_(None), DirectMessage.edited_ts < stamp),
        )
        .values(text=edit.text, edited_ts=stamp, edited_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


def own_direct_message(
    *, session: Session, user: User, dm_id: int | str | None
) -> DirectMessage | None:
    """A DM this user sent the bot, by id; None for anyone else's (tampered ids too)."""
    wanted = parse_id(dm_id)
    if wanted is None or user.id is None:
        return None
    return session.scalars(
        select(DirectMessage).where(
            DirectMessage.id == wanted,
            DirectMessage.user_id == user.id,
            DirectMessage.workspace_id == user.workspace_id,
        )
    ).one_or_none()


def direct_message_at(
    *, session: Session, user: User, channel_id: str, ts: str
) -> DirectMessage | None:
    """This user's DM stored at `channel_id`/`ts`, if any."""
    return session.scalars(
        select(DirectMessage).where(
            DirectMessage.channel_id == channel_id,
            DirectMessage.ts == ts,
            DirectMessage.user_id == user.id,
            DirectMessage.workspace_id == user.workspace_id,
        )
    ).one_or_none()


def entry_logged_from(*, session: Session, message: DirectMessage) -> EvidenceEntry | None:
    """The evidence entry already logged from this DM ("Log it" pressed before), if any."""
    return session.scalars(
        select(EvidenceEntry)
        .where(
            EvidenceEntry.user_id == message.user_id,
            EvidenceEntry.source_channel_id == message.channel_id,
            EvidenceEntry.source_message_ts == message.ts,
        )
        .limit(1)
    ).one_or_none()
