"""Workspaces and the users in them: found or created on first contact."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import User, Workspace


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    return session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one_or_none()


def ensure_workspace(*, session: Session, team_id: str, name: str | None = None) -> Workspace:
    """Return the workspace for a Slack team id, creating it on first contact."""
    workspace = get_workspace(session=session, team_id=team_id)
    if workspace is not None:
        return workspace
    try:
        with session.begin_nested():
            workspace = Workspace(team_id=team_id, name=name, settings={})
            session.add(workspace)
    except IntegrityError:
        # Another request created it between our read and our insert.
        workspace = get_workspace(session=session, team_id=team_id)
        if workspace is None:
            raise
    return workspace


def get_user(*, session: Session, workspace_id: int, slack_user_id: str) -> User | None:
    return session.scalars(
        select(User).where(User.workspace_id == workspace_id, User.slack_user_id == slack_user_id)
    ).one_or_none()


def ensure_user(*, session: Session, team_id: str, slack_user_id: str) -> User:
    """Return the user for a Slack user id in a team, creating both on first contact."""
    workspace = ensure_workspace(session=session, team_id=team_id)
    user = get_user(session=session, workspace_id=workspace.id, slack_user_id=slack_user_id)
    if user is not None:
        return user
    try:
        with session.begin_nested():
            user = User(workspace_id=workspace.id, slack_user_id=slack_user_id)
            session.add(user)
    except IntegrityError:
        user = get_user(session=session, workspace_id=workspace.id, slack_user_id=slack_user_id)
        if user is None:
            raise
    return user


def refresh_user_profile(*, session: Session, team_id: str, profile: dict[str, object]) -> None:
    """Apply a users.info / user_change profile to a user we already know."""
    workspace = get_workspace(session=session, team_id=team_id)
    if workspace is None:
        return
    user = get_user(session=session, workspace_id=workspace.id, slack_user_id=str(profile["id"]))
    if user is None:
        return
    apply_profile(user, profile)


def apply_profile(user: User, profile: dict[str, object]) -> None:
    """Copy time zone, admin flag and deactivation from a Slack user object."""
    from bot.db.base import utcnow

    tz = profile.get("tz")
    if isinstance(tz, str) and tz:
        user.tz = tz
        user.tz_refreshed_at = utcnow()
    user.is_admin = bool(profile.get("is_admin") or profile.get("is_owner"))
    user.is_bot = bool(profile.get("is_bot"))
    if profile.get("deleted"):
        user.active = False
        user.inactive_reason = "deactivated"
