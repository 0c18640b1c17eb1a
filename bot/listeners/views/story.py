"""The promotion story form's submission: checked in the ack (errors keep the form open with
everything typed in it), then stored on the person's story for the quarter the form names."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.listeners.support import current_user, db
from bot.slack.people import names_in
from bot.stories import flows
from bot.stories.service import StoryError
from bot.ui import story as ui

OUT_OF_DATE = "This form is out of date: reopen it from the story's message."


def _typed(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    got = (values.get("story") or {}).get("story") or {}
    value = got.get("value") if isinstance(got, dict) else None
    return value if isinstance(value, str) else ""


def handle_story_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Validate, store, then acknowledge; a form for a quarter the person has no story of
    (tampered metadata) is refused and stores nothing."""
    quarter = ui.quarter_in(view.get("private_metadata"))
    user = current_user(context)
    session = db(context)
    original = (
        flows.for_edit(session=session, user=user, quarter=quarter) if quarter is not None else None
    )
    if quarter is None or original is None:
        ack(response_action="errors", errors={"story": OUT_OF_DATE})
        return
    typed = _typed(view)
    names = names_in(client, original.story if original.story is not None else original.draft)
    try:
        saved = flows.save(
            session=session, user=user, quarter=quarter, typed=typed, names=names, now=clock.now()
        )
    except StoryError as error:
        ack(response_action="errors", errors={error.field: str(error)})
        return
    if saved is None:
        ack(response_action="errors", errors={"story": OUT_OF_DATE})
        return
    ack()
    client.chat_postMessage(
        channel=user.dm_channel_id or user.slack_user_id, **ui.saved_reply(quarter, saved)
    )
