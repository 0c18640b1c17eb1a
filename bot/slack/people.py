"""People and channels by name, for text that mentions them by id (`<@U1>`)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ui.text import mentioned_ids

MAX_NAME_LOOKUPS = 50


def display_name(profile: dict[str, Any]) -> str | None:
    """The name Slack shows for a user (users.info's `user`)."""
    inner = profile.get("profile") or {}
    for candidate in (
        inner.get("display_name"),
        inner.get("real_name"),
        profile.get("real_name"),
        profile.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def lookup_names(client: WebClient, slack_ids: list[str]) -> dict[str, str]:
    """Names of up to MAX_NAME_LOOKUPS people (users.info) and channels (conversations.info);
    unknown ones, and any Slack refuses, are left out."""
    names: dict[str, str] = {}
    for slack_id in slack_ids[:MAX_NAME_LOOKUPS]:
        try:
            if slack_id.startswith(("C", "G")):
                found = client.conversations_info(channel=slack_id)["channel"].get("name")
            else:
                found = display_name(client.users_info(user=slack_id)["user"])
        except (SlackApiError, SlackClientError, OSError):
            continue
        if isinstance(found, str) and found:
            names[slack_id] = found
    return names


def names_in(client: WebClient, *texts: str | None) -> dict[str, str]:
    """Names for the people and channels stored texts mention without one (`<@U1>`), so they
    can be shown as typed (`@bob`); no Web API call when there are none."""
    return lookup_names(client, mentioned_ids(*texts, unnamed_only=True))


def profile_or_none(client: WebClient, slack_user_id: str) -> dict[str, Any] | None:
    """users.info's user object, or None when Slack cannot say (keep what is stored)."""
    try:
        return client.users_info(user=slack_user_id)["user"]
    except Exception:  # a nicety: anything Slack does wrong leaves the stored profile
        return None
