"""Actions: listeners are added here by the features that need them."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    """Nothing yet."""
