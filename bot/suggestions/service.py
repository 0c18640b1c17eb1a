"""Thanks suggestions and the two opt-ins: queries and rules, no commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import ThanksSuggestion, User, Workspace

# A suggestion nobody acted on is forgotten after this long.
SUGGESTION_LIFETIME = timedelta(days=7)
OPEN, LOGGED, DISMISSED = "open", "logged", "dismissed"
# The workspace setting (Workspace.settings) an admin turns on.
WORKSPACE_SETTING = "capture_thanks"


def workspace_allows(workspace: Workspace) -> bool:
    """Whether an admin turned thanks capture on for the workspace (off until they do)."""
    return bool((workspace.settings or {}).get(WORKSPACE_SETTING))


def set_workspace_allows(workspace: Workspace, on: bool) -> None:
    # A new dict: the JSON column notices a reassignment, not an edit in place.
    workspace.settings = {**(workspace.settings or {}), WORKSPACE_SETTING: on}


def opted_in(*, session: Session, workspace_id: int, slack_user_ids: Collection[str]) -> list[User]:
    """The people among these who turned capture on (active people, not bots)."""
    if not slack_user_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(
                User.workspace_id == workspace_id,
                User.slack_user_id.in_(list(slack_user_ids)),
                User.capture_thanks.is_(True),
                User.active.is_(True),
                User.is_bot.is_(False),
            )
            .order_by(User.id)
        )
    )


def add_suggestion(
    *,
    session: Session,
    user: User,
    thanker: str,
    channel_id: str,
    message_ts: str,
    thread_ts: str | None,
    now: datetime,
) -> ThanksSuggestion | None:
    """A new open suggestion; None when this message was already suggested to the user."""
    if suggestion_of(session=session, user=user, channel_id=channel_id, message_ts=message_ts):
        return None
    row = ThanksSuggestion(
        workspace_id=user.workspace_id,
        user_id=user.id,
        thanker_slack_user_id=thanker,
        channel_id=channel_id,
        message_ts=message_ts,
        thread_ts=thread_ts if thread_ts and thread_ts != message_ts else None,
        status=OPEN,
        created_at=now,
        expires_at=now + SUGGESTION_LIFETIME,
    )
    session.add(row)
    session.flush()
    return row


def suggestion_of(
    *, session: Session, user: User, channel_id: str, message_ts: str
) -> ThanksSuggestion | None:
    """The suggestion this message made to the user, if it made one."""
    return session.scalar(
        select(ThanksSuggestion).where(
            ThanksSuggestion.user_id == user.id,
            ThanksSuggestion.channel_id == channel_id,
            ThanksSuggestion.message_ts == message_ts,
        )
    )


def get_open(
    *, session: Session, user: User, suggestion_id: int, now: datetime
) -> ThanksSuggestion | None:
    """The user's own suggestion while it is open and not expired."""
    row = session.get(ThanksSuggestion, suggestion_id)
    if row is None or row.user_id != user.id or row.status != OPEN or row.expires_at <= now:
        return None
    return row


def open_suggestions(
    *, session: Session, user_id: int, since: datetime, now: datetime
) -> Sequence[ThanksSuggestion]:
    """The user's open suggestions made since `since` and not expired, oldest first."""
    return session.scalars(
        select(ThanksSuggestion)
        .where(
            ThanksSuggestion.user_id == user_id,
            ThanksSuggestion.status == OPEN,
            ThanksSuggestion.created_at >= since,
            ThanksSuggestion.expires_at > now,
        )
        .order_by(ThanksSuggestion.created_at, ThanksSuggestion.id)
    ).all()


def delete_expired(*, session: Session, now: datetime) -> int:
    """Forget open suggestions past their expiry, and decided ones as old (ids only)."""
    result = session.execute(delete(ThanksSuggestion).where(ThanksSuggestion.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
