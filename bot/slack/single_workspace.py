"""Single-workspace token mode: the one workspace (or Grid org) SLACK_BOT_TOKEN belongs to.

A bot token acts in the workspace it was issued for. Served a signed request naming another
team, the app would create that workspace, store its people, and then post (and publish
Homes) there with this token, which lands in the token's own workspace: someone else's data
over a real person's Home, two check-ins for one person. So in token mode every request and
every job client is checked against the token's own team, from `auth.test` (asked once per
token and kept): the token's workspace is served, and so, in an Enterprise Grid org, is any
request the org's id vouches for (see bot/workspaces/membership.py for why a Grid request
may name another workspace of the org).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenWorkspace:
    """Who a bot token belongs to, as auth.test says."""

    team_id: str | None
    enterprise_id: str | None

    def serves(self, *, team_id: str | None, enterprise_id: str | None) -> bool:
        """Whether a request (or a stored workspace) with these ids is this token's."""
        if team_id and team_id == self.team_id:
            return True
        return bool(self.enterprise_id) and enterprise_id == self.enterprise_id


class KnownTokenWorkspace:
    """What auth.test said about one token, asked once and kept (one per app or job context,
    so nothing carries over between apps that happen to share a token string)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._found: TokenWorkspace | None = None
        self._lock = threading.Lock()

    def remember(self, auth_test: Any) -> TokenWorkspace:
        """Keep what auth.test said (a dict or a SlackResponse)."""
        found = TokenWorkspace(
            team_id=auth_test.get("team_id") or None,
            enterprise_id=auth_test.get("enterprise_id") or None,
        )
        with self._lock:
            self._found = found
        return found

    @property
    def known(self) -> TokenWorkspace | None:
        with self._lock:
            return self._found

    def ask(self, client: WebClient) -> TokenWorkspace:
        """The token's workspace, asking auth.test (with this token) the first time.

        Raises what the Web API raises when Slack cannot say (the caller decides).
        """
        return self.known or self.remember(client.auth_test(token=self.token))

    def for_request(self, context: BoltContext) -> TokenWorkspace | None:
        """The token's workspace; None only when Slack cannot say (the request goes on).

        Bolt's own authorization has usually just asked auth.test with this token; its
        answer (with the bot token set) is used. Events Bolt lets through without asking (app
        uninstalled, tokens revoked) are checked against what was learnt before, or by
        asking now; when the token no longer works at all, Slack itself is telling us it was
        uninstalled, and that event must go through.
        """
        if (known := self.known) is not None:
            return known
        result = context.authorize_result
        if result is not None and result.bot_token == self.token and result.team_id:
            return self.remember({"team_id": result.team_id, "enterprise_id": result.enterprise_id})
        try:
            return self.ask(context.client)
        except Exception:  # the token was revoked: only Slack's own events get this far
            logger.info("could not confirm the token's workspace with auth.test", exc_info=True)
            return None
