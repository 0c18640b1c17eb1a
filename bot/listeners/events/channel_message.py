"""Messages in public channels the app is in (message.channels): thanks become suggestions.

Only the thanks detector reads the message, in memory; nothing of it is stored. The people
it thanks who opted in (in a workspace whose admin did) get a private suggestion each.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import db, delivery_slack
from bot.slack.history import permalink_for
from bot.suggestions import flows


def handle_channel_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("channel_type") != "channel":  # the matcher says so too: never anything else
        return
    bots = [b for b in (context.bot_user_id,) if b]
    made = flows.thanks_seen(
        session=db(context),
        team_id=context.team_id or context.enterprise_id or "",
        event=event,
        bots=bots,
        now=clock.now(),
    )
    if made:
        flows.dm_suggestions(
            made,
            slack=delivery_slack(client, context),
            permalink=lambda channel, ts: permalink_for(client, channel, ts),
        )
