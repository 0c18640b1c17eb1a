"""Sending summaries and digests to Slack: a thin layer over the Web API client.

Kept to three calls (open a DM, post, upload a file) so that it can switch to the shared
rate-limited sender (bot/slack/sender.py) without touching the jobs. 429s are retried by the
client's RateLimitErrorRetryHandler; other failures raise SendFailed with whether they are
permanent (retrying would never help) or not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.client import without_rate_limit_waits

logger = logging.getLogger(__name__)

# Errors after which the same call can never succeed: stop, do not retry.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "restricted_action",
        "invalid_auth",
        "token_revoked",
        "token_expired",
        "not_authed",
        "missing_scope",
        "team_access_not_granted",
        "no_permission",
        "ekm_access_denied",
        "invalid_blocks",
        "msg_too_long",
    }
)


# How many recent messages are searched for a delivery whose outcome is unknown.
HISTORY_LOOKBACK = 100


class SendFailed(Exception):
    """A Slack call failed; `permanent` says whether retrying could ever help."""

    def __init__(self, error: str, *, permanent: bool) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


def _failure(error: Exception) -> SendFailed:
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        return SendFailed(code, permanent=code in PERMANENT_ERRORS)
    return SendFailed(type(error).__name__, permanent=False)


def open_dm(client: WebClient, slack_user_id: str) -> str:
    """The DM channel id with a user (conversations.open)."""
    try:
        response = client.conversations_open(users=slack_user_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failure(error) from error
    return str(response["channel"]["id"])


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


def post_message(
    client: WebClient,
    *,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    metadata: dict[str, Any] | None = None,
) -> Posted:
    """chat.postMessage; never with link_names, so nothing typed can become a broadcast."""
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failure(error) from error
    return Posted(channel=str(response["channel"]), ts=str(response["ts"]))


def upload_png(
    client: WebClient,
    *,
    channel: str,
    content: bytes,
    filename: str,
    title: str,
    alt_text: str,
    thread_ts: str | None = None,
) -> bool:
    """Upload an image with the files upload v2 flow; False (logged) when it fails."""
    try:
        client.files_upload_v2(
            channel=channel,
            content=content,
            filename=filename,
            title=title,
            alt_txt=alt_text,
            thread_ts=thread_ts,
        )
    except (SlackApiError, SlackClientError, OSError, ValueError) as error:
        logger.warning("chart upload failed: %s", _failure(error).error)
        return False
    return True


def find_posted(client: WebClient, *, channel: str, event_type: str, key: str) -> str | None:
    """The ts of a message we posted with this metadata among the channel's latest, if any.

    Used before retrying a delivery whose outcome is unknown (the sender crashed between
    posting and recording), so the retry never posts twice. Throttled (conversations.history
    may allow one call a minute), it fails at once with `ratelimited`, not permanent.
    """
    try:
        response = without_rate_limit_waits(client).conversations_history(
            channel=channel, include_all_metadata=True, limit=HISTORY_LOOKBACK
        )
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failure(error) from error
    messages = response.get("messages") or []
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get("key") == key:
            return str(message.get("ts"))
    if response.get("has_more") and len(messages) < HISTORY_LOOKBACK:
        # Slack cut the page short (15 messages for apps on the reduced limits) and there is
        # more: the message may be further back, so it cannot be said that it is not there.
        raise SendFailed("history_page_too_short", permanent=True)
    return None
