"""Choose the 2–3 reflection prompts for one check-in.

Rules, in order:

1. Only multiplier dimensions that have prompts take part; at most one prompt each.
2. A prompt asked recently (the caller passes the ids asked in the last four weeks) is
   not asked again while any other choice exists: dimensions with a fresh prompt come
   before dimensions whose prompts were all asked recently, and within a dimension a
   fresh prompt always beats a recent one.
3. First comes the dimension with the least evidence in `evidence_counts` (the caller
   passes the last six weeks); the rest follow a rotation order that is a stable hash of
   user, period and dimension, so different people and different weeks see different
   dimensions, yet the same inputs always give the same prompts.

Hashing uses SHA-256, never Python's `hash()`, which changes between processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping

from bot.coaching.library import CoachingLibrary
from bot.coaching.models import Dimension, Prompt

DEFAULT_COUNT = 3


def stable_rank(*parts: str) -> int:
    """A deterministic 64-bit number for the parts, the same in every process and version."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def choose_prompts(
    *,
    library: CoachingLibrary,
    user_key: str,
    period_key: str,
    evidence_counts: Mapping[str, int],
    recently_asked: Collection[str],
    count: int = DEFAULT_COUNT,
) -> list[Prompt]:
    """Pick up to `count` prompts from distinct dimensions, least-evidenced dimension first."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    recent = frozenset(recently_asked)
    dimensions = [d for d in library.multiplier_dimensions if library.prompts_for(d.id)]
    if not dimensions:
        return []

    def fresh(dimension: Dimension) -> list[Prompt]:
        return [p for p in library.prompts_for(dimension.id) if p.id not in recent]

    def rotation(dimension: Dimension) -> int:
        return stable_rank(user_key, period_key, "dimension", dimension.id)

    def evidence(dimension: Dimension) -> int:
        value = evidence_counts.get(dimension.id, 0)
        return max(int(value), 0)

    with_fresh = [d for d in dimensions if fresh(d)]
    exhausted = [d for d in dimensions if not fresh(d)]
    first = min(with_fresh or dimensions, key=lambda d: (evidence(d), rotation(d)))
    rest = sorted((d for d in with_fresh if d is not first), key=rotation)
    rest += sorted((d for d in exhausted if d is not first), key=rotation)
    chosen = [first, *rest][:count]
    return [_pick_prompt(library, d, recent, user_key, period_key) for d in chosen]


def _pick_prompt(
    library: CoachingLibrary,
    dimension: Dimension,
    recent: frozenset[str],
    user_key: str,
    period_key: str,
) -> Prompt:
    prompts = library.prompts_for(dimension.id)
    candidates = [p for p in prompts if p.id not in recent] or list(prompts)
    return min(candidates, key=lambda p: (stable_rank(user_key, period_key, "prompt", p.id), p.id))
