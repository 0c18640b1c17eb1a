"""A quote request's DMs through the outbox (bot/delivery/outbox.py): the ask to the peer
(to their user id: the bot can DM any member, whether or not they ever opened the app), and
the answer or the "not now" back to the requester (and, once, that the peer changed their
sentence: each reads the newest words when it goes out). Each is a `quote_posts` row, claimed
before posting; a retry after a crash or a 5xx looks for it in the DM first."""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import Kudos, QuotePost, QuoteRequest, User
from bot.delivery import outbox
from bot.quotes import service, states
from bot.quotes.texts import QuoteTexts, texts
from bot.ui import quotes as ui
from bot.ui.blocks import Payload

EVENT_TYPE = "multiplier_quote"


QUOTE_POSTS = outbox.Outbox.queued(
    model=QuotePost,
    event_type=EVENT_TYPE,
    owner=QuoteRequest,
    owner_id=lambda post: post.request_id,
    key=lambda post: f"{post.request_id}:{post.kind}",
)


def send_quote_posts(*, library: CoachingLibrary, **run: Unpack[outbox.RunArgs]) -> outbox.Tally:
    """Post every queued quote DM."""
    tally = outbox.Tally()
    words, now = texts(library), run["now"]

    def payload(session: Session, post: QuotePost) -> Payload | None:
        """What the row says; None when it is no longer worth sending."""
        request = session.get(QuoteRequest, post.request_id)
        requester = session.get(User, request.requester_id) if request is not None else None
        if request is None or requester is None or not requester.active:
            return None
        return _message(session, post, request, requester, words, now)

    QUOTE_POSTS.send_queued(
        wanted=lambda session, post: payload(session, post) is not None,
        message=payload,
        tally=tally,
        **run,
    )
    return tally


def _message(
    session: Session,
    post: QuotePost,
    request: QuoteRequest,
    requester: User,
    words: QuoteTexts,
    now: datetime,
) -> Payload | None:
    """What the row says; None when it is no longer worth sending."""
    if post.kind == states.ASK:
        if request.status != states.OPEN or service.is_stale(request, now):
            return None  # answered, declined or expired before it went out
        return ui.ask_message(request.id, requester.slack_user_id, request.note, words)
    if post.kind in (states.TOLD_ANSWERED, states.TOLD_UPDATED):
        kudos = session.get(Kudos, request.kudos_id) if request.kudos_id is not None else None
        if kudos is None:
            return None  # the requester already deleted the entry it became
        if post.kind == states.TOLD_UPDATED:
            return ui.updated_message(request.peer_slack_user_id, kudos.text)
        return ui.answered_message(request.peer_slack_user_id, kudos.text, words)
    return ui.declined_message(request.peer_slack_user_id, words)
