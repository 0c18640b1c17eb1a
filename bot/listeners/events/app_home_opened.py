"""Publish the Home tab when a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.evidence import service as evidence
from bot.listeners.support import current_user, db, settings
from bot.listeners.welcome import with_home_welcome
from bot.ui.home import home_view


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") not in (None, "home"):
        return
    user = current_user(context)
    entries = evidence.recent_entries(session=db(context), user=user, limit=10)
    db(context).commit()
    view = home_view(entries=entries, brag_command=settings(context).command_brag)
    view = with_home_welcome(view, context, user)  # check-ins (issue 3): welcome while off
    client.views_publish(user_id=user.slack_user_id, view=view)
