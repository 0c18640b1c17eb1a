"""The quarterly promotion-story job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import PromotionStoryPost
from bot.scheduling.jobs import JobContext, JobSpec
from bot.stories.quarterly import QUARTERLY, send_story_dms


def next_story_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a quarter's story DM can follow a sent check-in (a queued one: now)."""
    return QUARTERLY.next_due(
        ctx, after, waiting=PromotionStoryPost.status.in_(("pending", "claimed"))
    )


JOBS = (
    JobSpec.sending(
        "story-dms",
        "Once a quarter, with the first check-in no other periodic DM rode: "
        "the promotion-story draft DM.",
        send_story_dms,
        budget_seconds=30,
    ),
)
