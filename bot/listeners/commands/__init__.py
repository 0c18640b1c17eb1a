"""Slash commands: /brag, /kudos and /multiplier with its subcommands."""

from __future__ import annotations

from bot.listeners import Registrar
from bot.middleware import PlainMiddleware


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
    welcome.register(registrar)

    s = registrar.settings
    registrar.command(
        s.command_brag, brag.handle_brag, middleware=[PlainMiddleware(brag.ack_quick_brag)]
    )
    registrar.command(s.command_kudos, kudos.handle_kudos)
    registrar.command(s.command_multiplier, multiplier.handle_multiplier)
