"""/multiplier: help and the subcommand router."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.commands.subcommands import SubcommandRequest, resolve, subcommand
from bot.listeners.support import command_names
from bot.ui import messages


@subcommand("help", "?", "usage")
def show_help(request: SubcommandRequest) -> None:
    request.respond(**messages.help_message(command_names(request.context)))


def handle_multiplier(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
    body: dict[str, Any],
) -> None:
    """Route `/multiplier <subcommand> [args]`; unknown input gets usage with the text echoed."""
    ack()
    typed = (command.get("text") or "").strip()
    name, _, args = typed.partition(" ")
    if not name:
        name = "help"
    handler = resolve(name)
    names = command_names(context)
    if handler is None:
        respond(
            **messages.usage_error(
                f"`{names.multiplier} {name}` is not a command I know.", typed, names
            )
        )
        return
    handler(
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
