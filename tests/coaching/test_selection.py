"""Choosing the prompts for a check-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coaching.library import default_library
from bot.coaching.models import Prompt
from bot.coaching.selection import THREAD_PROMPTS, asks_delivery, choose_prompts, stable_rank
from bot.sponsors.texts import QUESTION_PROMPT

LIB = default_library()
MULTIPLIER_IDS = [d.id for d in LIB.multiplier_dimensions]
ALL_PROMPT_IDS = [p.id for p in LIB.prompts]
REPO = Path(__file__).resolve().parents[2]


def _choose(
    *,
    user: str = "T1:U1",
    period: str = "2025-W10",
    counts: dict[str, int] | None = None,
    recent: Sequence[str] | None = None,
    count: int = 3,
    answers: Sequence[tuple[str, str]] = (),
) -> list[Prompt]:
    return choose_prompts(
        library=LIB,
        user_key=user,
        period_key=period,
        evidence_counts=counts or {},
        recently_asked=recent or [],
        count=count,
        recent_answers=answers,
    )


def _even_counts(value: int = 5) -> dict[str, int]:
    return dict.fromkeys(MULTIPLIER_IDS, value)


def test_same_inputs_give_the_same_prompts() -> None:
    """Selection is a pure function of its inputs."""
    counts = {"writing": 2, "mentoring": 7}
    first = _choose(counts=counts, recent=["review-caught-problem"])
    again = _choose(counts=dict(reversed(counts.items())), recent=("review-caught-problem",))
    assert [p.id for p in first] == [p.id for p in again]


def test_selection_is_stable_across_processes() -> None:
    """The rotation does not depend on Python's per-process hash seed."""
    code = (
        "import json; from bot.coaching.library import default_library;"
        "from bot.coaching.selection import choose_prompts;"
        "print(json.dumps([p.id for p in choose_prompts(library=default_library(),"
        " user_key='T9:U9', period_key='2025-W01', evidence_counts={}, recently_asked=[])]))"
    )
    results = set()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, check=True
        )
        results.add(out.stdout.decode().strip())
    assert len(results) == 1
    assert json.loads(results.pop()) == [p.id for p in _choose(user="T9:U9", period="2025-W01")]


def test_stable_rank_is_pinned() -> None:
    """stable_rank is SHA-256 based, so its values never change between releases."""
    assert stable_rank("a") == int.from_bytes(
        bytes.fromhex("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")[:8],
        "big",
    )
    assert stable_rank("a", "b") != stable_rank("ab")


def test_least_evidenced_dimension_comes_first() -> None:
    """The first prompt belongs to the multiplier dimension with the least evidence."""
    for dimension in MULTIPLIER_IDS:
        counts = {**_even_counts(), dimension: 1}
        prompts = _choose(counts=counts)
        assert prompts[0].dimension == dimension


def test_missing_counts_mean_no_evidence() -> None:
    """A dimension absent from evidence_counts counts as zero evidence."""
    counts = _even_counts()
    del counts["long_horizon"]
    assert _choose(counts=counts)[0].dimension == "long_horizon"


def test_delivery_is_asked_now_and_then_through_its_best_prompt() -> None:
    """About one check-in in four asks about own delivery, last, with the "enable" prompt."""
    asked = 0
    for n in range(400):
        prompts = _choose(user=f"U{n}", period="2025-W10", counts={"delivery": 0})
        delivery = [p for p in prompts if p.dimension == "delivery"]
        assert delivery in ([], [prompts[-1]])
        if delivery:
            asked += 1
            assert delivery[0].id == "delivery-could-have-enabled"
            assert prompts[0].dimension in MULTIPLIER_IDS
    assert 60 <= asked <= 140
    assert "could have enabled someone else" in LIB.prompt("delivery-could-have-enabled").text


def test_delivery_is_not_asked_again_within_four_weeks() -> None:
    """The delivery prompt follows the same no-repeat rule as every other prompt."""
    users = [f"U{n}" for n in range(400) if asks_delivery(f"U{n}", "2025-W10")]
    assert users
    for user in users[:20]:
        prompts = _choose(user=user, period="2025-W10", recent=["delivery-could-have-enabled"])
        assert all(p.dimension != "delivery" for p in prompts)


def test_nothing_this_week_counts_as_asked() -> None:
    """With no evidence anywhere, a dimension just answered "nothing" is not asked first again."""
    writing = LIB.prompts_for("writing")[0].id
    for n in range(30):
        user = f"U{n}"
        chosen = _choose(user=user, counts=_even_counts(0), answers=[(writing, "nothing")])
        assert chosen[0].dimension != "writing"


def test_a_dimension_rests_after_two_empty_answers() -> None:
    """Two "nothing this week" answers in a row, and the dimension is asked last, if at all."""
    first, second = (p.id for p in LIB.prompts_for("writing")[:2])
    counts = {**_even_counts(5), "writing": 0}
    assert _choose(counts=counts)[0].dimension == "writing"
    one = [(second, "nothing")]
    assert _choose(counts=counts, answers=one)[0].dimension == "writing"  # 1 < 5: still weakest
    two = [(second, "nothing"), (first, "nothing")]
    for n in range(30):
        chosen = _choose(user=f"U{n}", counts=counts, answers=two)
        assert "writing" not in {p.dimension for p in chosen}
    woke = [(second, "answer"), (first, "nothing")]  # the latest answer had content
    assert _choose(counts=counts, answers=woke)[0].dimension == "writing"


