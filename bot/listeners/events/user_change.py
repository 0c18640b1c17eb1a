"""Keep a user's time zone and status fresh when their Slack profile changes."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.checkins import service as checkins
from bot.db.base import utcnow
from bot.listeners.support import db
from bot.workspaces import service as workspaces
from bot.workspaces.membership import is_member


def handle_user_change(event: dict[str, Any], context: BoltContext) -> None:
    profile = event.get("user") or {}
    # The workspace the event came to; in Enterprise Grid the profile's team_id is the
    # user's home workspace, which may be another one of the org.
    team_id = context.team_id or context.enterprise_id
    if not profile.get("id") or not team_id:
        return
    if not is_member(profile, team_id=context.team_id, enterprise_id=context.enterprise_id):
        return
    session = db(context)
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
            # A new zone moves the next check-in; a revived user gets one again.
            checkins.timezone_changed(session=session, user=user, now=utcnow())
    session.commit()
