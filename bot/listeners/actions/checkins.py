"""Buttons on a check-in, on an answer's confirmation, and on the welcome.

Values carry ids only; the flows re-check that the check-in or answer belongs to the
person who clicked, in their workspace. Anything else is refused and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.checkins import flows, present
from bot.conversations import flows as dm_flows
from bot.listeners.forgotten import sent_before_their_row
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    question_choices,
)
from bot.slack.people import names_in, profile_or_none
from bot.ui import checkins as ui
from bot.ui import messages
from bot.values import parse_id

if TYPE_CHECKING:
    from bot.db.models import User

logger = logging.getLogger(__name__)

Listener = Callable[[Ack, dict[str, Any], BoltContext, WebClient, Respond], None]
# What a button does for the person who clicked it; flows.NotYours when it is not theirs.
Work = Callable[["User", dict[str, Any], BoltContext, WebClient, Respond], None]


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _selected(body: dict[str, Any]) -> str:
    return str((_action(body).get("selected_option") or {}).get("value") or "")


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


def _own(work: Work) -> Listener:
    """The listener: ack, then the work; a check-in or answer that is not the clicker's is
    refused with a note and changes nothing."""

    def handle(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = current_user(context)
        try:
            work(user, body, context, client, respond)
        except flows.NotYours:
            if sent_before_their_row(body, user.created_at):
                # Not tampering: the check-in was theirs, and went with their forget-me.
                logger.info("a button on a check-in deleted with forget-me")
                _tell(respond, body, client, user.slack_user_id, ui.forgotten_checkin())
                return
            logger.warning(
                "refused a check-in action that is not the user's",
                extra={"user_id": user.slack_user_id, "action": _action(body).get("action_id")},
            )
            _tell(respond, body, client, user.slack_user_id, ui.refusal())

    handle.__name__, handle.__doc__ = work.__name__, work.__doc__
    return handle


@_own
def handle_answer(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Answer" on a question: open the short answer modal."""
    action = _action(body)
    library = coaching_library(context)
    opening = flows.open_answer(
        session=db(context),
        user=user,
        library=library,
        checkin_id=parse_id(action.get("value")),
        index=ui.question_index(action.get("block_id")),
    )
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


@_own
def handle_nothing(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Nothing this week" on a question."""
    action = _action(body)
    redraw = flows.answer_nothing(
        session=db(context),
        user=user,
        library=coaching_library(context),
        checkin_id=parse_id(action.get("value")),
        index=ui.question_index(action.get("block_id")),
        now=clock.now(),
    )
    _redraw(client, redraw)


def _postpone(skip: bool) -> Work:
    def postpone(
        user: User, body: dict[str, Any], context: BoltContext, client: WebClient, _: Respond
    ) -> None:
        """ "Snooze" or "Skip this week" on a check-in."""
        redraw = flows.postpone(
            session=db(context),
            user=user,
            library=coaching_library(context),
            checkin_id=parse_id(_action(body).get("value")),
            now=clock.now(),
            skip=skip,
        )
        _redraw(client, redraw)

    postpone.__name__ = "handle_skip" if skip else "handle_snooze"
    return postpone


@_own
def handle_pause(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, _: Respond
) -> None:
    """ "Pause for …" on a check-in: its menu's option, or the button on the line that noticed
    three check-ins went unanswered (either's value: "<check-in id>:<weeks>")."""
    chosen = _selected(body) or str(_action(body).get("value") or "")
    checkin_text, _sep, weeks = chosen.partition(":")
    redraw = flows.pause_from_checkin(
        session=db(context),
        user=user,
        library=coaching_library(context),
        checkin_id=parse_id(checkin_text),
        weeks=parse_id(weeks) or 0,
        now=clock.now(),
    )
    _redraw(client, redraw)


@_own
def handle_silence_cadence(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, _: Respond
) -> None:
    """ "Every two weeks" (or "Once a week") on the line that noticed three check-ins went
    unanswered (the value: "<check-in id>:<cadence>")."""
    checkin_text, _sep, cadence = str(_action(body).get("value") or "").partition(":")
    redraw = flows.respond_to_silence(
        session=db(context),
        user=user,
        library=coaching_library(context),
        checkin_id=parse_id(checkin_text),
        cadence=cadence or None,
        now=clock.now(),
    )
    _redraw(client, redraw)


@_own
def handle_silence_keep(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, _: Respond
) -> None:
    """ "Keep as is" on the line that noticed three check-ins went unanswered."""
    redraw = flows.respond_to_silence(
        session=db(context),
        user=user,
        library=coaching_library(context),
        checkin_id=parse_id(_action(body).get("value")),
        cadence=None,
        now=clock.now(),
    )
    _redraw(client, redraw)


@_own
def handle_edit_answer(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, _: Respond
) -> None:
    """ "Edit" on an answer's confirmation: the answer modal, filled in."""
    library = coaching_library(context)
    editing = flows.open_edit(
        session=db(context),
        user=user,
        library=library,
        answer_id=parse_id(_action(body).get("value")),
    )
    form = editing.form
    view = present.answer_view(
        library,
        callback_id=ui.EDIT_VIEW,
        metadata=str(editing.answer_id),
        question=editing.question,
        form=present.filled_form(form, names_in(client, form.text, form.impact)),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


@_own
def handle_undo_answer(
    user: User, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Not an answer": forget the answer and its evidence entry; a DM answer is offered to
    be filed elsewhere ("It answers…" the other open questions, or "Just a note")."""
    library = coaching_library(context)
    undone = flows.undo_answer(
        session=db(context),
        user=user,
        library=library,
        answer_id=parse_id(_action(body).get("value")),
    )
    refile = None
    if undone.dm is not None:
        refile = dm_flows.refile_choices(
            session=db(context),
            user=user,
            channel_id=undone.dm[0],
            ts=undone.dm[1],
            now=clock.now(),
            exclude_prompt=undone.prompt_id,
        )
    if refile is not None and refile.dm_id is not None:
        choices = question_choices(library, user, refile.choices)
        respond(**messages.which_question(refile.dm_id, choices, removed=True))
    else:
        respond(replace_original=True, **ui.answer_removed())
    _redraw(client, undone.redraw)


def _relabel(change: str) -> Work:
    def relabel(
        user: User, body: dict[str, Any], context: BoltContext, _: WebClient, respond: Respond
    ) -> None:
        """Change what an answer was filed under, from its confirmation, in one click."""
        library = coaching_library(context)
        answer_text, _sep, choice = _selected(body).partition(":")
        done = flows.relabel(
            session=db(context),
            user=user,
            library=library,
            answer_id=parse_id(answer_text),
            change=change,
            choice=choice or None,
            edited=ui.quotes_edited_text(body.get("message")),
        )
        respond(replace_original=True, **done.message)

    relabel.__name__ = f"handle_answer_{change}"
    return relabel


handle_snooze = _own(_postpone(skip=False))
handle_skip = _own(_postpone(skip=True))
handle_answer_dimension = _own(_relabel("dimension"))
handle_answer_scope = _own(_relabel("scope"))


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
