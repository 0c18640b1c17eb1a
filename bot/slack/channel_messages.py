"""Read one message of a public channel the app is in (when its owner logs a suggestion)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def message_text(client: WebClient, channel_id: str, ts: str, thread_ts: str | None) -> str | None:
    """The text of the message `ts` (a thread reply when `thread_ts` is set), as Slack stores
    it now; None when Slack no longer gives it (deleted, the app removed from the channel)."""
    try:
        if thread_ts:
            found = client.conversations_replies(
                # The thread's parent always comes first; the window holds the reply.
                channel=channel_id,
                ts=thread_ts,
                latest=ts,
                oldest=ts,
                inclusive=True,
            )
        else:
            found = client.conversations_history(
                channel=channel_id, latest=ts, oldest=ts, inclusive=True, limit=1
            )
    except SlackApiError:
        return None
    for message in found.get("messages") or []:
        if message.get("ts") == ts:
            text = message.get("text")
            return text if isinstance(text, str) else None
    return None
