"""Helpers listeners share: typed access to what the middleware put in the context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import clock
from bot.coaching.library import CoachingLibrary, default_library
from bot.config import Settings
from bot.delivery.messages import SendFailed, Slack, open_dm, post_message, upload_file
from bot.delivery.sender import Sender
from bot.evidence import flows as evidence_flows
from bot.evidence import share_flows
from bot.privacy import flows as privacy_flows
from bot.slack import directory
from bot.slack.people import lookup_names, profile_or_none
from bot.slack.replies import send_in_turn, to_dm
from bot.ui import quotes as quotes_ui
from bot.ui.messages import CommandNames, QuestionChoice
from bot.workspaces import flows as workspace_flows

if TYPE_CHECKING:  # names for annotations only: listeners pass these on, never query them
    from sqlalchemy.orm import Session

    from bot.conversations.routing import OpenQuestion
    from bot.db.engine import Database
    from bot.db.models import User
    from bot.evidence.periods import Period


def db(context: BoltContext) -> Session:
    """This listener's database session (see bot.middleware)."""
    return context["db"]


def database(context: BoltContext) -> Database:
    """The database (its read-only sessions, for flows that read after their commit)."""
    return context["database"]


def settings(context: BoltContext) -> Settings:
    return context["settings"]


def command_names(context: BoltContext) -> CommandNames:
    s = settings(context)
    return CommandNames(brag=s.command_brag, kudos=s.command_kudos, multiplier=s.command_multiplier)


def capture_emoji(context: BoltContext) -> str:
    """The reaction that logs a message (CAPTURE_EMOJI's first name, `trophy` by default)."""
    names = settings(context).capture_emoji_names
    return "trophy" if "trophy" in names else min(names)


def current_user(context: BoltContext) -> User:
    """The user who sent this request, created on first contact."""
    team_id = context.team_id or context.enterprise_id or ""
    user_id = context.user_id
    if not user_id:
        raise ValueError("this request carries no user")
    return workspace_flows.meet(
        session=db(context),
        team_id=team_id,
        slack_user_id=user_id,
        enterprise_id=context.enterprise_id,
        read_profile=partial(profile_or_none, context.client),
    )


def coaching_library(context: BoltContext) -> CoachingLibrary:
    """The validated coaching content (prompts/ plus PROMPTS_DIR overrides), loaded once."""
    return default_library(settings(context).prompts_dir)


def respond_all(
    respond: Respond, messages: Sequence[dict[str, Any]], *, client: WebClient, user_id: str | None
) -> None:
    """Send every message of a reply (a long echo takes several) through the response_url;
    past the five posts Slack takes there, in the person's DM with the bot."""
    overflow = to_dm(client, user_id) if user_id else None
    send_in_turn(messages, lambda message: respond(**message), overflow=overflow)


def message_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A respond()-style payload made fit for chat.postMessage (no response_url keys)."""
    return {
        k: v
        for k, v in payload.items()
        if k not in ("response_type", "replace_original", "delete_original")
    }


def people_named(
    context: BoltContext, client: WebClient, user: User, names: Sequence[str]
) -> dict[str, str]:
    """``@name``s typed as text → Slack ids: people the app knows first, then Slack's list."""
    if not names:
        return {}
    return workspace_flows.people_by_name(
        session=db(context),
        user=user,
        names=names,
        look_up_in_slack=partial(directory.find_by_name, client),
    )


def send_to_dm(
    client: WebClient, context: BoltContext, user: User, file: privacy_flows.DmFile
) -> str:
    """Upload a file in the user's DM with the bot; its name."""

    def upload(channel: str, file: privacy_flows.DmFile) -> None:
        client.files_upload_v2(
            channel=channel,
            content=file.content,
            filename=file.filename,
            title=file.title,
            initial_comment=file.comment,
        )

    return privacy_flows.send_to_dm(
        session=db(context),
        user=user,
        file=file,
        open_dm=lambda: client.conversations_open(users=user.slack_user_id)["channel"]["id"],
        upload=upload,
    )


def send_json_export(client: WebClient, context: BoltContext, user: User) -> str:
    """Upload everything stored about the user as a JSON file in their DM; the file name."""
    file = privacy_flows.json_export(
        session=db(context),
        user=user,
        look_up_names=partial(lookup_names, client),
        now=clock.now(),
    )
    return send_to_dm(client, context, user, file)


def send_packet(client: WebClient, context: BoltContext, user: User, period: Period) -> str | None:
    """Upload the promotion packet for a period as Markdown in the user's DM; the file name.

    None, and no file, when the period holds no evidence: there is nothing to export.
    """
    file = evidence_flows.packet_file(
        session=db(context),
        user=user,
        period=period,
        library=coaching_library(context),
        look_up_names=partial(lookup_names, client),
        now=clock.now(),
    )
    return send_to_dm(client, context, user, file) if file is not None else None


def delivery_slack(client: WebClient, context: BoltContext) -> Slack:
    """This workspace's way out through the delivery core (pacing, Retry-After)."""
    return Slack.for_token(Sender(settings(context)), client.token, context.team_id or "")


def deliver_share(
    client: WebClient, context: BoltContext
) -> Callable[[str, privacy_flows.DmFile], None]:
    """Upload a shared file in the recipient's DM with the bot, through the delivery core."""
    slack = delivery_slack(client, context)

    def deliver(recipient_slack_id: str, file: privacy_flows.DmFile) -> None:
        try:
            channel = open_dm(slack, recipient_slack_id)
            upload_file(
                slack,
                channel=channel,
                content=file.content,
                filename=file.filename,
                title=file.title,
                initial_comment=file.comment,
            )
        except SendFailed as failed:
            raise share_flows.DeliveryFailed(failed.error) from failed

    return deliver


def post_in_channel(
    client: WebClient, context: BoltContext, channel: str, payload: dict[str, Any]
) -> str | None:
    """Post a message in a channel through the delivery core; Slack's error, or None."""
    slack = delivery_slack(client, context)
    try:
        post_message(slack, channel=channel, **payload)
    except SendFailed as failed:
        return failed.error
    return None


def redraw_quote_ask(
    client: WebClient,
    peer: str | None,
    ts: str | None,
    requester: str | None,
    request_id: int | None,
) -> None:
    """A quote request's ask in the peer's DM, once answered (by the form or a DM): its two
    buttons become one, to change the sentence. A nicety: if Slack refuses, "Write a
    sentence" opens the same form anyway."""
    if not (peer and ts):
        return
    try:
        channel = client.conversations_open(users=peer)["channel"]["id"]
        client.chat_update(channel=channel, ts=ts, **quotes_ui.ask_answered(requester, request_id))
    except SlackApiError:
        return


def question_choices(
    library: CoachingLibrary, user: User, questions: Sequence[OpenQuestion]
) -> list[QuestionChoice]:
    """Open questions as the "which question?" line offers them (a check-in's question in
    its wording, a check-in's day in the person's time zone)."""
    from bot.checkins import present
    from bot.checkins.schedule import Preferences

    zone = Preferences.of(user).zone
    choices = []
    for q in questions:
        wording = present.questions(library, [q.prompt_id]) if q.prompt_id else []
        choices.append(
            QuestionChoice(
                q.kind,
                q.id,
                slot_local=q.slot_at.astimezone(zone) if q.slot_at else None,
                quote=q.quote,
                prompt_id=q.prompt_id,
                question=wording[0].text if wording else None,
            )
        )
    return choices
