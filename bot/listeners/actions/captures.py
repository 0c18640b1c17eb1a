"""React to log: the choice a reaction on someone else's message offers in the reactor's DM.

"Log it as my evidence" reads the message from Slack now (nothing of it was kept until
this click); "Send <author> kudos" records kudos on the author's log as /kudos does;
"Dismiss" closes the offer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.db.base import utcnow
from bot.delivery.messages import SendFailed, Slack, post_message
from bot.delivery.sender import Sender
from bot.evidence import flows as evidence_flows
from bot.evidence import reaction_flows as flows
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    permalink_for,
    settings,
)
from bot.slack.history import ChannelMessage, Unreadable, read_message
from bot.slack.people import profile_or_none
from bot.ui import capture as ui
from bot.ui import evidence as evidence_ui

if TYPE_CHECKING:  # for annotations only: listeners pass users on, never query them
    from bot.db.models import User


def _shown(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload drawn in place of the offer (a DM message, not an ephemeral one)."""
    shown = {**payload, "replace_original": True}
    shown.pop("response_type", None)
    return shown


def _open_with_message(
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    *,
    for_kudos: bool = False,
) -> tuple[User, flows.Offered, ChannelMessage] | None:
    """Who clicked, their offer (still open) and its message read from Slack now; None once
    the person has been told why not."""
    user = current_user(context)
    offer = flows.open_offer(session=db(context), user=user, capture_id=action.get("value"))
    if offer is None or (for_kudos and not (offer.can_give_kudos and offer.author)):
        respond(**ui.offer_closed())
        return None
    found = _message_of(client, offer, respond)
    return None if found is None else (user, offer, found)


def _message_of(client: WebClient, offer: flows.Offered, respond: Respond) -> ChannelMessage | None:
    found = read_message(client, offer.channel_id, offer.message_ts)
    if found is Unreadable.NOT_IN_CHANNEL:
        respond(**_shown(ui.not_in_channel(offer.channel_id)))
        return None
    if not isinstance(found, ChannelMessage):
        respond(**_shown(ui.message_gone(offer.channel_id)))
        return None
    if not found.text.strip():
        respond(**_shown(ui.no_text(offer.channel_id)))
        return None
    return found


def handle_log_it(
    ack: Ack, action: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Log someone else's message as the clicking person's evidence (its author a person)."""
    ack()
    opened = _open_with_message(action, context, client, respond)
    if opened is None:
        return
    user, offer, found = opened
    library = coaching_library(context)
    logged = flows.log_message(
        session=db(context),
        user=user,
        text=found.text,
        author=found.user or offer.author,
        permalink=offer.permalink or permalink_for(client, offer.channel_id, offer.message_ts),
        library=library,
        capture_id=offer.capture_id,
    )
    if logged is None:
        respond(**ui.offer_closed())
        return
    how = evidence_ui.dimension_how(logged.parsed.dimension_source, logged.parsed.matched)
    shown = ui.logged(logged.entry, library, tz=user.tz, how=how, mapping=logged.mapping)
    respond(**_shown(shown))


def handle_send_kudos(
    ack: Ack, action: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Send the message's author kudos (its text, with its permalink), counted against the
    daily cap like any /kudos, and tell them in a DM."""
    ack()
    opened = _open_with_message(action, context, client, respond, for_kudos=True)
    if opened is None:
        return
    giver, offer, found = opened
    if not offer.author:  # refused above already; this tells the type checker
        return
    library = coaching_library(context)
    outcome = evidence_flows.give_kudos_asking_slack(
        session=db(context),
        giver=giver,
        profile_of=lambda slack_id: profile_or_none(client, slack_id),
        team_id=context.team_id or "",
        enterprise_id=context.enterprise_id,
        recipients=[offer.author],
        unresolved=[],
        text=found.text,
        library=library,
        daily_cap=settings(context).kudos_daily_cap,
        now=utcnow(),
    )
    if not outcome.given:
        respond(
            **ui.kudos_not_sent(outcome.refused, cap=outcome.cap, brag=command_names(context).brag)
        )
        return
    (given,) = outcome.given
    evidence_flows.add_permalink(
        session=db(context), entry=given.entry, permalink_of=lambda: offer.permalink
    )
    flows.kudos_sent(session=db(context), user=giver, capture_id=offer.capture_id)
    respond(**ui.kudos_sent(offer.author))
    slack = Slack.for_token(Sender(settings(context)), client.token, context.team_id or "")
    received = evidence_ui.kudos_received(
        given.entry, giver.slack_user_id, library, given.recipient.tz
    )
    try:
        post_message(slack, channel=given.recipient.slack_user_id, **received)
    except SendFailed:
        respond(**evidence_ui.kudos_dm_failed([given.recipient.slack_user_id]))


def handle_dismiss(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Close the offer: nothing is logged."""
    ack()
    closed = flows.dismiss(
        session=db(context), user=current_user(context), capture_id=action.get("value")
    )
    respond(**(ui.dismissed() if closed else ui.offer_closed()))


ACTIONS: dict[str, Callable[..., None]] = {
    ui.LOG_IT: handle_log_it,
    ui.SEND_KUDOS: handle_send_kudos,
    ui.DISMISS: handle_dismiss,
}
