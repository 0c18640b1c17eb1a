"""/multiplier: help and the subcommand router."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.commands.subcommands import (
    Subcommand,
    SubcommandRequest,
    SubcommandTable,
)
from bot.listeners.support import capture_emoji, command_names, respond_all
from bot.ui import messages
from bot.ui.text import readable


def show_help(request: SubcommandRequest) -> None:
    request.respond(
        **messages.help_message(
            command_names(request.context), capture_emoji=capture_emoji(request.context)
        )
    )


def router(table: SubcommandTable) -> Callable[..., None]:
    """The /multiplier listener for this table of subcommands."""

    def handle_multiplier(
        ack: Ack,
        command: dict[str, Any],
        context: BoltContext,
        respond: Respond,
        client: WebClient,
        body: dict[str, Any],
    ) -> None:
        """Route `/multiplier <subcommand> [args]`; unknown input gets usage, text echoed."""
        ack()
        typed = (command.get("text") or "").strip()
        name, _, args = typed.partition(" ")
        if not name:
            name = "help"
        entry = table.resolve(name)
        names = command_names(context)
        if entry is None:
            message = f"`{names.multiplier} {readable(name)}` is not a command I know."
            suggestion = table.did_you_mean(name)
            if suggestion is not None:
                message += f" Did you mean `{names.multiplier} {suggestion}`?"
            respond_all(
                respond,
                messages.usage_error(message, typed, names),
                client=client,
                user_id=context.user_id,
            )
            return
        entry.run(
            SubcommandRequest(
                name=name.lower(),
                args=args.strip(),
                typed=typed,
                context=context,
                respond=respond,
                client=client,
                body=body,
            )
        )

    return handle_multiplier


# The /multiplier subcommands this module answers (the table is built in __init__.py).
SUBCOMMANDS = (Subcommand("help", show_help, aliases=("?", "usage")),)
