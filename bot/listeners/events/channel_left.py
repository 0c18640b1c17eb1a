"""The app was removed from a channel: a digest there stops now and its admin is told."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot import clock
from bot.digests import flows
from bot.listeners.support import db

logger = logging.getLogger(__name__)


def handle_channel_left(event: dict[str, Any], context: BoltContext) -> None:
    """`channel_left` (public) or `group_left` (private): sent to the app itself when it is
    removed. Without it the digest would stop only at its next slot."""
    team_id = context.team_id or context.enterprise_id
    channel_id = event.get("channel")
    if not team_id or not isinstance(channel_id, str) or not channel_id:
        return
    if flows.bot_left_channel(
        session=db(context), team_id=team_id, channel_id=channel_id, now=clock.now()
    ):
        logger.info("removed from a digest channel: its digest stopped")
