"""Jobs for installations: refresh expiring tokens, delete data after uninstall/revocation."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.errors import SlackTokenRotationError

from bot.scheduling.jobs import JobContext, JobResult, job
from bot.workspaces import service as workspaces


@job("purge", "Delete data of workspaces uninstalled (users revoked) DATA_RETENTION_DAYS ago.")
def purge(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        removed_workspaces, removed_users = workspaces.purge_due(session=session, now=now)
    return JobResult(
        "purge", f"deleted {removed_workspaces} workspace(s) and {removed_users} user(s)"
    )


@job("refresh-tokens", "Refresh bot tokens that expire within two hours (token rotation).")
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
    return JobResult("refresh-tokens", f"refreshed {refreshed} token(s), {failed} failed")
