"""Shares: a summary or promotion packet the owner sends to a named person.

The domain rules, no commits: a share is written `pending` when the owner asks, and only
the owner's own confirmation (`claim`) moves it on to `sending`, then `sent` or `failed`;
`cancelled` when they decline. Ids arriving in button values are re-checked against the
acting owner here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.base import rowcount
from bot.db.models import EvidenceShare, User
from bot.evidence.periods import Period
from bot.values import parse_id

PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
KINDS = ("summary", "packet")


class ShareRefused(Exception):
    """A share we will not prepare; `reason` is one of the class constants."""

    SELF = "self"
    BOT = "bot"
    INACTIVE = "inactive"
    NOT_FOUND = "not_found"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_recipient(
    *, owner: User, recipient_slack_id: str, profile: Mapping[str, Any] | None
) -> None:
    """Refuse sharing with oneself (that is `export`), with bots, or with nobody."""
    if recipient_slack_id == owner.slack_user_id:
        raise ShareRefused(ShareRefused.SELF)
    if profile is None:
        raise ShareRefused(ShareRefused.NOT_FOUND)
    if profile.get("is_bot") or profile.get("is_app_user") or profile.get("bot_id"):
        raise ShareRefused(ShareRefused.BOT)
    if profile.get("deleted"):
        raise ShareRefused(ShareRefused.INACTIVE)


def prepare(
    *,
    session: Session,
    owner: User,
    recipient_slack_id: str,
    kind: str,
    period: Period,
    now: datetime,
) -> EvidenceShare:
    """A pending share: nothing leaves until the owner confirms it."""
    if kind not in KINDS:
        raise ValueError(f"unknown share kind {kind!r}")
    share = EvidenceShare(
        workspace_id=owner.workspace_id,
        owner_id=owner.id,
        recipient_slack_user_id=recipient_slack_id,
        kind=kind,
        period_label=period.label[:200],
        period_start=period.start,
        period_end=period.end,
        status=PENDING,
        created_at=now,
    )
    session.add(share)
    session.flush()
    return share


def own_share(*, session: Session, owner: User, share_id: str) -> EvidenceShare | None:
    """The owner's share with this id (from a button value), or None."""
    parsed = parse_id(share_id)
    if parsed is None:
        return None
    share = session.get(EvidenceShare, parsed)
    if share is None or share.owner_id != owner.id or share.workspace_id != owner.workspace_id:
        return None
    return share


def claim(*, session: Session, share: EvidenceShare, to: str) -> bool:
    """Move a pending share to `to` (sending or cancelled); False when someone else did."""
    result = session.execute(
        update(EvidenceShare)
        .where(EvidenceShare.id == share.id, EvidenceShare.status == PENDING)
        .values(status=to)
    )
    session.expire(share)
    return rowcount(result) == 1


def finish(
    *,
    session: Session,
    share: EvidenceShare,
    filename: str | None,
    error: str | None,
    now: datetime,
) -> None:
    """Record how the send ended: sent (with the file's name and when) or failed (why)."""
    share.status = SENT if error is None else FAILED
    share.filename = filename[:255] if filename else None
    share.error = error[:100] if error else None
    share.sent_at = now if error is None else None


def sent_by(*, session: Session, owner: User) -> list[EvidenceShare]:
    """Everything the owner has shared, newest first."""
    return list(
        session.scalars(
            select(EvidenceShare)
            .where(EvidenceShare.owner_id == owner.id, EvidenceShare.status == SENT)
            .order_by(EvidenceShare.created_at.desc(), EvidenceShare.id.desc())
        )
    )
