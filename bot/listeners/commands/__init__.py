"""Slash commands: /brag, /kudos and /multiplier with its subcommands."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners import welcome
    from bot.listeners.commands import (
        brag,
        checkins,
        digest,
        evidence_commands,
        kudos,
        multiplier,
        summary,
    )

    # Imported for their @subcommand registrations.
    del checkins, evidence_commands, digest, summary

    s = registrar.settings
    # Someone's first command brings the welcome with its reply (bot/listeners/welcome.py).
    for name, handler in (
        (s.command_brag, brag.handle_brag),
        (s.command_kudos, kudos.handle_kudos),
        (s.command_multiplier, multiplier.handle_multiplier),
    ):
        registrar.command(name, welcome.on_first_command(handler, s))
