"""Publish the Home tab when a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.home import flows
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    database,
    db,
    settings,
)


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Build the Home from the user's own data and publish it (no ack: events are acked first)."""
    if event.get("tab") not in (None, "home"):
        return
    user = current_user(context)
    flows.open_home(
        session=db(context),
        read_session=database(context).read_session,
        user=user,
        now=clock.now(),
        library=coaching_library(context),
        names=command_names(context),
        publish=lambda view: client.views_publish(user_id=user.slack_user_id, view=view),
        default_calendar=settings(context).holiday_calendar,
    )
