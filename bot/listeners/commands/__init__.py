"""Slash commands: /brag, /kudos and /multiplier with its subcommands."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners import welcome
    from bot.listeners.commands import (
        brag,
        capture,
        checkins,
        digest,
        evidence_commands,
        expectations,
        judgments,
        kudos,
        multiplier,
        problem,
        quotes,
        sponsor,
        story,
        summary,
    )
    from bot.listeners.commands.subcommands import SubcommandTable

    table = SubcommandTable(
        [
            *multiplier.SUBCOMMANDS,
            *checkins.SUBCOMMANDS,
            *summary.SUBCOMMANDS,
            *evidence_commands.SUBCOMMANDS,
            *digest.SUBCOMMANDS,
            *capture.SUBCOMMANDS,
            *sponsor.SUBCOMMANDS,
            *expectations.SUBCOMMANDS,
            *story.SUBCOMMANDS,
            *quotes.SUBCOMMANDS,
            *problem.SUBCOMMANDS,
            *judgments.SUBCOMMANDS,
        ]
    )
    s = registrar.settings
    # Someone's first command brings the welcome with its reply (bot/listeners/welcome.py).
    for name, handler in (
        (s.command_brag, brag.handle_brag),
        (s.command_kudos, kudos.handle_kudos),
        (s.command_multiplier, multiplier.router(table)),
    ):
        registrar.command(name, welcome.on_first_command(handler, s))
