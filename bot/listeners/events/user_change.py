"""Keep a user's time zone and status fresh when their Slack profile changes."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot import clock
from bot.listeners.support import db
from bot.listeners.support import settings as settings_of
from bot.workspaces import flows
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
    flows.profile_changed(
        session=db(context),
        team_id=team_id,
        profile=profile,
        now=clock.now(),
        away_rules=settings_of(context).away_rules(),
    )
