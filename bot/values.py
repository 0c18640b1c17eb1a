"""Strict reading of what comes back from Slack: button values, block and action ids,
option values, view private_metadata, message timestamps.

We wrote these, but Slack hands them back from the client, so anyone can change them. Every
number in them is read here and nowhere else: ASCII digits only (`'²'.isdigit()` and
`'٣'.isdigit()` are true, and `int()` takes `' 12'`, `'1_0'` and `'１２'`), within a range,
so a crafted value is refused as tampering (None) instead of raising ValueError or
OverflowError, or reaching the database as a number it cannot hold.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

# Row ids fit PostgreSQL's bigint with room to spare.
MAX_ID = 2**62
_DIGITS = re.compile(r"[0-9]{1,19}")
# 3000-01-01 UTC in seconds since the epoch: far beyond any period we write, and far enough
# inside what datetime holds that converting to any time zone or adding a day cannot overflow.
_LATEST_TIMESTAMP = 32_503_680_000


def parse_int(value: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits (or an int), within [low, high]; else None."""
    if value is None or value == "":
        return None  # absent (an option nobody chose): not tampering
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    if number is None or not low <= number <= high:
        # Only ever seen when someone crafted the request; what it held is not logged.
        size = len(value) if isinstance(value, str) else None
        logger.warning("refused a crafted value (%s, length %s)", type(value).__name__, size)
        return None
    return number


def parse_id(value: object) -> int | None:
    """A row id (or a small index) from a value we wrote; None for anything else."""
    return parse_int(value)


def parse_timestamp(value: object) -> datetime | None:
    """An instant written as whole seconds since the epoch; None when no date can hold it."""
    seconds = parse_int(value, high=_LATEST_TIMESTAMP)
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)
