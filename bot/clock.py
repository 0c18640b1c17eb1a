"""The one clock the app reads. The local sandbox shifts it to move time forward.

Production never shifts it. Tests prefer passing an explicit `now` into scheduling code, and
use freezegun where a clock must move.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    """The current instant, aware, in UTC (plus the sandbox's offset, if any)."""
    return datetime.now(UTC) + _offset


def shift(delta: timedelta) -> datetime:
    """Move the app's clock forward (sandbox only); returns the new now."""
    global _offset  # noqa: PLW0603
    with _lock:
        _offset += delta
    return now()


def reset() -> None:
    global _offset  # noqa: PLW0603
    with _lock:
        _offset = timedelta(0)
