"""Text lengths the way Slack counts them: in UTF-16 code units.

Block Kit's limits (3,000 characters in a section, an input's `max_length`, …) count UTF-16
code units, not Python's code points: an emoji such as 🚀 is one code point but two units,
so 2,900 of them are 5,800 "characters" to Slack.
"""

from __future__ import annotations

_HIGH_SURROGATE = range(0xD800, 0xDC00)


def utf16_len(text: str) -> int:
    """How long Slack says `text` is."""
    # Code points above U+FFFF take two UTF-16 units; everything else one.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_prefix(text: str, limit: int) -> str:
    """The longest start of `text` no longer than `limit` units, never half a surrogate pair."""
    if limit <= 0:
        return ""
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return text
    units = text.encode("utf-16-le")[: 2 * limit]
    if int.from_bytes(units[-2:], "little") in _HIGH_SURROGATE:
        units = units[:-2]
    return units.decode("utf-16-le")
