"""Who belongs to the workspace the app is installed in, Enterprise Grid included.

In an Enterprise Grid org a user's profile (users.info, user_change) names their *home*
workspace as `team_id`, which need not be the workspace the app is installed in, and lists
every workspace they belong to in `enterprise_user.teams`; their ids may start with `W`.
So membership is decided by the installation a request came to, never by the home team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def profile_teams(profile: Mapping[str, Any]) -> set[str]:
    """Every workspace a Slack user object says its user belongs to."""
    grid = profile.get("enterprise_user") or {}
    teams = {str(t) for t in grid.get("teams") or () if t}
    if profile.get("team_id"):
        teams.add(str(profile["team_id"]))
    return teams


def is_member(
    profile: Mapping[str, Any], *, team_id: str | None, enterprise_id: str | None = None
) -> bool:
    """Whether a user object belongs to the installation (`team_id`, or an org-wide one).

    A workspace installation takes its own members, Grid coworkers whose home is another
    workspace of the org included; an org-wide installation (`enterprise_id`, no team) takes
    the org's users. A profile that names no team at all is given the benefit of the doubt.
    """
    teams = profile_teams(profile)
    if not teams:
        return True
    if team_id:
        return team_id in teams
    if enterprise_id:
        grid = profile.get("enterprise_user") or {}
        return grid.get("enterprise_id") == enterprise_id
    return True
