"""/kudos @someone <text>: peer recognition (the evidence flow lives in bot.evidence)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.support import command_names
from bot.ui import messages


def handle_kudos(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Explain usage; recording kudos arrives with the evidence log."""
    ack()
    names = command_names(context)
    respond(
        **messages.usage_error(
            f"Kudos are not recorded yet in this version. Usage: `{names.kudos} @someone what "
            "they did`",
            (command.get("text") or "").strip(),
            names,
        )
    )
