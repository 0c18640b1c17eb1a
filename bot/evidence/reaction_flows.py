"""React to log (issue 18): a capture-emoji reaction logs a message, offers a choice, or is
undone; each function is one step and owns its unit of work.

The listener asks Slack first (the message as conversations.history/replies give it, its
permalink, its author) and hands these functions plain data; what a reaction should do is
decided by the pure `bot.capture.reactions.decide_reaction`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.capture.reactions import CaptureAction, CaptureDecision, Reaction, decide_reaction
from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import EntryMapping
from bot.db.models import EvidenceEntry, ReactionCapture, User
from bot.evidence import reactions as captures
from bot.evidence import service as evidence
from bot.evidence.parsing import ParsedEvidence
from bot.expectations import mapping as expectation_mapping
from bot.home.service import request_home_refresh


def decide(
    *,
    session: Session,
    user: User,
    reaction: Reaction,
    emoji: Collection[str],
    app_user: str | None,
) -> CaptureDecision:
    """What this added reaction should do, given what the person already captured (the
    read is ended before Slack is asked anything)."""
    row = None
    if reaction.channel and reaction.ts:
        row = captures.capture_of(
            session=session, user=user, channel_id=reaction.channel, message_ts=reaction.ts
        )
    active = row is not None and row.status in captures.ACTIVE
    decision = decide_reaction(
        reaction,
        emoji=emoji,
        already_captured=active,
        removed_at=row.removed_at if row is not None and not active else None,
        app_user=app_user,
    )
    session.commit()
    return decision


@dataclass(frozen=True)
class Logged:
    """A message logged as the person's evidence by their reaction."""

    capture_id: int
    entry: EvidenceEntry
    parsed: ParsedEvidence
    # Which of the person's expectations it is evidence for (None: they have none).
    mapping: EntryMapping | None = None


def log_message(
    *,
    session: Session,
    user: User,
    text: str,
    author: str | None,
    permalink: str | None,
    library: CoachingLibrary,
    reaction: Reaction | None = None,
    capture_id: int | None = None,
) -> Logged | None:
    """Log the reacted-to message (text exactly as Slack gives it) as the person's evidence,
    with its permalink and a suggested dimension, and commit.

    `reaction`: the person's own message they reacted to; or `capture_id`: the offer this
    logs (someone else's message, "Log it as my evidence"). None when the capture no longer
    allows it (the reaction was removed, or another delivery of the event got there first).
    """
    try:
        row = _row_for(session=session, user=user, reaction=reaction, capture_id=capture_id)
        if row is None:
            session.rollback()
            return None
        entry, parsed = evidence.log_text(
            session=session, user=user, text=text, source=evidence.REACTION, library=library
        )
        if author and author != user.slack_user_id and author not in entry.people:
            entry.people = [author, *entry.people][: evidence.MAX_PEOPLE]
        entry.permalink = permalink
        entry.source_channel_id = row.channel_id
        entry.source_message_ts = row.message_ts
        row.status, row.entry_id, row.author = captures.LOGGED, entry.id, author
        row.permalink = permalink
        if reaction is not None and capture_id is None:
            row.added_at, row.removed_at = reaction.at, None
        request_home_refresh(session=session, user=user)
        mapped = expectation_mapping.mapping_of(session=session, user=user, entry_id=entry.id)
        session.commit()
    except IntegrityError:  # the same add, delivered twice at once: the other one logged it
        session.rollback()
        return None
    return Logged(capture_id=row.id, entry=entry, parsed=parsed, mapping=mapped)


def _row_for(
    *, session: Session, user: User, reaction: Reaction | None, capture_id: int | None
) -> ReactionCapture | None:
    if capture_id is not None:
        row = captures.own_capture(session=session, user=user, capture_id=capture_id)
        return row if row is not None and row.status == captures.OFFERED else None
    if reaction is None or not reaction.channel or not reaction.ts:
        return None
    row = captures.capture_row(
        session=session, user=user, channel_id=reaction.channel, message_ts=reaction.ts
    )
    if row.status in captures.ACTIVE:
        return None
    # A removal processed while this add waited on Slack: the reaction is gone again.
    if row.removed_at is not None and row.removed_at >= reaction.at:
        return None
    return row


