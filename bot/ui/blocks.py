"""Small constructors for Block Kit elements that enforce Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.ui.text import SECTION_TEXT_LIMIT, truncate

Block = dict[str, Any]

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_TEXT_LIMIT = 3000
VIEW_TITLE_LIMIT = 24


def plain(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


EMPTY_TEXT = "_(no text)_"


def _non_empty(mrkdwn: str) -> str:
    # Slack rejects a text object with nothing in it; user text can render to nothing.
    return mrkdwn if mrkdwn.strip() else EMPTY_TEXT


def section(mrkdwn: str, *, accessory: dict[str, Any] | None = None) -> Block:
    """A section of already-escaped mrkdwn."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": _non_empty(mrkdwn)}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(*mrkdwn: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _non_empty(text)} for text in mrkdwn[:10]],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str | None = None, *, style: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
    }
    if value is not None:
        if len(value) > BUTTON_VALUE_LIMIT:
            raise ValueError("button values carry ids, never user text")
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fit(blocks: list[Block], limit: int, *, overflow_note: str | None = None) -> list[Block]:
    """Keep a block list within a surface's limit, noting what was left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1] if overflow_note else blocks[:limit]
    if overflow_note:
        kept.append(context(overflow_note))
    return kept
