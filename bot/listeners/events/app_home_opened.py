"""Publish the Home tab when a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.home import service as home
from bot.listeners.support import coaching_library, command_names, current_user, db


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Build the Home from the user's own data and publish it (no ack: events are acked first)."""
    if event.get("tab") not in (None, "home"):
        return
    session = db(context)
    user = current_user(context)
    # Publishing fresh now makes a queued refresh redundant; changes after this re-queue one.
    home.cancel_pending_refresh(user_id=user.id)
    view = home.home_view_for(
        session=session,
        user=user,
        now=clock.now(),
        library=coaching_library(context),
        names=command_names(context),
    )
    session.commit()
    client.views_publish(user_id=user.slack_user_id, view=view)
