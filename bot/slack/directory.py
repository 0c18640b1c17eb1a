"""Who an ``@name`` typed as plain text is: a form's text box has no mention picker.

Slack turns a mention picked from its list into ``<@U…>``; text typed in a modal's input
stays ``@bob``. These look the name up the way a person would mean it: the display name,
the username or the real name without spaces, case-insensitively. A name that fits more
than one person (or nobody) is left unresolved, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

# users.list pages read at most per lookup (200 people each): a form is waiting.
MAX_PAGES = 2


def handles_of(member: Mapping[str, Any]) -> set[str]:
    """The names someone can be @-mentioned by, case-folded."""
    profile = member.get("profile") or {}
    found = set()
    for value in (
        profile.get("display_name"),
        profile.get("display_name_normalized"),
        member.get("name"),
        (profile.get("real_name") or member.get("real_name") or "").replace(" ", ""),
    ):
        if isinstance(value, str) and value.strip():
            found.add(value.strip().casefold())
    return found


def match_names(names: Iterable[str], members: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each ``@name`` that fits exactly one active person, mapped to their Slack id."""
    wanted = {name.lstrip("@").casefold(): name for name in names}
    hits: dict[str, set[str]] = {}
    for member in members:
        if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
            continue
        for handle in handles_of(member) & set(wanted):
            hits.setdefault(handle, set()).add(str(member["id"]))
    return {wanted[h]: next(iter(ids)) for h, ids in hits.items() if len(ids) == 1}


def find_by_name(client: WebClient, names: Iterable[str]) -> dict[str, str]:
    """``@name`` → Slack id from users.list (a few pages); {} when Slack can't be asked."""
    names = list(names)
    if not names:
        return {}
    members: list[Mapping[str, Any]] = []
    cursor: str | None = None
    try:
        for _ in range(MAX_PAGES):
            response = client.users_list(limit=200, cursor=cursor)
            members.extend(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except (SlackApiError, SlackClientError, OSError):
        pass
    return match_names(names, members)
