"""The /multiplier subcommand table: each command module lists its subcommands (SUBCOMMANDS),
and bot/listeners/commands/__init__.py builds the one table from those lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.delivery.messages import SendFailed
from bot.digests import flows as digest_flows
from bot.digests import slack as digest_slack
from bot.listeners.support import current_user, db, respond_all
from bot.ui import digest as digest_ui


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

    def caller_is_admin(self, *why: str) -> bool:
        """Whether the caller is a workspace admin, by users.info now (admin rights change);
        if not, a polite refusal naming the admins (and `why` it takes one)."""

        def read_profile(slack_user_id: str) -> dict[str, Any]:
            try:
                return digest_slack.user_profile(self.client, slack_user_id)
            except SendFailed:
                return {}

        admins = digest_flows.admins_unless_admin(
            session=db(self.context), user=current_user(self.context), read_profile=read_profile
        )
        if admins is None:
            return True
        if not admins:
            admins = digest_slack.find_admins(self.client)
        self.respond(**digest_ui.admins_only(admins, *why))
        return False


Handler = Callable[[SubcommandRequest], None]


@dataclass(frozen=True)
class Subcommand:
    """One /multiplier subcommand: its name, the other words that reach it, its handler."""

    name: str
    run: Handler
    aliases: tuple[str, ...] = ()


class SubcommandTable:
    """Every /multiplier subcommand, by name and alias."""

    def __init__(self, subcommands: Iterable[Subcommand]) -> None:
        self._by_word: dict[str, Subcommand] = {}
        for entry in subcommands:
            for word in (entry.name, *entry.aliases):
                if word in self._by_word:
                    raise ValueError(f"two /multiplier subcommands answer to {word!r}")
                self._by_word[word] = entry

    @property
    def names(self) -> list[str]:
        return sorted({entry.name for entry in self._by_word.values()})

    def resolve(self, word: str) -> Subcommand | None:
        return self._by_word.get(word.lower())

    def did_you_mean(self, word: str) -> str | None:
        """The subcommand a mistyped word is closest to, within MAX_TYPO_DISTANCE edits (a
        swap of two neighbouring letters is one edit); None when nothing is that close."""
        word = word.lower()
        if len(word) < _MIN_SUGGESTED_LENGTH:
            return None
        best: tuple[int, str] | None = None
        for candidate, entry in self._by_word.items():
            if len(candidate) < _MIN_SUGGESTED_LENGTH:
                continue
            distance = edit_distance(word, candidate)
            if distance <= MAX_TYPO_DISTANCE and (best is None or distance < best[0]):
                best = (distance, entry.name)
        return best[1] if best else None


MAX_TYPO_DISTANCE = 2
_MIN_SUGGESTED_LENGTH = 3


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
