"""The sponsor thread's button (in `/multiplier sponsor` and the monthly DM): open the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.listeners.support import coaching_library, current_user, db
from bot.sponsors import flows
from bot.sponsors.texts import texts
from bot.ui import sponsor as ui


def handle_open(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Open the sponsor modal, prefilled with the latest note."""
    ack()
    note = flows.current(session=db(context), user=current_user(context))
    client.views_open(
        trigger_id=body["trigger_id"], view=ui.sponsor_modal(note, texts(coaching_library(context)))
    )
