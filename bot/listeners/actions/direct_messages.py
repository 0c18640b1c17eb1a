""" "Log it" on the bot's reply to a DM that reads as evidence: the DM becomes an entry."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.conversations import flows
from bot.listeners.support import coaching_library, current_user, db
from bot.ui import evidence as ui


def handle_log_it(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Log the DM (the button's value is its id) and show the entry in place of the offer."""
    ack()
    library = coaching_library(context)
    confirmation = flows.log_direct_message(
        session=db(context), user=current_user(context), library=library, dm_id=action.get("value")
    )
    if confirmation is None:
        respond(**ui.not_yours())
        return
    # In place of the offer (a message in the DM, not an ephemeral one).
    shown = {**ui.brag_confirmation(confirmation, library), "replace_original": True}
    shown.pop("response_type", None)
    respond(**shown)
