"""A direct message to the bot, from its arrival to what the bot should say back.

Every DM is stored exactly as typed. Only answers become evidence (bot.checkins.replies
says what a DM is): a reply in a check-in's thread, or a top-level DM that reads as an
answer while a check-in is open. `help` gets the help; chatter gets nothing; a question or
a few words at top level get one line saying they were not saved, and how to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.checkins import answers
from bot.checkins.replies import ReplyKind, classify_reply, is_answer_in_thread
from bot.coaching.classify import reframe_for
from bot.coaching.library import CoachingLibrary
from bot.conversations import service as conversations
from bot.conversations.edits import UserEdit
from bot.db.models import CheckIn, User
from bot.evidence import service as evidence
from bot.evidence.flows import Confirmation
from bot.expectations import mapping as expectation_mapping
from bot.home.service import request_home_refresh


class Said(StrEnum):
    """What the bot says back to a DM."""

    HELP = "help"  # the help message
    NOTHING = "nothing"  # no reply (chatter, or a message already taken)
    NOT_SAVED = "not_saved"  # one line: not saved as an answer, and how to answer
    ANSWERED = "answered"  # the answer's confirmation, and the check-in redrawn
    RECEIVED = "received"  # no check-in to answer: "kept; use /brag to log evidence"


@dataclass(frozen=True)
class DirectMessageOutcome:
    """What became of a DM, for the listener to render."""

    said: Said
    kind: ReplyKind
    in_thread: bool = False
    reply: answers.Reply | None = None
    # A DM that reads as evidence with no check-in to answer: its id, for a "Log it" button.
    loggable: int | None = None


def receive_direct_message(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    channel_id: str,
    ts: str,
    thread_ts: str | None,
    text: str,
    now: datetime,
) -> DirectMessageOutcome:
    """Store a DM, take it as a check-in answer if it is one, and say what to reply."""
    stored = conversations.store_direct_message(
        session=session,
        user=user,
        channel_id=channel_id,
        ts=ts,
        text=text,
        thread_ts=thread_ts,
    )
    session.commit()
    kind = classify_reply(text)
    in_thread = thread_ts is not None
    if kind is ReplyKind.HELP:
        return DirectMessageOutcome(Said.HELP, kind, in_thread)
    checkin = answers.checkin_for_reply(
        session=session, user=user, channel_id=channel_id, thread_ts=thread_ts, now=now, lock=False
    )
    session.commit()
    if checkin is None:
        said = Said.NOTHING if kind is ReplyKind.CHATTER else Said.RECEIVED
        loggable = stored.id if kind is ReplyKind.ANSWER else None
        return DirectMessageOutcome(said, kind, in_thread, loggable=loggable)
    takes = kind in (ReplyKind.ANSWER, ReplyKind.NOTHING) or (
        in_thread and is_answer_in_thread(kind)
    )
    if not takes:
        said = Said.NOTHING if kind is ReplyKind.CHATTER else Said.NOT_SAVED
        return DirectMessageOutcome(said, kind, in_thread)
    reply = answers.answer_from_dm(
        session=session,
        user=user,
        library=library,
        channel_id=channel_id,
        ts=ts,
        thread_ts=thread_ts,
        text=text,
        now=now,
        as_nothing=kind is ReplyKind.NOTHING,
    )
    session.commit()
    if reply is None:
        return DirectMessageOutcome(Said.RECEIVED, kind, in_thread)
    if not reply.new:
        return DirectMessageOutcome(Said.NOTHING, kind, in_thread, reply)
    return DirectMessageOutcome(Said.ANSWERED, kind, in_thread, reply)


def edit_direct_message(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    channel_id: str,
    edit: UserEdit,
) -> CheckIn | None:
    """Apply an edit made in Slack to the stored DM and, if it was an answer, to the answer.

    An edit no newer than the one already applied (a late delivery) changes nothing.
    Returns the check-in whose message should be redrawn, if any.
    """
    if not conversations.edit_direct_message(
        session=session, user=user, channel_id=channel_id, edit=edit
    ):
        session.rollback()
        return None
    checkin = answers.edit_dm_answer(
        session=session,
        user=user,
        library=library,
        channel_id=channel_id,
        ts=edit.ts,
        text=edit.text,
    )
    session.commit()
    return checkin


def log_direct_message(
    *, session: Session, user: User, library: CoachingLibrary, dm_id: int | str | None
) -> Confirmation | None:
    """ "Log it" on a DM: its text, exactly as typed, becomes a private evidence entry (once:
    pressed again, the entry it made). None when the DM is not this user's."""
    message = conversations.own_direct_message(session=session, user=user, dm_id=dm_id)
    if message is None:
        session.rollback()
        return None
    entry = conversations.entry_logged_from(session=session, message=message)
    source: str | None = None
    matched: tuple[str, ...] = ()
    if entry is None:
        entry, parsed = evidence.log_text(
            session=session, user=user, text=message.text, source=evidence.DM, library=library
        )
        entry.source_channel_id, entry.source_message_ts = message.channel_id, message.ts
        source, matched = parsed.dimension_source, tuple(parsed.matched)
        request_home_refresh(session=session, user=user)
    mapped = expectation_mapping.mapping_of(session=session, user=user, entry_id=entry.id)
    session.commit()
    reframe, _ = reframe_for(entry.text, library, dimension=entry.dimension, scope=entry.scope)
    return Confirmation(
        entry=entry,
        tz=user.tz,
        dimension_source=source,
        matched=matched,
        reframe=reframe,
        mapping=mapped,
    )
