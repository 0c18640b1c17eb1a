"""Helpers for the capture tests."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_cpu_seconds(call: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time of a few runs: noise (a collector pass, a busy core) only adds."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        call()
        times.append(time.process_time() - started)
    return min(times)
