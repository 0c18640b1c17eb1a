"""The /multiplier subcommand table. Feature modules add their subcommands with @subcommand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.support import respond_all


@dataclass(frozen=True)
class SubcommandRequest:
    """One /multiplier invocation, already acknowledged."""

    name: str
    args: str
    typed: str
    context: BoltContext
    respond: Respond
    client: WebClient
    body: dict[str, Any]

    @property
    def trigger_id(self) -> str | None:
        return self.body.get("trigger_id")

    def reply(self, messages: list[dict[str, Any]]) -> None:
        """Send a reply of one or several messages (a long echo takes several)."""
        respond_all(self.respond, messages, client=self.client, user_id=self.context.user_id)


Subcommand = Callable[[SubcommandRequest], None]

SUBCOMMANDS: dict[str, Subcommand] = {}
ALIASES: dict[str, str] = {}


def subcommand(name: str, *aliases: str) -> Callable[[Subcommand], Subcommand]:
    """Register a /multiplier subcommand under its name and aliases."""

    def decorate(func: Subcommand) -> Subcommand:
        SUBCOMMANDS[name] = func
        for alias in aliases:
            ALIASES[alias] = name
        return func

    return decorate


def resolve(word: str) -> Subcommand | None:
    word = word.lower()
    return SUBCOMMANDS.get(ALIASES.get(word, word))


MAX_TYPO_DISTANCE = 2
_MIN_SUGGESTED_LENGTH = 3


def did_you_mean(word: str) -> str | None:
    """The subcommand a mistyped word is closest to, within MAX_TYPO_DISTANCE edits (a swap
    of two neighbouring letters is one edit); None when nothing is that close."""
    word = word.lower()
    if len(word) < _MIN_SUGGESTED_LENGTH:
        return None
    best: tuple[int, str] | None = None
    for candidate in [*SUBCOMMANDS, *ALIASES]:
        if len(candidate) < _MIN_SUGGESTED_LENGTH:
            continue
        distance = edit_distance(word, candidate)
        if distance <= MAX_TYPO_DISTANCE and (best is None or distance < best[0]):
            best = (distance, ALIASES.get(candidate, candidate))
    return best[1] if best else None


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours needed to turn a into b."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]
