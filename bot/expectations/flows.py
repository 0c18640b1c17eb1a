"""Expectations requests: the modal's content, saving an edit, clearing (each flow commits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.coaching.expectations import ExpectationsError, parse_expectations
from bot.coaching.library import CoachingLibrary
from bot.db.models import User
from bot.expectations import service
from bot.home.service import request_home_refresh
from bot.ui import expectations as ui
from bot.ui.blocks import Payload
from bot.ui.text import from_typed, readable


def form_text(*, session: Session, user: User, ladder: Sequence[str] = ()) -> str:
    """The modal's prefill: the stored expectations as typed, one per line; before any are
    stored, the workspace's default ladder (`prompts/expectations.yaml`) to start from."""
    stored = service.expectations_of(session=session, user=user)
    if not stored:
        return "\n".join(ladder)
    return "\n".join(readable(row.text) for row in stored)


def problem(typed: str) -> str | None:
    """What is wrong with the typed text (shown on the modal's field), or None."""
    try:
        parse_expectations(typed)
    except ExpectationsError as error:
        return str(error)
    return None


@dataclass(frozen=True)
class Saved:
    items: tuple[str, ...]  # stored text, in order
    duplicates: tuple[str, ...]  # as typed
    replaced: service.Replaced


def save(*, session: Session, user: User, typed: str, now: datetime) -> Saved:
    """Store the typed list (checked by `problem` first; raises ExpectationsError)."""
    parsed = parse_expectations(typed)
    previous = {
        readable(row.text): row.text for row in service.expectations_of(session=session, user=user)
    }
    # An item left as it was prefilled keeps its stored text exactly (its id too).
    items = tuple(previous.get(item) or from_typed(item) for item in parsed.items)
    replaced = service.replace_expectations(session=session, user=user, texts=items, now=now)
    request_home_refresh(session=session, user=user)  # its coverage section follows the list
    session.commit()
    return Saved(items=items, duplicates=parsed.duplicates, replaced=replaced)


def clear(*, session: Session, user: User, now: datetime) -> int:
    """Remove every expectation; how many there were."""
    replaced = service.replace_expectations(session=session, user=user, texts=(), now=now)
    request_home_refresh(session=session, user=user)
    session.commit()
    return replaced.removed


def listed(*, session: Session, user: User) -> list[str]:
    """The stored expectations (stored text), in order."""
    return [row.text for row in service.expectations_of(session=session, user=user)]


def modal(*, session: Session, user: User, library: CoachingLibrary) -> Payload:
    """The expectations modal, pre-filled with the stored list (or the workspace's ladder)."""
    ladder = [item.text for item in library.ladder]
    stored = service.expectations_of(session=session, user=user)
    prefill = form_text(session=session, user=user, ladder=ladder)
    return ui.modal_view(prefill, from_ladder=bool(ladder) and not stored)
