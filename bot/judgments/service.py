"""Which entries are judgment calls, when each is followed up, and what the DM says: pure.

Entries in decisions, long-horizon and problem-framing, and any the person marks a bet, get
one follow-up `months` (3 to 6, default 3) months of 30 days after they were logged. A
follow-up that could not go out within GRACE of its day (a long pause, time off) is dropped:
one question, never a pile of them on return.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

JUDGMENT_DIMENSIONS = ("decisions", "long_horizon", "problem_framing")
# A kudos received is the giver's thanks on the person's log, never their own call.
NOT_A_CALL_SOURCE = "kudos"
MONTHS = (3, 4, 5, 6)
DEFAULT_MONTHS = 3
GRACE = timedelta(days=30)
# The earliest a follow-up can be due (3 months) and the latest it may still go out.
EARLIEST = timedelta(days=89)
LATEST = timedelta(days=6 * 31) + GRACE
QUOTE_CHARS = 140


def valid_months(value: int | None) -> int:
    """`value` when it is one of 3 to 6, else the default (3)."""
    return value if value in MONTHS else DEFAULT_MONTHS


def due_at(logged_at: datetime, months: int | None) -> datetime:
    """When the follow-up is due: a month is 30 days here, so 3 months is 90 days (the
    sandbox's `:time +90d` brings it) and a due day never depends on the calendar; from the
    minute it was logged (the jobs run each minute, and `:time +90d` right after logging
    lands in that minute, not the instant after it)."""
    minute = logged_at.replace(second=0, microsecond=0)
    return minute + timedelta(days=30 * valid_months(months))


def in_window(due: datetime, now: datetime) -> bool:
    """Whether a follow-up due at `due` may go out at `now`."""
    return due <= now <= due + GRACE


def quote(text: str) -> str:
    """The entry's text shortened for the question (one line, at most QUOTE_CHARS)."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_CHARS else line[: QUOTE_CHARS - 1].rstrip() + "…"


def month_words(occurred_local: datetime, now_local: datetime) -> str:
    """ "June", or "June 2025" when it was another year."""
    name = calendar.month_name[occurred_local.month]
    return name if occurred_local.year == now_local.year else f"{name} {occurred_local.year}"
