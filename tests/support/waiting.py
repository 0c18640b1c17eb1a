"""Waiting for something another process does, which cannot notify this one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(
    condition: Callable[[], T], *, timeout: float = 10.0, what: str = "the condition"
) -> T:
    """Re-check `condition()` every 20 ms until it is truthy; return it, or fail at `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)
