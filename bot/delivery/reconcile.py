"""The one reconciliation: find a delivery's message in the channel by its metadata.

Every message the app sends on its own carries Slack message metadata naming the delivery.
When a delivery's outcome is unknown (the sender crashed or Slack failed between posting and
recording), the next attempt looks for that message in the channel's latest history before
posting anything, so a retry never posts twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.web import SlackResponse

from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed, Slack

PAGE = 100
SHORT_PAGE = "history_page_too_short"

Match = Callable[[str | None, dict[str, Any]], bool]


def metadata_matches(event_type: str, **payload: Any) -> Match:
    """A match on the metadata's event type and these payload values."""

    def match(found_type: str | None, found_payload: dict[str, Any]) -> bool:
        return found_type == event_type and all(
            found_payload.get(name) == value for name, value in payload.items()
        )

    return match


def _history_page(slack: Slack, channel: str, cursor: str | None) -> Callable[[], SlackResponse]:
    # A call written out (not functools.partial): tests/slack/test_scopes.py reads the code
    # for the Web API methods it calls.
    return lambda: slack.client.conversations_history(
        channel=channel, limit=PAGE, include_all_metadata=True, cursor=cursor
    )


def find_posted(
    slack: Slack, *, channel: str, match: Match, pages: int = 1, wait_if_throttled: bool = False
) -> str | None:
    """The ts of our message in `channel` whose metadata matches, among the latest `pages`
    pages of history; None when it is certainly not there.

    Raises SendFailed when it cannot tell: the look-up failed (throttled: conversations.history
    may allow one call a minute, and unless `wait_if_throttled` a 429 fails at once for a later
    run to retry), or Slack cut a page short while there is more (15 messages a page for apps
    on the reduced limits), so the message may be further back: `history_page_too_short`,
    permanent.
    """
    cursor: str | None = None
    for _ in range(pages):
        result = slack.sender.call(
            _history_page(slack, channel, cursor),
            workspace=slack.workspace,
            paced=False,
            rate_limited_retries=8 if wait_if_throttled else 0,
        )
        if not result.ok:
            raise SendFailed.of(result)
        messages = result.data.get("messages") or []
        for message in messages:
            metadata = message.get("metadata") or {}
            if match(metadata.get("event_type"), metadata.get("event_payload") or {}):
                return str(message.get("ts"))
        if not result.data.get("has_more"):
            return None
        if len(messages) < PAGE:
            raise SendFailed(SHORT_PAGE, Outcome.REJECTED)
        cursor = (result.data.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None
    return None
