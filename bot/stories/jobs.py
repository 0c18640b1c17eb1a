"""The quarterly promotion-story job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import lazyload

from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.coaching.library import default_library
from bot.db.models import CheckIn, PromotionStoryPost, User
from bot.delivery.messages import token_source
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.stories.quarterly import WINDOW, had_checkin_before, quarter_of, queued, send_story_dms

RUN_BUDGET_SECONDS = 30


def run_story_dms(ctx: JobContext, now: datetime) -> JobResult:
    tally = send_story_dms(
        database=ctx.database,
        settings=ctx.settings,
        token_for=token_source(ctx.client_for),
        now=now,
        library=default_library(ctx.settings.prompts_dir),
        worker_id=ctx.worker_id,
        budget_seconds=None if ctx.worker_id == "cli" else RUN_BUDGET_SECONDS,
    )
    return JobResult("story-dms", f"sent {tally.sent}, failed {tally.failed}")


def next_story_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a quarter's story DM can follow a sent check-in (a queued one: now)."""
    soonest = next_minute(after)
    candidates: list[datetime] = []
    with ctx.database.read_session() as session:
        pending = PromotionStoryPost.status.in_(("pending", "claimed"))
        if session.scalar(select(exists().where(pending))):
            return soonest
        recent = session.execute(
            select(CheckIn, User)
            .join(User, User.id == CheckIn.user_id)
            .options(lazyload(User.workspace))
            .where(CheckIn.message_ts.is_not(None), CheckIn.slot_at > soonest - WINDOW)
        )
        for checkin, user in recent:
            prefs = Preferences.of(user)
            quarter = quarter_of(prefs, checkin.slot_at)
            if queued(session, user.id, quarter) or not had_checkin_before(
                session, user.id, quarter.start(prefs.zone)
            ):
                continue
            at = schedule.first_moment_to_remind(prefs, max(checkin.slot_at, soonest))
            if at < checkin.slot_at + WINDOW and quarter_of(prefs, at) == quarter:
                candidates.append(at)
    return max(min(candidates), soonest) if candidates else None


JOBS = (
    JobSpec(
        "story-dms",
        "Once a quarter, with the first check-in: the promotion-story draft DM.",
        run_story_dms,
    ),
)
