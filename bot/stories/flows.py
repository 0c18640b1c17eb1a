"""The promotion story's flows: each owns its commit (the read ends before Slack is called)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.coaching.story import DraftText, Quarter
from bot.db.models import PromotionStory, User
from bot.evidence.packet import PacketStory
from bot.evidence.periods import Period
from bot.stories import service
from bot.stories.service import StoryError
from bot.ui.text import from_typed


@dataclass(frozen=True)
class StoryNow:
    """`/multiplier story`: the current quarter's draft so far (None: nothing logged yet),
    and the newest story of an earlier quarter."""

    quarter: Quarter
    current: PromotionStory | None
    draft: DraftText
    earlier: PromotionStory | None


def draft_now(*, session: Session, user: User, library: CoachingLibrary, now: datetime) -> StoryNow:
    """Draft (or redraft, while unedited) the current quarter's story from the log so far."""
    quarter = service.quarter_of(user, now)
    story, draft = service.assemble(session, user, quarter, library, now)
    earlier = service.latest_before(session, user, quarter)
    for row in (story, earlier):
        if row is not None:
            session.expunge(row)
    session.commit()
    return StoryNow(quarter, story, draft, earlier)


def for_edit(*, session: Session, user: User, quarter: Quarter) -> PromotionStory | None:
    """The person's story of a quarter, to open in the form; None when they have none."""
    story = service.get(session, user, quarter)
    if story is not None:
        session.expunge(story)
    session.commit()
    return story


def save(
    *,
    session: Session,
    user: User,
    quarter: Quarter,
    typed: str,
    names: dict[str, str],
    now: datetime,
) -> PromotionStory | None:
    """Check the story as typed and store it (Slack-escaped, as every stored text is; `@name`
    typed back as the mention it was shown for); raises StoryError (nothing stored) when it
    can't be, None when the person has no story for that quarter."""
    try:
        service.check(typed)
    except StoryError:
        session.rollback()
        raise
    existing = service.get(session, user, quarter)
    original = (existing.story or existing.draft) if existing is not None else None
    story = service.save(
        session, user, quarter, from_typed(typed, original=original, names=names), now
    )
    if story is not None:
        session.expunge(story)
    session.commit()
    return story


def for_packet(*, session: Session, user: User, period: Period) -> list[PacketStory]:
    """The person's stories of the quarters the period touches, oldest first (read only: the
    packet flow owns the transaction)."""
    first, last = Quarter.of(period.first_day), Quarter.of(period.last_day)
    return [
        PacketStory(
            quarter_label=quarter.label,
            text=story.story if story.story is not None else story.draft,
            edited=story.story is not None,
        )
        for story in service.overlapping(session, user, first, last)
        if (quarter := Quarter.parse(story.quarter)) is not None
    ]
