"""Submissions of the check-in answer, answer edit and settings modals.

Form problems are answered in the ack (response_action "errors"); everything else happens
after it. private_metadata carries ids only and is re-checked against the submitter.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import answers, present, schedule, service
from bot.checkins.answers import AnswerForm, NotYours
from bot.db.base import utcnow
from bot.db.models import User
from bot.evidence.parsing import bare_names
from bot.evidence.service import MAX_TEXT_LENGTH, EvidenceTextError, check_text
from bot.listeners.actions.checkins import refresh_checkin_message
from bot.listeners.commands.checkins import _schedule_reply
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    people_named,
)
from bot.slack.people import names_in
from bot.timetext import parse_time_of_day
from bot.ui import checkins as ui
from bot.ui.text import Names, from_typed
from bot.values import parse_int

logger = logging.getLogger(__name__)


def _values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return (view.get("state") or {}).get("values") or {}


def _value(values: dict, block: str, action: str) -> dict[str, Any]:
    return (values.get(block) or {}).get(action) or {}


def _selected(values: dict, block: str, action: str) -> str | None:
    option = _value(values, block, action).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def _minute(text: object) -> int | None:
    """A timepicker's `HH:mm` (read like every typed time, see bot.timetext)."""
    return parse_time_of_day(text) if isinstance(text, str) and text else None


def parse_answer_form(view: dict[str, Any], context: BoltContext) -> tuple[AnswerForm, dict]:
    """The answer modal's values, checked: (form, errors by block id)."""
    values = _values(view)
    errors: dict[str, str] = {}
    text = str(_value(values, "what", "text").get("value") or "")
    if not text.strip():
        errors["what"] = "Tell me what happened."
    else:
        try:
            check_text(text)
        except EvidenceTextError:
            errors["what"] = f"Keep it under {MAX_TEXT_LENGTH:,} characters, plain text."
    for block, action in (("impact", "impact"),):
        try:
            check_text(str(_value(values, block, action).get("value") or ""))
        except EvidenceTextError:
            errors[block] = "That can't be stored; shorten it."
    people = tuple(
        str(p) for p in _value(values, "who", "people").get("selected_users") or [] if p
    )[:50]
    lib = coaching_library(context)
    dimension = _selected(values, "dimension", "dimension")
    if dimension is not None and dimension not in lib.dimension_ids:
        errors["dimension"] = "Pick one of the listed dimensions."
    scope = _selected(values, "scope", "scope")
    if scope is not None and scope not in lib.scope_ids:
        errors["scope"] = "Pick one of the listed scopes."
    link = (_value(values, "link", "link").get("value") or "").strip() or None
    if link is not None and not link.lower().startswith(("http://", "https://")):
        errors["link"] = "A link starts with https://"
    impact = (_value(values, "impact", "impact").get("value") or "").strip() or None
    visibility = _selected(values, "visibility", "visibility") or "private"
    if visibility not in ("private", "team"):
        errors["visibility"] = "Pick who may see it."
    form = AnswerForm(
        text=text,
        people=people,
        dimension=dimension,
        scope=scope,
        link=link,
        impact=impact,
        visibility=visibility,
    )
    return form, errors


def stored_form(form: AnswerForm, *, original: AnswerForm | None, names: Names) -> AnswerForm:
    """The typed answer as stored text (Slack-escaped, see `from_typed`); an edit left as it
    was prefilled keeps the stored text exactly."""
    before_text = original.text if original is not None else None
    before_impact = original.impact if original is not None else None
    return replace(
        form,
        text=from_typed(form.text, original=before_text, names=names),
        impact=from_typed(form.impact, original=before_impact, names=names)
        if form.impact
        else None,
    )


