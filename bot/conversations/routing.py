"""Which open question a top-level DM answers (not one in a thread: that one says where it
belongs).

The bot asks several things in the same DM: the weekly check-in, months later how a
judgment call turned out, and a peer's request for one sentence about their influence. A
top-level DM answers the newest question still open, the one the person last saw asked (a
reminder repeats an older question, it is not a new one). When that is not clear the person
is asked, in one line with a button each, which question it answers (or that it is just a
note): two questions asked together, or the conversation has moved on since the newest was
asked (another question got its answer meanwhile, so what comes next may be chatter as
easily as an answer). The DM is stored as typed either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.checkins import answers
from bot.db.models import (
    Answer,
    EvidenceEntry,
    JudgmentCall,
    JudgmentFollowupPost,
    QuotePost,
    QuoteRequest,
    User,
)
from bot.delivery.status import DeliveryStatus
from bot.judgments import service as judgments
from bot.quotes import states as quote_states

# A judgment follow-up stays open for a top-level answer this long after it was asked (it
# is asked once, and the button keeps working after).
JUDGMENT_OPEN_FOR = timedelta(days=30)
# Two questions asked within this of each other: neither is clearly the latest.
ASKED_TOGETHER = timedelta(hours=1)


class Asked(StrEnum):
    """What an open question is."""

    CHECKIN = "checkin"
    JUDGMENT = "judgment"
    QUOTE = "quote"  # a peer's quote request: one sentence about their influence


@dataclass(frozen=True)
class OpenQuestion:
    """A question the bot asked and the person has not answered yet."""

    kind: Asked
    id: int  # the check-in's, the judgment call's or the quote request's id
    asked_at: datetime
    # For the person: the check-in's slot, the quoted call, or who asked for a quote.
    slot_at: datetime | None = None
    quote: str | None = None
    requester_slack_id: str | None = None


@dataclass(frozen=True)
class Route:
    """Where a top-level DM goes: `to` one question, or ask which of `choices`."""

    to: OpenQuestion | None
    choices: tuple[OpenQuestion, ...] = ()


def open_questions(
    *, session: Session, user: User, channel_id: str, now: datetime
) -> list[OpenQuestion]:
    """The person's open questions a top-level DM may answer, newest asked first."""
    found: list[OpenQuestion] = []
    checkin = answers.checkin_for_reply(
        session=session, user=user, channel_id=channel_id, thread_ts=None, now=now, lock=False
    )
    if checkin is not None:
        asked = checkin.sent_at or checkin.slot_at
        found.append(OpenQuestion(Asked.CHECKIN, checkin.id, asked, slot_at=checkin.slot_at))
    found.extend(_open_followups(session, user, now))
    found.extend(_open_quote_asks(session, user, now))
    return sorted(found, key=lambda q: q.asked_at, reverse=True)


def _open_followups(session: Session, user: User, now: datetime) -> list[OpenQuestion]:
    rows = session.execute(
        select(JudgmentCall.id, JudgmentFollowupPost.sent_at, EvidenceEntry.text)
        .join(JudgmentFollowupPost, JudgmentFollowupPost.call_id == JudgmentCall.id)
        .join(EvidenceEntry, EvidenceEntry.id == JudgmentCall.entry_id)
        .where(
            JudgmentCall.user_id == user.id,
            JudgmentCall.workspace_id == user.workspace_id,
            JudgmentCall.answered_at.is_(None),
            JudgmentFollowupPost.status == DeliveryStatus.SENT,
            JudgmentFollowupPost.sent_at >= now - JUDGMENT_OPEN_FOR,
        )
    )
    return [
        OpenQuestion(Asked.JUDGMENT, call_id, sent_at, quote=judgments.quote(text))
        for call_id, sent_at, text in rows
        if sent_at is not None
    ]


def _open_quote_asks(session: Session, user: User, now: datetime) -> list[OpenQuestion]:
    """Quote requests addressed to this person, asked in their DM and still open."""
    rows = session.execute(
        select(QuoteRequest.id, QuotePost.sent_at, User.slack_user_id)
        .join(QuotePost, QuotePost.request_id == QuoteRequest.id)
        .join(User, User.id == QuoteRequest.requester_id)
        .where(
            QuoteRequest.workspace_id == user.workspace_id,
            QuoteRequest.peer_slack_user_id == user.slack_user_id,
            QuoteRequest.status == quote_states.OPEN,
            QuoteRequest.created_at > now - quote_states.EXPIRES_AFTER,
            QuotePost.kind == quote_states.ASK,
            QuotePost.status == DeliveryStatus.SENT,
        )
    )
    return [
        OpenQuestion(Asked.QUOTE, request_id, sent_at, requester_slack_id=requester)
        for request_id, sent_at, requester in rows
        if sent_at is not None
    ]


def followup_in_thread(*, session: Session, user: User, thread_ts: str) -> int | None:
    """The judgment call whose follow-up started this thread, if any."""
    return session.scalar(
        select(JudgmentCall.id)
        .join(JudgmentFollowupPost, JudgmentFollowupPost.call_id == JudgmentCall.id)
        .where(
            JudgmentCall.user_id == user.id,
            JudgmentCall.workspace_id == user.workspace_id,
            JudgmentFollowupPost.message_ts == thread_ts,
        )
    )


def _answered_elsewhere_since(session: Session, user: User, newest: OpenQuestion) -> bool:
    """Whether another question got its answer after `newest` was asked."""
    checkin_answers = select(func.max(Answer.created_at)).where(
        Answer.user_id == user.id, Answer.created_at > newest.asked_at
    )
    calls = select(func.max(JudgmentCall.answered_at)).where(
        JudgmentCall.user_id == user.id, JudgmentCall.answered_at > newest.asked_at
    )
    quotes = select(func.max(QuoteRequest.answered_at)).where(
        QuoteRequest.workspace_id == user.workspace_id,
        QuoteRequest.peer_slack_user_id == user.slack_user_id,
        QuoteRequest.answered_at > newest.asked_at,
    )
    if newest.kind is Asked.CHECKIN:
        checkin_answers = checkin_answers.where(Answer.checkin_id != newest.id)
    elif newest.kind is Asked.JUDGMENT:
        calls = calls.where(JudgmentCall.id != newest.id)
    else:
        quotes = quotes.where(QuoteRequest.id != newest.id)
    return any(session.scalar(q) is not None for q in (checkin_answers, calls, quotes))


def route(*, session: Session, user: User, questions: list[OpenQuestion]) -> Route | None:
    """Where a top-level DM that reads as an answer goes (None: no question is open)."""
    if not questions:
        return None
    newest = questions[0]
    together = len(questions) > 1 and questions[1].asked_at >= newest.asked_at - ASKED_TOGETHER
    if together or _answered_elsewhere_since(session, user, newest):
        # The newest of each kind (one check-in is open at most; of several follow-ups
        # the one asked last): one button each.
        kinds: dict[Asked, OpenQuestion] = {}
        for question in questions:
            kinds.setdefault(question.kind, question)
        return Route(None, tuple(kinds.values()))
    return Route(newest)
