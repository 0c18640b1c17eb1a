"""Views: listeners are added here by the features that need them."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.views import checkins
    from bot.ui import checkins as ui

    registrar.view(ui.ANSWER_VIEW, checkins.handle_answer_submission)
    registrar.view(ui.EDIT_VIEW, checkins.handle_edit_submission)
    registrar.view(ui.SETTINGS_VIEW, checkins.handle_settings_submission)
