"""Views: modal submissions."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.views import evidence_entry
    from bot.ui.evidence import ENTRY_VIEW

    registrar.view(ENTRY_VIEW, evidence_entry.handle_entry_submission)

    from bot.listeners.views import checkins
    from bot.ui import checkins as ui

    registrar.view(ui.ANSWER_VIEW, checkins.handle_answer_submission)
    registrar.view(ui.EDIT_VIEW, checkins.handle_edit_submission)
    registrar.view(ui.SETTINGS_VIEW, checkins.handle_settings_submission)

    from bot.listeners.views import sponsor
    from bot.ui import sponsor as sponsor_ui

    registrar.view(sponsor_ui.SPONSOR_VIEW, sponsor.handle_sponsor_submission)

    from bot.listeners.views import judgments
    from bot.ui.judgments import OUTCOME_VIEW

    registrar.view(OUTCOME_VIEW, judgments.handle_outcome_submission)

    from bot.listeners.views import expectations
    from bot.ui import expectations as expectations_ui

    registrar.view(expectations_ui.VIEW, expectations.handle_submission)

    from bot.listeners.views import story
    from bot.ui import story as story_ui

    registrar.view(story_ui.STORY_VIEW, story.handle_story_submission)
    from bot.listeners.views import quotes
    from bot.ui import quotes as quotes_ui

    registrar.view(quotes_ui.REQUEST_VIEW, quotes.handle_request_submission)
    registrar.view(quotes_ui.ANSWER_VIEW, quotes.handle_answer_submission)
