"""From check-in rows and the coaching library to what the UI builders need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot.checkins import schedule
from bot.checkins.answers import AnswerForm, Reply
from bot.checkins.schedule import Preferences
from bot.coaching import followups
from bot.coaching.library import CoachingLibrary
from bot.coaching.staff_problem import STAFF_LEVEL_TEXT, STALL_TEXT, OnCheckin
from bot.db.models import Answer, CheckIn, EvidenceEntry, User
from bot.delivery.status import CheckInStatus
from bot.ui import checkins as ui
from bot.ui import expectations as expectations_ui
from bot.ui import problems as problems_ui
from bot.ui import suggestions as suggestions_ui
from bot.ui.blocks import Block


def about_last_week(slot_at: datetime, tz: str | None = None) -> bool:
    """Whether the check-in of this slot (in the user's zone) asks about the week that ended."""
    local = slot_at.astimezone(schedule.zone_for(tz)) if tz is not None else slot_at
    return schedule.asks_about_previous_week(local.date())


def period_of(
    slot_local: datetime,
    read_on: date | None = None,
    prefs: Preferences | None = None,
    span: schedule.Span | None = None,
) -> ui.Period:
    """The days the check-in of this slot asks about (`span`, as fixed when it was created;
    without one, for the person's cadence: every week unless `prefs` say otherwise), named
    as on the day it is read (`read_on`, default the slot's day): a week that has ended by
    then is "last week"."""
    span = span or schedule.span(prefs or Preferences(), slot_local.date())
    ended = span.kind == "week" and (read_on or slot_local.date()) > span.last
    return ui.Period(span.first, span.last, span.kind, ended)


def asked_span(checkin: CheckIn, prefs: Preferences) -> schedule.Span:
    """The days the check-in asks about, as fixed when it was created (rows from before
    that was kept: for the person's cadence now)."""
    return schedule.asked_span(prefs, checkin)


def questions(
    library: CoachingLibrary,
    prompt_ids: Sequence[str],
    answers: Sequence[Answer] = (),
    *,
    last_week: bool = False,
    period: ui.Period | None = None,
) -> list[ui.Question]:
    """The check-in's questions in order, each with its answer (prompts since removed skip).

    "this week" in a question is said in the words of the check-in's `period` ("last week",
    "since Tuesday", …); without one, "last week" for a check-in about the week that ended.
    """
    words = period.words if period else ui.about_last_week if last_week else str
    by_prompt = {a.prompt_id: a for a in answers if a.prompt_id}
    found = []
    for index, prompt_id in enumerate(prompt_ids):
        try:
            prompt = library.prompt(prompt_id)
        except KeyError:
            continue
        try:
            dimension = library.dimension(prompt.dimension).label
        except KeyError:
            dimension = ""
        answer = by_prompt.get(prompt_id)
        found.append(
            ui.Question(
                index=index,
                prompt_id=prompt_id,
                text=words(prompt.text),
                follow_ups=tuple(words(text) for text in prompt.follow_ups),
                dimension=dimension,
                answer_kind=answer.kind if answer else None,
                answer_text=answer.text if answer else None,
            )
        )
    return found


def shown_period(checkin: CheckIn, prefs: Preferences) -> ui.Period:
    """The period of the check-in on screen (posted at its slot, or again when a snooze
    ended), named as on the day it arrived."""
    zone = prefs.zone
    # While snoozed, the message on screen is still the one posted at the slot; once the
    # snooze has ended it was posted again, at snoozed_until.
    reposted = checkin.snoozed_until is not None and checkin.status != CheckInStatus.SNOOZED
    shown = checkin.snoozed_until if reposted and checkin.snoozed_until else checkin.slot_at
    return period_of(
        checkin.slot_at.astimezone(zone),
        shown.astimezone(zone).date(),
        prefs,
        asked_span(checkin, prefs),
    )


# prompts/checkins.yaml: the line on the check-in after three went unanswered; these words
# when a workspace's override disabled it.
SILENCE_TEXT = "silence-noticed"
_SILENCE_FALLBACK = (
    "I noticed the last three check-ins went by unanswered, so I've stopped the reminders. "
    "Would another pace suit you better?"
)


def silence_line(
    library: CoachingLibrary, *, checkin_id: int, notices: bool, cadence: str
) -> list[Block]:
    """The line that noticed the person's silence, with its choices (none unless `notices`:
    bot/checkins/silence.py decides)."""
    if not notices:
        return []
    found = library.checkin_text(SILENCE_TEXT)
    text = found.text if found is not None else _SILENCE_FALLBACK
    return ui.silence_blocks(checkin_id, ui.Silence(text=text, cadence=cadence))


def new_message(
    *,
    library: CoachingLibrary,
    checkin_id: int,
    prompt_ids: Sequence[str],
    slot_local: datetime,
    read_on: date | None = None,
    prefs: Preferences | None = None,
    span: schedule.Span | None = None,
    suggestions: Sequence[tuple[int, str, str]] = (),
    ask_expectations: bool = False,
    problem: OnCheckin | None = None,
    silence: Sequence[Block] = (),
) -> dict[str, Any]:
    """The check-in as posted (at its slot, or `read_on` when a snooze brings it back):
    every question open, its days named as they are on the day it arrives; then this
    week's open thanks suggestions (id, thanker, channel), each with "Log it"."""
    period = period_of(slot_local, read_on, prefs, span)
    return ui.checkin_message(
        checkin_id=checkin_id,
        questions=questions(library, prompt_ids, period=period),
        status="sent",
        slot_local=slot_local,
        period=period,
        extra=suggestions_ui.checkin_suggestions(suggestions),
        ask=expectations_ask(library, ask_expectations),
        problem=problem_question(library, problem, checkin_id=checkin_id, status="sent"),
        silence=silence,
    )


def problem_question(
    library: CoachingLibrary, problem: OnCheckin | None, *, checkin_id: int, status: str
) -> list[Block]:
    """The one question about the person's staff-shaped problem (issue 17 item 3): the
    current step's, or once per stall whether it is still the right problem."""
    stall = tuple(
        text
        for text in (library.problem_text(STALL_TEXT), library.problem_text(STAFF_LEVEL_TEXT))
        if text is not None
    )
    closed = status not in ("pending", "unknown", "claimed", "sent", "answered", "snoozed")
    return problems_ui.checkin_blocks(problem, checkin_id=checkin_id, stall=stall, closed=closed)


def expectations_ask(library: CoachingLibrary, ask: bool) -> list[Block]:
    """The first check-in's ask for expectations (none when a workspace disabled it)."""
    found = library.expectation_ask(expectations_ui.FIRST_CHECKIN_ASK) if ask else None
    return expectations_ui.checkin_ask(found.text) if found is not None else []


def current_message(
    *,
    library: CoachingLibrary,
    checkin: CheckIn,
    answers: Sequence[Answer],
    tz: str,
    note: str | None = None,
    prefs: Preferences | None = None,
    ask_expectations: bool = False,
    problem: OnCheckin | None = None,
    silence: Sequence[Block] = (),
) -> dict[str, Any]:
    """The check-in as it should look now: answered questions closed, buttons per status."""
    prefs = prefs or Preferences(tz=tz)
    period = shown_period(checkin, prefs)
    return ui.checkin_message(
        checkin_id=checkin.id,
        questions=questions(library, checkin.prompt_ids or [], answers, period=period),
        status=checkin.status,
        slot_local=checkin.slot_at.astimezone(prefs.zone),
        note=note,
        period=period,
        ask=expectations_ask(library, ask_expectations),
        problem=problem_question(library, problem, checkin_id=checkin.id, status=checkin.status),
        silence=silence,
    )


def understood(
    library: CoachingLibrary, entry: EvidenceEntry | None, prompt_id: str | None
) -> ui.Understood:
    """Dimension, scope and their choices for an answer's confirmation, and what it lacks."""
    if entry is None:
        return ui.Understood()
    missing: tuple[str, ...] = ()
    try:
        prompt = library.prompt(prompt_id) if prompt_id else None
    except KeyError:
        prompt = None
    if prompt is not None:
        missing = followups.after_answer(
            prompt, entry.text, people=entry.people or (), impact=entry.impact
        )
    return ui.Understood(
        dimension=entry.dimension,
        scope=entry.scope,
        dimensions=[ui.Option(d.id, d.label) for d in library.dimensions],
        scopes=[ui.Option(s.id, s.name) for s in library.scopes],
        missing=missing,
    )


def answer_confirmation(
    *,
    library: CoachingLibrary,
    answer: Answer,
    entry: EvidenceEntry | None,
    edited: bool = False,
    period: ui.Period | None = None,
) -> dict[str, Any]:
    """The confirmation of an answer with content, as it stands now (`edited`: redrawn after
    the person edited their message, so it shows the text it now reads); its question in
    the words of the check-in's `period` ("since Friday"), when given."""
    question = None
    if answer.prompt_id:
        found = questions(library, [answer.prompt_id], period=period)
        question = found[0].text if found else None
    return ui.answer_confirmation(
        answer_id=answer.id,
        question=question,
        dimension_label=None,
        people=(entry.people or []) if entry else [],
        visibility=entry.visibility if entry else "private",
        kind=answer.kind,
        understood=understood(library, entry, answer.prompt_id),
        edited_text=answer.text if edited else None,
    )


def answer_view(
    library: CoachingLibrary,
    *,
    callback_id: str,
    metadata: str,
    question: ui.Question | None,
    form: ui.AnswerForm,
) -> dict[str, Any]:
    """The answer modal for one question (a new answer, or an edit of one), with the
    library's dimensions and scopes to choose from."""
    return ui.answer_modal(
        callback_id=callback_id,
        metadata=metadata,
        question=question.text if question else None,
        follow_ups=question.follow_ups if question else (),
        dimensions=[ui.Option(d.id, d.label) for d in library.dimensions],
        scopes=[ui.Option(s.id, s.name) for s in library.scopes],
        form=form,
    )


def filled_form(form: AnswerForm, names: dict[str, str]) -> AnswerForm:
    """The answer modal's fields filled in with a stored answer (`names`: its mentions)."""
    return replace(form, names=names)


def settings_form(user: User) -> ui.SettingsForm:
    """The settings modal's fields as the user's preferences stand."""
    cadence = user.cadence if user.checkins_enabled else "off"
    return ui.SettingsForm(
        cadence=cadence if cadence in schedule.CADENCES else "weekly",
        weekday=user.checkin_weekday,
        second_weekday=user.second_weekday,
        minute=user.checkin_minute,
        quiet_start=user.quiet_start_minute,
        quiet_end=user.quiet_end_minute,
        reminder=user.reminder_enabled,
        paused_until=user.paused_until,
        tz=user.tz,
        workdays=schedule.workday_list(schedule.valid_workdays(user.workdays)),
        holiday_calendar=user.holiday_calendar or "",
    )


def reply_confirmation(
    library: CoachingLibrary, reply: Reply, prefs: Preferences | None = None
) -> dict[str, Any]:
    """What the bot understood from a DM answer (with Edit / Not an answer), for its thread;
    with the person's `prefs`, its question in the words of the check-in's period."""
    first = reply.answers[0]
    question = reply.question
    if prefs is not None and first.prompt_id and question is not None:
        found = questions(library, [first.prompt_id], period=shown_period(reply.checkin, prefs))
        question = found[0].text if found else question
    return ui.answer_confirmation(
        answer_id=first.id,
        question=question,
        dimension_label=reply.dimension_label,
        people=reply.entry.people if reply.entry else [],
        visibility=reply.entry.visibility if reply.entry else "private",
        kind=reply.kind,
        understood=understood(library, reply.entry, first.prompt_id),
    )
