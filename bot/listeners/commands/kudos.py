"""/kudos @someone [@someone-else …] <text>: peer recognition on each recipient's log."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.capture.kudos import ChannelTarget, split_channel_target
from bot.db.base import utcnow
from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.parsing import leading_people, malformed_mentions
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    delivery_slack,
    post_in_channel,
    respond_all,
    settings,
)
from bot.ui import evidence as ui
from bot.ui import messages
from bot.ui import sharing as sharing_ui


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
    # `… in #team`: Slack links a channel it knows (<#C…|team>); an unlinked "#team" is no
    # channel (or a hashtag), and text that only ends in a channel is kept whole.
    typed, where = _where(typed)
    channel_id = where.id if where is not None and where.explicit else None

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
    # The shout-out goes first, so that the confirmation says truly where the kudos is.
    error = None
    if channel_id is not None:
        error = _shout_out(client, context, outcome, named.rest.strip(), channel_id)
    respond(
        **ui.kudos_given(
            [g.kudos for g in outcome.given],
            [g.recipient.slack_user_id for g in outcome.given],
            daily_left=outcome.daily_left,
            posted_in=channel_id if channel_id is not None and error is None else None,
            repeated=all(g.repeated for g in outcome.given),
        )
    )
    if error is not None and channel_id is not None:
        respond(**sharing_ui.kudos_not_posted(channel_id, error))
    elif where is not None and where.id is None:
        respond(**sharing_ui.kudos_channel_unknown(where.name))
    elif where is not None and where.id is not None and not where.explicit:
        respond(**sharing_ui.kudos_offer_post([g.kudos.id for g in outcome.given], where.id))
    if outcome.refused:
        respond(**ui.kudos_not_sent(outcome.refused, cap=outcome.cap, brag=names.brag))
    undelivered = flows.dm_kudos(
        delivery_slack(client, context), giver=giver, given=outcome.given, library=library
    )
    if undelivered:
        respond(**ui.kudos_dm_failed(undelivered))


def _where(typed: str) -> tuple[str, ChannelTarget | None]:
    """The kudos text, and the channel it asks to post in (or may mean): none, or one
    Slack linked (explicit: post at once; else ask), or an explicit one Slack left as typed."""
    target = split_channel_target(typed)
    channel = target.channel
    if channel is None or (channel.id is None and not channel.explicit):
        return typed, None  # no channel, or "#writing" that may be a hashtag: kept whole
    if channel.id is not None and not channel.explicit:
        # "fixed the test in #team" may be the story: keep it whole, and ask
        return typed, channel
    # "post in #team": post at once. "post in #nochannel": Slack links every channel the
    # giver can see, so a name it left as typed is none the bot can post in; the kudos is
    # kept without it, and the giver is told.
    return target.text, channel


def _shout_out(
    client: WebClient,
    context: BoltContext,
    outcome: flows.KudosOutcome,
    text: str,
    channel_id: str,
) -> str | None:
    """The public shout-out the giver asked for; Slack's error, or None once posted."""
    shout = sharing_ui.kudos_shout_out(
        context.user_id or "", [g.recipient.slack_user_id for g in outcome.given], text
    )
    return post_in_channel(client, context, channel_id, shout)
