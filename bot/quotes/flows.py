"""Quote requests' flows: each owns its commit. The listener does the Slack side (reading
the peer's profile, opening modals, answering); these take plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import QuoteRequest, User
from bot.quotes import service
from bot.quotes.service import QuoteRefused
from bot.quotes.states import ANSWERED, DECLINED_NOW, GONE, NOT_YOURS, THANKED, UPDATED, PeerState
from bot.ui.text import from_typed


def request_quote(
    *,
    session: Session,
    requester: User,
    peer_slack_id: str | None,
    profile: Mapping[str, Any] | None,
    team_id: str | None,
    enterprise_id: str | None,
    note_typed: str,
    now: datetime,
) -> str:
    """Check the peer and store the request (its DM queued for the outbox); the peer's
    Slack id. Raises QuoteRefused (nothing stored) with the form field it is about."""
    try:
        peer = service.check_peer(
            requester=requester,
            peer_slack_id=peer_slack_id,
            profile=profile,
            team_id=team_id,
            enterprise_id=enterprise_id,
        )
        note = from_typed(note_typed.strip()) if note_typed.strip() else None
        service.create(session=session, requester=requester, peer_slack_id=peer, note=note, now=now)
    except QuoteRefused:
        session.rollback()
        raise
    session.commit()
    return peer


def _state_of(session: Session, request: QuoteRequest, state: str | None = None) -> PeerState:
    requester = session.get(User, request.requester_id)
    if requester is None or not requester.active:
        return PeerState(GONE)
    return PeerState(
        state or request.status,
        request_id=request.id,
        requester_slack_id=requester.slack_user_id,
        note=request.note,
    )


def _find(
    session: Session, peer: User, request_id: int | None, now: datetime
) -> QuoteRequest | PeerState:
    request, mine = service.addressed_to(session=session, peer=peer, request_id=request_id)
    if request is None:
        return PeerState(GONE)
    if not mine:
        return PeerState(NOT_YOURS)
    service.expire_if_stale(session, request, now)
    return request


def peer_state(*, session: Session, peer: User, request_id: int | None, now: datetime) -> PeerState:
    """What the peer's button finds (an open request older than 30 days expires here); when
    they answered it and their sentence is still on the requester's log, that sentence (the
    form opens again to change it)."""
    found = _find(session, peer, request_id, now)
    if isinstance(found, PeerState):
        state = found
    else:
        state = _state_of(session, found)
        kudos = service.answered_kudos(session=session, request=found, peer=peer)
        if kudos is not None and state.state == ANSWERED:
            state = replace(state, sentence=kudos.text)
    session.commit()
    return state


def answer(
    *,
    session: Session,
    peer: User,
    request_id: int | None,
    typed: str,
    library: CoachingLibrary,
    now: datetime,
) -> PeerState:
    """Store the peer's sentence as kudos on the requester's log (THANKED); answered before
    by them, put it in place of their first one (UPDATED: the requester is told once, see
    service.replace_answer); or say why not (the request's state). QuoteRefused("sentence")
    for an empty or too long one."""
    sentence = service.check_sentence(typed)
    found = _find(session, peer, request_id, now)
    if isinstance(found, PeerState):
        session.commit()
        return found
    previous = service.answered_kudos(session=session, request=found, peer=peer)
    if previous is not None and _state_of(session, found).state == ANSWERED:
        told = service.replace_answer(
            session=session,
            request=found,
            kudos=previous,
            stored_text=from_typed(sentence),
            library=library,
        )
        state = replace(
            _state_of(session, found, UPDATED),
            sentence=previous.text,
            told_updated=(told.channel_id, told.message_ts)
            if told is not None and told.message_ts is not None
            else None,
        )
        session.commit()
        return state
    kudos = service.answer(
        session=session,
        request=found,
        peer=peer,
        stored_text=from_typed(sentence),
        library=library,
        now=now,
    )
    state = _state_of(session, found, THANKED if kudos is not None else None)
    if state.state == THANKED:
        state = replace(state, ask_ts=service.ask_ts(session=session, request=found))
    session.commit()
    return state


def decline(*, session: Session, peer: User, request_id: int | None, now: datetime) -> PeerState:
    """The peer's "Not now" (DECLINED_NOW), or why it changed nothing."""
    found = _find(session, peer, request_id, now)
    if isinstance(found, PeerState):
        session.commit()
        return found
    declined = service.decline(session=session, request=found, now=now)
    state = _state_of(session, found, DECLINED_NOW if declined else None)
    session.commit()
    return state


def requests_of(*, session: Session, user: User) -> list[QuoteRequest]:
    """The person's own requests, newest first (read; the transaction ends before Slack)."""
    found = service.requests_of(session=session, user=user)
    for request in found:
        session.expunge(request)
    session.commit()
    return found