def offer(
    *,
    session: Session,
    user: User,
    reaction: Reaction,
    author: str | None,
    can_give_kudos: bool,
    permalink: str | None,
) -> int | None:
    """Record that the person was offered a choice about someone else's message (nothing of
    the message is stored), and commit; the capture's id, or None when it is already
    captured."""
    try:
        row = _row_for(session=session, user=user, reaction=reaction, capture_id=None)
        if row is None:
            session.rollback()
            return None
        row.status, row.author, row.can_give_kudos = captures.OFFERED, author, can_give_kudos
        row.permalink, row.entry_id = permalink, None
        row.added_at, row.removed_at = reaction.at, None
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return row.id


def note_dm(*, session: Session, user: User, capture_id: int, channel: str, ts: str) -> None:
    """Remember the DM that confirmed or offered a capture, to redraw it on undo."""
    row = captures.own_capture(session=session, user=user, capture_id=capture_id)
    if row is not None:
        row.dm_channel, row.dm_ts = channel, ts
    session.commit()


@dataclass(frozen=True)
class Undone:
    """A capture undone by removing the reaction: what it was, and its DM to redraw."""

    was: str  # logged | offered
    dm_channel: str | None
    dm_ts: str | None


def undo(
    *,
    session: Session,
    user: User,
    reaction: Reaction,
    emoji: Collection[str],
    app_user: str | None,
) -> Undone | None:
    """A removed capture reaction: within the minute, delete what it logged or withdraw its
    offer; later, keep it. A removal seen before its add is remembered, so the late add is
    ignored. Commits; None when nothing was undone."""
    if not reaction.channel or not reaction.ts:
        return None
    try:
        return _undo(session=session, user=user, reaction=reaction, emoji=emoji, app_user=app_user)
    except IntegrityError:
        # Its add inserted the row at the same moment (PostgreSQL): undo what that add did.
        session.rollback()
        return _undo(session=session, user=user, reaction=reaction, emoji=emoji, app_user=app_user)


def _undo(
    *,
    session: Session,
    user: User,
    reaction: Reaction,
    emoji: Collection[str],
    app_user: str | None,
) -> Undone | None:
    row = captures.capture_row(
        session=session,
        user=user,
        channel_id=reaction.channel or "",
        message_ts=reaction.ts or "",
    )
    undoable = row.status in captures.UNDOABLE
    decision = decide_reaction(
        reaction, emoji=emoji, added_at=row.added_at if undoable else None, app_user=app_user
    )
    if decision.action is not CaptureAction.UNDO:
        if row.status in (captures.REMOVED, captures.UNDONE):
            row.removed_at = max(filter(None, (row.removed_at, reaction.at)))
        session.commit()
        return None
    was = row.status
    if row.entry_id is not None:
        evidence.delete_entry(session=session, user=user, entry_id=row.entry_id)
        request_home_refresh(session=session, user=user)
    row.status, row.entry_id, row.removed_at = captures.UNDONE, None, reaction.at
    undone = Undone(was=was, dm_channel=row.dm_channel, dm_ts=row.dm_ts)
    session.commit()
    return undone


@dataclass(frozen=True)
class Offered:
    """An open offer, as the buttons of its DM need it."""

    capture_id: int
    channel_id: str
    message_ts: str
    author: str | None
    can_give_kudos: bool
    permalink: str | None


def open_offer(*, session: Session, user: User, capture_id: str | None) -> Offered | None:
    """One of the person's offers still awaiting a choice; None otherwise (read ended)."""
    row = captures.own_capture(session=session, user=user, capture_id=capture_id)
    found = (
        Offered(
            capture_id=row.id,
            channel_id=row.channel_id,
            message_ts=row.message_ts,
            author=row.author,
            can_give_kudos=row.can_give_kudos,
            permalink=row.permalink,
        )
        if row is not None and row.status == captures.OFFERED
        else None
    )
    session.commit()
    return found


def kudos_sent(*, session: Session, user: User, capture_id: int) -> bool:
    """The person sent the message's author kudos: the offer is settled (commits)."""
    return _close_offer(session=session, user=user, capture_id=capture_id, status=captures.KUDOS)


def dismiss(*, session: Session, user: User, capture_id: str | None) -> bool:
    """The person dismissed the offer: nothing is logged (commits); False when it was no
    longer open."""
    return _close_offer(
        session=session, user=user, capture_id=capture_id, status=captures.DISMISSED
    )


def _close_offer(
    *, session: Session, user: User, capture_id: int | str | None, status: str
) -> bool:
    row = captures.own_capture(session=session, user=user, capture_id=capture_id)
    if row is None or row.status != captures.OFFERED:
        session.commit()
        return False
    row.status = status
    session.commit()
    return True
