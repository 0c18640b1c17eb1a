"""Keep a user's time zone and status fresh when their Slack profile changes."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.listeners.support import db
from bot.workspaces import service as workspaces


def handle_user_change(event: dict[str, Any], context: BoltContext) -> None:
    profile = event.get("user") or {}
    team_id = profile.get("team_id") or context.team_id
    if not profile.get("id") or not team_id:
        return
    session = db(context)
    workspaces.refresh_user_profile(session=session, team_id=team_id, profile=profile)
    session.commit()
