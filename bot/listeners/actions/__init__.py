"""Actions: buttons and menus in messages and views."""

from __future__ import annotations

from bot.listeners import Registrar
from bot.slack.bolt_compat import Handler


def register(registrar: Registrar) -> None:
    from bot.listeners.actions import (
        captures,
        checkins,
        direct_messages,
        evidence,
        expectation_check,
        home,
        judgments,
        mapping,
        problems,
        suggestions,
    )
    from bot.listeners.forgotten import answer_if_forgotten
    from bot.ui import checkins as ui
    from bot.ui import messages

    # Buttons that act on something stored for the person: on an older message of someone
    # who has since used forget-me they answer "this was deleted with forget-me".
    about_stored_data: dict[str, Handler] = {
        **evidence.ACTIONS,
        **captures.ACTIONS,  # React to log: the choice about someone else's message
        **suggestions.ACTIONS,
        **judgments.ACTIONS,  # a judgment call's follow-up, and marking a bet
        **expectation_check.ACTIONS,  # the monthly expectations check's answer
        **problems.ACTIONS,  # a staff problem's Done, Clear and stall answers
        **mapping.ACTIONS,  # an entry's "evidence for" expectations menu
        ui.ANSWER: checkins.handle_answer,
        ui.NOTHING: checkins.handle_nothing,
        ui.SNOOZE: checkins.handle_snooze,
        ui.SKIP: checkins.handle_skip,
        ui.PAUSE: checkins.handle_pause,
        ui.SILENCE_CADENCE: checkins.handle_silence_cadence,
        ui.SILENCE_KEEP: checkins.handle_silence_keep,
        ui.EDIT_ANSWER: checkins.handle_edit_answer,
        ui.UNDO_ANSWER: checkins.handle_undo_answer,
        ui.ANSWER_DIMENSION: checkins.handle_answer_dimension,
        ui.ANSWER_SCOPE: checkins.handle_answer_scope,
        messages.DM_LOG_IT: direct_messages.handle_log_it,
        **dict.fromkeys(messages.DM_ROUTE_ACTIONS, direct_messages.handle_route),
    }
    for action_id, handler in about_stored_data.items():
        registrar.action(action_id, answer_if_forgotten(handler))
    # These start something new (check-ins, settings, an export): anyone may press them.
    for action_id, handler in home.ACTIONS.items():
        registrar.action(action_id, handler)
    registrar.action(ui.START, checkins.handle_start)
    registrar.action(ui.OPEN_SETTINGS, checkins.handle_open_settings)
    from bot.listeners.actions import sponsor
    from bot.ui import sponsor as sponsor_ui

    registrar.action(sponsor_ui.OPEN_ACTION, sponsor.handle_open)

    from bot.listeners.actions import expectations
    from bot.ui import expectations as expectations_ui

    registrar.action(expectations_ui.OPEN, expectations.handle_open)

    from bot.listeners.actions import story
    from bot.ui import story as story_ui

    # About stored data (the person's story): a press after forget-me says it was deleted.
    registrar.action(story_ui.OPEN_ACTION, answer_if_forgotten(story.handle_open))
    # Quote requests: the peer who answers may never have used the app, so these are not
    # guarded as "about stored data" (a press without a row is no sign of forget-me here).
    from bot.listeners.actions import quotes
    from bot.ui import quotes as quotes_ui

    registrar.action(quotes_ui.REQUEST_ACTION, quotes.handle_request_open)
    registrar.action(quotes_ui.ANSWER_ACTION, quotes.handle_write)
    registrar.action(quotes_ui.DECLINE_ACTION, quotes.handle_not_now)

    from bot.ui import problems as problems_ui

    registrar.action(problems_ui.OPEN, problems.handle_open)
