"""Slack markup rendered readable and safe: mentions rebuilt, broadcasts defused, cut safely."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.text import display, escape, take_escaped
from standin.blockkit_checks import broadcast_mentions

MARKUP = [
    "<!channel>", "<!here>", "<!here|here>", "<!everyone>", "<!subteam^S123|@eng>",
    "<!date^1392734382^{date}|Feb 18>", "<@UBOB|bob>", "<@UALICE>", "<@bob>", "<#C123|general>",
    "<#C999>", "<https://example.com/a?b=1&amp;c=2|a link>", "<https://x.y>", "<mailto:a@b.c|mail>",
    "<javascript:alert(1)|click>", "&amp;", "&lt;", "&gt;", "&", "<", ">", "@here", "@channel",
    "\n", "\t", "\r\n", "\x07", "\u202e", "🚀", "<", "|", "*bold*", "`code`", "<@U", "<!",
]  # fmt: skip
slack_text = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(MARKUP)), max_size=80).map(
    "".join
)
# What Slack's own renderer treats as markup in mrkdwn output.
_ALLOWED_ENTITY = re.compile(
    r"^<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|(?:https?://|mailto:)[^\s<>|]+(?:\|[^<>]*)?)>$"
)


def pieces(escaped: str, size: int) -> list[str]:
    """Escaped text cut with take_escaped until nothing is left."""
    parts: list[str] = []
    while escaped:
        part, escaped = take_escaped(escaped, size)
        parts.append(part)
    return parts


def test_examples() -> None:
    """Mentions come out via mention(), links rebuilt, broadcasts and junk inert."""
    assert display("hi <@UBOB|Your Manager>") == "hi <@UBOB>"
    assert display("<#C123|general> and <#C999>") == "#general and <#C999>"
    assert display("a &amp; b &lt;tag&gt;") == "a &amp; b &lt;tag&gt;"
    assert (
        display("<https://x.example/?a=1&amp;b=2|docs>") == "<https://x.example/?a=1&amp;b=2|docs>"
    )
    assert display("<javascript:alert(1)|click>") == "&lt;javascript:alert(1)|click&gt;"
    for typed in ("<!channel>", "<!here|here>", "@here", "<!subteam^S1|@eng>"):
        assert broadcast_mentions(display(typed), link_names=True) == [], typed


@settings(max_examples=400)
@given(slack_text, st.integers(min_value=20, max_value=3000))
def test_display_is_safe_and_fits(text: str, limit: int) -> None:
    """Output fits the limit, never broadcasts (even with link_names), and every <…> is ours."""
    out = display(text, limit)
    assert len(out) <= limit
    assert broadcast_mentions(out, link_names=True) == []
    for entity in re.findall(r"<[^<>]*>", out):
        assert _ALLOWED_ENTITY.match(entity), entity
    assert out.count("<") == out.count(">")
    tail = out[out.rfind("&") :] if "&" in out else ""
    assert not tail or ";" in tail


@given(st.text(max_size=12_000), st.integers(min_value=10, max_value=3000))
def test_chunks_rebuild_the_escaped_text(text: str, size: int) -> None:
    """Echo pieces are each within the size and join back to exactly the escaped text."""
    parts = pieces(escape(text), size)
    assert all(0 < len(p) <= size for p in parts)
    assert "".join(parts) == escape(text)
