"""/kudos @someone <text>: peer recognition, recorded on the recipient's evidence log."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db.base import utcnow
from bot.evidence import service as evidence
from bot.evidence.parsing import leading_mention, malformed_mentions
from bot.listeners.commands.brag import refusal_reason
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    message_payload,
    settings,
)
from bot.ui import evidence as ui
from bot.ui import messages
from bot.workspaces import service as workspaces
from bot.workspaces.membership import is_member

_REFUSALS = {
    evidence.KudosRefused.SELF: (
        "Kudos are for someone else — log your own work with {brag}. Nothing was saved; "
        "here is your text:"
    ),
    evidence.KudosRefused.BOT: (
        "Kudos go to people, not bots. Nothing was saved; here is your text:"
    ),
    evidence.KudosRefused.INACTIVE: (
        "That account is deactivated, so there is no log to add kudos to. Nothing was saved; "
        "here is your text:"
    ),
    evidence.KudosRefused.ELSEWHERE: (
        "That person isn't in this workspace, so I can't add kudos to their log here. Nothing "
        "was saved; here is your text:"
    ),
    evidence.KudosRefused.DAILY_CAP: (
        "You've given {cap} kudos today — the daily limit that keeps kudos meaningful. Try "
        "again tomorrow; here is your text:"
    ),
}


def _refuse(respond: Respond, typed: str, reason: str, **values: Any) -> None:
    respond(**ui.text_refused(typed, _REFUSALS[reason].format(**values)))


def handle_kudos(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """Record kudos on the recipient's log, confirm to the giver, and tell the recipient.

    The giver decides on the confirmation whether the kudos may appear in team digests
    (default: it does not).
    """
    ack()
    typed = command.get("text") or ""
    names = command_names(context)
    usage = f"Usage: `{names.kudos} @someone what they did`."
    lead = leading_mention(typed)
    if lead is None:
        broken = malformed_mentions(typed)
        first = (
            f"I couldn't tell who {', '.join(broken[:3])} is — pick them from Slack's list as "
            "you type @."
            if broken
            else "Start with the person you want to recognise."
        )
        respond(**messages.usage_error(f"{first} {usage}", typed, names))
        return
    recipient_id, rest = lead
    if not rest.strip():
        respond(
            **messages.usage_error(
                f"Say what they did, so it means something on their log. {usage}", typed, names
            )
        )
        return
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError as error:
        respond(**ui.text_refused(typed, refusal_reason(typed, error)))
        return
    session = db(context)
    giver = current_user(context)
    if recipient_id == giver.slack_user_id:
        _refuse(respond, typed, evidence.KudosRefused.SELF, brag=names.brag)
        return
    try:
        profile = client.users_info(user=recipient_id)["user"]
    except SlackApiError:
        respond(**ui.text_refused(typed, "I couldn't find that person. Here is your text:"))
        return
    team_id = context.team_id or ""
    try:
        evidence.check_kudos_recipient(
            giver=giver, recipient_slack_id=recipient_id, profile=profile
        )
        if not is_member(profile, team_id=team_id, enterprise_id=context.enterprise_id):
            raise evidence.KudosRefused(evidence.KudosRefused.ELSEWHERE)
        recipient = workspaces.ensure_user(
            session=session, team_id=team_id, slack_user_id=recipient_id
        )
        workspaces.apply_profile(recipient, profile)
        cap = settings(context).kudos_daily_cap
        now = utcnow()
        kudos, entry = evidence.give_kudos(
            session=session,
            giver=giver,
            recipient=recipient,
            text=typed,
            library=coaching_library(context),
            daily_cap=cap,
            now=now,
        )
    except evidence.KudosRefused as refused:
        session.rollback()
        _refuse(respond, typed, refused.reason, cap=refused.cap, brag=names.brag)
        return
    session.commit()
    left = max(0, cap - evidence.kudos_given_today(session=session, giver=giver, now=now))
    respond(**ui.kudos_given(kudos, recipient_id, daily_left=left))
    received = ui.kudos_received(
        entry, giver.slack_user_id, coaching_library(context), recipient.tz
    )
    try:
        client.chat_postMessage(channel=recipient_id, **message_payload(received))
    except SlackApiError:
        respond(
            **ui.notice(
                "I couldn't send them a DM just now, but the kudos is on their evidence log."
            )
        )
