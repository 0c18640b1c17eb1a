"""The "Enter / Edit expectations" button: the expectations modal, pre-filled."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.expectations import flows
from bot.listeners.support import coaching_library, current_user, db


def handle_open(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    view = flows.modal(
        session=db(context), user=current_user(context), library=coaching_library(context)
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)
