"""Quote requests: stored per requester, the peer kept by Slack id. Private to the requester:
read through their user row (their list, their export), or by the peer the request is
addressed to (to answer it); never by digests or shares."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.base import rowcount
from bot.db.models import Kudos, QuotePost, QuoteRequest, User
from bot.delivery.status import DeliveryStatus
from bot.evidence import service as evidence
from bot.quotes.states import (
    ANSWERED,
    ASK,
    DECLINED,
    EXPIRED,
    MAX_NOTE_LENGTH,
    MAX_SENTENCE_LENGTH,
    OPEN,
    TOLD_ANSWERED,
    TOLD_DECLINED,
    TOLD_UPDATED,
)
from bot.quotes.states import is_stale as _is_stale
from bot.timetext import day_label
from bot.ui.utf16 import utf16_len
from bot.workspaces.membership import is_member

# A requested quote is not the peer handing out kudos on their own: the daily cap on /kudos
# (a guard against flooding logs) does not apply to answering a request.
NO_DAILY_CAP = sys.maxsize


class QuoteRefused(ValueError):
    """A request or answer we will not store; `field` names the form block it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_peer(
    *,
    requester: User,
    peer_slack_id: str | None,
    profile: Mapping[str, Any] | None,
    team_id: str | None,
    enterprise_id: str | None,
) -> str:
    """The peer's Slack id, or QuoteRefused("peer", why not) for yourself, a bot, a
    deactivated account, or someone Slack does not place in this workspace."""
    if not peer_slack_id:
        raise QuoteRefused("peer", "Pick one person who saw your work up close.")
    if peer_slack_id == requester.slack_user_id:
        raise QuoteRefused("peer", "That's you. Pick a peer who saw your work up close.")
    if peer_slack_id == evidence.SLACKBOT_ID or (
        profile is not None
        and (profile.get("is_bot") or profile.get("is_app_user") or profile.get("bot_id"))
    ):
        raise QuoteRefused("peer", "That's a bot. Pick a person: their words are the point.")
    if profile is None:
        raise QuoteRefused("peer", "I couldn't find that person in Slack. Pick someone else.")
    if profile.get("deleted"):
        raise QuoteRefused("peer", "That account is deactivated. Pick someone else.")
    if not is_member(profile, team_id=team_id, enterprise_id=enterprise_id):
        raise QuoteRefused("peer", "They aren't in this workspace, so I can't ask them from here.")
    return peer_slack_id


def open_key(requester: User, peer_slack_id: str) -> str:
    return f"{requester.id}:{peer_slack_id}"


def is_stale(request: QuoteRequest, now: datetime) -> bool:
    """An open request older than EXPIRES_AFTER."""
    return _is_stale(request.status, request.created_at, now)


