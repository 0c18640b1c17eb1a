"""Buttons on a check-in, on an answer's confirmation, and on the welcome.

Values carry ids only; the services re-check that the check-in or answer belongs to the
person who clicked, in their workspace. Anything else is refused and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import answers, present, service
from bot.checkins.answers import NotYours
from bot.db.base import utcnow
from bot.db.models import CheckIn, User
from bot.listeners.commands.checkins import _schedule_reply, ensure_timezone, settings_view
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.slack.people import names_in
from bot.ui import checkins as ui

logger = logging.getLogger(__name__)


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _refuse(respond: Respond, body: dict[str, Any], client: WebClient, user: User) -> None:
    logger.warning(
        "refused a check-in action that is not the user's",
        extra={"user_id": user.slack_user_id, "action": _action(body).get("action_id")},
    )
    _tell(respond, body, client, user, ui.refusal())


def _tell(
    respond: Respond, body: dict[str, Any], client: WebClient, user: User, message: dict
) -> None:
    """An ephemeral note where the click happened, or a DM when there is no response_url."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message)
    else:
        client.chat_postMessage(channel=user.slack_user_id, **message)


def refresh_checkin_message(
    *,
    client: WebClient,
    session: Session,
    context: BoltContext,
    checkin: CheckIn,
    user: User,
    note: str | None = None,
) -> None:
    """chat.update the check-in so that used buttons are gone (from stored channel/ts only)."""
    if not checkin.channel_id or not checkin.message_ts:
        return
    message = present.current_message(
        library=coaching_library(context),
        checkin=checkin,
        answers=answers.answers_of(session, checkin),
        tz=user.tz,
        note=note,
    )
    client.chat_update(channel=checkin.channel_id, ts=checkin.message_ts, **message)


