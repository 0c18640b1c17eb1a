"""Which open question a top-level DM answers (not one in a thread: that one says where it
belongs).

The bot asks several things in the same DM: the weekly check-in's questions, months later
how a judgment call turned out, and a peer's request for one sentence about their
influence. A top-level DM goes to the one open question when only one is open; when several
are (a check-in with more than one unanswered question, follow-ups, quote requests), the
person is asked, in one line with a button each, which question it answers (or that it is
just a note). The DM is stored as typed either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import answers
from bot.db.models import (
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
# At most this many questions are offered on the "which question?" line (newest first).
MAX_CHOICES = 8


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
    # A check-in's question: its prompt (None: every question has an answer already).
    prompt_id: str | None = None


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
        # One question each for the check-in's unanswered questions, in their order.
        prompts: list[str | None] = [*answers.open_prompts(session, checkin)] or [None]
        found.extend(
            OpenQuestion(Asked.CHECKIN, checkin.id, asked, slot_at=checkin.slot_at, prompt_id=p)
            for p in prompts
        )
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
    newest: dict[int, OpenQuestion] = {}  # a call asked again (a reminder) is one question
    for call_id, sent_at, text in rows:
        if sent_at is not None and (call_id not in newest or newest[call_id].asked_at < sent_at):
            newest[call_id] = OpenQuestion(
                Asked.JUDGMENT, call_id, sent_at, quote=judgments.quote(text)
            )
    return list(newest.values())


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


def route(
    *, questions: list[OpenQuestion], text: str = "", wording: dict[OpenQuestion, str] | None = None
) -> Route | None:
    """Where a top-level DM that reads as an answer goes (None: no question is open): the
    one open question, or the one its words clearly point to (they share words with that
    question, or the quoted call, and with no other); else ask which (a button each)."""
    if not questions:
        return None
    if len(questions) == 1:
        return Route(questions[0])
    said = _words(text)
    wording = wording or {}
    shared = [q for q in questions if said & _words(wording.get(q) or q.quote or "")]
    if len(shared) == 1:
        return Route(shared[0])
    return Route(None, tuple(questions[:MAX_CHOICES]))


_WORD = re.compile(r"[a-z0-9]+")
_COMMON = frozenset(
    {
        "about",
        "after",
        "also",
        "been",
        "before",
        "because",
        "from",
        "have",
        "into",
        "more",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "were",
        "what",
        "when",
        "which",
        "while",
        "with",
        "your",
        "work",
        "week",
        "team",
        "someone",
        "something",
        "month",
        "year",
        "quarter",
        "today",
    }
)


def _words(text: str) -> set[str]:
    """The words of `text` that say what it is about: four letters or more, not the common
    ones, a plural's s dropped."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if len(word) >= 4 and word not in _COMMON:
            found.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return found
