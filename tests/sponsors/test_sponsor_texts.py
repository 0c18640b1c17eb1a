"""The sponsor thread's why reads as a sentence: the promotion case's description is a noun
phrase, said as what a sponsor is (on its own line it read as a stray fragment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coaching.library import default_library
from bot.sponsors import texts as sponsor_texts

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def test_the_why_says_what_a_sponsor_is() -> None:
    words = sponsor_texts.texts(default_library(PROMPTS))
    assert words.why == (
        "A sponsor: at least one senior leader who can advocate for you in a room you are not in."
    )


@pytest.mark.parametrize(
    ("phrase", "continued"),
    [
        ("At least one leader", "at least one leader"),
        ("A director", "a director"),
        ("VP-level support", "VP-level support"),
        ("I need one", "I need one"),
        ("", ""),
    ],
)
def test_a_phrase_continues_a_sentence_keeping_acronyms(phrase: str, continued: str) -> None:
    assert sponsor_texts._continuing(phrase) == continued
