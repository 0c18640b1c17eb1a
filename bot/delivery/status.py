"""The one vocabulary of a delivery's life, stored as words under a CHECK constraint.

    pending ─claim─▶ claimed (owner, claimed_at: the lease) ─▶ sent | failed | unknown

- `sent`: Slack has the message (its ts is stored). The only word for done: digests said
  "posted" before.
- `failed`: it can never be sent (the recipient or workspace is gone, Slack refused it, or it
  ran out of attempts).
- `unknown`: it may have been sent (a crash or a 5xx between posting and recording). Nothing
  is sent again until the message is looked for by its metadata (bot/delivery/reconcile.py).
  Check-ins and their grace window look again on the next run; a summary or digest whose
  channel cannot be searched stays unknown rather than risk a second copy.
- `skipped`: the feature decided not to send it after all (the person opted out).

A check-in's row also carries the person's side of it (snoozed, answered, skipped, expired,
cancelled): CheckInStatus is the delivery words plus those.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"


class CheckInStatus(StrEnum):
    """A check-in's delivery status (the same words as DeliveryStatus) and the person's."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    # The person skipped this week's check-in (or it was not wanted any more).
    SKIPPED = "skipped"
    SNOOZED = "snoozed"
    ANSWERED = "answered"
    # Not sent within the grace window; or no longer wanted before it went out.
    EXPIRED = "expired"
    CANCELLED = "cancelled"


S = TypeVar("S", DeliveryStatus, CheckInStatus)


def allowed(status: type[StrEnum]) -> str:
    """The CHECK constraint's condition: the column holds one of the enum's words."""
    return "status IN (" + ", ".join(f"'{member.value}'" for member in status) + ")"


class StatusType(TypeDecorator[S], Generic[S]):
    """A status column: a word in the database, the enum in Python; a wrong word never binds."""

    impl = String(16)
    cache_ok = True

    def __init__(self, status: type[S]) -> None:
        super().__init__()
        self.status: type[S] = status

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.status(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> S | None:
        if value is None:
            return None
        return self.status(value)
