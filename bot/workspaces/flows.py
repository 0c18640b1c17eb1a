"""Keeping people's rows in step with Slack: each function owns its unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.capture.timeoff import AwayRules
from bot.checkins import service as checkins
from bot.db.models import User
from bot.workspaces import service as workspaces


def profile_changed(
    *,
    session: Session,
    team_id: str,
    profile: dict[str, Any],
    now: datetime,
    away_rules: AwayRules | None = None,
) -> None:
    """Take a changed Slack profile (user_change) for a member of the workspace `team_id`:
    time zone, admin flag, deactivation, and (with `away_rules`) whether their status says
    they are away. A new zone moves the next check-in; someone reactivated gets check-ins
    again."""
    workspace = workspaces.get_workspace(session=session, team_id=team_id)
    user = (
        workspaces.get_user(
            session=session, workspace_id=workspace.id, slack_user_id=str(profile["id"])
        )
        if workspace is not None
        else None
    )
    before = (user.tz, user.active) if user is not None else None
    workspaces.refresh_user_profile(session=session, team_id=team_id, profile=profile)
    if user is not None:
        if not profile.get("deleted"):
            checkins.revive(user, deactivated_too=True)
        if away_rules is not None:
            checkins.status_seen(user=user, profile=profile, now=now, rules=away_rules)
        if (user.tz, user.active) != before:
            checkins.timezone_changed(session=session, user=user, now=now)
    session.commit()


def people_by_name(
    *,
    session: Session,
    user: User,
    names: Sequence[str],
    look_up_in_slack: Callable[[list[str]], dict[str, str]],
) -> dict[str, str]:
    """``@name``s typed as text → Slack ids: people the app knows first, then Slack's list.

    What the unit of work did so far (finding or creating the person) is committed before
    Slack is asked: no connection (on SQLite, the write lock) is held while Slack answers.
    """
    found = workspaces.slack_ids_by_name(
        session=session, workspace_id=user.workspace_id, names=names
    )
    missing = [name for name in names if name not in found]
    if missing:
        session.commit()
        found.update(look_up_in_slack(missing))
    return found


def uninstalled(*, session: Session, team_id: str, now: datetime, retention: timedelta) -> None:
    """The workspace uninstalled the app: nothing more goes to it; its data goes after the
    retention period (at once when it is zero)."""
    workspace = workspaces.mark_uninstalled(
        session=session, team_id=team_id, now=now, retention=retention
    )
    session.flush()
    if not retention:
        workspaces.purge_workspace(session=session, workspace_id=workspace.id)
    session.commit()


def tokens_revoked(
    *,
    session: Session,
    team_id: str,
    slack_user_ids: Sequence[str],
    bot: bool,
    now: datetime,
    retention: timedelta,
) -> int:
    """Users who revoked access get nothing more; a revoked bot token stops the workspace.
    How many users were revoked."""
    revoked = workspaces.revoke_users(
        session=session,
        team_id=team_id,
        slack_user_ids=list(slack_user_ids),
        now=now,
        retention=retention,
    )
    if bot:
        workspace = workspaces.mark_uninstalled(
            session=session, team_id=team_id, now=now, retention=retention
        )
        session.flush()
        if not retention:
            workspaces.purge_workspace(session=session, workspace_id=workspace.id)
    if not retention:
        workspaces.purge_due(session=session, now=now)
    session.commit()
    return revoked


def is_forgotten(*, session: Session, team_id: str, slack_user_id: str) -> bool:
    """True when the workspace is known but the person has no row (forget-me took it).

    A read only: it is rolled back, so no connection is held while the listener answers.
    """
    workspace = workspaces.get_workspace(session=session, team_id=team_id)
    if workspace is None:
        return False
    user = workspaces.get_user(
        session=session, workspace_id=workspace.id, slack_user_id=slack_user_id
    )
    session.rollback()
    return user is None


# users.info's user object for a Slack id, or None when Slack cannot say.
ProfileReader = Callable[[str], Mapping[str, Any] | None]


def no_profile(_slack_user_id: str) -> None:
    """A ProfileReader for callers with no Slack at hand: the zone stays as stored."""
    return


def meet(
    *,
    session: Session,
    team_id: str,
    slack_user_id: str,
    enterprise_id: str | None,
    read_profile: ProfileReader,
) -> User:
    """The person behind a request, created on first contact with their Slack profile.

    Their time zone dates everything they log ("today", "this week"): without it, a first
    /brag on a Sunday evening in New York would be filed under Monday, in UTC. The person's
    row is committed before Slack is asked, so no connection is held while Slack answers;
    when Slack cannot say, the zone stays UTC until user_change brings it.
    """
    user, first_contact = workspaces.meet_user(
        session=session, team_id=team_id, slack_user_id=slack_user_id, enterprise_id=enterprise_id
    )
    if first_contact:
        learn_zone(session=session, user=user, read_profile=read_profile)
    return user


def learn_zone(*, session: Session, user: User, read_profile: ProfileReader) -> None:
    """Take the user's time zone (and profile) from Slack, unless already known (user_change
    keeps it fresh). Commits what the unit of work did so far first: no connection (on
    SQLite, the write lock) is held while Slack answers, so a burst of first contacts does
    not exhaust the pool. When Slack cannot say, the zone stays as stored (UTC)."""
    if user.tz_refreshed_at is not None:
        return
    session.commit()
    profile = read_profile(user.slack_user_id)
    if profile:
        workspaces.apply_profile(user, dict(profile))
        session.flush()
