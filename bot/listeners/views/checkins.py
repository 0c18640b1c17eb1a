"""Submissions of the check-in answer, answer edit and settings modals.

Form problems are answered in the ack (response_action "errors"); everything else happens
after it. private_metadata carries ids only and is re-checked against the submitter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.checkins import flows, schedule, service
from bot.checkins.answers import AnswerForm
from bot.evidence.service import MAX_TEXT_LENGTH, EvidenceTextError, check_text
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
from bot.values import parse_id, parse_int

if TYPE_CHECKING:
    from bot.db.models import User

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
    try:
        check_text(str(_value(values, "impact", "impact").get("value") or ""))
    except EvidenceTextError:
        errors["impact"] = "That can't be stored; shorten it."
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


def _send(client: WebClient, saved: flows.AnswerSaved) -> None:
    """The check-in redrawn, then the answer's confirmation and any unresolved @names."""
    if saved.redraw is not None:
        client.chat_update(**saved.redraw.arguments())
    for post in (saved.confirmation, saved.unresolved):
        if post is not None:
            client.chat_postMessage(**post.arguments())


def _submitted(
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    save: Callable[[User, AnswerForm, flows.PeopleFinder], flows.AnswerSaved],
    *,
    refused: str,
) -> None:
    """Check the answer modal (problems shown on its fields), then `save` it; a check-in or
    answer that is not the submitter's is refused (`refused`: what is logged)."""
    form, errors = parse_answer_form(view, context)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user = current_user(context)
    try:
        saved = save(user, form, partial(people_named, context, client, user))
    except flows.NotYours:
        logger.warning(refused)
        client.chat_postMessage(channel=user.slack_user_id, **ui.refusal())
        return
    _send(client, saved)


def handle_answer_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Store the answer to one question (metadata "checkin_id:index", re-checked)."""
    checkin_text, _, index_text = str(view.get("private_metadata") or "").partition(":")

    def save(user: User, form: AnswerForm, people: flows.PeopleFinder) -> flows.AnswerSaved:
        return flows.submit_answer(
            session=db(context),
            user=user,
            library=coaching_library(context),
            checkin_id=parse_id(checkin_text),
            index=parse_id(index_text),
            form=stored_form(form, original=None, names={}),
            people=people,
            now=clock.now(),
        )

    refused = "refused an answer to a check-in that is not the user's"
    _submitted(ack, view, context, client, save, refused=refused)


def handle_edit_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Save an edited answer (metadata: the answer id, re-checked)."""

    def save(user: User, form: AnswerForm, people: flows.PeopleFinder) -> flows.AnswerSaved:
        def restate(before: AnswerForm) -> AnswerForm:
            names = names_in(client, before.text, before.impact)
            return stored_form(form, original=before, names=names)

        return flows.save_edit(
            session=db(context),
            user=user,
            library=coaching_library(context),
            answer_id=parse_id(view.get("private_metadata")),
            restate=restate,
            people=people,
        )

    refused = "refused an edit of an answer that is not the user's"
    _submitted(ack, view, context, client, save, refused=refused)


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
    calendar = _value(values, "holiday_calendar", "holiday_calendar")
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
        # A form opened before the calendar existed has no such field: keep what is stored.
        holiday_calendar=str(calendar.get("value") or "")[:64] if calendar else None,
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
    now = clock.now()
    errors = flows.settings_problems(session=session, user=user, prefs=prefs, now=now)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    described = flows.apply_settings(session=session, user=user, prefs=prefs, now=now)
    reply = ui.schedule_reply(
        described.description,
        described.next_local,
        multiplier=command_names(context).multiplier,
        active=described.active,
    )
    client.chat_postMessage(channel=user.slack_user_id, **reply)
