"""Actions: listeners are added here by the features that need them."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.actions import home

    for action_id, handler in home.ACTIONS.items():
        registrar.action(action_id, handler)
