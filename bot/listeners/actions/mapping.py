"""The "evidence for" menu on an entry's confirmation: map it to the person's expectations
(several, or none). Ids come back from Slack and are re-checked by the flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.evidence import flows
from bot.listeners.support import coaching_library, current_user, db
from bot.ui import mapping as ui


def handle_map(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Set the entry's expectations to what the menu now holds."""
    ack()
    block_id = str(action.get("block_id") or "")
    selected = action.get("selected_options")
    values = [
        str(chosen.get("value") or "") if isinstance(chosen, dict) else ""
        for chosen in (selected if isinstance(selected, list) else [])
    ]
    respond(
        **flows.change_mapping(
            session=db(context),
            user=current_user(context),
            entry_id=ui.entry_of_block(block_id),
            values=values,
            block_id=block_id,
            library=coaching_library(context),
        )
    )


ACTIONS: dict[str, Callable[..., None]] = {ui.ACTION: handle_map}
