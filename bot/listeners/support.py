"""Helpers listeners share: typed access to what the middleware put in the context."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.coaching.library import CoachingLibrary, default_library
from bot.config import Settings
from bot.slack import directory
from bot.slack.people import profile_or_none
from bot.slack.replies import send_in_turn, to_dm
from bot.ui.messages import CommandNames
from bot.workspaces import flows as workspace_flows

if TYPE_CHECKING:  # names for annotations only: listeners pass these on, never query them
    from sqlalchemy.orm import Session

    from bot.db.models import User


def db(context: BoltContext) -> Session:
    """This listener's database session (see bot.middleware)."""
    return context["db"]


def settings(context: BoltContext) -> Settings:
    return context["settings"]


def command_names(context: BoltContext) -> CommandNames:
    s = settings(context)
    return CommandNames(brag=s.command_brag, kudos=s.command_kudos, multiplier=s.command_multiplier)


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
