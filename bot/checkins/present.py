"""From check-in rows and the coaching library to what the UI builders need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.checkins import schedule
from bot.coaching import followups
from bot.coaching.library import CoachingLibrary
from bot.db.models import Answer, CheckIn, EvidenceEntry
from bot.ui import checkins as ui


def about_last_week(slot_at: datetime, tz: str | None = None) -> bool:
    """Whether the check-in of this slot (in the user's zone) asks about the week that ended."""
    local = slot_at.astimezone(schedule.zone_for(tz)) if tz is not None else slot_at
    return schedule.asks_about_previous_week(local.date())


def questions(
    library: CoachingLibrary,
    prompt_ids: Sequence[str],
    answers: Sequence[Answer] = (),
    *,
    last_week: bool = False,
) -> list[ui.Question]:
    """The check-in's questions in order, each with its answer (prompts since removed skip).

    For a check-in about the week that ended, "this week" in a question reads "last week".
    """
    period = ui.about_last_week if last_week else str
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
                text=period(prompt.text),
                follow_ups=tuple(period(text) for text in prompt.follow_ups),
                dimension=dimension,
                answer_kind=answer.kind if answer else None,
                answer_text=answer.text if answer else None,
            )
        )
    return found


def new_message(
    *, library: CoachingLibrary, checkin_id: int, prompt_ids: Sequence[str], slot_local: datetime
) -> dict[str, Any]:
    """The check-in as first posted: every question open."""
    last_week = about_last_week(slot_local)
    return ui.checkin_message(
        checkin_id=checkin_id,
        questions=questions(library, prompt_ids, last_week=last_week),
        status="sent",
        slot_local=slot_local,
        last_week=last_week,
    )


def current_message(
    *,
    library: CoachingLibrary,
    checkin: CheckIn,
    answers: Sequence[Answer],
    tz: str,
    note: str | None = None,
) -> dict[str, Any]:
    """The check-in as it should look now: answered questions closed, buttons per status."""
    slot_local = checkin.slot_at.astimezone(schedule.zone_for(tz))
    last_week = about_last_week(slot_local)
    return ui.checkin_message(
        checkin_id=checkin.id,
        questions=questions(library, checkin.prompt_ids or [], answers, last_week=last_week),
        status=checkin.status,
        slot_local=slot_local,
        note=note,
        last_week=last_week,
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
    *, library: CoachingLibrary, answer: Answer, entry: EvidenceEntry | None
) -> dict[str, Any]:
    """The confirmation of an answer with content, as it stands now."""
    question = None
    if answer.prompt_id:
        found = questions(library, [answer.prompt_id])
        question = found[0].text if found else None
    return ui.answer_confirmation(
        answer_id=answer.id,
        question=question,
        dimension_label=None,
        people=(entry.people or []) if entry else [],
        visibility=entry.visibility if entry else "private",
        kind=answer.kind,
        understood=understood(library, entry, answer.prompt_id),
    )
