"""React to log: the rows that remember what a person's capture reaction did.

One row per person and message (`ReactionCapture`); every lookup is by the acting `User`,
so an id from a button value reaches only that person's own rows.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ReactionCapture, User
from bot.values import parse_id

# What a capture did (the `status` column).
LOGGED, OFFERED, KUDOS, DISMISSED, UNDONE, REMOVED = (
    "logged",
    "offered",
    "kudos",
    "dismissed",
    "undone",
    "removed",
)
# A capture that stands: another reaction on the message adds nothing.
ACTIVE = frozenset({LOGGED, OFFERED, KUDOS})
# What removing the reaction within the minute undoes (sent kudos stays sent).
UNDOABLE = frozenset({LOGGED, OFFERED})


def capture_of(
    *, session: Session, user: User, channel_id: str, message_ts: str
) -> ReactionCapture | None:
    """This person's capture of one message, if any."""
    return session.scalars(
        select(ReactionCapture).where(
            ReactionCapture.user_id == user.id,
            ReactionCapture.channel_id == channel_id,
            ReactionCapture.message_ts == message_ts,
        )
    ).one_or_none()


def own_capture(
    *, session: Session, user: User, capture_id: int | str | None
) -> ReactionCapture | None:
    """One of this person's captures by id (from a button); None for anyone else's."""
    wanted = parse_id(capture_id)
    if wanted is None:
        return None
    return session.scalars(
        select(ReactionCapture).where(
            ReactionCapture.id == wanted,
            ReactionCapture.user_id == user.id,
            ReactionCapture.workspace_id == user.workspace_id,
        )
    ).one_or_none()


def capture_row(
    *, session: Session, user: User, channel_id: str, message_ts: str
) -> ReactionCapture:
    """This person's row for the message, new (unsaved until flushed) when there is none."""
    row = capture_of(session=session, user=user, channel_id=channel_id, message_ts=message_ts)
    if row is None:
        row = ReactionCapture(
            workspace_id=user.workspace_id,
            user_id=user.id,
            channel_id=channel_id,
            message_ts=message_ts,
            status=REMOVED,
            can_give_kudos=False,
        )
        session.add(row)
    return row
