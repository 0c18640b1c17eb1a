"""The `digests` job: each digest channel's weekly post, once per channel and period."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.models import DigestChannel, DigestPost, Workspace
from bot.digests import service, slack
from bot.scheduling import outbox
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.slack.people import names_in
from bot.summaries import delivery
from bot.summaries.delivery import SendFailed
from bot.summaries.metrics import Highlight, TeamDigest, TeamKudosRow
from bot.ui.digest import digest_message
from bot.ui.messages import CommandNames

logger = logging.getLogger(__name__)

EVENT_TYPE = "multiplier_digest"
MAX_ATTEMPTS = 5
# One run delivers for about this long, so a busy Monday cannot hold up the worker's other
# jobs (check-ins) for more than a tick; what is left stays pending for the next runs.
RUN_BUDGET_SECONDS = 40
CLAIM_BATCH = 10
# Errors that mean this channel can never receive a digest again until someone acts.
CHANNEL_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel"})


@dataclass
class _Tally:
    posted: int = 0
    failed: int = 0
    retry: int = 0


def _key(post: DigestPost) -> str:
    return f"{post.digest_channel_id}:{post.period_key}"


def _names(ctx: JobContext) -> CommandNames:
    s = ctx.settings
    return CommandNames(brag=s.command_brag, kudos=s.command_kudos, multiplier=s.command_multiplier)


def next_digest_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `digests` could next act (the sandbox's fast-forward hint, see NextDue).

    A post still pending or claimed wakes it every minute; otherwise the earliest
    `next_post_at` of an active digest channel.
    """
    with ctx.database.session() as session:
        if session.scalar(select(exists().where(DigestPost.status.in_(("pending", "claimed"))))):
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
    recovered = _recover_stale(ctx, now)
    tally = _Tally()
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    while time.monotonic() < deadline:
        with ctx.database.session() as session:
            ids = outbox.claim(
                session=session,
                model=DigestPost,
                worker_id=ctx.worker_id,
                now=now,
                limit=CLAIM_BATCH,
            )
        if not ids:
            break
        for post_id in ids:
            _deliver(ctx, post_id, now, tally)
    return JobResult(
        "digests",
        f"queued {queued}, posted {tally.posted}, failed {tally.failed}, will retry "
        f"{tally.retry}, skipped {too_late} too late, recovered {recovered}",
    )


def _recover_stale(ctx: JobContext, now: datetime) -> int:
    """Settle claims whose worker died: posted if the channel has it, else (if unknown) stop."""
    recovered = 0
    with ctx.database.session() as session:
        stale = outbox.stale_claims(
            session=session, model=DigestPost, now=now, older_than=service.STALE_CLAIM
        )
        for post in stale:
            digest = session.get(DigestChannel, post.digest_channel_id)
            if digest is None:
                continue
            client = ctx.client_for(digest_team(session, digest))
            try:
                ts = delivery.find_posted(
                    client,
                    channel=digest.channel_id,
                    event_type=EVENT_TYPE,
                    key=_key(post),
                )
            except SendFailed as error:
                post.last_error = error.error[:255]
                if not error.permanent:
                    # Throttled or unreachable: the claim stays stale and is checked again
                    # on a later run; the next look-ups would be refused alike.
                    break
                post.status = "unknown"  # no way to check: never risk a second copy
                continue
            if ts is not None:
                post.status, post.message_ts, post.posted_at = "posted", ts, now
            else:
                post.status = "pending"
            recovered += 1
    return recovered


def digest_team(session: Session, digest: DigestChannel) -> str:
    """The Slack team id of the digest's workspace (for its Web API client)."""
    workspace = session.get(Workspace, digest.workspace_id)
    return workspace.team_id if workspace is not None else ""


def _shared_texts(team: TeamDigest) -> list[str]:
    items: list[Highlight | TeamKudosRow] = [*team.highlights, *team.late_highlights, *team.kudos]
    return [item.text for item in items]


def _deliver(ctx: JobContext, post_id: int, now: datetime, tally: _Tally) -> None:
    library = default_library(ctx.settings.prompts_dir)
    with ctx.database.session() as session:
        post = session.get(DigestPost, post_id)
        if post is None or post.status != "claimed":
            return
        digest = session.get(DigestChannel, post.digest_channel_id)
        if digest is None or not digest.active:
            post.status = "skipped"
            return
        client = ctx.client_for(digest_team(session, digest))
        post.attempts += 1
        try:
            # The team is the channel's membership now; the cached one if Slack won't say.
            members = slack.channel_members(client, digest.channel_id)
            service.replace_members(session=session, digest=digest, members=members, now=now)
        except SendFailed as error:
            if error.error in CHANNEL_GONE:
                # Removed from the channel (or it is gone): Slack lets the bot read it no
                # more, so it could never check for a post of its own. Stop, as for a post.
                _not_posted(post, digest, error, tally)
                return
            logger.info("using cached members: %s", error.error)
        team = service.build_digest(
            session=session,
            digest=digest,
            period_start=post.period_start,
            period_end=post.period_end,
            library=library,
            min_group_size=ctx.settings.digest_min_group_size,
        )
        message = digest_message(
            team,
            channel_name=digest.channel_name,
            tz_name=digest.tz,
            library=library,
            names=_names(ctx),
            people=names_in(client, *_shared_texts(team)),
        )
        session.commit()
        try:
            posted = delivery.post_message(
                client,
                channel=digest.channel_id,
                text=message["text"],
                blocks=message["blocks"],
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": _key(post)}},
            )
        except SendFailed as error:
            _not_posted(post, digest, error, tally)
            return
        post.status, post.message_ts, post.posted_at = "posted", posted.ts, now
        post.last_error = None
        tally.posted += 1


def _not_posted(post: DigestPost, digest: DigestChannel, error: SendFailed, tally: _Tally) -> None:
    """Record a failed delivery: retried later unless it is permanent or out of attempts."""
    post.last_error = error.error[:255]
    if error.error in CHANNEL_GONE:
        digest.active = False
        digest.next_post_at = None
    if error.permanent or post.attempts >= MAX_ATTEMPTS:
        post.status = "failed"
        tally.failed += 1
        logger.warning("digest not posted: %s", error.error)
    else:
        post.status = "pending"
        tally.retry += 1


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "digests",
        "Post each team digest channel's weekly digest when its slot comes.",
        run_digests,
    ),
)
