"""Emoji names: one normaliser for reactions, statuses and settings."""

from __future__ import annotations

import pytest

from bot.capture.emoji import emoji_in, emoji_name, is_emoji_name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        (":palm_tree:", "palm_tree"),
        ("Palm_Tree", "palm_tree"),
        ("🌴", "palm_tree"),
        ("✈️", "airplane"),
        (":+1::skin-tone-2:", "+1"),
        ("thumbsup::skin-tone-6", "+1"),
        ("thumbsup", "+1"),
        ("👍🏽", "+1"),
        ("trophy", "trophy"),
        ("  :airplane:  ", "airplane"),
    ],
)
def test_emoji_are_normalised_to_the_names_reactions_use(typed: str, name: str) -> None:
    """Colons, case, skin tones, aliases and characters all reduce to Slack's reaction name."""
    assert emoji_name(typed) == name


@pytest.mark.parametrize(
    ("name", "ok"), [("trophy", True), ("+1", True), ("palm tree", False), ("", False)]
)
def test_emoji_names_are_recognised(name: str, ok: bool) -> None:
    """Only Slack-shaped names count as emoji names."""
    assert is_emoji_name(name) is ok


def test_emoji_in_a_text_are_found_as_names() -> None:
    """Shortcodes (with skin tones and aliases) and known characters in a text become names."""
    assert emoji_in("Lisbon :Palm_Tree: :thumbsup::skin-tone-3: ✈️ 🏆") == [
        "palm_tree",
        "+1",
        "trophy",
        "airplane",
    ]
