"""Promotion stories: one per person and local quarter, a draft assembled from that quarter's
log (bot/coaching/story.py) and the story the person edited it into. Private to their owner:
read only through the owner's user row, never by digests or shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.checkins.schedule import Preferences
from bot.coaching.library import CoachingLibrary
from bot.coaching.staff_problem import done_instants, weeks_without_step
from bot.coaching.story import (
    FORM_LIMIT,
    DraftText,
    Quarter,
    StoryDraft,
    StoryEntry,
    StoryKudos,
    StoryOutcome,
    StoryProblem,
    StoryStep,
    StoryTexts,
    draft_story,
    draft_text,
)
from bot.db.models import (
    DigestChannelMember,
    EvidenceEntry,
    Kudos,
    PromotionStory,
    StaffProblem,
    User,
)
from bot.evidence.parsing import entry_words, received_words
from bot.judgments import records

KUDOS_SOURCE = "kudos"


class StoryError(ValueError):
    """A story we will not store; `field` names the form block it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def quarter_of(user: User, instant: datetime) -> Quarter:
    """The person's local quarter of an instant."""
    return Quarter.of(instant.astimezone(Preferences.of(user).zone).date())


def _teams(session: Session, workspace_id: int, slack_ids: set[str]) -> dict[str, set[int]]:
    """The digest channels (the workspace's teams) each person is a member of."""
    teams: dict[str, set[int]] = {slack_id: set() for slack_id in slack_ids}
    if not slack_ids:
        return teams
    rows = session.execute(
        select(DigestChannelMember.slack_user_id, DigestChannelMember.digest_channel_id).where(
            DigestChannelMember.workspace_id == workspace_id,
            DigestChannelMember.slack_user_id.in_(sorted(slack_ids)),
        )
    )
    for slack_id, channel in rows:
        teams[slack_id].add(channel)
    return teams


def _other_team(mine: set[int], theirs: set[int]) -> bool | None:
    if not mine or not theirs:
        return None
    return not (mine & theirs)


def problem_in(
    session: Session, user: User, quarter: Quarter, library: CoachingLibrary
) -> StoryProblem | None:
    """The staff-shaped problem the person had open in the quarter (the newest, if they
    replaced one in it), with the steps of its path they ticked in the quarter, in path
    order, and how it closed when that was within the quarter (cleared, or let go after so
    many weeks without a step); None when they had none open in it."""
    zone = Preferences.of(user).zone
    start, end = quarter.start(zone), quarter.next().start(zone)
    problem = session.scalars(
        select(StaffProblem)
        .where(
            StaffProblem.user_id == user.id,
            StaffProblem.started_at < end,
            (StaffProblem.closed_at.is_(None)) | (StaffProblem.closed_at >= start),
        )
        .order_by(StaffProblem.started_at.desc(), StaffProblem.id.desc())
        .limit(1)
    ).first()
    if problem is None:
        return None
    done = done_instants(problem.steps_done or {})
    steps = tuple(
        StoryStep(step.label, at.astimezone(zone).date())
        for step in library.problem_steps
        if (at := done.get(step.id)) is not None and start <= at < end
    )
    closed = (
        problem.closed_at if problem.closed_at is not None and problem.closed_at < end else None
    )
    return StoryProblem(
        problem.text,
        problem.started_at.astimezone(zone).date(),
        steps,
        closed_how=problem.closed_how if closed is not None else None,
        closed_on=closed.astimezone(zone).date() if closed is not None else None,
        weeks_without_step=weeks_without_step(
            started_at=problem.started_at, done=done, until=closed
        )
        if closed is not None
        else 0,
    )


