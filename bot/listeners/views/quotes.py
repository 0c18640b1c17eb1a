"""A quote request's forms: the requester's (checked in the ack: errors keep it open), and
the peer's sentence (stored as kudos on the requester's log; the form then says thank you;
a second sentence takes the place of the first)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import clock
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    redraw_quote_ask,
)
from bot.quotes import flows, states
from bot.quotes.service import QuoteRefused
from bot.slack.people import profile_or_none
from bot.ui import quotes as ui
from bot.values import parse_id


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    got = (values.get(block) or {}).get(block) or {}
    return got if isinstance(got, dict) else {}


def _text(values: dict[str, Any], block: str) -> str:
    value = _value(values, block).get("value")
    return value if isinstance(value, str) else ""


def _user_id(values: dict[str, Any]) -> str | None:
    raw = _value(values, ui.PEER_BLOCK).get("selected_user")
    if not isinstance(raw, str):
        return None
    return (
        raw if 2 <= len(raw) <= 32 and raw[0] in "UW" and raw.isalnum() and raw.isupper() else None
    )


def handle_request_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Check the peer (not you, not a bot, in this workspace, not already asked) and store
    the request; its DM to the peer goes out through the outbox."""
    if view.get("private_metadata") != ui.REQUEST_METADATA:
        ack(
            response_action="errors", errors={ui.PEER_BLOCK: "This form is out of date: reopen it."}
        )
        return
    values = (view.get("state") or {}).get("values") or {}
    peer = _user_id(values)
    requester = current_user(context)
    try:
        flows.request_quote(
            session=db(context),
            requester=requester,
            peer_slack_id=peer,
            profile=profile_or_none(client, peer)
            if peer and peer != requester.slack_user_id
            else None,
            team_id=context.team_id,
            enterprise_id=context.enterprise_id,
            note_typed=_text(values, ui.NOTE_BLOCK),
            now=clock.now(),
        )
    except QuoteRefused as error:
        ack(response_action="errors", errors={error.field: str(error)})
        return
    ack()
    client.chat_postMessage(
        channel=requester.dm_channel_id or requester.slack_user_id,
        **ui.requested_message(peer or "", command_names(context).multiplier),
    )


def handle_answer_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Store the peer's sentence as kudos; the form turns into a thank-you (or says why
    nothing was stored: answered already, withdrawn, expired, not theirs)."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        state = flows.answer(
            session=db(context),
            peer=current_user(context),
            request_id=parse_id(view.get("private_metadata")),
            typed=_text(values, ui.SENTENCE_BLOCK),
            library=coaching_library(context),
            now=clock.now(),
        )
    except QuoteRefused as error:
        ack(response_action="errors", errors={error.field: str(error)})
        return
    if state.state == states.UPDATED:
        ack(response_action="update", view=ui.updated_view(state.requester_slack_id))
        if state.told_updated is not None and state.sentence is not None and context.user_id:
            _redraw_told(
                client, state.told_updated, ui.updated_message(context.user_id, state.sentence)
            )
        return
    if state.state != states.THANKED:
        ack(response_action="update", view=ui.peer_notice_modal(state.state))
        return
    ack(response_action="update", view=ui.thanks_view(state.requester_slack_id))
    if state.ask_ts and context.user_id:
        redraw_quote_ask(
            client, context.user_id, state.ask_ts, state.requester_slack_id, state.request_id
        )


def _redraw_told(client: WebClient, told: tuple[str, str], message: dict[str, Any]) -> None:
    """The requester's "changed their sentence" DM, already posted, redrawn with the newest
    words (no second notification). A nicety: if Slack refuses, their log has them anyway."""
    channel, ts = told
    try:
        if channel[:1] in "UW":  # posted to the user id: the DM's channel is needed to edit
            channel = client.conversations_open(users=channel)["channel"]["id"]
        client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError:
        return
