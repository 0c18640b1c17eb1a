"""React to log (issue 18): a capture-emoji reaction logs a message, offers a choice, or is
undone.

`reaction_added` and `reaction_removed` are what the listener calls: they ask Slack (the
message as conversations.history/replies give it, its permalink, its author), run the steps
below and DM the person through the delivery core. Each step owns its unit of work and
commits before Slack is asked anything; what a reaction should do is decided by the pure
`bot.capture.reactions.decide_reaction`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.capture.reactions import CaptureAction, CaptureDecision, Reaction, decide_reaction
from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import EntryMapping
from bot.db.models import EvidenceEntry, ReactionCapture, User
from bot.delivery.messages import Posted, Slack, post_message
from bot.evidence import reactions as captures
from bot.evidence import service as evidence
from bot.evidence.parsing import ParsedEvidence
from bot.expectations import mapping as expectation_mapping
from bot.home.service import request_home_refresh
from bot.slack.history import ChannelMessage, Unreadable, permalink_for, read_message
from bot.slack.people import display_name, profile_or_none
from bot.ui import capture as ui
from bot.ui.blocks import Payload
from bot.ui.evidence import dimension_how


@dataclass(frozen=True)
class Reacted:
    """A capture-emoji reaction as the listener hands it over: the person, the reaction, and
    their workspace's Slack (its Web API client for reads, the delivery core for DMs)."""

    session: Session
    user: User
    reaction: Reaction
    emoji: Collection[str]
    app_user: str | None
    client: WebClient
    slack: Slack

    def dm(self, payload: Payload) -> Posted:
        """A DM to the person who reacted, through the delivery core (pacing, Retry-After)."""
        return post_message(
            self.slack,
            channel=self.reaction.reactor,
            text=payload["text"],
            blocks=payload["blocks"],
        )

    def dm_about(self, capture_id: int, payload: Payload) -> None:
        """The DM confirming or offering a capture, remembered to redraw it on undo."""
        posted = self.dm(payload)
        note_dm(
            session=self.session,
            user=self.user,
            capture_id=capture_id,
            channel=posted.channel,
            ts=posted.ts,
        )


def reaction_added(reacted: Reacted, *, library: CoachingLibrary) -> None:
    """Log the person's own message, or offer a choice about someone else's."""
    reaction = reacted.reaction
    if reaction.channel is None or reaction.ts is None:
        return
    decision = decide(
        session=reacted.session,
        user=reacted.user,
        reaction=reaction,
        emoji=reacted.emoji,
        app_user=reacted.app_user,
    )
    if not decision:
        return
    found = _readable(reacted, reaction.channel, reaction.ts)
    if found is None:
        return
    # Who wrote it, as the message itself says (Slack's item_user is only a hint).
    author = found.user or reaction.author
    permalink = permalink_for(reacted.client, reaction.channel, reaction.ts)
    if author == reaction.reactor and not found.is_bot:
        _log_own(reacted, found, permalink, library)
    else:
        _offer(reacted, found, author, permalink)


def _readable(reacted: Reacted, channel: str, ts: str) -> ChannelMessage | None:
    """The reacted-to message; None, and a DM saying why, when there is nothing to log."""
    found = read_message(reacted.client, channel, ts)
    if found is Unreadable.NOT_IN_CHANNEL:
        notice = ui.not_in_channel(channel, reacted.reaction.emoji_name)
    elif not isinstance(found, ChannelMessage):
        notice = ui.message_gone(channel)
    elif not found.text.strip():
        notice = ui.no_text(channel)
    else:
        return found
    reacted.dm(notice)
    return None


def _offer(
    reacted: Reacted, found: ChannelMessage, author: str | None, permalink: str | None
) -> None:
    profile = profile_or_none(reacted.client, author) if author and not found.is_bot else None
    can_give_kudos = (
        author is not None
        and not found.is_bot
        and profile is not None
        and not (profile.get("is_bot") or profile.get("deleted"))
    )
    reaction = reacted.reaction
    capture_id = offer(
        session=reacted.session,
        user=reacted.user,
        reaction=reaction,
        author=author,
        can_give_kudos=can_give_kudos,
        permalink=permalink,
    )
    if capture_id is None:
        return
    reacted.dm_about(
        capture_id,
        ui.offer(
            capture_id=capture_id,
            author=author,
            author_name=display_name(profile) if profile else None,
            can_give_kudos=can_give_kudos,
            channel_id=reaction.channel or "",
            permalink=permalink,
            emoji=reaction.emoji_name,
        ),
    )


def _log_own(
    reacted: Reacted, found: ChannelMessage, permalink: str | None, library: CoachingLibrary
) -> None:
    logged = log_message(
        session=reacted.session,
        user=reacted.user,
        reaction=reacted.reaction,
        text=found.text,
        author=found.user,
        permalink=permalink,
        library=library,
    )
    if logged is None:
        return
    reacted.dm_about(
        logged.capture_id,
        ui.logged(
            logged.entry,
            library,
            emoji=reacted.reaction.emoji_name,
            tz=reacted.user.tz,
            how=dimension_how(logged.parsed.dimension_source, logged.parsed.matched),
            mapping=logged.mapping,
        ),
    )


def reaction_removed(reacted: Reacted) -> None:
    """Within a minute of the add: delete what it logged, or withdraw its offer, and redraw
    its DM to say so."""
    undone = undo(
        session=reacted.session,
        user=reacted.user,
        reaction=reacted.reaction,
        emoji=reacted.emoji,
        app_user=reacted.app_user,
    )
    if undone is None or not undone.dm_channel or not undone.dm_ts:
        return
    payload = ui.undone(undone.was)
    reacted.client.chat_update(
        channel=undone.dm_channel, ts=undone.dm_ts, text=payload["text"], blocks=payload["blocks"]
    )


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
