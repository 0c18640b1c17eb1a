"""Every Web API client the app builds comes from here, so SLACK_API_URL applies to all."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings

WEB_API_TIMEOUT_SECONDS = 10


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient pointed at the configured Web API base URL, retrying 429s and drops."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )
