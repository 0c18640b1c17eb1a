"""Sending a reply of several messages (an echo of a long text) through a response_url.

Slack takes at most five posts to one response_url (within 30 minutes). A reply longer than
that continues in the person's DM with the bot, and the last post says so; with no way to
reach the DM, the rest still goes to the response_url, and Slack's refusal is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient

from bot.ui.messages import rest_follows_in_dm

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
Post = Callable[[Payload], Any]

RESPONSE_URL_POSTS = 5
_RESPONSE_URL_KEYS = ("response_type", "replace_original", "delete_original")


def to_dm(client: WebClient, user_id: str) -> Post:
    """Post a respond()-style message to the person's DM with the bot."""

    def post(message: Payload) -> Any:
        fields = {k: v for k, v in message.items() if k not in _RESPONSE_URL_KEYS}
        return client.chat_postMessage(channel=user_id, **fields)

    return post


def send_in_turn(
    messages: Sequence[Payload],
    post: Post,
    *,
    posts_left: int = RESPONSE_URL_POSTS,
    overflow: Post | None = None,
) -> None:
    """Send every message, in order: `posts_left` through `post`, the rest via `overflow`."""
    spill = overflow is not None and len(messages) > posts_left
    for n, message in enumerate(messages):
        if spill and n == posts_left - 1:
            post(rest_follows_in_dm(message))
        elif spill and n >= posts_left and overflow is not None:
            overflow(message)
        else:
            post(message)
    if len(messages) > posts_left and overflow is None:
        logger.warning("a reply of %d messages went to a response_url", len(messages))
