"""Buttons on the App Home: the weekly summary switch and the export."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.home import service as home
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.summaries import service as summaries
from bot.ui import home as home_ui
from bot.ui.blocks import section


def handle_summary_toggle(
    ack: Ack, action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Turn the weekly summary DM on or off for the person who clicked, then republish."""
    ack()
    value = action.get("value")
    if value not in ("on", "off"):
        return  # a tampered value changes nothing
    session = db(context)
    user = current_user(context)
    summaries.set_summary_enabled(session=session, user=user, enabled=value == "on")
    view = home.home_view_for(
        session=session,
        user=user,
        now=clock.now(),
        library=coaching_library(context),
        names=command_names(context),
    )
    session.commit()
    client.views_publish(user_id=user.slack_user_id, view=view)
    # Published fresh just now: the refresh the commit queued would only repeat it.
    home.cancel_pending_refresh(user_id=user.id)


def handle_export(ack: Ack, context: BoltContext, client: WebClient) -> None:
    """Point to the export commands in the user's DM with the bot."""
    ack()
    names = command_names(context)
    user = current_user(context)
    db(context).commit()
    text = (
        f"`{names.multiplier} export json` sends you everything Multiplier stores about you; "
        f"`{names.multiplier} export packet` builds a promotion packet for a period you choose."
    )
    client.chat_postMessage(channel=user.slack_user_id, text=text, blocks=[section(text)])


ACTIONS = {
    home_ui.ACTION_SUMMARY_TOGGLE: handle_summary_toggle,
    home_ui.ACTION_EXPORT: handle_export,
}
