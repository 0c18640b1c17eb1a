"""Choose the 2–3 reflection prompts for one check-in.

Rules, in order:

1. Only multiplier dimensions that have prompts take part; at most one prompt each.
2. A prompt asked recently (the caller passes the ids asked in the last four weeks) is
   not asked again while any other choice exists: dimensions with a fresh prompt come
   before dimensions whose prompts were all asked recently, and within a dimension a
   fresh prompt always beats a recent one.
3. First comes the dimension with the least evidence in `evidence_counts` (the caller
   passes the last six weeks), where each "nothing this week" answered in it counts as
   asked, like a piece of evidence: the weakest dimension cannot be asked forever. A
   dimension whose two latest answers were both "nothing" rests: it goes last.
4. The rest follow a rotation order that is a stable hash of user, period and dimension,
   so different people and different weeks see different dimensions, yet the same inputs
   always give the same prompts.
5. About one check-in in DELIVERY_EVERY (a stable hash again), own delivery is asked too,
   through its first prompt ("what could you have enabled someone else to do?"), in the
   last place, unless it was asked recently.

Hashing uses SHA-256, never Python's `hash()`, which changes between processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence

from bot.coaching.library import CoachingLibrary
from bot.coaching.models import Dimension, Prompt

DEFAULT_COUNT = 3
# Own delivery is asked in about one check-in in this many.
DELIVERY_EVERY = 4
# A dimension whose latest answers were this many "nothing this week"s in a row rests.
REST_AFTER_EMPTY = 2
NOTHING = "nothing"
# Prompts that a monthly thread asks (the sponsor DM, bot/sponsors): never in the weekly
# rotation too, where "This month: which senior leader…" came a week after the month's DM.
THREAD_PROMPTS = frozenset({"alignment-sponsor-visibility"})


def weekly_prompts(library: CoachingLibrary, dimension_id: str) -> list[Prompt]:
    """A dimension's prompts that the weekly check-in may ask."""
    return [p for p in library.prompts_for(dimension_id) if p.id not in THREAD_PROMPTS]


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
    recent_answers: Sequence[tuple[str, str]] = (),
) -> list[Prompt]:
    """Pick up to `count` prompts from distinct dimensions, least-evidenced dimension first.

    `recent_answers` are (prompt id, answer kind) pairs from the last six weeks, newest
    first; kind "nothing" is a "nothing this week".
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    recent = frozenset(recently_asked)
    dimensions = [d for d in library.multiplier_dimensions if weekly_prompts(library, d.id)]
    if not dimensions:
        return []
    empty, resting = _empty_answers(library, recent_answers)

    def fresh(dimension: Dimension) -> list[Prompt]:
        return [p for p in weekly_prompts(library, dimension.id) if p.id not in recent]

    def rotation(dimension: Dimension) -> int:
        return stable_rank(user_key, period_key, "dimension", dimension.id)

    def weakness(dimension: Dimension) -> tuple[int, int]:
        value = max(int(evidence_counts.get(dimension.id, 0)), 0)
        return value + empty.get(dimension.id, 0), rotation(dimension)

    awake = [d for d in dimensions if d.id not in resting]
    with_fresh = [d for d in awake if fresh(d)]
    exhausted = [d for d in awake if not fresh(d)]
    first = min(with_fresh or awake or dimensions, key=weakness)
    rest = sorted((d for d in with_fresh if d is not first), key=rotation)
    rest += sorted((d for d in exhausted if d is not first), key=rotation)
    rest += sorted((d for d in dimensions if d.id in resting and d is not first), key=rotation)
    chosen = [
        _pick_prompt(library, d, recent, user_key, period_key) for d in [first, *rest][:count]
    ]
    delivery = _delivery_prompt(library, recent, user_key, period_key)
    if delivery is not None and count >= 2:
        chosen = [*chosen[: count - 1], delivery]
    return chosen


def _empty_answers(
    library: CoachingLibrary, recent_answers: Sequence[tuple[str, str]]
) -> tuple[dict[str, int], set[str]]:
    """Per dimension, its "nothing this week" answers; and the dimensions that rest."""
    empty: dict[str, int] = {}
    latest: dict[str, list[str]] = {}
    for prompt_id, kind in recent_answers:
        try:
            dimension = library.prompt(prompt_id).dimension
        except KeyError:
            continue  # a prompt since removed
        latest.setdefault(dimension, []).append(kind)
        if kind == NOTHING:
            empty[dimension] = empty.get(dimension, 0) + 1
    resting = {
        dimension
        for dimension, kinds in latest.items()
        if len(kinds) >= REST_AFTER_EMPTY and all(k == NOTHING for k in kinds[:REST_AFTER_EMPTY])
    }
    return empty, resting


def asks_delivery(user_key: str, period_key: str) -> bool:
    """Whether this person's check-in for this period asks about own delivery too."""
    return stable_rank(user_key, period_key, "delivery") % DELIVERY_EVERY == 0


def _delivery_prompt(
    library: CoachingLibrary, recent: frozenset[str], user_key: str, period_key: str
) -> Prompt | None:
    """Own delivery's best prompt (its first), in the check-ins that ask it, if not recent."""
    if not asks_delivery(user_key, period_key):
        return None
    for dimension in library.dimensions:
        prompts = weekly_prompts(library, dimension.id)
        if not dimension.multiplier and prompts and prompts[0].id not in recent:
            return prompts[0]
    return None


def _pick_prompt(
    library: CoachingLibrary,
    dimension: Dimension,
    recent: frozenset[str],
    user_key: str,
    period_key: str,
) -> Prompt:
    prompts = weekly_prompts(library, dimension.id)
    candidates = [p for p in prompts if p.id not in recent] or list(prompts)
    return min(candidates, key=lambda p: (stable_rank(user_key, period_key, "prompt", p.id), p.id))
