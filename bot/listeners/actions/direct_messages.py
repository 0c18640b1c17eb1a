"""The bot's replies to a DM: "Log it" on one that reads as evidence (the DM becomes an
entry), and "which question does this answer?" on one that may answer several."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.checkins import flows as checkin_flows
from bot.checkins import present
from bot.checkins.schedule import Preferences
from bot.conversations import flows
from bot.conversations.flows import Said
from bot.conversations.routing import Asked
from bot.db.base import utcnow
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    redraw_quote_ask,
)
from bot.ui import evidence as ui
from bot.ui import judgments as judgments_ui
from bot.ui import messages
from bot.values import parse_id


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


def handle_route(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """ "Which question does this answer?": the DM goes where the person said (the value is
    "dm id:question id"), and the question's line becomes what was done with it."""
    ack()
    kinds: dict[str, str] = {
        "checkin": Asked.CHECKIN,
        "judgment": Asked.JUDGMENT,
        "quote": Asked.QUOTE,
        "note": Said.NOTE,
    }
    kind = kinds.get(messages.DM_ROUTE_ACTIONS.get(action.get("action_id") or "", ""), "")
    # "dm id:question id", and ":prompt id" for one of a check-in's questions.
    dm_text, _, rest = str(action.get("value") or "").partition(":")
    question_text, _, prompt_id = rest.partition(":")
    user = current_user(context)
    library = coaching_library(context)
    routed = flows.route_direct_message(
        session=db(context),
        user=user,
        library=library,
        dm_id=parse_id(dm_text),
        kind=kind,
        question_id=parse_id(question_text),
        now=utcnow(),
        prompt_id=prompt_id or None,
    )
    if routed is None:
        respond(**ui.not_yours())
        return
    if routed.said is Said.NOTE:
        respond(**messages.kept_as_note(command_names(context)))
    elif routed.said is Said.OUTCOME:
        respond(**{**judgments_ui.outcome_saved(routed.quote or ""), "replace_original": True})
    elif routed.said is Said.QUOTED:
        respond(**{**messages.quote_sent(routed.requester_slack_id), "replace_original": True})
        redraw_quote_ask(
            client, context.user_id, routed.ask_ts, routed.requester_slack_id, routed.request_id
        )
    elif routed.said is Said.ANSWERED and routed.reply is not None:
        confirmation = present.reply_confirmation(library, routed.reply, Preferences.of(user))
        respond(**{**confirmation, "replace_original": True})
        asked = (body.get("container") or {}).get("message_ts")
        if asked:
            checkin_flows.remember_confirmation(
                session=db(context),
                user=user,
                channel_id=routed.reply.checkin.channel_id or "",
                answer_ts=routed.reply.answers[0].message_ts or "",
                confirmation_ts=asked,
            )
        redraw = checkin_flows.redraw(
            session=db(context), user=user, library=library, checkin=routed.reply.checkin
        )
        if redraw is not None:
            client.chat_update(**redraw.arguments())