def _close(session: Session, request: QuoteRequest, status: str, now: datetime) -> bool:
    """Move an open request to `status` (only if it is still open: two presses at once,
    one wins); True when this call did."""
    result = session.execute(
        update(QuoteRequest)
        .where(QuoteRequest.id == request.id, QuoteRequest.status == OPEN)
        .values(status=status, open_key=None, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    session.refresh(request)
    return True


def expire_if_stale(session: Session, request: QuoteRequest, now: datetime) -> None:
    if is_stale(request, now):
        _close(session, request, EXPIRED, now)


def create(
    *, session: Session, requester: User, peer_slack_id: str, note: str | None, now: datetime
) -> QuoteRequest:
    """Store a request and queue its DM to the peer; QuoteRefused("peer") while one to the
    same peer is still open (an expired one is closed first)."""
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise QuoteRefused("note", f"Keep the note under {MAX_NOTE_LENGTH} characters.")
    key = open_key(requester, peer_slack_id)
    existing = session.scalars(select(QuoteRequest).where(QuoteRequest.open_key == key)).first()
    if existing is not None:
        expire_if_stale(session, existing, now)
        if existing.status == OPEN:
            raise QuoteRefused(
                "peer",
                f"You asked them on {day_label(existing.created_at)}; that request is still "
                "open. One at a time per person.",
            )
    request = QuoteRequest(
        workspace_id=requester.workspace_id,
        requester_id=requester.id,
        peer_slack_user_id=peer_slack_id,
        note=note or None,
        status=OPEN,
        open_key=key,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:  # the same request, made twice at once
        raise QuoteRefused("peer", "You just asked them; that request is open.") from None
    session.add(QuotePost(request_id=request.id, kind=ASK, channel_id=peer_slack_id))
    session.flush()
    return request


def addressed_to(
    *, session: Session, peer: User, request_id: int | None
) -> tuple[QuoteRequest | None, bool]:
    """(the request, whether it is addressed to `peer`): None when there is no such request
    (forgotten by its requester, or never made); False for another person's."""
    request = session.get(QuoteRequest, request_id) if request_id is not None else None
    if request is None:
        return None, False
    mine = (
        request.workspace_id == peer.workspace_id
        and request.peer_slack_user_id == peer.slack_user_id
    )
    return request, mine


def check_sentence(text: str) -> str:
    """The sentence as typed, trimmed; QuoteRefused("sentence") when empty or too long."""
    trimmed = text.strip()
    if not trimmed:
        raise QuoteRefused("sentence", 'One sentence, please. Or close this and press "Not now".')
    if utf16_len(trimmed) > MAX_SENTENCE_LENGTH:
        raise QuoteRefused(
            "sentence", f"Keep it under {MAX_SENTENCE_LENGTH:,} characters: one sentence."
        )
    return trimmed


def answer(
    *,
    session: Session,
    request: QuoteRequest,
    peer: User,
    stored_text: str,
    library: CoachingLibrary,
    now: datetime,
) -> Kudos | None:
    """Record the peer's sentence (stored Slack text) as kudos on the requester's log and
    queue the requester's DM; None when the request is no longer open (answered, declined,
    expired at once) or its requester is gone."""
    requester = session.get(User, request.requester_id)
    if requester is None or not requester.active:
        return None
    expire_if_stale(session, request, now)
    if not _close(session, request, ANSWERED, now):
        return None
    kudos, _entry = evidence.give_kudos(
        session=session,
        giver=peer,
        recipient=requester,
        text=stored_text,
        library=library,
        daily_cap=NO_DAILY_CAP,
        now=now,
    )
    request.kudos_id = kudos.id
    session.add(
        QuotePost(
            request_id=request.id,
            kind=TOLD_ANSWERED,
            channel_id=requester.dm_channel_id or requester.slack_user_id,
        )
    )
    session.flush()
    return kudos


def answered_kudos(*, session: Session, request: QuoteRequest, peer: User) -> Kudos | None:
    """The kudos this peer's answer became, while it is still on the requester's log (None:
    not answered, answered by no one still here, or the requester deleted the entry)."""
    if request.status != ANSWERED or request.kudos_id is None:
        return None
    kudos = session.get(Kudos, request.kudos_id)
    if kudos is None or kudos.giver_id != peer.id or kudos.evidence_id is None:
        return None
    return kudos


def replace_answer(
    *,
    session: Session,
    request: QuoteRequest,
    kudos: Kudos,
    stored_text: str,
    library: CoachingLibrary,
) -> QuotePost | None:
    """The peer answered again: their latest sentence replaces the first on the requester's
    log. The requester is told once that it changed: while the "answered" DM is still
    queued it carries the newest words (it reads them when it goes out), so nothing more is
    queued; once it went out, one "updated" DM is queued (it too reads the newest words).
    Returns that "updated" DM when it already went out (redrawn in place, not sent again)."""
    evidence.replace_kudos_text(session=session, kudos=kudos, text=stored_text, library=library)
    told = {
        post.kind: post
        for post in session.scalars(
            select(QuotePost).where(
                QuotePost.request_id == request.id,
                QuotePost.kind.in_((TOLD_ANSWERED, TOLD_UPDATED)),
            )
        )
    }
    updated = told.get(TOLD_UPDATED)
    if updated is not None:
        sent = updated.status == DeliveryStatus.SENT and updated.message_ts is not None
        return updated if sent else None
    answered = told.get(TOLD_ANSWERED)
    if answered is not None and answered.status == DeliveryStatus.PENDING:
        return None
    requester = session.get(User, request.requester_id)
    if requester is None:
        return None
    try:
        with session.begin_nested():
            session.add(
                QuotePost(
                    request_id=request.id,
                    kind=TOLD_UPDATED,
                    channel_id=requester.dm_channel_id or requester.slack_user_id,
                )
            )
            session.flush()
    except IntegrityError:  # two new answers at once: the other one queued it
        pass
    return None


def decline(*, session: Session, request: QuoteRequest, now: datetime) -> bool:
    """The peer pressed "Not now": closed, and the requester told kindly; False when it was
    no longer open."""
    expire_if_stale(session, request, now)
    if not _close(session, request, DECLINED, now):
        return False
    requester = session.get(User, request.requester_id)
    if requester is not None:
        session.add(
            QuotePost(
                request_id=request.id,
                kind=TOLD_DECLINED,
                channel_id=requester.dm_channel_id or requester.slack_user_id,
            )
        )
    session.flush()
    return True


def ask_ts(*, session: Session, request: QuoteRequest) -> str | None:
    """The ts of the ask's message in the peer's DM (None: not sent)."""
    return session.scalar(
        select(QuotePost.message_ts).where(
            QuotePost.request_id == request.id, QuotePost.kind == ASK
        )
    )


def requests_of(*, session: Session, user: User, limit: int = 10) -> list[QuoteRequest]:
    """The person's own requests, newest first."""
    return list(
        session.scalars(
            select(QuoteRequest)
            .where(QuoteRequest.requester_id == user.id)
            .order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())
            .limit(limit)
        )
    )
