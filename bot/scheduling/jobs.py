"""Scheduled jobs: each runs once for an explicit instant, and is safe to run again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.config import Settings
from bot.conversations import service as conversations
from bot.db.engine import Database
from bot.slack.client import build_web_client
from bot.ui.text import plural
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


Job = Callable[[JobContext, datetime], JobResult]
# The earliest instant strictly after `after` at which running the job could do anything, or
# None when nothing is scheduled (until someone acts). The worker ignores it; the local sandbox
# uses it to fast-forward the clock without running every job at every minute.
NextDue = Callable[[JobContext, datetime], datetime | None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    run: Job
    next_due: NextDue | None = None


JOBS: dict[str, JobSpec] = {}


def job(name: str, description: str, *, next_due: NextDue | None = None) -> Callable[[Job], Job]:
    """Register a job under a name the CLI and the worker use.

    `next_due` is an optional hint for the sandbox's fast-forward (see NextDue); a job without
    it is run there on a grid of minutes (quarter hours on long jumps).
    """

    def decorate(func: Job) -> Job:
        JOBS[name] = JobSpec(name=name, description=description, run=func, next_due=next_due)
        return func

    return decorate


def next_minute(after: datetime) -> datetime:
    """The minute after `after`: a hint's answer when work may already be waiting."""
    return after.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _next_midnight(_ctx: JobContext, after: datetime) -> datetime:
    """Pruning once a day is as good as every minute: nothing shows the difference."""
    return after.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


@job(
    "prune-events",
    "Forget processed Slack event ids older than EVENT_RETENTION_DAYS.",
    next_due=_next_midnight,
)
def prune_events(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        removed = conversations.prune_processed_events(
            session=session, now=now, keep=timedelta(days=ctx.settings.event_retention_days)
        )
    return JobResult("prune-events", f"forgot {plural(removed, 'processed event id')}")


def run_job(name: str, ctx: JobContext, now: datetime) -> JobResult:
    """Run one registered job for the instant `now`."""
    return JOBS[name].run(ctx, now)


def run_all_due(
    ctx: JobContext, now: datetime, *, stop: threading.Event | None = None
) -> list[JobResult]:
    """One scheduler tick: every job, in registration order; one failure does not stop others.

    Once `stop` is set no further job starts: the jobs left catch up on the next start.
    """
    results = []
    for spec in JOBS.values():
        if stop is not None and stop.is_set():
            break
        try:
            results.append(spec.run(ctx, now))
        except Exception:
            logger.exception("job failed", extra={"job": spec.name})
    return results


# Feature jobs register themselves on import (kept at the bottom: they import this module).
from bot.checkins import jobs as _checkin_jobs  # noqa: E402, F401
from bot.digests import jobs as _digest_jobs  # noqa: E402, F401
from bot.summaries import jobs as _summary_jobs  # noqa: E402, F401

# Feature modules register their jobs on import (see @job above).
from bot.workspaces import jobs as _workspace_jobs  # noqa: E402, F401
