"""Actions: buttons and menus in messages and views."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.actions import evidence, home

    evidence.register(registrar)
    for action_id, handler in home.ACTIONS.items():
        registrar.action(action_id, handler)
