"""A quote request's DMs through the outbox (bot/delivery/outbox.py): the ask to the peer
(to their user id: the bot can DM any member, whether or not they ever opened the app), and
the answer or the "not now" back to the requester. Each is a `quote_posts` row, claimed
before posting; a retry after a crash or a 5xx looks for it in the DM first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import Kudos, QuotePost, QuoteRequest, User, Workspace
from bot.delivery import outbox
from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.quotes import service, states
from bot.quotes.texts import QuoteTexts, texts
from bot.ui import quotes as ui
from bot.ui.blocks import Payload
from bot.workspaces.service import WorkspaceInactive

EVENT_TYPE = "multiplier_quote"


def _locate(session: Session, post: QuotePost) -> outbox.Place | object | None:
    team_id = session.scalar(
        select(Workspace.team_id)
        .join(QuoteRequest, QuoteRequest.workspace_id == Workspace.id)
        .where(QuoteRequest.id == post.request_id)
    )
    return outbox.GONE if team_id is None else outbox.Place(team_id, post.channel_id)


QUOTE_POSTS = outbox.Outbox(
    model=QuotePost,
    event_type=EVENT_TYPE,
    key=lambda post: f"{post.request_id}:{post.kind}",
    locate=_locate,
    stale_after=timedelta(minutes=15),
    max_attempts=3,
)


def send_quote_posts(
    *,
    database: Database,
    settings: Settings,
    token_for: Callable[[str], str | None],
    now: datetime,
    library: CoachingLibrary,
    worker_id: str = "cli",
    budget_seconds: float | None = None,
) -> outbox.Tally:
    """Post every queued quote DM."""
    tally = outbox.Tally()
    words = texts(library)
    QUOTE_POSTS.run(
        database=database,
        settings=settings,
        token_for=token_for,
        worker_id=worker_id,
        now=now,
        deliver=lambda session, sender, post: _deliver(
            session, token_for, sender, post, words, now
        ),
        tally=tally,
        budget_seconds=budget_seconds,
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
    if post.kind == states.TOLD_ANSWERED:
        kudos = session.get(Kudos, request.kudos_id) if request.kudos_id is not None else None
        if kudos is None:
            return None  # the requester already deleted the entry it became
        return ui.answered_message(request.peer_slack_user_id, kudos.text, words)
    return ui.declined_message(request.peer_slack_user_id, words)


def _deliver(
    session: Session,
    token_for: Callable[[str], str | None],
    sender: Sender,
    post: QuotePost,
    words: QuoteTexts,
    now: datetime,
) -> str | None:
    request = session.get(QuoteRequest, post.request_id)
    requester = session.get(User, request.requester_id) if request is not None else None
    message = (
        _message(session, post, request, requester, words, now)
        if request is not None and requester is not None and requester.active
        else None
    )
    if message is None or request is None:
        post.status = DeliveryStatus.SKIPPED
        return None
    post.attempts += 1
    team_id = session.scalar(select(Workspace.team_id).where(Workspace.id == request.workspace_id))
    try:
        slack = outbox.slack_for(sender, token_for, team_id or "")
    except WorkspaceInactive:
        raise SendFailed("workspace_inactive", Outcome.WORKSPACE_GONE) from None
    ts = QUOTE_POSTS.find_posted(slack, post, post.channel_id) if post.attempts > 1 else None
    if ts:
        return ts
    return QUOTE_POSTS.post(slack, post, post.channel_id, message).ts
