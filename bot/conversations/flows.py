"""A direct message to the bot, from its arrival to what the bot should say back.

Every DM is stored exactly as typed. Only answers become evidence (bot.checkins.replies
says what a DM is): a reply in a check-in's thread, or a top-level DM that reads as an
answer to the newest open question (bot.conversations.routing: the check-in, or a judgment
follow-up, whose answer is the call's outcome, not new evidence); when which question is not
clear, the person is asked (buttons). `help` gets the help; chatter gets nothing (someone's
very first DM gets the welcome); a question or a few words at top level get one line saying
they were not saved, and how to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.checkins import answers, present
from bot.checkins import service as checkin_service
from bot.checkins.replies import ReplyKind, classify_reply, is_answer_in_thread
from bot.coaching.classify import reframe_for
from bot.coaching.library import CoachingLibrary
from bot.conversations import routing
from bot.conversations import service as conversations
from bot.conversations.edits import UserEdit
from bot.db.models import CheckIn, DirectMessage, User
from bot.evidence import service as evidence
from bot.evidence.flows import Confirmation
from bot.expectations import mapping as expectation_mapping
from bot.home.service import request_home_refresh
from bot.judgments import flows as judgment_flows
from bot.quotes import flows as quote_flows
from bot.quotes import states as quote_states
from bot.quotes.service import QuoteRefused
from bot.ui.text import unescape


class Said(StrEnum):
    """What the bot says back to a DM."""

    HELP = "help"  # the help message
    NOTHING = "nothing"  # no reply (chatter, or a message already taken)
    NOT_SAVED = "not_saved"  # one line: not saved as an answer, and how to answer
    ANSWERED = "answered"  # the answer's confirmation, and the check-in redrawn
    OUTCOME = "outcome"  # saved as how a judgment call turned out
    QUOTED = "quoted"  # sent as the sentence a peer asked for (kudos on their log)
    WHICH = "which"  # one line: which open question does this answer? (buttons)
    RECEIVED = "received"  # no check-in to answer: "kept; use /brag to log evidence"
    NOTE = "note"  # the person said it answers nothing: kept as a note, not evidence


@dataclass(frozen=True)
class DirectMessageOutcome:
    """What became of a DM, for the listener to render."""

    said: Said
    kind: ReplyKind
    in_thread: bool = False
    reply: answers.Reply | None = None
    # A DM that reads as evidence with no check-in to answer: its id, for a "Log it" button.
    loggable: int | None = None
    # Someone's first contact with check-ins off: the reply carries the welcome.
    welcome: bool = False
    # Said.OUTCOME: the quoted call; Said.WHICH: the DM and the questions it may answer.
    quote: str | None = None
    # Said.QUOTED: who asked for the sentence, the request and its ask's message (to redraw).
    requester_slack_id: str | None = None
    request_id: int | None = None
    ask_ts: str | None = None
    dm_id: int | None = None
    choices: tuple[routing.OpenQuestion, ...] = ()


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
    """Store a DM, take it as the answer to a question if it is one, and say what to reply."""
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
    found = _question_for(session, user, library, stored, kind, now)
    session.commit()
    if isinstance(found, DirectMessageOutcome):
        return found
    if found is None:
        welcome = _first_contact(session, user, now)
        if kind is ReplyKind.CHATTER and not welcome:
            return DirectMessageOutcome(Said.NOTHING, kind, in_thread)
        loggable = stored.id if kind is ReplyKind.ANSWER else None
        return DirectMessageOutcome(
            Said.RECEIVED, kind, in_thread, loggable=loggable, welcome=welcome
        )
    return _answer_checkin(session, user, library, found, stored, kind, now)


def _question_for(
    session: Session,
    user: User,
    library: CoachingLibrary,
    stored: DirectMessage,
    kind: ReplyKind,
    now: datetime,
) -> DirectMessageOutcome | CheckIn | None:
    """What a DM answers: a judgment follow-up (answered here), the check-in to answer, or
    nothing open; or the question "which is this for?" when that is not clear."""
    if stored.thread_ts is not None:
        call_id = routing.followup_in_thread(session=session, user=user, thread_ts=stored.thread_ts)
        if call_id is not None:
            return _followup_reply(session, user, call_id, stored, kind, now)
    elif kind is ReplyKind.ANSWER:
        questions = routing.open_questions(
            session=session, user=user, channel_id=stored.channel_id, now=now
        )
        wording = {
            q: asked[0].text
            for q in questions
            if q.prompt_id and (asked := present.questions(library, [q.prompt_id]))
        }
        route = routing.route(questions=questions, text=stored.text, wording=wording)
        if route is None:
            return None
        if route.to is None:
            return DirectMessageOutcome(Said.WHICH, kind, dm_id=stored.id, choices=route.choices)
        to = route.to
        found = _to_question(session, user, library, to.kind, to.id, stored, now)
        if isinstance(found, CheckIn):
            return _answer_checkin(session, user, library, found, stored, kind, now, to.prompt_id)
        return found
    return answers.checkin_for_reply(
        session=session,
        user=user,
        channel_id=stored.channel_id,
        thread_ts=stored.thread_ts,
        now=now,
        lock=False,
    )


def _answer_checkin(
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin: CheckIn,
    stored: DirectMessage,
    kind: ReplyKind,
    now: datetime,
    prompt_id: str | None = None,
) -> DirectMessageOutcome:
    """A DM to the check-in it answers (`prompt_id`: to that question): stored as an answer
    when it reads as one."""
    in_thread = stored.thread_ts is not None
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
        channel_id=stored.channel_id,
        ts=stored.ts,
        thread_ts=stored.thread_ts,
        text=stored.text,
        now=now,
        as_nothing=kind is ReplyKind.NOTHING,
        checkin_id=checkin.id,
        prompt_id=prompt_id,
    )
    session.commit()
    if reply is None:
        return DirectMessageOutcome(Said.RECEIVED, kind, in_thread)
    if not reply.new:
        return DirectMessageOutcome(Said.NOTHING, kind, in_thread, reply)
    return DirectMessageOutcome(Said.ANSWERED, kind, in_thread, reply)


def _first_contact(session: Session, user: User, now: datetime) -> bool:
    """Someone never welcomed, check-ins off: their first DM gets the welcome (once)."""
    if user.welcomed_at is not None or user.checkins_enabled:
        return False
    welcomed = checkin_service.mark_welcomed(session=session, user=user, now=now)
    session.commit()
    return welcomed


def _followup_reply(
    session: Session,
    user: User,
    call_id: int,
    stored: DirectMessage,
    kind: ReplyKind,
    now: datetime,
) -> DirectMessageOutcome:
    """A DM answering a judgment follow-up (in its thread, or the newest question at top
    level): a few words are enough, as in a check-in's thread."""
    in_thread = stored.thread_ts is not None
    if not is_answer_in_thread(kind):
        said = Said.NOTHING if kind is ReplyKind.CHATTER else Said.NOT_SAVED
        return DirectMessageOutcome(said, kind, in_thread)
    # Stored as the answer modal stores it: plain text, not Slack's escaped message text.
    call = judgment_flows.store_outcome(
        session=session, user=user, call_id=call_id, text=unescape(stored.text), now=now
    )
    if call is None:
        session.rollback()
        return DirectMessageOutcome(Said.RECEIVED, kind, in_thread)
    request_home_refresh(session=session, user=user)
    quote = judgment_flows.quote_of(session=session, user=user, call_id=call.id)
    session.commit()
    return DirectMessageOutcome(Said.OUTCOME, kind, in_thread, quote=quote)


