"""One channel message read back from Slack, as conversations.history / replies give it.

A reaction event names a message only by channel and ts; its text comes from Slack. The bot
reads only channels it is in: elsewhere Slack answers `not_in_channel` (public) or
`channel_not_found` (private), and the person is told to add the app first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


@dataclass(frozen=True)
class ChannelMessage:
    ts: str
    text: str  # exactly as Slack gives it (mrkdwn, `<@U…>` mentions, `&amp;`)
    user: str | None
    is_bot: bool  # posted by an app or integration (no kudos to it)


class Unreadable(StrEnum):
    NOT_IN_CHANNEL = "not_in_channel"  # the bot is not a member (or cannot see it at all)
    GONE = "gone"  # deleted, or never there


_NOT_MEMBER = {"not_in_channel", "channel_not_found"}
_GONE = {"thread_not_found", "message_not_found"}


def permalink_for(client: WebClient, channel_id: str | None, ts: str | None) -> str | None:
    """The message's permalink; None when Slack won't give one (the message can still be kept)."""
    if not channel_id or not ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel_id, message_ts=ts).get("permalink")
    except SlackApiError:
        return None


def read_message(client: WebClient, channel: str, ts: str) -> ChannelMessage | Unreadable:
    """The message at `ts`: a top-level one from conversations.history, a thread reply
    from conversations.replies. Other Slack errors propagate (the one error handler)."""
    try:
        history = client.conversations_history(
            channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        found = _the_one(history.get("messages"), ts)
        if found is None:
            thread = client.conversations_replies(
                channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=2
            )
            found = _the_one(thread.get("messages"), ts)
    except SlackApiError as failure:
        error = failure.response.get("error")
        if error in _NOT_MEMBER:
            return Unreadable.NOT_IN_CHANNEL
        if error in _GONE:
            return Unreadable.GONE
        raise
    return found if found is not None else Unreadable.GONE


def _the_one(messages: Any, ts: str) -> ChannelMessage | None:
    for message in messages or []:
        if isinstance(message, dict) and message.get("ts") == ts:
            user = message.get("user")
            return ChannelMessage(
                ts=ts,
                text=str(message.get("text") or ""),
                user=user if isinstance(user, str) and user else None,
                is_bot=bool(message.get("bot_id")) or message.get("subtype") == "bot_message",
            )
    return None
