"""Every Web API client the app builds comes from here, so SLACK_API_URL applies to all."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings

WEB_API_TIMEOUT_SECONDS = 10


def build_web_client(
    settings: Settings,
    token: str | None = None,
    *,
    retry_handlers: list[RetryHandler] | None = None,
) -> WebClient:
    """A WebClient pointed at the configured Web API base URL, retrying 429s and drops.

    `retry_handlers=[]` turns slack_sdk's retries off for callers that decide themselves
    (bot.delivery.sender: a retried chat.postMessage must be checked for first, never blind).
    """
    if retry_handlers is None:
        retry_handlers = [
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ]
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers,
    )