def _quote_reply(
    session: Session,
    user: User,
    library: CoachingLibrary,
    request_id: int,
    stored: DirectMessage,
    now: datetime,
) -> DirectMessageOutcome:
    """A DM answering a peer's quote request: the sentence, as the form would send it."""
    in_thread = stored.thread_ts is not None
    try:
        state = quote_flows.answer(
            session=session,
            peer=user,
            request_id=request_id,
            typed=unescape(stored.text),
            library=library,
            now=now,
        )
    except QuoteRefused:  # too long for one sentence: kept as a DM, the form still works
        session.rollback()
        return DirectMessageOutcome(Said.RECEIVED, ReplyKind.ANSWER, in_thread)
    if state.state != quote_states.THANKED:
        return DirectMessageOutcome(Said.RECEIVED, ReplyKind.ANSWER, in_thread)
    return DirectMessageOutcome(
        Said.QUOTED,
        ReplyKind.ANSWER,
        in_thread,
        requester_slack_id=state.requester_slack_id,
        request_id=state.request_id,
        ask_ts=state.ask_ts,
    )


def _to_question(
    session: Session,
    user: User,
    library: CoachingLibrary,
    kind: str,
    question_id: int,
    stored: DirectMessage,
    now: datetime,
) -> DirectMessageOutcome | CheckIn | None:
    """A DM to the question it answers: a judgment follow-up or a quote request (answered
    here), or the check-in (for `_answer_checkin`, which checks it is theirs)."""
    if kind == routing.Asked.JUDGMENT:
        return _followup_reply(session, user, question_id, stored, ReplyKind.ANSWER, now)
    if kind == routing.Asked.QUOTE:
        return _quote_reply(session, user, library, question_id, stored, now)
    return session.get(CheckIn, question_id) if kind == routing.Asked.CHECKIN else None


def route_direct_message(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    dm_id: int | None,
    kind: str,
    question_id: int | None,
    now: datetime,
    prompt_id: str | None = None,
) -> DirectMessageOutcome | None:
    """The person said which question their DM answers (Said.NOTE: just a note; `prompt_id`:
    which of a check-in's questions); None when the DM, or the question, is not theirs (or no
    longer open)."""
    message = conversations.own_direct_message(session=session, user=user, dm_id=dm_id)
    if message is None or (question_id is None and kind != Said.NOTE):
        session.rollback()
        return None
    if kind == Said.NOTE or question_id is None:
        session.rollback()
        return DirectMessageOutcome(Said.NOTE, ReplyKind.ANSWER)
    found = _to_question(session, user, library, kind, question_id, message, now)
    if isinstance(found, CheckIn):
        found = _answer_checkin(
            session, user, library, found, message, ReplyKind.ANSWER, now, prompt_id
        )
    taken = (Said.ANSWERED, Said.NOTHING, Said.OUTCOME, Said.QUOTED)
    return found if found is not None and found.said in taken else None


def refile_choices(
    *,
    session: Session,
    user: User,
    channel_id: str,
    ts: str,
    now: datetime,
    exclude_prompt: str | None = None,
) -> DirectMessageOutcome | None:
    """After "Not an answer": the DM (at `channel_id`, `ts`) and the other open questions it
    may answer instead (not `exclude_prompt`, the check-in question it was just taken off),
    for an "It answers…" line (None: the DM is not stored)."""
    message = conversations.direct_message_at(
        session=session, user=user, channel_id=channel_id, ts=ts
    )
    if message is None:
        return None
    questions = [
        q
        for q in routing.open_questions(session=session, user=user, channel_id=channel_id, now=now)
        if not (q.kind is routing.Asked.CHECKIN and q.prompt_id == exclude_prompt)
    ]
    session.rollback()
    return DirectMessageOutcome(
        Said.WHICH,
        ReplyKind.ANSWER,
        dm_id=message.id,
        choices=tuple(questions[: routing.MAX_CHOICES]),
    )


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
