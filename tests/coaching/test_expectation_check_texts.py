"""The monthly expectations check's texts (`checks:` in prompts/expectations.yaml): each
grounded in its seed with a verbatim quote, and an override's mistakes named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.coaching.library import (
    DEFAULT_PROMPTS_DIR,
    LibraryError,
    check_seed_quotes,
    default_library,
    load_library,
)
from bot.coaching.models import EXPECTATION_CHECK_IDS

from ._support import SEEDS_DIR

LIB = default_library()
SEED_001 = "001_25b0c1775d5382ce.txt"
SEED_002 = "002_ab6cc0801e6074bc.txt"
RED_FLAG_QUOTE = (
    "If your manager cannot articulate how your current work maps to staff-level "
    "expectations, that is a red flag."
)


def test_every_check_text_ships_with_its_seed_and_a_verbatim_quote() -> None:
    assert tuple(text.id for text in LIB.expectation_checks) == EXPECTATION_CHECK_IDS
    for text in LIB.expectation_checks:
        assert text.seed in (SEED_001, SEED_002) and text.seed_quote, text.id
    red_flag = LIB.expectation_check("red-flag")
    assert red_flag is not None and red_flag.seed == SEED_002
    assert red_flag.seed_quote.startswith(RED_FLAG_QUOTE)
    question = LIB.expectation_check("question")
    assert question is not None and question.text.endswith("?")
    if SEEDS_DIR.is_dir():
        assert check_seed_quotes(LIB, SEEDS_DIR) == []


def test_a_misquoted_check_text_is_reported(tmp_path: Path) -> None:
    override = _override(tmp_path, "red-flag", "Red flag.", seed_quote="a red flag, clearly")
    if not SEEDS_DIR.is_dir():
        pytest.skip("the seed articles are not here")
    problems = check_seed_quotes(load_library(DEFAULT_PROMPTS_DIR, override), SEEDS_DIR)
    assert problems == [
        "expectations.yaml, entry 'red-flag': seed_quote is not in "
        f"'{SEED_002}': 'a red flag, clearly'"
    ]


def _override(tmp_path: Path, text_id: str, text: str, **fields: str) -> Path:
    entry = {"id": text_id, "text": text, "seed": SEED_002}
    entry["seed_quote"] = "Have this conversation explicitly and early."
    entry.update(fields)
    checks = [{key: value for key, value in entry.items() if value != "-"}]
    (tmp_path / "expectations.yaml").write_text(
        yaml.safe_dump({"version": 1, "checks": checks}), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("text_id", "text", "fields", "problem"),
    [
        (
            "red-flg",
            "Two months in a row.",
            {},
            "field 'id' names unknown check text 'red-flg' (did you mean 'red-flag'?)"
            " (known: question, mapped, not-yet, red-flag)",
        ),
        (
            "question",
            "Map your recent work to your expectations with your manager.",
            {},
            "field 'text' must end with '?': it is asked as the monthly question, with the"
            " buttons 'Yes, we mapped them' and 'Not yet' (got '…xpectations with your manager.')",
        ),
        (
            "mapped",
            "Good, {name}.",
            {},
            "field 'text' has a '{' or '}': the check's texts take no placeholders",
        ),
        ("not-yet", "Ask soon.", {"seed_quote": "-"}, "field 'seed_quote' is missing"),
        ("not-yet", "Ask soon.", {"seed": "003.txt"}, "field 'seed' names unknown seed file"),
        ("not-yet", "x " * 201, {}, "field 'text' is 401 characters long; the limit is 400"),
    ],
)
def test_an_overrides_mistake_is_named_precisely(
    tmp_path: Path, text_id: str, text: str, fields: dict[str, str], problem: str
) -> None:
    override = _override(tmp_path, text_id, text, **fields)
    with pytest.raises(LibraryError) as caught:
        load_library(DEFAULT_PROMPTS_DIR, override)
    message = str(caught.value)
    assert f"expectations.yaml, checks entry '{text_id}' (#1): {problem}" in message


def test_an_override_may_reword_or_disable_a_check_text(tmp_path: Path) -> None:
    checks = [
        {"id": "question", "disabled": True},
        {
            "id": "red-flag",
            "text": "Two months without mapping: talk to your manager about it this week.",
            "seed": SEED_002,
            "seed_quote": RED_FLAG_QUOTE,
        },
    ]
    (tmp_path / "expectations.yaml").write_text(
        yaml.safe_dump({"version": 1, "checks": checks}), encoding="utf-8"
    )
    library = load_library(DEFAULT_PROMPTS_DIR, tmp_path)
    assert library.expectation_check("question") is None
    red_flag = library.expectation_check("red-flag")
    assert red_flag is not None and red_flag.text.startswith("Two months without mapping")
    assert library.expectation_check("mapped") == LIB.expectation_check("mapped")
