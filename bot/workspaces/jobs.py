"""Jobs for installations: refresh expiring tokens, delete data after uninstall/revocation."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.errors import SlackTokenRotationError
from sqlalchemy import func, select

from bot.db.models import User, Workspace
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.ui.text import plural
from bot.workspaces import service as workspaces


def next_purge_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `purge` could next act (the sandbox's fast-forward hint): the earliest purge_after."""
    with ctx.database.session() as session:
        dates = [
            session.scalar(
                select(func.min(Workspace.purge_after)).where(Workspace.active.is_(False))
            ),
            session.scalar(
                select(func.min(User.purge_after)).where(
                    User.active.is_(False), User.inactive_reason == workspaces.REVOKED
                )
            ),
        ]
    due = [d for d in dates if d is not None]
    return max(min(due), next_minute(after)) if due else None


def next_refresh_due(ctx: JobContext, after: datetime) -> datetime | None:
    """Single-workspace tokens never need refreshing; installations are checked each minute."""
    return None if ctx.refresher is None else next_minute(after)


def purge(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        removed_workspaces, removed_users = workspaces.purge_due(session=session, now=now)
    return JobResult(
        "purge",
        f"deleted {plural(removed_workspaces, 'workspace')} and {plural(removed_users, 'user')}",
    )


def refresh_tokens(ctx: JobContext, now: datetime) -> JobResult:
    refresher = ctx.refresher
    if refresher is None:
        return JobResult("refresh-tokens", "single-workspace token: nothing to refresh")
    from bot.slack.tokens import REFRESH_AHEAD

    refreshed = failed = 0
    for enterprise_id, team_id in refresher.expiring(REFRESH_AHEAD):
        before = refresher.refreshes
        try:
            refresher.bot(enterprise_id=enterprise_id, team_id=team_id, margin=REFRESH_AHEAD)
        except SlackTokenRotationError:
            failed += 1
            continue
        refreshed += refresher.refreshes - before
    return JobResult("refresh-tokens", f"refreshed {plural(refreshed, 'token')}, {failed} failed")


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "purge",
        "Delete data of workspaces uninstalled (users revoked) DATA_RETENTION_DAYS ago.",
        purge,
    ),
    JobSpec(
        "refresh-tokens",
        "Refresh bot tokens that expire within two hours (token rotation).",
        refresh_tokens,
    ),
)
