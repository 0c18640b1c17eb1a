"""/kudos @someone [@someone-else …] <text>: peer recognition on each recipient's log."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db.base import utcnow
from bot.delivery.messages import SendFailed, Slack, post_message
from bot.delivery.sender import Sender
from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.parsing import leading_people, malformed_mentions
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    respond_all,
    settings,
)
from bot.ui import evidence as ui
from bot.ui import messages


def _profile(client: WebClient, slack_id: str) -> dict[str, Any] | None:
    """Slack's user object, or None when Slack does not know the id."""
    if slack_id == evidence.SLACKBOT_ID:
        return None
    try:
        return client.users_info(user=slack_id)["user"]
    except SlackApiError:
        return None


def handle_kudos(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """Record kudos on each named recipient's log, confirm to the giver, and tell each of them.

    Everyone named either receives it or is listed with the reason they did not; the giver
    decides on the confirmation whether the kudos may appear in team digests (default: no).
    """
    ack()
    typed = command.get("text") or ""
    names = command_names(context)

    def reply(messages: list[dict[str, Any]]) -> None:
        respond_all(respond, messages, client=client, user_id=context.user_id)

    usage = f"Usage: `{names.kudos} @someone [@someone-else …] what they did`."
    named = leading_people(typed)
    if not named.slack_ids:
        broken = list(named.unresolved) or malformed_mentions(typed)
        first = (
            f"I couldn't tell who {', '.join(broken[:3])} is — pick them from Slack's list as "
            "you type @."
            if broken
            else "Start with the person you want to recognise."
        )
        reply(messages.usage_error(f"{first} {usage}", typed, names))
        return
    if not named.rest.strip():
        reply(
            messages.usage_error(
                f"Say what they did, so it means something on their log. {usage}", typed, names
            )
        )
        return
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError:
        reply(ui.text_refused(typed, ui.too_long(typed, evidence.MAX_TEXT_LENGTH)))
        return
    giver = current_user(context)
    library = coaching_library(context)
    outcome = flows.give_kudos_asking_slack(
        session=db(context),
        giver=giver,
        profile_of=lambda slack_id: _profile(client, slack_id),
        team_id=context.team_id or "",
        enterprise_id=context.enterprise_id,
        recipients=named.slack_ids,
        unresolved=named.unresolved,
        text=typed,
        library=library,
        daily_cap=settings(context).kudos_daily_cap,
        now=utcnow(),
    )
    if not outcome.given:
        reply(ui.kudos_refused(typed, outcome.refused, cap=outcome.cap, brag=names.brag))
        return
    respond(
        **ui.kudos_given(
            [g.kudos for g in outcome.given],
            [g.recipient.slack_user_id for g in outcome.given],
            daily_left=outcome.daily_left,
        )
    )
    if outcome.refused:
        respond(**ui.kudos_not_sent(outcome.refused, cap=outcome.cap, brag=names.brag))
    # Through the delivery core (pacing, Retry-After, the one error classification), at once:
    # the kudos is already on each log, so this DM is a notice, not a record to keep safe.
    slack = Slack.for_token(Sender(settings(context)), client.token, context.team_id or "")
    undelivered = []
    for given in outcome.given:
        received = ui.kudos_received(given.entry, giver.slack_user_id, library, given.recipient.tz)
        try:
            post_message(slack, channel=given.recipient.slack_user_id, **received)
        except SendFailed:
            undelivered.append(given.recipient.slack_user_id)
    if undelivered:
        respond(**ui.kudos_dm_failed(undelivered))
