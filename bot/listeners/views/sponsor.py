"""The sponsor modal's submission: checked in the ack (errors keep it open), then stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.checkins.service import local_today
from bot.listeners.support import current_user, db
from bot.sponsors import flows
from bot.sponsors.service import SponsorAnswer, SponsorNoteError
from bot.ui import sponsor as ui


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    got = (values.get(block) or {}).get(block) or {}
    return got if isinstance(got, dict) else {}


def _text(values: dict[str, Any], block: str) -> str:
    value = _value(values, block).get("value")
    return value if isinstance(value, str) else ""


def _day(values: dict[str, Any]) -> tuple[date | None, bool]:
    """(the picked day or None when empty, whether what came is readable)."""
    raw = _value(values, "last_shown").get("selected_date")
    if raw in (None, ""):
        return None, True
    try:
        return date.fromisoformat(str(raw)), True
    except ValueError:
        return None, False


def _user_id(values: dict[str, Any]) -> str | None:
    raw = _value(values, "sponsor").get("selected_user")
    return raw if isinstance(raw, str) and _is_user_id(raw) else None


def _is_user_id(raw: str) -> bool:
    return 2 <= len(raw) <= 32 and raw[0] in "UW" and raw.isalnum() and raw.isupper()


def handle_sponsor_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Validate, store, then acknowledge; a tampered form is refused and stores nothing."""
    if view.get("private_metadata") != ui.SPONSOR_METADATA:
        ack(response_action="errors", errors={"next_step": "This form is out of date: reopen it."})
        return
    values = (view.get("state") or {}).get("values") or {}
    day, readable_day = _day(values)
    if not readable_day:
        ack(response_action="errors", errors={"last_shown": "Pick a day from the calendar."})
        return
    answer = SponsorAnswer(
        sponsor_user_id=_user_id(values),
        sponsor_text=_text(values, "sponsor_text") or None,
        last_shown_on=day,
        next_step=_text(values, "next_step"),
    )
    user = current_user(context)
    now = clock.now()
    try:
        note = flows.save(
            session=db(context),
            user=user,
            answer=answer,
            today_local=local_today(user, now),
            now=now,
        )
    except SponsorNoteError as error:
        ack(response_action="errors", errors={error.field: str(error)})
        return
    ack()
    client.chat_postMessage(
        channel=user.dm_channel_id or user.slack_user_id, **ui.saved_reply(note)
    )
