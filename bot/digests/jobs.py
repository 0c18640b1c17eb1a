"""The `digests` job: each digest channel's weekly post, once per channel and period."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.models import DigestChannel, DigestPost, User, Workspace
from bot.delivery import outbox
from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed, Slack, open_dm, post_message
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.digests import service
from bot.digests import slack as digest_slack
from bot.plural import plural
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.slack.people import names_in
from bot.summaries.metrics import Highlight, TeamDigest, TeamKudosRow
from bot.ui.digest import digest_message, digest_stopped
from bot.ui.messages import CommandNames
from bot.workspaces.service import WorkspaceInactive

logger = logging.getLogger(__name__)

EVENT_TYPE = "multiplier_digest"
# One run delivers for about this long, so a busy Monday cannot hold up the worker's other
# jobs (check-ins) for more than a tick; what is left stays pending for the next runs.
RUN_BUDGET_SECONDS = 40


def _key(post: DigestPost) -> str:
    return f"{post.digest_channel_id}:{post.period_key}"


def _names(ctx: JobContext) -> CommandNames:
    s = ctx.settings
    return CommandNames(brag=s.command_brag, kudos=s.command_kudos, multiplier=s.command_multiplier)


def next_digest_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `digests` could next act (the sandbox's fast-forward hint, see NextDue).

    A post still pending or claimed, or a stopped digest whose admin is still to be told,
    wakes it every minute; otherwise the earliest `next_post_at` of an active digest channel.
    """
    with ctx.database.session() as session:
        if session.scalar(select(exists().where(DigestPost.status.in_(("pending", "claimed"))))):
            return next_minute(after)
        if session.scalar(
            select(
                exists().where(
                    DigestChannel.stopped_reason.is_not(None), DigestChannel.stop_told_at.is_(None)
                )
            )
        ):
            return next_minute(after)
        slot = session.scalar(
            select(func.min(DigestChannel.next_post_at)).where(DigestChannel.active.is_(True))
        )
    if slot is None:
        return None
    return max(slot, next_minute(after))


def run_digests(ctx: JobContext, now: datetime) -> JobResult:
    with ctx.database.session() as session:
        queued, too_late = service.enqueue_due(
            session=session, now=now, grace=timedelta(hours=ctx.settings.digest_grace_hours)
        )
    tally = outbox.Tally()
    recovered = DIGESTS.run(
        deliver=lambda session, sender, post: _deliver(ctx, session, sender, post, now),
        tally=tally,
        **ctx.delivery(now, RUN_BUDGET_SECONDS),
    )
    told = _tell_stopped(ctx, now)
    return JobResult(
        "digests",
        f"queued {queued}, posted {tally.sent}, skipped {tally.skipped} with nothing to "
        f"report, failed {tally.failed}, will retry {tally.retry}, skipped {too_late} too late, "
        f"recovered {recovered}, told {plural(told, 'admin')} of a stopped digest",
    )


def _tell_stopped(ctx: JobContext, now: datetime) -> int:
    """DM the admin who set up each digest Slack stopped, once: why it stopped and how to
    restart it. The notice is marked told (committed) before it is sent, so two workers or a
    crash never send it twice; a failure that may pass (throttled, Slack down) leaves it to
    be sent by a later run, one that cannot (the admin deactivated) gives up."""
    sender = Sender(ctx.settings)
    told = 0
    with ctx.database.session() as session:
        stopped = [d.id for d in service.untold_stops(session=session)]
    for digest_id in stopped:
        with ctx.database.session() as session:
            digest = session.get(DigestChannel, digest_id, with_for_update=True)
            if digest is None or digest.stop_told_at is not None or not digest.stopped_reason:
                continue
            digest.stop_told_at = now
            admin = session.get(User, digest.created_by_id) if digest.created_by_id else None
            if admin is None or not admin.active or admin.is_bot:
                continue
            team_id = digest_team(session, digest)
            to, dm_channel = admin.slack_user_id, admin.dm_channel_id
            message = digest_stopped(digest, _names(ctx))
        try:  # no database connection is held while Slack answers
            slack = Slack.for_token(sender, ctx.client_for(team_id).token, team_id)
            channel = dm_channel or open_dm(slack, to)
            post_message(slack, channel=channel, text=message["text"], blocks=message["blocks"])
        except WorkspaceInactive:
            continue
        except SendFailed as error:
            logger.warning("digest stop notice not sent: %s", error.error)
            if not error.permanent:  # throttled or Slack down: a later run tries again
                with ctx.database.session() as session:
                    again = session.get(DigestChannel, digest_id)
                    if again is not None and again.stop_told_at == now:
                        again.stop_told_at = None
            continue
        told += 1
    return told


def digest_team(session: Session, digest: DigestChannel) -> str:
    """The Slack team id of the digest's workspace (for its Web API client)."""
    workspace = session.get(Workspace, digest.workspace_id)
    return workspace.team_id if workspace is not None else ""


def _locate(session: Session, post: DigestPost) -> outbox.Place | object | None:
    digest = session.get(DigestChannel, post.digest_channel_id)
    if digest is None:
        return outbox.GONE
    return outbox.Place(digest_team(session, digest), digest.channel_id)


DIGESTS = outbox.Outbox(
    stale_after=service.STALE_CLAIM,
    model=DigestPost,
    event_type=EVENT_TYPE,
    key=_key,
    locate=_locate,
)


def _shared_texts(team: TeamDigest) -> list[str]:
    items: list[Highlight | TeamKudosRow] = [*team.highlights, *team.late_highlights, *team.kudos]
    return [item.text for item in items]


def _deliver(
    ctx: JobContext, session: Session, sender: Sender, post: DigestPost, now: datetime
) -> str | None:
    library = default_library(ctx.settings.prompts_dir)
    digest = session.get(DigestChannel, post.digest_channel_id)
    if digest is None or not digest.active:
        post.status = DeliveryStatus.SKIPPED
        return None
    team_id = digest_team(session, digest)
    client = ctx.client_for(team_id)
    slack = Slack.for_token(sender, client.token, team_id)
    post.attempts += 1
    try:
        try:
            # The team is the channel's membership now; the cached one if Slack won't say.
            members = digest_slack.channel_members(client, digest.channel_id)
            service.replace_members(session=session, digest=digest, members=members, now=now)
        except SendFailed as error:
            if error.outcome is Outcome.USER_GONE:
                # Removed from the channel (or it is gone): Slack lets the bot read it no
                # more, so it could never check for a post of its own. Stop, as for a post.
                raise
            logger.info("using cached members: %s", error.error)
        team = service.build_digest(
            session=session,
            digest=digest,
            period_start=post.period_start,
            period_end=post.period_end,
            library=library,
            min_group_size=ctx.settings.digest_min_group_size,
        )
        if team.is_empty:
            # Nothing to report: a channel of "quiet week" posts teaches people to mute it.
            post.status = DeliveryStatus.SKIPPED
            session.commit()
            return None
        message = digest_message(
            team,
            channel_name=digest.channel_name,
            tz_name=digest.tz,
            library=library,
            names=_names(ctx),
            people=names_in(client, *_shared_texts(team)),
        )
        session.commit()
        return DIGESTS.post(slack, post, digest.channel_id, message).ts
    except SendFailed as error:
        if error.outcome is Outcome.USER_GONE:  # the channel is gone, or we are not in it
            service.stop_digest(digest=digest, reason=error.error, now=now)
        raise


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "digests",
        "Post each team digest channel's weekly digest when its slot comes.",
        run_digests,
    ),
)
