"""The promotion story's "Edit into my story" button (the quarterly DM, `/multiplier story`):
open the form prefilled with the story, or with the draft while it is one."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.coaching.story import Quarter, StoryTexts
from bot.listeners.support import coaching_library, command_names, current_user, db
from bot.slack.people import names_in
from bot.stories import flows
from bot.ui import story as ui


def handle_open(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    action = (body.get("actions") or [{}])[0]
    quarter = Quarter.parse(str(action.get("value") or ""))
    story = (
        flows.for_edit(session=db(context), user=current_user(context), quarter=quarter)
        if quarter is not None
        else None
    )
    if quarter is None or story is None:
        respond(**ui.not_found_reply(command_names(context).multiplier), replace_original=False)
        return
    names = names_in(client, story.story if story.story is not None else story.draft)
    view = ui.story_modal(quarter, story, names, StoryTexts.of(coaching_library(context)))
    client.views_open(trigger_id=body["trigger_id"], view=view)
