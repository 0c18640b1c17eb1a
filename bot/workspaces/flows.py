"""Keeping people's rows in step with Slack: each function owns its unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins import service as checkins
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
