"""Slack's limits as Slack counts them: UTF-16 units, and the text of a whole message."""

from __future__ import annotations

import pytest

from bot.ui.blocks import (
    MESSAGE_BLOCK_LIMIT,
    MESSAGE_TEXT_BUDGET,
    actions,
    block_text_length,
    button,
    context,
    fit_message,
    section,
)
from bot.ui.text import display, escape, safe, truncate
from bot.ui.utf16 import utf16_len, utf16_prefix
from tests.ui.test_display import pieces

ROCKET = "🚀"


def test_utf16_length_counts_astral_characters_twice() -> None:
    """🚀 is one code point but two UTF-16 units; é and CJK are one."""
    assert utf16_len(ROCKET * 2900) == 5800
    assert utf16_len("é漢a") == 3
    assert utf16_len("") == 0


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 5999])
def test_utf16_prefix_never_splits_a_surrogate_pair(limit: int) -> None:
    """The prefix is as long as fits and always whole characters."""
    text = ("a" + ROCKET) * 2000
    cut = utf16_prefix(text, limit)
    assert utf16_len(cut) <= limit and text.startswith(cut)
    assert utf16_len(cut) >= limit - 1


@pytest.mark.parametrize("render", [truncate, safe, display])
def test_2900_rockets_fit_a_3000_character_section(render) -> None:
    """Truncating 2,900 emoji to 3,000 keeps them within 3,000 UTF-16 units, ending in …."""
    shown = render(ROCKET * 2900, 3000)
    assert utf16_len(shown) <= 3000
    assert shown.endswith("…") and shown.startswith(ROCKET * 1000)


def test_chunks_count_units_and_lose_nothing() -> None:
    """Echo pieces hold at most `size` units each and join back to the escaped text."""
    text = (ROCKET + "&<") * 1500
    parts = pieces(escape(text), 2990)
    assert all(utf16_len(p) <= 2990 for p in parts)
    assert "".join(parts) == text.replace("&", "&amp;").replace("<", "&lt;")


def test_block_text_length_sums_every_text_in_units() -> None:
    """Section, context and button texts all count, emoji twice."""
    blocks = [section(ROCKET * 10), context("abc"), actions(button("Go", "go"))]
    assert block_text_length(blocks) == 20 + 3 + 2


def test_a_message_within_the_budget_is_untouched() -> None:
    """Blocks inside both limits come back as they were."""
    blocks = [section("x" * 2900) for _ in range(3)]
    assert fit_message(blocks) is blocks


def test_too_much_text_is_cut_with_a_pointer_and_buttons_kept() -> None:
    """Beyond the budget, content stops where it no longer fits, the pointer says so, and
    the buttons after it stay."""
    blocks = [section(f"{n} " + "x" * 2900) for n in range(6)]
    blocks.append(actions(button("Answer", "answer")))
    fitted = fit_message(blocks, see_more="…see more in your Home tab.")
    assert block_text_length(fitted) <= MESSAGE_TEXT_BUDGET
    kinds = [b["type"] for b in fitted]
    assert kinds == ["section", "section", "section", "context", "actions"]
    assert fitted[3]["elements"][0]["text"] == "…see more in your Home tab."
    assert [b["text"]["text"][:2] for b in fitted[:3]] == ["0 ", "1 ", "2 "]


def test_emoji_count_twice_against_the_budget() -> None:
    """Four sections of 1,450 🚀 are 11,600 units: over the budget though 5,800 code points."""
    blocks = [section(ROCKET * 1450) for _ in range(4)]
    fitted = fit_message(blocks)
    assert block_text_length(fitted) <= MESSAGE_TEXT_BUDGET
    assert len(fitted) == 4 and fitted[-1]["type"] == "context"


def test_too_many_blocks_are_cut_with_a_pointer() -> None:
    """More than 50 blocks: 49 kept and the pointer."""
    fitted = fit_message([section(str(n)) for n in range(60)])
    assert len(fitted) == MESSAGE_BLOCK_LIMIT
    assert fitted[-1]["type"] == "context"
