"""The quarterly promotion-story job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from bot.coaching.library import default_library
from bot.db.models import PromotionStoryPost
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from bot.stories.quarterly import QUARTERLY, send_story_dms

RUN_BUDGET_SECONDS = 30


def run_story_dms(ctx: JobContext, now: datetime) -> JobResult:
    tally = send_story_dms(
        library=default_library(ctx.settings.prompts_dir),
        **ctx.delivery(now, ctx.budget(RUN_BUDGET_SECONDS)),
    )
    return JobResult("story-dms", f"sent {tally.sent}, failed {tally.failed}")


def next_story_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a quarter's story DM can follow a sent check-in (a queued one: now)."""
    return QUARTERLY.next_due(
        ctx, after, waiting=PromotionStoryPost.status.in_(("pending", "claimed"))
    )


JOBS = (
    JobSpec(
        "story-dms",
        "Once a quarter, with the first check-in no other periodic DM rode: "
        "the promotion-story draft DM.",
        run_story_dms,
    ),
)
