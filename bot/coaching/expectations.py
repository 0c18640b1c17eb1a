"""A person's staff expectations, as they typed or pasted them: split into items (pure).

Seed 001's practical path starts with "Ask your manager for the exact Staff Engineer
expectations"; people paste them from a ladder document, so a line is an item, and list
markers (•, -, *, 1., a)) are taken off. Lengths count UTF-16 units, as Slack does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The modal's text box holds at most 3,000 units (Slack's plain_text_input limit).
MAX_TOTAL_UNITS = 3000
MAX_ITEMS = 40
MAX_ITEM_UNITS = 300

_MARKER = re.compile(r"^\s*(?:[•◦▪‣·]\s*|[*\-–—+]\s+|\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)")
# Pasted text may run the bullets together on one line: "• one • two".
_INLINE_BULLET = re.compile(r"\s+[•◦▪‣]\s+")


def utf16_len(text: str) -> int:
    """How long Slack says `text` is (as bot/ui/utf16.py; coaching imports nothing outside)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class ExpectationsError(ValueError):
    """Text that can't become a list of expectations; the message says what to change."""


@dataclass(frozen=True)
class ParsedExpectations:
    items: tuple[str, ...]
    # Items typed more than once (each kept once, where it first appeared).
    duplicates: tuple[str, ...] = ()


def _key(item: str) -> str:
    return " ".join(item.casefold().split())


def split_items(typed: str) -> list[str]:
    """Lines (and inline bullets) as items, markers and outer spaces taken off, blanks dropped."""
    items: list[str] = []
    for line in typed.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for piece in _INLINE_BULLET.split(line):
            item = _MARKER.sub("", piece + " ", count=1).strip()
            if item:
                items.append(item)
    return items


def parse_expectations(typed: str) -> ParsedExpectations:
    """The items in `typed`; raises ExpectationsError for empty, too long or too many."""
    if utf16_len(typed) > MAX_TOTAL_UNITS:
        raise ExpectationsError(
            f"That is {utf16_len(typed):,} characters; the limit is {MAX_TOTAL_UNITS:,}. "
            "Shorten the longest items."
        )
    items = split_items(typed)
    if not items:
        raise ExpectationsError("Enter at least one expectation, one per line.")
    kept: dict[str, str] = {}
    duplicates: list[str] = []
    for number, item in enumerate(items, 1):
        if utf16_len(item) > MAX_ITEM_UNITS:
            raise ExpectationsError(
                f"Item {number} is {utf16_len(item):,} characters; keep each under "
                f"{MAX_ITEM_UNITS} (split a long one over several lines)."
            )
        if _key(item) in kept:
            duplicates.append(item)
        else:
            kept[_key(item)] = item
    if len(kept) > MAX_ITEMS:
        raise ExpectationsError(
            f"That is {len(kept)} expectations; keep it to {MAX_ITEMS} (merge related ones)."
        )
    return ParsedExpectations(items=tuple(kept.values()), duplicates=tuple(duplicates))
