"""The few Web API look-ups digests need: a channel, its members, the workspace's admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.delivery.errors import Outcome, classify
from bot.delivery.messages import SendFailed

MAX_MEMBERS = 20_000
MEMBERS_PAGE = 1000
ADMIN_SCAN_PAGES = 5


def _failed(error: Exception) -> SendFailed:
    outcome, code = classify(error)
    return SendFailed(code, outcome)


@dataclass(frozen=True)
class ChannelInfo:
    id: str
    name: str | None
    is_private: bool
    is_archived: bool
    is_member: bool


def channel_info(client: WebClient, channel_id: str) -> ChannelInfo:
    try:
        channel: dict[str, Any] = client.conversations_info(channel=channel_id)["channel"]
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failed(error) from error
    return ChannelInfo(
        id=channel_id,
        name=channel.get("name"),
        is_private=bool(channel.get("is_private")),
        is_archived=bool(channel.get("is_archived")),
        is_member=bool(channel.get("is_member")),
    )


def join_channel(client: WebClient, channel_id: str) -> tuple[ChannelInfo, bool]:
    """Join a public channel (conversations.join, channels:join); its info, and whether the
    bot joined just now (False: it was a member already).

    Slack lets a bot read a channel's history, info and members only once it is in it, and
    reading back our own digest posts is how an interrupted digest is never posted twice.
    A private channel cannot be joined: it answers `channel_not_found` until someone invites
    the bot (`method_not_supported_for_channel_type` once it is in).
    """
    try:
        response = client.conversations_join(channel=channel_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failed(error) from error
    channel: dict[str, Any] = response.get("channel") or {}
    warnings = (response.get("response_metadata") or {}).get("warnings") or []
    already = response.get("warning") == "already_in_channel" or "already_in_channel" in warnings
    info = ChannelInfo(
        id=channel_id,
        name=channel.get("name"),
        is_private=bool(channel.get("is_private")),
        is_archived=bool(channel.get("is_archived")),
        is_member=True,
    )
    return info, not already


def channel_members(client: WebClient, channel_id: str) -> list[str]:
    """Every member of a channel (paginated, capped at MAX_MEMBERS)."""
    members: list[str] = []
    cursor: str | None = None
    try:
        while len(members) < MAX_MEMBERS:
            response = client.conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor
            )
            members.extend(str(m) for m in response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failed(error) from error
    return members[:MAX_MEMBERS]


def user_profile(client: WebClient, slack_user_id: str) -> dict[str, Any]:
    """users.info for one user: the fresh admin/owner flags."""
    try:
        return dict(client.users_info(user=slack_user_id)["user"])
    except (SlackApiError, SlackClientError, OSError) as error:
        raise _failed(error) from error


def is_admin(profile: dict[str, Any]) -> bool:
    return bool(
        profile.get("is_admin") or profile.get("is_owner") or profile.get("is_primary_owner")
    )


def find_admins(client: WebClient, limit: int = 5) -> list[str]:
    """Admins and owners from users.list (a few pages at most); empty on any failure."""
    found: list[str] = []
    cursor: str | None = None
    try:
        for _ in range(ADMIN_SCAN_PAGES):
            response = client.users_list(limit=200, cursor=cursor)
            for member in response.get("members") or []:
                if is_admin(member) and not member.get("deleted") and not member.get("is_bot"):
                    found.append(str(member["id"]))
                    if len(found) >= limit:
                        return found
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except (SlackApiError, SlackClientError, OSError):
        return found
    return found


def join_or_look_up(client: WebClient, channel_id: str) -> tuple[ChannelInfo, bool]:
    """The bot in the channel: a public one is joined, a private one must have invited it.

    (info, joined just now). Raises SendFailed with the reason to tell the admin.
    """
    try:
        return join_channel(client, channel_id)
    except SendFailed as error:
        if error.error not in ("method_not_supported_for_channel_type", "channel_not_found"):
            raise
    # A private channel: readable only if the bot was invited.
    try:
        return channel_info(client, channel_id), False
    except SendFailed as error:
        if error.error in ("channel_not_found", "not_in_channel"):
            raise SendFailed("private_not_invited", Outcome.USER_GONE) from error
        raise
