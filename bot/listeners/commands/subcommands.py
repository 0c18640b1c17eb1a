"""The /multiplier subcommand table. Feature modules add their subcommands with @subcommand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient


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
