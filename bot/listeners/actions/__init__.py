"""Actions: buttons and menus in messages and views."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.actions import evidence, home

    evidence.register(registrar)
    for action_id, handler in home.ACTIONS.items():
        registrar.action(action_id, handler)

    from bot.listeners.actions import checkins
    from bot.ui import checkins as ui

    registrar.action(ui.ANSWER, checkins.handle_answer)
    registrar.action(ui.NOTHING, checkins.handle_nothing)
    registrar.action(ui.SNOOZE, checkins.handle_snooze)
    registrar.action(ui.SKIP, checkins.handle_skip)
    registrar.action(ui.PAUSE, checkins.handle_pause)
    registrar.action(ui.EDIT_ANSWER, checkins.handle_edit_answer)
    registrar.action(ui.UNDO_ANSWER, checkins.handle_undo_answer)
    registrar.action(ui.ANSWER_DIMENSION, checkins.handle_answer_dimension)
    registrar.action(ui.ANSWER_SCOPE, checkins.handle_answer_scope)
    registrar.action(ui.START, checkins.handle_start)
    registrar.action(ui.OPEN_SETTINGS, checkins.handle_open_settings)
