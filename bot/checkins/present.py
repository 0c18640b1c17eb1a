"""From check-in rows and the coaching library to what the UI builders need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.checkins import schedule
from bot.coaching.library import CoachingLibrary
from bot.db.models import Answer, CheckIn
from bot.ui import checkins as ui


def questions(
    library: CoachingLibrary, prompt_ids: Sequence[str], answers: Sequence[Answer] = ()
) -> list[ui.Question]:
    """The check-in's questions in order, each with its answer (prompts since removed skip)."""
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
                text=prompt.text,
                follow_ups=tuple(prompt.follow_ups),
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
    return ui.checkin_message(
        checkin_id=checkin_id,
        questions=questions(library, prompt_ids),
        status="sent",
        slot_local=slot_local,
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
    zone = schedule.zone_for(tz)
    return ui.checkin_message(
        checkin_id=checkin.id,
        questions=questions(library, checkin.prompt_ids or [], answers),
        status=checkin.status,
        slot_local=checkin.slot_at.astimezone(zone),
        note=note,
    )
