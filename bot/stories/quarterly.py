"""The quarterly promotion-story DM: once per person and local quarter, with their first
check-in of the quarter that no other periodic DM rode (`periodic.another_rode`: the month's
sponsor DM and expectations check go first; so never while paused, away or opted out, as
check-ins are not sent then; nor while they are silent, bot/checkins/silence.py), from the
quarter after their first check-in on. It presents the draft the coach assembled from the
quarter before (bot/coaching/story.py) with "Edit into my story". A quarter before with
nothing logged has no draft and gets no DM: its row is settled as skipped when queued.

A check-in sent in the last WINDOW whose local quarter has no `promotion_story_posts` row
queues one (unique per person and quarter: two workers, or a replay, queue it once), outside
quiet hours and on a work day, and drafts the story in the same transaction; it goes out
through the outbox (bot/delivery/outbox.py), which claims it before posting and, on a retry
after a crash or a 5xx, looks for it in the DM first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Unpack

from sqlalchemy.orm import Session

from bot.checkins import periodic
from bot.checkins.schedule import Preferences
from bot.coaching.library import CoachingLibrary
from bot.coaching.story import DraftText, Quarter, StoryTexts
from bot.db.models import PromotionStoryPost, User
from bot.delivery import outbox
from bot.delivery.status import DeliveryStatus
from bot.stories import service
from bot.ui.story import quarterly_message

EVENT_TYPE = "multiplier_promotion_story"
# How long after a check-in went out its quarter's story DM may follow it.
WINDOW = timedelta(hours=12)


def quarter_of(prefs: Preferences, instant: datetime) -> Quarter:
    return Quarter.of(instant.astimezone(prefs.zone).date())


QUARTERLY = periodic.WithFirstCheckin(
    window=WINDOW,
    period_of=quarter_of,
    period_start=lambda prefs, at: quarter_of(prefs, at).start(prefs.zone),
    queued=periodic.queued_in(PromotionStoryPost.quarter, key=lambda quarter: quarter.key),
)
STORY_DMS = outbox.Outbox.queued(
    model=PromotionStoryPost,
    event_type=EVENT_TYPE,
    owner=User,
    owner_id=lambda post: post.user_id,
    key=lambda post: f"{post.user_id}:{post.quarter}",
)


def send_story_dms(*, library: CoachingLibrary, **run: Unpack[outbox.RunArgs]) -> outbox.Tally:
    """Queue each due quarterly story DM once (drafting its story), and post what is queued."""
    tally = outbox.Tally()
    texts = StoryTexts.of(library)
    now = run["now"]

    def draft(due: periodic.Due[Quarter], post: PromotionStoryPost) -> None:
        """Draft the story of the quarter that just ended; an empty quarter has none to tell,
        so its row is settled as skipped (no DM this quarter, and it rode no check-in)."""
        story, _ = service.assemble(due.session, due.user, due.period.previous(), library, now)
        if story is None:
            post.status = DeliveryStatus.SKIPPED

    QUARTERLY.queue_each(
        run["database"],
        now=now,
        default_calendar=run["settings"].holiday_calendar,
        row=lambda due: PromotionStoryPost(quarter=due.period.key, **due.row(now)),
        then=draft,
    )

    def message(session: Session, post: PromotionStoryPost) -> dict[str, Any] | None:
        """The DM; None (skipped) when the quarter has no story after all."""
        quarter = Quarter.parse(post.quarter)
        if quarter is None:  # not `_wanted`: skipped before this is asked
            raise ValueError(f"not a quarter: {post.quarter}")
        told = quarter.previous()
        story = service.get(session, session.get_one(User, post.user_id), told)
        if story is None:
            return None
        return quarterly_message(told, DraftText(story.draft, story.omitted), story.story, texts)

    STORY_DMS.send_queued(wanted=_wanted, message=message, tally=tally, **run)
    return tally


def _wanted(session: Session, post: PromotionStoryPost) -> bool:
    return periodic.owner_active(session, post) and Quarter.parse(post.quarter) is not None
