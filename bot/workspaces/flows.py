"""Keeping people's rows in step with Slack: each function owns its unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.db.models import User
from bot.workspaces import service as workspaces


def profile_changed(
    *, session: Session, team_id: str, profile: dict[str, Any], now: datetime
) -> None:
    """Take a changed Slack profile (user_change) for a member of the workspace `team_id`:
    time zone, admin flag, deactivation. A new zone moves the next check-in; someone
    reactivated gets check-ins again."""
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