def gather(session: Session, user: User, quarter: Quarter, library: CoachingLibrary) -> StoryDraft:
    """The person's draft for a quarter, from their log of it: their own entries, the
    judgment calls they followed up in it, the kudos they received in it, and the
    staff-shaped problem they had open in it."""
    zone = Preferences.of(user).zone
    start, end = quarter.start(zone), quarter.next().start(zone)
    own = session.scalars(
        select(EvidenceEntry)
        .where(
            EvidenceEntry.user_id == user.id,
            EvidenceEntry.source != KUDOS_SOURCE,
            EvidenceEntry.occurred_at >= start,
            EvidenceEntry.occurred_at < end,
        )
        .order_by(EvidenceEntry.occurred_at, EvidenceEntry.id)
    ).all()
    entries = [
        StoryEntry(
            occurred_on=e.occurred_at.astimezone(zone).date(),
            text=entry_words(e.text, library, e.dimension),
            dimension=e.dimension,
            scope=e.scope,
            impact=e.impact,
        )
        for e in own
    ]
    outcomes = [
        StoryOutcome(
            o.occurred_at.astimezone(zone).date(),
            entry_words(o.entry_text, library, o.dimension),
            o.outcome,
        )
        for o in records.outcomes(session, user.id, start=start, end=end)
        if o.outcome.strip()
    ]
    giver = aliased(User)
    received = session.execute(
        select(Kudos, giver.slack_user_id)
        .outerjoin(giver, giver.id == Kudos.giver_id)
        .where(Kudos.recipient_id == user.id, Kudos.created_at >= start, Kudos.created_at < end)
        .order_by(Kudos.created_at, Kudos.id)
    ).all()
    givers = {slack_id for _, slack_id in received if slack_id}
    teams = _teams(session, user.workspace_id, {*givers, user.slack_user_id})
    kudos = [
        StoryKudos(
            given_on=k.created_at.astimezone(zone).date(),
            text=received_words(k.text, user.slack_user_id),
            giver=slack_id,
            other_team=_other_team(teams[user.slack_user_id], teams[slack_id])
            if slack_id
            else None,
        )
        for k, slack_id in received
    ]
    return draft_story(
        quarter=quarter,
        entries=entries,
        outcomes=outcomes,
        kudos=kudos,
        problem=problem_in(session, user, quarter, library),
        library=library,
    )


def get(session: Session, user: User, quarter: Quarter) -> PromotionStory | None:
    return session.scalars(
        select(PromotionStory).where(
            PromotionStory.user_id == user.id, PromotionStory.quarter == quarter.key
        )
    ).first()


def assemble(
    session: Session, user: User, quarter: Quarter, library: CoachingLibrary, now: datetime
) -> tuple[PromotionStory | None, DraftText]:
    """Draft the quarter's story from the log (again, while the person has not edited it):
    the stored row, or None for an empty quarter (nothing is stored then)."""
    draft = draft_text(gather(session, user, quarter, library), StoryTexts.of(library))
    story = get(session, user, quarter)
    if story is not None and story.story is not None:
        return story, DraftText(story.draft, story.omitted)
    if not draft.text:
        return story, draft
    if story is None:
        story = PromotionStory(
            workspace_id=user.workspace_id,
            user_id=user.id,
            quarter=quarter.key,
            draft=draft.text,
            omitted=draft.omitted,
            drafted_at=now,
            created_at=now,
        )
        session.add(story)
    else:
        story.draft, story.omitted, story.drafted_at = draft.text, draft.omitted, now
    session.flush()
    return story, draft


def check(text: str) -> None:
    """Raise StoryError for a story that cannot be stored (as typed)."""
    if not text.strip():
        raise StoryError("story", "Write your story, or press Cancel to keep the draft.")
    if len(text) > FORM_LIMIT:
        raise StoryError("story", f"Keep it under {FORM_LIMIT:,} characters.")


def save(
    session: Session, user: User, quarter: Quarter, stored: str, now: datetime
) -> PromotionStory | None:
    """Store the edited story (already in stored form) on the person's row for the quarter;
    None when they have none (a form for someone else's story, or one since forgotten)."""
    story = get(session, user, quarter)
    if story is None:
        return None
    story.story = stored.strip()
    story.edited_at = now
    session.flush()
    return story


def overlapping(
    session: Session, user: User, first: Quarter, last: Quarter
) -> Sequence[PromotionStory]:
    """The person's stories of the quarters first..last, oldest first."""
    keys = []
    quarter = first
    while quarter <= last:
        keys.append(quarter.key)
        quarter = quarter.next()
    return session.scalars(
        select(PromotionStory)
        .where(PromotionStory.user_id == user.id, PromotionStory.quarter.in_(keys))
        .order_by(PromotionStory.quarter)
    ).all()


def latest_before(session: Session, user: User, quarter: Quarter) -> PromotionStory | None:
    """The person's newest story of a quarter before `quarter`."""
    return session.scalars(
        select(PromotionStory)
        .where(PromotionStory.user_id == user.id, PromotionStory.quarter < quarter.key)
        .order_by(PromotionStory.quarter.desc())
        .limit(1)
    ).first()
