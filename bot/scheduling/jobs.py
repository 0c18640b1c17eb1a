"""Scheduled jobs: each runs once for an explicit instant, and is safe to run again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.coaching.library import default_library
from bot.config import Settings
from bot.db.engine import Database
from bot.delivery.messages import token_source
from bot.delivery.outbox import RunArgs, Tally
from bot.slack.client import build_web_client
from bot.workspaces import service as workspaces
from bot.workspaces.service import WorkspaceInactive

if TYPE_CHECKING:
    from bot.slack.single_workspace import KnownTokenWorkspace
    from bot.slack.tokens import TokenRefresher

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job needs: the database, settings, and Web API clients per workspace."""

    database: Database
    settings: Settings
    worker_id: str = "cli"
    # The worker's tick sets it (bot/scheduling/worker.py): the monotonic instant by which a
    # run should stop sending so the tick ends inside its minute. None outside a tick.
    tick_ends: float | None = None
    _clients: dict[str, WebClient] = field(default_factory=dict)
    _refresher: TokenRefresher | None = None
    # Single-workspace mode: the token's own workspace, from auth.test (asked once).
    _token_workspace: KnownTokenWorkspace | None = None

    @property
    def refresher(self) -> TokenRefresher | None:
        """Multi-workspace mode: bot tokens per installation, refreshed before they expire."""
        if self._refresher is None and self.settings.oauth_enabled:
            from bot.slack.oauth import installation_store
            from bot.slack.tokens import TokenRefresher

            store = installation_store(self.settings, self.database)
            self._refresher = TokenRefresher(
                database=self.database, store=store, settings=self.settings
            )
        return self._refresher

    def delivery(self, now: datetime, budget_seconds: float | None) -> RunArgs:
        """What an outbox run at `now` is given (bot/delivery/outbox.py)."""
        return RunArgs(
            database=self.database,
            settings=self.settings,
            token_for=token_source(self.client_for),
            now=now,
            worker_id=self.worker_id,
            budget_seconds=budget_seconds,
        )

    def budget(self, seconds: float) -> float | None:
        """How long a run may send: `jobs run` runs to the end (None); in the worker, for the
        rest of the tick's minute and at least `seconds`.

        A fan-out that falls due at once (everyone's check-in at 09:00) keeps sending until
        the minute is nearly over instead of stopping at `seconds` and idling until the next
        tick; the jobs after it in the tick still get their own `seconds` (the rest stays
        pending for the next minute).
        """
        if self.worker_id == "cli":
            return None
        if self.tick_ends is None:
            return seconds
        return max(seconds, self.tick_ends - time.monotonic())

    def client_for(self, team_id: str | None = None) -> WebClient:
        """A Web API client carrying the bot token that may act in that workspace.

        Every job that sends gets its client here, so this is where sending stops for a
        workspace that uninstalled the app or revoked its token: WorkspaceInactive. In
        multi-workspace mode the token is the installation's, refreshed first if it is about
        to expire.
        """
        with self.database.read_session() as session:
            if not workspaces.is_active(session=session, team_id=team_id):
                raise WorkspaceInactive(team_id)
            enterprise_id = workspaces.enterprise_of(session=session, team_id=team_id)
        refresher = self.refresher
        if refresher is None:
            token = self.settings.slack_bot_token
            if team_id is not None and token:
                self._check_token_serves(token, team_id, enterprise_id)
        else:
            from bot.slack.tokens import REFRESH_AHEAD

            bot = refresher.bot(enterprise_id=None, team_id=team_id, margin=REFRESH_AHEAD)
            if bot is None or not bot.bot_token:
                raise WorkspaceInactive(team_id)
            token = bot.bot_token
        key = token or ""
        if key not in self._clients:
            self._clients[key] = build_web_client(self.settings, token=token)
        return self._clients[key]

    def _check_token_serves(self, token: str, team_id: str, enterprise_id: str | None) -> None:
        """Token mode: SLACK_BOT_TOKEN acts in its own workspace (or Grid org) only. A row for
        another team (stored before this check existed) is treated as not installed."""
        from bot.slack.single_workspace import KnownTokenWorkspace

        if token not in self._clients:
            self._clients[token] = build_web_client(self.settings, token=token)
        if self._token_workspace is None or self._token_workspace.token != token:
            self._token_workspace = KnownTokenWorkspace(token)
        ours = self._token_workspace.ask(self._clients[token])
        if not ours.serves(team_id=team_id, enterprise_id=enterprise_id):
            logger.warning(
                "not sending to workspace %s: SLACK_BOT_TOKEN serves %s",
                team_id,
                ours.team_id or ours.enterprise_id,
            )
            raise WorkspaceInactive(team_id)


@dataclass(frozen=True)
class JobResult:
    """What one run did, for the operator: a one-line summary."""

    name: str
    summary: str
    # Set when the run left due work undone: what, and how to finish, where `{again}` stands
    # for the command that runs it again. `jobs run` prints it and exits non-zero; the
    # worker's next runs carry on by themselves.
    unfinished: str | None = None


Job = Callable[[JobContext, datetime], JobResult]
# The earliest instant strictly after `after` at which running a job could do anything, or
# None when nothing is scheduled (until someone acts). Production never asks; the local
# sandbox uses these hints (sandbox/hints.py) to fast-forward without running every minute.
NextDue = Callable[[JobContext, datetime], datetime | None]


@dataclass(frozen=True)
class JobSpec:
    """A job the worker and `python -m bot jobs` run, listed in bot/scheduling/catalog.py."""

    name: str
    description: str
    run: Job

    @classmethod
    def sending(
        cls, name: str, description: str, send: Callable[..., Tally], budget_seconds: float
    ) -> JobSpec:
        """A job that posts one outbox's DMs in the coaching library's words (`send` takes
        `library` and the run's `RunArgs`): "sent N, failed M"."""

        def run(ctx: JobContext, now: datetime) -> JobResult:
            tally = send(
                library=default_library(ctx.settings.prompts_dir),
                **ctx.delivery(now, ctx.budget(budget_seconds)),
            )
            return JobResult(name, f"sent {tally.sent}, failed {tally.failed}")

        return cls(name, description, run)


def next_minute(after: datetime) -> datetime:
    """The minute after `after`: a hint's answer when work may already be waiting."""
    return after.replace(second=0, microsecond=0) + timedelta(minutes=1)
