"""Buttons on a check-in, on an answer's confirmation, and on the welcome.

Values carry ids only; the flows re-check that the check-in or answer belongs to the
person who clicked, in their workspace. Anything else is refused and changes nothing.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.checkins import flows, present
from bot.checkins.service import parse_id
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.slack.people import names_in, profile_or_none
from bot.ui import checkins as ui

logger = logging.getLogger(__name__)


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _refuse(respond: Respond, body: dict[str, Any], client: WebClient, slack_user_id: str) -> None:
    logger.warning(
        "refused a check-in action that is not the user's",
        extra={"user_id": slack_user_id, "action": _action(body).get("action_id")},
    )
    _tell(respond, body, client, slack_user_id, ui.refusal())


def _tell(
    respond: Respond,
    body: dict[str, Any],
    client: WebClient,
    slack_user_id: str,
    message: dict[str, Any],
) -> None:
    """An ephemeral note where the click happened, or a DM when there is no response_url."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message)
    else:
        client.chat_postMessage(channel=slack_user_id, **message)


def _redraw(client: WebClient, redraw: flows.Redraw | None) -> None:
    if redraw is not None:
        client.chat_update(**redraw.arguments())


def handle_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Answer" on a question: open the short answer modal."""
    ack()
    user = current_user(context)
    action = _action(body)
    library = coaching_library(context)
    try:
        opening = flows.open_answer(
            session=db(context),
            user=user,
            library=library,
            checkin_id=parse_id(action.get("value")),
            index=ui.question_index(action.get("block_id")),
        )
    except flows.NotYours:
        _refuse(respond, body, client, user.slack_user_id)
        return
    if opening.answered:
        _tell(respond, body, client, user.slack_user_id, ui.already_done())
        return
    view = present.answer_view(
        library,
        callback_id=ui.ANSWER_VIEW,
        metadata=opening.metadata,
        question=opening.question,
        form=ui.AnswerForm(dimension=opening.dimension),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_nothing(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Nothing this week" on a question."""
    ack()
    user = current_user(context)
    action = _action(body)
    try:
        redraw = flows.answer_nothing(
            session=db(context),
            user=user,
            library=coaching_library(context),
            checkin_id=parse_id(action.get("value")),
            index=ui.question_index(action.get("block_id")),
            now=clock.now(),
        )
    except flows.NotYours:
        _refuse(respond, body, client, user.slack_user_id)
        return
    _redraw(client, redraw)


def _checkin_control(name: str):  # untyped: the handlers mix into dicts of other listeners
    def handle(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = current_user(context)
        action = _action(body)
        session, library, now = db(context), coaching_library(context), clock.now()
        try:
            if name == "pause":
                raw = str((action.get("selected_option") or {}).get("value") or "")
                checkin_text, _, weeks = raw.partition(":")
                redraw = flows.pause_from_checkin(
                    session=session,
                    user=user,
                    library=library,
                    checkin_id=parse_id(checkin_text),
                    weeks=parse_id(weeks) or 0,
                    now=now,
                )
            else:
                redraw = flows.postpone(
                    session=session,
                    user=user,
                    library=library,
                    checkin_id=parse_id(action.get("value")),
                    now=now,
                    skip=name == "skip",
                )
        except flows.NotYours:
            _refuse(respond, body, client, user.slack_user_id)
            return
        _redraw(client, redraw)

    handle.__name__ = f"handle_{name}"
    return handle


handle_snooze = _checkin_control("snooze")
handle_skip = _checkin_control("skip")
handle_pause = _checkin_control("pause")


def handle_edit_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Edit" on an answer's confirmation: the answer modal, filled in."""
    ack()
    user = current_user(context)
    library = coaching_library(context)
    try:
        editing = flows.open_edit(
            session=db(context),
            user=user,
            library=library,
            answer_id=parse_id(_action(body).get("value")),
        )
    except flows.NotYours:
        _refuse(respond, body, client, user.slack_user_id)
        return
    form = editing.form
    view = present.answer_view(
        library,
        callback_id=ui.EDIT_VIEW,
        metadata=str(editing.answer_id),
        question=editing.question,
        form=present.filled_form(form, names_in(client, form.text, form.impact)),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_undo_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Not an answer": forget the answer and its evidence entry."""
    ack()
    user = current_user(context)
    try:
        redraw = flows.undo_answer(
            session=db(context),
            user=user,
            library=coaching_library(context),
            answer_id=parse_id(_action(body).get("value")),
        )
    except flows.NotYours:
        _refuse(respond, body, client, user.slack_user_id)
        return
    respond(replace_original=True, **ui.answer_removed())
    _redraw(client, redraw)


def _relabel(change: str):  # untyped, as _checkin_control
    def handle(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """Change what an answer was filed under, from its confirmation, in one click."""
        ack()
        user = current_user(context)
        library = coaching_library(context)
        raw = str((_action(body).get("selected_option") or {}).get("value") or "")
        answer_text, _, choice = raw.partition(":")
        try:
            done = flows.relabel(
                session=db(context),
                user=user,
                library=library,
                answer_id=parse_id(answer_text),
                change=change,
                choice=choice or None,
            )
        except flows.NotYours:
            _refuse(respond, body, client, user.slack_user_id)
            return
        message = present.answer_confirmation(library=library, answer=done.answer, entry=done.entry)
        respond(replace_original=True, **message)

    handle.__name__ = f"handle_answer_{change}"
    return handle


handle_answer_dimension = _relabel("dimension")
handle_answer_scope = _relabel("scope")


def handle_start(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Start weekly check-ins" on the welcome: opt in with the defaults, in one click.

    The welcome always rides on another reply (a /brag confirmation with its Edit, Share
    and Delete, the help…), so the answer is a new message: replacing the one clicked would
    take that reply and its buttons away.
    """
    ack()
    user = current_user(context)
    described = flows.start_from_welcome(
        session=db(context),
        user=user,
        now=clock.now(),
        read_profile=partial(profile_or_none, client),
    )
    reply = ui.schedule_reply(
        described.description, described.next_local, multiplier=command_names(context).multiplier
    )
    if body.get("response_url") and (body.get("container") or {}).get("type") == "message":
        respond(response_type="ephemeral", replace_original=False, **reply)
    else:
        client.chat_postMessage(channel=user.slack_user_id, **reply)


def handle_open_settings(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """ "Choose day & time": the settings modal."""
    ack()
    form = flows.settings_form(
        session=db(context),
        user=current_user(context),
        read_profile=partial(profile_or_none, client),
    )
    client.views_open(trigger_id=body["trigger_id"], view=ui.settings_modal(form))
