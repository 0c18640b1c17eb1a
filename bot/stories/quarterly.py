"""The quarterly promotion-story DM: once per person and local quarter, with their first
check-in of the quarter (so never while paused, away or opted out, as check-ins are not sent
then), from the quarter after their first check-in on. It presents the draft the coach
assembled from the quarter before (bot/coaching/story.py) with "Edit into my story".

A check-in sent in the last WINDOW whose local quarter has no `promotion_story_posts` row
queues one (unique per person and quarter: two workers, or a replay, queue it once), outside
quiet hours and on a work day, and drafts the story in the same transaction; it goes out
through the outbox (bot/delivery/outbox.py), which claims it before posting and, on a retry
after a crash or a 5xx, looks for it in the DM first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.coaching.library import CoachingLibrary
from bot.coaching.story import DraftText, Quarter, StoryTexts
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import CheckIn, PromotionStoryPost, User, Workspace
from bot.delivery import outbox
from bot.delivery.claim import skip_locked
from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.stories import service
from bot.ui.story import quarterly_message
from bot.workspaces.service import WorkspaceInactive

EVENT_TYPE = "multiplier_promotion_story"
BATCH = 200
# How long after a check-in went out its quarter's story DM may follow it.
WINDOW = timedelta(hours=12)


def quarter_of(prefs: Preferences, instant: datetime) -> Quarter:
    return Quarter.of(instant.astimezone(prefs.zone).date())


def had_checkin_before(session: Session, user_id: int, before: datetime) -> bool:
    """Whether a check-in of the person's went out before `before` (an earlier quarter)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    CheckIn.user_id == user_id,
                    CheckIn.message_ts.is_not(None),
                    CheckIn.slot_at < before,
                )
            )
        )
    )


def queued(session: Session, user_id: int, quarter: Quarter) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    PromotionStoryPost.user_id == user_id,
                    PromotionStoryPost.quarter == quarter.key,
                )
            )
        )
    )


def _queue_batch(
    session: Session,
    *,
    now: datetime,
    after_id: int,
    default_calendar: str | None,
    library: CoachingLibrary,
) -> tuple[int, int]:
    """Queue the due story DMs for check-ins with id > after_id: (rows seen, last id)."""
    query = skip_locked(
        select(CheckIn, User, Workspace.active)
        .join(User, User.id == CheckIn.user_id)
        .join(Workspace, Workspace.id == CheckIn.workspace_id)
        .options(lazyload(User.workspace))
        .where(
            CheckIn.id > after_id,
            CheckIn.message_ts.is_not(None),
            CheckIn.slot_at <= now,
            CheckIn.slot_at > now - WINDOW,
        )
        .order_by(CheckIn.id)
        .limit(BATCH),
        session,
        CheckIn,
    )
    seen = last_id = 0
    for checkin, user, workspace_active in session.execute(query).all():
        seen += 1
        last_id = checkin.id
        prefs = Preferences.of(user)
        quarter = quarter_of(prefs, checkin.slot_at)
        if (
            quarter != quarter_of(prefs, now)
            or queued(session, user.id, quarter)
            or not had_checkin_before(session, user.id, quarter.start(prefs.zone))
        ):
            continue
        if not (
            user.active
            and workspace_active
            and prefs.active
            and not schedule.is_paused(prefs, now.astimezone(prefs.zone).date())
            and timeoff.absence_at(prefs, timeoff.TimeOff.of(user, default_calendar), now) is None
            and schedule.may_remind(prefs, now)
        ):
            continue
        channel = checkin.channel_id or user.dm_channel_id or user.slack_user_id
        try:
            with session.begin_nested():
                session.add(
                    PromotionStoryPost(
                        workspace_id=user.workspace_id,
                        user_id=user.id,
                        quarter=quarter.key,
                        channel_id=channel,
                    )
                )
                session.flush()
                # The draft tells the quarter that just ended.
                service.assemble(session, user, quarter.previous(), library, now)
        except IntegrityError:
            continue  # another worker queued it first
    return seen, last_id


def _locate(session: Session, post: PromotionStoryPost) -> outbox.Place | object | None:
    team_id = session.scalar(select(Workspace.team_id).where(Workspace.id == post.workspace_id))
    return outbox.GONE if team_id is None else outbox.Place(team_id, post.channel_id)


STORY_DMS = outbox.Outbox(
    model=PromotionStoryPost,
    event_type=EVENT_TYPE,
    key=lambda post: f"{post.user_id}:{post.quarter}",
    locate=_locate,
    stale_after=timedelta(minutes=15),
    max_attempts=3,
)


def send_story_dms(
    *,
    database: Database,
    settings: Settings,
    token_for: Callable[[str], str | None],
    now: datetime,
    library: CoachingLibrary,
    worker_id: str = "cli",
    budget_seconds: float | None = None,
) -> outbox.Tally:
    """Queue each due quarterly story DM once (drafting its story), and post what is queued."""
    tally = outbox.Tally()
    texts = StoryTexts.of(library)
    after_id, seen = 0, BATCH
    while seen == BATCH:
        with database.session() as session:
            seen, after_id = _queue_batch(
                session,
                now=now,
                after_id=after_id,
                default_calendar=settings.holiday_calendar,
                library=library,
            )
    STORY_DMS.run(
        database=database,
        settings=settings,
        token_for=token_for,
        worker_id=worker_id,
        now=now,
        deliver=lambda session, sender, post: _deliver(session, token_for, sender, post, texts),
        tally=tally,
        budget_seconds=budget_seconds,
    )
    return tally


def _deliver(
    session: Session,
    token_for: Callable[[str], str | None],
    sender: Sender,
    post: PromotionStoryPost,
    texts: StoryTexts,
) -> str | None:
    user = session.get(User, post.user_id)
    quarter = Quarter.parse(post.quarter)
    if user is None or not user.active or quarter is None:
        post.status = DeliveryStatus.SKIPPED
        return None
    post.attempts += 1
    try:
        slack = outbox.slack_for(sender, token_for, user.workspace.team_id)
    except WorkspaceInactive:
        raise SendFailed("workspace_inactive", Outcome.WORKSPACE_GONE) from None
    ts = STORY_DMS.find_posted(slack, post, post.channel_id) if post.attempts > 1 else None
    if ts:
        return ts
    told = quarter.previous()
    story = service.get(session, user, told)
    draft = DraftText(story.draft, story.omitted) if story is not None else DraftText("", 0)
    edited = story.story if story is not None else None
    message = quarterly_message(told, draft, edited, texts)
    return STORY_DMS.post(slack, post, post.channel_id, message).ts
