"""Helpers for the capture tests."""

from __future__ import annotations

import time
from collections.abc import Callable

# Linear work on these texts takes milliseconds; a regex that backtracks over 40,000 characters
# takes seconds. The bound tells the two apart on a busy machine without timing anything finer.
BACKTRACKING = 0.5


def best_cpu_seconds(call: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time of a few runs: noise (a collector pass, a busy core) only adds."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        call()
        times.append(time.process_time() - started)
    return min(times)
