"""Which `message_changed` events are edits a person made to their own message.

Slack sends `message_changed` for much more than edits: link unfurls (attachments added),
thread-reply bumps (reply_count, latest_reply), edits by bots and apps. It carries the whole
message as it is now, and does not guarantee the order of deliveries. Only a change with
`edited` by the message's author is an edit; and since an unfurl or a thread bump of an
edited message repeats its last `edited`, an edit counts only when its `edited.ts` is newer
than the one already applied (`edit_stamp` makes them comparable in SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.values import parse_int


@dataclass(frozen=True)
class UserEdit:
    """An author's edit of their message `ts`, made at `edited_ts`."""

    user_id: str
    ts: str
    text: str
    edited_ts: str


def user_edit(event: Mapping[str, Any]) -> UserEdit | None:
    """The author's own edit a `message_changed` event reports, or None if it is not one."""
    if event.get("subtype") != "message_changed":
        return None
    message = event.get("message") or {}
    edited = message.get("edited") or {}
    author = message.get("user")
    if not author or not message.get("ts") or not edited.get("ts"):
        return None
    if message.get("bot_id") or message.get("subtype") in ("bot_message", "app_message"):
        return None
    if edited.get("user") != author:
        return None
    return UserEdit(
        user_id=str(author),
        ts=str(message["ts"]),
        text=str(message.get("text") or ""),
        edited_ts=str(edited["ts"]),
    )


def ts_key(ts: str | None) -> tuple[int, int]:
    """A Slack ts ("1700000000.000100") as a sortable pair; (0, 0) when missing or garbled."""
    whole, _, fraction = str(ts or "").partition(".")
    seconds = parse_int(whole, high=10**12)
    micros = parse_int(fraction.ljust(6, "0")[:6]) if fraction else 0
    if seconds is None or micros is None:
        return 0, 0
    return seconds, micros


def edit_stamp(ts: str) -> str:
    """A Slack ts written so that comparing the strings compares the instants."""
    seconds, micros = ts_key(ts)
    return f"{seconds:010d}.{micros:06d}"