def handle_answer_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Store the answer to one question (metadata "checkin_id:index", re-checked)."""
    form, errors = parse_answer_form(view, context)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    session = db(context)
    user = current_user(context)
    form = stored_form(form, original=None, names={})
    checkin_text, _, index_text = str(view.get("private_metadata") or "").partition(":")
    named = people_named(context, client, user, bare_names(form.text))
    try:
        change = answers.answer_with_form(
            session=session,
            user=user,
            checkin_id=service.parse_id(checkin_text),
            index=service.parse_id(index_text),
            form=form,
            now=utcnow(),
            library=coaching_library(context),
            named=named,
        )
    except NotYours:
        session.rollback()
        logger.warning("refused an answer to a check-in that is not the user's")
        client.chat_postMessage(channel=user.slack_user_id, **ui.refusal())
        return
    session.commit()
    if change.changed:
        refresh_checkin_message(
            client=client, session=session, context=context, checkin=change.checkin, user=user
        )
        _confirm_in_thread(client=client, session=session, context=context, change=change)
        _tell_unresolved(client, user, change)


def _confirm_in_thread(
    *, client: WebClient, session: Session, context: BoltContext, change: answers.Change
) -> None:
    """Confirm a form answer in the check-in's thread: what was understood, one-click
    changes, and the follow-ups the answer could still use."""
    checkin, answer = change.checkin, change.answer
    if answer is None or not checkin.channel_id or not checkin.message_ts:
        return
    _, entry = answers.answer_entry(
        session=session, user=current_user(context), answer_id=answer.id
    )
    message = present.answer_confirmation(
        library=coaching_library(context), answer=answer, entry=entry
    )
    client.chat_postMessage(channel=checkin.channel_id, thread_ts=checkin.message_ts, **message)


def _tell_unresolved(client: WebClient, user: User, change: answers.Change) -> None:
    """@names in the answer that matched no one: say so (in the check-in's thread), so they
    can be picked with Edit."""
    if not change.unresolved or change.answer is None:
        return
    checkin = change.checkin
    if checkin is not None and checkin.channel_id and checkin.message_ts:
        channel, thread_ts = checkin.channel_id, checkin.message_ts
    else:
        channel, thread_ts = user.slack_user_id, None  # slack_sdk leaves a None out
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        **ui.unresolved_people(names=change.unresolved, answer_id=change.answer.id),
    )


def handle_edit_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Save an edited answer (metadata: the answer id, re-checked)."""
    form, errors = parse_answer_form(view, context)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    session = db(context)
    user = current_user(context)
    answer_id = service.parse_id(view.get("private_metadata"))
    try:
        _, before = answers.answer_form_of(session=session, user=user, answer_id=answer_id)
        names = names_in(client, before.text, before.impact)
        form = stored_form(form, original=before, names=names)
        named = people_named(context, client, user, bare_names(form.text))
        change = answers.edit_answer(
            session=session,
            user=user,
            answer_id=answer_id,
            form=form,
            library=coaching_library(context),
            named=named,
        )
    except NotYours:
        session.rollback()
        logger.warning("refused an edit of an answer that is not the user's")
        client.chat_postMessage(channel=user.slack_user_id, **ui.refusal())
        return
    session.commit()
    if change.checkin is not None:
        refresh_checkin_message(
            client=client, session=session, context=context, checkin=change.checkin, user=user
        )
    _tell_unresolved(client, user, change)


def parse_settings(view: dict[str, Any]) -> service.NewPreferences:
    values = _values(view)
    day = _selected(values, "day", "day")
    second = _selected(values, "second_day", "second_day")
    pause = _value(values, "pause_until", "pause_until").get("selected_date")
    try:
        paused_until = date.fromisoformat(pause) if pause else None
    except (TypeError, ValueError):  # not a date: refused as out of range below
        paused_until = date.min
    reminder = _value(values, "reminder", "reminder").get("selected_options") or []
    minute = _minute(_value(values, "time", "time").get("selected_time"))
    workdays = _value(values, "workdays", "workdays")
    return service.NewPreferences(
        cadence=_selected(values, "cadence", "cadence") or "weekly",
        weekday=_weekday(day),
        second_weekday=_second_weekday(second),
        minute=-1 if minute is None else minute,
        quiet_start=_minute(_value(values, "quiet_start", "quiet_start").get("selected_time")),
        quiet_end=_minute(_value(values, "quiet_end", "quiet_end").get("selected_time")),
        reminder=any(o.get("value") == "remind" for o in reminder),
        paused_until=paused_until,
        # A form opened before work days existed has no such field: keep what is stored.
        workdays=_days(workdays.get("selected_options") or []) if workdays else None,
    )


def _weekday(value: object) -> int:
    """A day option's value ("0" for Monday … "6"); -1 (refused later) for anything else."""
    day = parse_int(value, high=6)
    return -1 if day is None else day


def _second_weekday(value: object) -> int | None:
    """The optional second day: None when none (or no day) was chosen."""
    return parse_int(value, high=6)


def _days(options: list[Any]) -> int:
    """The work-day mask of checked day options (values "0" for Monday … "6")."""
    days = [
        day
        for option in options
        if isinstance(option, dict) and (day := parse_int(option.get("value"), high=6)) is not None
    ]
    return schedule.workdays_mask(days)


def handle_settings_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Apply the settings modal; problems are shown on the fields."""
    prefs = parse_settings(view)
    session = db(context)
    user = current_user(context)
    now = utcnow()
    errors = service.validate(prefs, today=service.local_today(user, now))
    if prefs.minute < 0:
        errors["time"] = "Pick a time."
    if errors:
        session.rollback()
        ack(response_action="errors", errors=errors)
        return
    ack()
    described = service.update_preferences(session=session, user=user, prefs=prefs, now=now)
    session.commit()
    reply = _schedule_reply(described, command_names(context).multiplier)
    reply.pop("response_type")
    client.chat_postMessage(channel=user.slack_user_id, **reply)
