"""Every listener group, registered explicitly in one place (the app factory calls this)."""

from __future__ import annotations

from bot.listeners import Registrar, actions, commands, events, shortcuts, views


def register_all(registrar: Registrar) -> None:
    """Register every listener group."""
    for group in (commands, events, shortcuts, actions, views):
        group.register(registrar)
