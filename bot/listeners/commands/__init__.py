"""Slash commands: /brag, /kudos and /multiplier with its subcommands."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.commands import brag, digest, evidence_commands, kudos, multiplier, summary

    del evidence_commands, digest, summary  # imported for their @subcommand registrations

    s = registrar.settings
    registrar.command(s.command_brag, brag.handle_brag)
    registrar.command(s.command_kudos, kudos.handle_kudos)
    registrar.command(s.command_multiplier, multiplier.handle_multiplier)
