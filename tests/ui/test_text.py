"""User text is rendered so it can never mention, link or broadcast."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.ui.text import escape, mention, safe, truncate


def test_broadcasts_and_mentions_are_neutralised() -> None:
    """<!channel>, <!here>, <@U…> and links typed by a user come out inert."""
    text = "hi <!channel> <!here|here> <@U123> <https://x.y|click> & more"
    out = escape(text)
    assert "<" not in out and ">" not in out
    assert out == (
        "hi &lt;!channel&gt; &lt;!here|here&gt; &lt;@U123&gt; &lt;https://x.y|click&gt; &amp; more"
    )


def test_mention_only_from_wellformed_ids() -> None:
    """The bot writes a mention only for a real-looking user id."""
    assert mention("U0123ABC") == "<@U0123ABC>"
    assert mention("!channel") == "!channel"
    assert mention("U1><!here") == "U1&gt;&lt;!here"


@given(st.text(max_size=5000), st.integers(min_value=10, max_value=3000))
def test_safe_fits_and_never_breaks_an_entity(text: str, limit: int) -> None:
    """safe() fits the limit, contains no raw angle brackets, and never ends in a cut entity."""
    out = safe(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    tail = out[out.rfind("&") :] if "&" in out else ""
    assert not tail or ";" in tail


def test_truncate_marks_the_cut() -> None:
    """Truncated display text ends with an ellipsis; short text is unchanged."""
    assert truncate("abc", 5) == "abc"
    assert truncate("abcdefgh", 5) == "abcd…"


def test_blocks_never_carry_empty_text() -> None:
    """User text that renders to nothing still yields a valid section and context."""
    from bot.ui.blocks import EMPTY_TEXT, context, section

    assert section("   ")["text"]["text"] == EMPTY_TEXT
    assert context("", "ok")["elements"][0]["text"] == EMPTY_TEXT
    assert section("hi")["text"]["text"] == "hi"
