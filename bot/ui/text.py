"""Rendering user text safely in Slack mrkdwn."""

from __future__ import annotations

import re

SECTION_TEXT_LIMIT = 3000
ELLIPSIS = "…"
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def escape(text: str) -> str:
    """Escape &, < and > so user text can never form a mention, link or broadcast."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text for display (never for storage) so it fits a Block Kit limit."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)] + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Escape, then truncate without splitting an escape sequence."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - len(ELLIPSIS)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def mention(slack_user_id: str) -> str:
    """A user mention the bot builds itself, only from a well-formed Slack user id."""
    if not _SLACK_USER_ID.match(slack_user_id):
        return escape(slack_user_id)
    return f"<@{slack_user_id}>"