def handle_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Answer" on a question: open the short answer modal."""
    ack()
    session = db(context)
    user = current_user(context)
    action = _action(body)
    checkin = service.own_checkin(
        session=session, user=user, checkin_id=service.parse_id(action.get("value"))
    )
    index = ui.question_index(action.get("block_id"))
    session.commit()
    if (
        checkin is None
        or checkin.status not in answers.ANSWERABLE
        or index is None
        or index >= len(checkin.prompt_ids or [])
    ):
        _refuse(respond, body, client, user)
        return
    prompt_id = checkin.prompt_ids[index]
    if any(a.prompt_id == prompt_id for a in answers.answers_of(session, checkin)):
        _tell(respond, body, client, user, ui.already_done())
        return
    lib = coaching_library(context)
    last_week = present.about_last_week(checkin.slot_at, user.tz)
    (question,) = present.questions(lib, [prompt_id], last_week=last_week) or (None,)
    dimension = lib.prompt(prompt_id).dimension if question else None
    view = ui.answer_modal(
        callback_id=ui.ANSWER_VIEW,
        metadata=f"{checkin.id}:{index}",
        question=question.text if question else None,
        follow_ups=question.follow_ups if question else (),
        dimensions=_dimension_options(context),
        scopes=_scope_options(context),
        form=ui.AnswerForm(dimension=dimension),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _dimension_options(context: BoltContext) -> list[ui.Option]:
    return [ui.Option(d.id, d.name) for d in coaching_library(context).dimensions]


def _scope_options(context: BoltContext) -> list[ui.Option]:
    return [ui.Option(s.id, s.name) for s in coaching_library(context).scopes]


def handle_nothing(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Nothing this week" on a question."""
    ack()
    session = db(context)
    user = current_user(context)
    action = _action(body)
    try:
        change = answers.answer_nothing(
            session=session,
            user=user,
            checkin_id=service.parse_id(action.get("value")),
            index=ui.question_index(action.get("block_id")),
            now=utcnow(),
        )
    except NotYours:
        session.rollback()
        _refuse(respond, body, client, user)
        return
    session.commit()
    if change.changed:
        refresh_checkin_message(
            client=client, session=session, context=context, checkin=change.checkin, user=user
        )


def _checkin_control(name: str):
    def handle(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        ack()
        session = db(context)
        user = current_user(context)
        action = _action(body)
        now = utcnow()
        try:
            if name == "pause":
                raw = str((action.get("selected_option") or {}).get("value") or "")
                checkin_text, _, weeks = raw.partition(":")
                change = answers.pause_from_checkin(
                    session=session,
                    user=user,
                    checkin_id=service.parse_id(checkin_text),
                    weeks=service.parse_id(weeks) or 0,
                    now=now,
                )
                note = ui.status_note("paused", until=user.paused_until)
            else:
                act = answers.snooze if name == "snooze" else answers.skip
                change = act(
                    session=session,
                    user=user,
                    checkin_id=service.parse_id(action.get("value")),
                    now=now,
                )
                until = change.until.astimezone(_zone(user)) if change.until else None
                note = ui.status_note(change.checkin.status, until=until)
        except NotYours:
            session.rollback()
            _refuse(respond, body, client, user)
            return
        session.commit()
        if change.changed:
            refresh_checkin_message(
                client=client,
                session=session,
                context=context,
                checkin=change.checkin,
                user=user,
                note=note,
            )

    handle.__name__ = f"handle_{name}"
    return handle


def _zone(user: User):
    from bot.checkins.schedule import zone_for

    return zone_for(user.tz)


handle_snooze = _checkin_control("snooze")
handle_skip = _checkin_control("skip")
handle_pause = _checkin_control("pause")


def handle_edit_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Edit" on an answer's confirmation: the answer modal, filled in."""
    ack()
    session = db(context)
    user = current_user(context)
    try:
        answer, form = answers.answer_form_of(
            session=session, user=user, answer_id=service.parse_id(_action(body).get("value"))
        )
    except NotYours:
        session.rollback()
        _refuse(respond, body, client, user)
        return
    session.commit()
    question = None
    if answer.prompt_id:
        found = present.questions(coaching_library(context), [answer.prompt_id])
        question = found[0] if found else None
    view = ui.answer_modal(
        callback_id=ui.EDIT_VIEW,
        metadata=str(answer.id),
        question=question.text if question else None,
        follow_ups=question.follow_ups if question else (),
        dimensions=_dimension_options(context),
        scopes=_scope_options(context),
        form=ui.AnswerForm(
            text=form.text,
            people=form.people,
            dimension=form.dimension,
            scope=form.scope,
            link=form.link,
            impact=form.impact,
            visibility=form.visibility,
            names=names_in(client, form.text, form.impact),
        ),
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_undo_answer(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """ "Not an answer": forget the answer and its evidence entry."""
    ack()
    session = db(context)
    user = current_user(context)
    try:
        change = answers.undo_answer(
            session=session, user=user, answer_id=service.parse_id(_action(body).get("value"))
        )
    except NotYours:
        session.rollback()
        _refuse(respond, body, client, user)
        return
    session.commit()
    respond(replace_original=True, **ui.answer_removed())
    if change.checkin is not None:
        refresh_checkin_message(
            client=client, session=session, context=context, checkin=change.checkin, user=user
        )


def _relabel(change: str):
    def handle(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        """Change what an answer was filed under, from its confirmation, in one click."""
        ack()
        session = db(context)
        user = current_user(context)
        library = coaching_library(context)
        raw = str((_action(body).get("selected_option") or {}).get("value") or "")
        answer_text, _, choice = raw.partition(":")
        try:
            answer, entry = answers.relabel(
                session=session,
                user=user,
                answer_id=service.parse_id(answer_text),
                library=library,
                change=change,
                **{change: choice or None},
            )
        except NotYours:
            session.rollback()
            _refuse(respond, body, client, user)
            return
        session.commit()
        message = present.answer_confirmation(library=library, answer=answer, entry=entry)
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
    session = db(context)
    user = current_user(context)
    ensure_timezone(client, session, user)
    described = service.enable(session=session, user=user, now=utcnow())
    if user.welcomed_at is None:
        service.mark_welcomed(session=session, user=user, now=utcnow())
    session.commit()
    reply = _schedule_reply(described, command_names(context).multiplier)
    reply.pop("response_type")
    if body.get("response_url") and (body.get("container") or {}).get("type") == "message":
        respond(response_type="ephemeral", replace_original=False, **reply)
    else:
        client.chat_postMessage(channel=user.slack_user_id, **reply)


def handle_open_settings(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """ "Choose day & time": the settings modal."""
    ack()
    session = db(context)
    user = current_user(context)
    ensure_timezone(client, session, user)
    session.commit()
    client.views_open(trigger_id=body["trigger_id"], view=settings_view(user))
