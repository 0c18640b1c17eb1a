"""Counts in words: `1 entry`, `2 entries`, `0 people` (one helper for every message)."""

from __future__ import annotations

_IRREGULAR = {"person": "people", "kudos": "kudos"}


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 entry`, `2 entries`, `0 people`: the count and the noun that goes with it."""
    return f"{count:,} {noun(count, one, many)}"


def noun(count: float, one: str, many: str | None = None) -> str:
    """The noun alone in the form that goes with `count` (`entry` / `entries`)."""
    if count == 1:
        return one
    if many is not None:
        return many
    head, _, last = one.rpartition(" ")
    return (head + " " if head else "") + _plural_word(last)


def _plural_word(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"