def test_recently_asked_prompts_are_avoided() -> None:
    """A prompt asked in the last four weeks is not asked again while others remain."""
    counts = {**_even_counts(), "writing": 0}
    writing = [p.id for p in LIB.prompts_for("writing")]
    for n in range(len(writing) - 1):
        recent = writing[: n + 1]
        chosen = _choose(counts=counts, recent=recent)
        assert chosen[0].dimension == "writing"
        assert chosen[0].id not in recent


def test_exhausted_dimension_gives_way_to_fresh_prompts() -> None:
    """When every prompt of the least-evidenced dimension was asked recently, the next
    least-evidenced dimension with a fresh prompt goes first instead of repeating one."""
    counts = {**_even_counts(), "writing": 0, "mentoring": 1}
    recent = [p.id for p in LIB.prompts_for("writing")]
    chosen = _choose(counts=counts, recent=recent)
    assert chosen[0].dimension == "mentoring"
    assert not {p.id for p in chosen} & set(recent)


def test_repeats_only_when_nothing_else_is_left() -> None:
    """With every prompt asked recently, a check-in still gets its prompts."""
    chosen = _choose(recent=ALL_PROMPT_IDS, counts={**_even_counts(), "reviews": 0})
    assert len(chosen) == 3
    assert chosen[0].dimension == "reviews"


def test_count_controls_how_many_prompts() -> None:
    """count=2 asks two prompts, count=3 three; fewer than one is an error."""
    assert len(_choose(count=2)) == 2
    assert len(_choose(count=3)) == 3
    with pytest.raises(ValueError, match="count"):
        _choose(count=0)


def test_rotation_spreads_dimensions_across_periods() -> None:
    """Over a year of check-ins with flat evidence, every dimension gets asked."""
    seen: Counter[str] = Counter()
    for week in range(1, 53):
        for prompt in _choose(period=f"2025-W{week:02d}", counts=_even_counts()):
            seen[prompt.dimension] += 1
    assert set(seen) == {*MULTIPLIER_IDS, "delivery"}


def test_different_people_get_different_prompts() -> None:
    """Rotation depends on the user, so a team does not all get the same questions."""
    picks = {
        tuple(p.id for p in _choose(user=f"T1:U{n}", counts=_even_counts())) for n in range(20)
    }
    assert len(picks) > 5


@settings(max_examples=300, deadline=None, database=None)
@given(
    user=st.text(max_size=20),
    period=st.text(max_size=12),
    counts=st.dictionaries(
        st.sampled_from([*MULTIPLIER_IDS, "delivery", "not-a-dimension"]),
        st.integers(min_value=0, max_value=30),
    ),
    recent=st.lists(st.sampled_from(ALL_PROMPT_IDS), unique=True),
    count=st.integers(min_value=2, max_value=3),
)
def test_selection_properties(
    user: str, period: str, counts: dict[str, int], recent: list[str], count: int
) -> None:
    """For any inputs: `count` prompts from distinct multiplier dimensions, deterministic,
    least-evidenced (among dimensions with a fresh prompt) first, no avoidable repeats."""
    chosen = _choose(user=user, period=period, counts=counts, recent=recent, count=count)
    again = _choose(user=user, period=period, counts=dict(counts), recent=recent[::-1], count=count)
    assert chosen == again
    assert len(chosen) == count
    dimensions = [p.dimension for p in chosen]
    assert len(set(dimensions)) == len(dimensions)
    assert set(dimensions[:-1]) <= set(MULTIPLIER_IDS)
    assert dimensions[-1] in {*MULTIPLIER_IDS, "delivery"}

    recent_set = set(recent)

    def fresh(dimension: str) -> bool:
        return any(p.id not in recent_set for p in LIB.prompts_for(dimension))

    with_fresh = [d for d in MULTIPLIER_IDS if fresh(d)]
    for prompt in chosen:
        if prompt.id in recent_set:
            assert not fresh(prompt.dimension), "a fresh prompt of that dimension was available"
    if len(with_fresh) >= count:
        assert not recent_set & {p.id for p in chosen}
    pool = with_fresh or MULTIPLIER_IDS
    least = min(counts.get(d, 0) for d in pool)
    assert chosen[0].dimension in pool
    assert counts.get(chosen[0].dimension, 0) == least


def test_the_monthly_sponsor_question_is_never_a_weekly_one() -> None:
    """The sponsor thread asks "This month: which senior leader…" once a month; the weekly
    check-in asked it too (the sandbox showed it a week after the month's DM): alignment, the
    least-evidenced dimension, is asked every week, never through that prompt."""
    assert QUESTION_PROMPT in THREAD_PROMPTS
    asked = set()
    for week in range(60):
        chosen = choose_prompts(
            library=LIB,
            user_key=f"U{week % 7}",
            period_key=f"2026-W{week:02d}",
            evidence_counts={d.id: 5 for d in LIB.dimensions if d.id != "alignment"},
            recently_asked=(),
        )
        asked |= {p.id for p in chosen if p.dimension == "alignment"}
    alignment = {p.id for p in LIB.prompts_for("alignment")}
    assert asked == alignment - {QUESTION_PROMPT}
