"""Workspaces and the users in them: found or created on first contact."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.base import rowcount, utcnow
from bot.db.models import ProcessedEvent, SlackBot, SlackInstallation, User, Workspace

REVOKED = "tokens_revoked"


class WorkspaceInactive(Exception):
    """The app was uninstalled from this workspace (or lost its token): send nothing there."""

    def __init__(self, team_id: str | None) -> None:
        super().__init__(f"workspace {team_id} is not active")
        self.team_id = team_id


# The look-ups every request makes, built once with bound parameters: building a
# statement and its cache key on each call cost more CPU than running it.
_WORKSPACE_BY_TEAM = select(Workspace).where(Workspace.team_id == bindparam("team_id"))
_USER_IN_WORKSPACE = select(User).where(
    User.workspace_id == bindparam("workspace_id"),
    User.slack_user_id == bindparam("slack_user_id"),
)
_USER_BY_TEAM = (
    select(User)
    .join(Workspace, Workspace.id == User.workspace_id)
    .where(
        Workspace.team_id == bindparam("team_id"), User.slack_user_id == bindparam("slack_user_id")
    )
)
_ENTERPRISE_OF = select(Workspace.enterprise_id).where(Workspace.team_id == bindparam("team_id"))
_WORKSPACE_ACTIVE = select(Workspace.active).where(Workspace.team_id == bindparam("team_id"))


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    return session.scalars(_WORKSPACE_BY_TEAM, {"team_id": team_id}).one_or_none()


def ensure_workspace(
    *, session: Session, team_id: str, name: str | None = None, enterprise_id: str | None = None
) -> Workspace:
    """Return the workspace for a Slack team id, creating it on first contact.

    `enterprise_id` (a request's Enterprise Grid org) is kept when first known: single-token
    mode sends to another workspace of the token's org only by it (bot.scheduling.jobs).
    """
    workspace = get_workspace(session=session, team_id=team_id)
    if workspace is not None:
        if enterprise_id and workspace.enterprise_id is None:
            workspace.enterprise_id = enterprise_id
        return workspace
    try:
        with session.begin_nested():
            workspace = Workspace(
                team_id=team_id, name=name, settings={}, enterprise_id=enterprise_id
            )
            session.add(workspace)
    except IntegrityError:
        # Another request created it between our read and our insert.
        workspace = get_workspace(session=session, team_id=team_id)
        if workspace is None:
            raise
    return workspace


def get_user(*, session: Session, workspace_id: int, slack_user_id: str) -> User | None:
    return session.scalars(
        _USER_IN_WORKSPACE, {"workspace_id": workspace_id, "slack_user_id": slack_user_id}
    ).one_or_none()


def find_user(*, session: Session, team_id: str, slack_user_id: str) -> User | None:
    """The user with this Slack id in the workspace `team_id`, if the app has them."""
    return session.scalars(
        _USER_BY_TEAM, {"team_id": team_id, "slack_user_id": slack_user_id}
    ).one_or_none()


def ensure_user(
    *, session: Session, team_id: str, slack_user_id: str, enterprise_id: str | None = None
) -> User:
    """Return the user for a Slack user id in a team, creating both on first contact."""
    return meet_user(
        session=session, team_id=team_id, slack_user_id=slack_user_id, enterprise_id=enterprise_id
    )[0]


def meet_user(
    *, session: Session, team_id: str, slack_user_id: str, enterprise_id: str | None = None
) -> tuple[User, bool]:
    """The user for a Slack user id in a team, and whether this is the first contact (the
    user was created just now); creates the workspace too when it is new."""
    workspace = ensure_workspace(session=session, team_id=team_id, enterprise_id=enterprise_id)
    user = get_user(session=session, workspace_id=workspace.id, slack_user_id=slack_user_id)
    if user is not None:
        if not user.active and user.inactive_reason == REVOKED:
            # They revoked the app's access and are back: keep their data, stop the purge.
            user.active, user.inactive_reason, user.purge_after = True, None, None
        return user, False
    try:
        with session.begin_nested():
            user = User(workspace_id=workspace.id, slack_user_id=slack_user_id)
            session.add(user)
    except IntegrityError:
        user = get_user(session=session, workspace_id=workspace.id, slack_user_id=slack_user_id)
        if user is None:
            raise
        return user, False
    return user, True


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
    inner = profile.get("profile")
    handle = (inner.get("display_name") if isinstance(inner, dict) else None) or profile.get("name")
    if isinstance(handle, str) and handle.strip():
        # What people type after "@" for them (forms resolve typed @names by it).
        user.display_name = handle.strip()[:255]
    user.is_admin = bool(profile.get("is_admin") or profile.get("is_owner"))
    user.is_bot = bool(profile.get("is_bot"))
    if profile.get("deleted"):
        user.active = False
        user.inactive_reason = "deactivated"


def enterprise_of(*, session: Session, team_id: str | None) -> str | None:
    """The Enterprise Grid org a known workspace belongs to (None outside Grid or unknown)."""
    if not team_id:
        return None
    return session.scalar(_ENTERPRISE_OF, {"team_id": team_id})


def is_active(*, session: Session, team_id: str | None) -> bool:
    """False only for a workspace we know and that uninstalled the app (or lost its token)."""
    if not team_id:
        return True
    active = session.scalar(_WORKSPACE_ACTIVE, {"team_id": team_id})
    return active is None or bool(active)


def mark_installed(
    *, session: Session, team_id: str, enterprise_id: str | None = None, name: str | None = None
) -> Workspace:
    """A (re)install: the workspace is active again and nothing is scheduled for deletion."""
    workspace = ensure_workspace(session=session, team_id=team_id, name=name)
    workspace.active = True
    workspace.enterprise_id = enterprise_id or workspace.enterprise_id
    workspace.name = name or workspace.name
    workspace.installed_at = utcnow()
    workspace.uninstalled_at = None
    workspace.purge_after = None
    return workspace


def mark_uninstalled(
    *, session: Session, team_id: str, now: datetime, retention: timedelta
) -> Workspace:
    """Stop all sending to the workspace and schedule its data for deletion."""
    workspace = ensure_workspace(session=session, team_id=team_id)
    workspace.active = False
    workspace.uninstalled_at = now
    workspace.purge_after = now + retention
    return workspace


def revoke_users(
    *,
    session: Session,
    team_id: str,
    slack_user_ids: list[str],
    now: datetime,
    retention: timedelta,
) -> int:
    """Users who revoked the app's access: nothing more is sent to them; data deleted later."""
    workspace = get_workspace(session=session, team_id=team_id)
    if workspace is None or not slack_user_ids:
        return 0
    result = session.execute(
        update(User)
        .where(User.workspace_id == workspace.id, User.slack_user_id.in_(slack_user_ids))
        .values(active=False, inactive_reason=REVOKED, purge_after=now + retention)
    )
    return rowcount(result)


def purge_workspace(*, session: Session, workspace_id: int) -> None:
    """Delete a workspace and, through ON DELETE CASCADE, every row that belongs to it."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        return
    team_id = workspace.team_id
    session.expunge(workspace)
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.team_id == team_id))
    session.execute(delete(SlackInstallation).where(SlackInstallation.team_id == team_id))
    session.execute(delete(SlackBot).where(SlackBot.team_id == team_id))
    session.execute(delete(Workspace).where(Workspace.id == workspace_id))


def purge_user(*, session: Session, user_id: int) -> None:
    """Delete everything about a user, as `/multiplier forget-me` does (bot.privacy)."""
    from bot.privacy.service import forget_user

    user = session.get(User, user_id)
    if user is not None:
        forget_user(session=session, user=user)


def purge_due(*, session: Session, now: datetime) -> tuple[int, int]:
    """Delete workspaces and users whose retention after uninstall/revocation has passed."""
    workspace_ids = list(
        session.scalars(
            select(Workspace.id).where(
                Workspace.active.is_(False),
                Workspace.purge_after.is_not(None),
                Workspace.purge_after <= now,
            )
        )
    )
    for workspace_id in workspace_ids:
        purge_workspace(session=session, workspace_id=workspace_id)
    user_ids = list(
        session.scalars(
            select(User.id).where(
                User.active.is_(False),
                User.inactive_reason == REVOKED,
                User.purge_after.is_not(None),
                User.purge_after <= now,
            )
        )
    )
    for user_id in user_ids:
        purge_user(session=session, user_id=user_id)
    return len(workspace_ids), len(user_ids)


def slack_ids_by_name(
    *, session: Session, workspace_id: int, names: Iterable[str]
) -> dict[str, str]:
    """``@name`` → Slack id among people the app knows in this workspace (by display name);
    names that fit nobody or several people are left out."""
    wanted = {name.lstrip("@").lower(): name for name in names}
    if not wanted:
        return {}
    rows = session.execute(
        select(User.slack_user_id, User.display_name).where(
            User.workspace_id == workspace_id,
            User.active.is_(True),
            User.is_bot.is_(False),
            func.lower(User.display_name).in_(list(wanted)),
        )
    ).all()
    hits: dict[str, set[str]] = {}
    for slack_id, display_name in rows:
        hits.setdefault((display_name or "").lower(), set()).add(slack_id)
    return {wanted[h]: next(iter(ids)) for h, ids in hits.items() if len(ids) == 1 and h in wanted}
