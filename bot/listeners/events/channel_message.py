"""Messages in public channels the app is in (message.channels): thanks become suggestions.

Only the thanks detector reads the message, in memory; nothing of it is stored. The people
it thanks who opted in (in a workspace whose admin did) get a private suggestion each.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import db
from bot.slack.history import permalink_for
from bot.suggestions import flows
from bot.suggestions.service import SUGGESTION_LIFETIME
from bot.ui import suggestions as ui


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
    for suggestion in made:
        permalink = permalink_for(client, suggestion.channel_id, suggestion.message_ts)
        client.chat_postMessage(
            channel=suggestion.thanked,
            unfurl_links=False,
            **ui.suggestion_message(
                suggestion_id=suggestion.id,
                thanker=suggestion.thanker,
                channel_id=suggestion.channel_id,
                permalink=permalink,
                days=SUGGESTION_LIFETIME.days,
            ),
        )
