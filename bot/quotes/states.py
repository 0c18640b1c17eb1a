"""A quote request's states and limits (pure: the UI reads them too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# A request's status: open → answered, declined, or expired.
OPEN, ANSWERED, DECLINED, EXPIRED = "open", "answered", "declined", "expired"
# What a peer's press finds beyond the status: nothing (its requester used forget-me, or
# there never was such a request), or someone else's request.
GONE, NOT_YOURS = "gone", "not_yours"
# This very press answered or declined it; or, answered before, put a new sentence in place
# of the one on the requester's log.
THANKED, DECLINED_NOW, UPDATED = "thanked", "declined_now", "updated"
# Kinds of quote_posts row: the ask to the peer, and what the requester is told: answered,
# declined, and (once per request, however often the peer changes it) that the sentence on
# their log changed.
ASK, TOLD_ANSWERED, TOLD_DECLINED, TOLD_UPDATED = "ask", "answered", "declined", "updated"

# An open request this old is no longer waited for (the peer's button then says so).
EXPIRES_AFTER = timedelta(days=30)
MAX_NOTE_LENGTH = 500
# The sentence as typed, in UTF-16 code units (what Slack counts); the form says so too.
MAX_SENTENCE_LENGTH = 1000


def is_stale(status: str, created_at: datetime, now: datetime) -> bool:
    """An open request older than EXPIRES_AFTER."""
    return status == OPEN and created_at <= now - EXPIRES_AFTER


@dataclass(frozen=True)
class PeerState:
    """A quote request as its peer sees it."""

    state: str
    request_id: int | None = None
    requester_slack_id: str | None = None
    # The requester's note (stored Slack text), for the peer's form.
    note: str | None = None
    # The ask's message in the peer's DM, once answered: redrawn without its buttons.
    ask_ts: str | None = None
    # Answered by this peer and still on the requester's log: their sentence (stored Slack
    # text), which a new answer replaces.
    sentence: str | None = None
    # UPDATED: the requester's "it changed" DM, already posted (channel, ts), to redraw in
    # place with the newest sentence rather than tell them again.
    told_updated: tuple[str, str] | None = None
