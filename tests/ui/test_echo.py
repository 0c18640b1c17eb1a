"""The echo is whole: what a person typed comes back in full, over as many sections and
messages as it takes, each within Slack's limits (issue 12 item 3)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.replies import send_in_turn
from bot.ui import evidence as ui
from bot.ui.blocks import MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_BUDGET, block_text_length
from bot.ui.messages import REST_IN_DM, CommandNames, failure_notice, usage_error
from bot.ui.text import SECTION_TEXT_LIMIT, escape, readable
from bot.ui.utf16 import utf16_len
from standin.blockkit_checks import broadcast_mentions, find_violations

_CODE = re.compile(r"^(?:You typed:\n)?```(.*)```$", re.DOTALL)
APOLOGY = "Multiplier can't reach its database right now. Please try again in a minute."


def _pieces(messages: list[dict[str, Any]]) -> list[str]:
    return [
        match.group(1)
        for message in messages
        for block in message["blocks"]
        if (match := _CODE.match((block.get("text") or {}).get("text", "")))
    ]


def _assert_whole_and_valid(messages: list[dict[str, Any]], typed: str) -> list[str]:
    """Every message passes Slack's checks; the sections put together are the text as typed."""
    for message in messages:
        problems = find_violations("response_url", json.loads(json.dumps(message)))
        assert problems == [], [str(p) for p in problems]
        assert len(message["blocks"]) <= MESSAGE_BLOCK_LIMIT
        assert block_text_length(message["blocks"]) <= MESSAGE_TEXT_BUDGET
        for block in message["blocks"]:
            text = (block.get("text") or {}).get("text", "")
            assert utf16_len(text) <= SECTION_TEXT_LIMIT
    pieces = _pieces(messages)
    assert "".join(pieces) == escape(readable(typed))
    for piece in pieces:
        piece.encode("utf-8")  # a lone surrogate (half an emoji) would not encode
        assert not re.search(r"&[a-z]*$", piece), "an &amp; split between sections"
    return pieces


def test_a_5012_character_brag_is_echoed_whole_in_one_message() -> None:
    """The outage apology for a 5,012-character /brag: one message, two sections, nothing cut
    (it was cut to 2,917 characters)."""
    typed = "/brag " + ("shipped the cache; " * 300)[:5_006]
    assert len(typed) == 5_012
    messages = failure_notice(APOLOGY, typed=typed)
    assert len(messages) == 1
    assert len(_assert_whole_and_valid(messages, typed)) == 2
    assert messages[0]["text"] == APOLOGY


def test_40000_characters_are_echoed_whole_over_several_messages() -> None:
    """40,000 characters: several messages, each within the budget, numbered in order."""
    typed = ("déjà vu, the retry storm again. " * 1_300)[:40_000]
    messages = usage_error("Usage: `/kudos @someone what they did`.", typed, CommandNames())
    assert 4 <= len(messages) <= 5
    _assert_whole_and_valid(messages, typed)
    for n, message in enumerate(messages[1:], 2):
        shown = message["blocks"][0]["elements"][0]["text"]
        assert f"part {n} of {len(messages)}" in shown
    # The help pointer comes last, once.
    assert "lists every command" in json.dumps(messages[-1])
    assert "lists every command" not in json.dumps(messages[:-1])


def test_emoji_are_never_split_between_sections() -> None:
    """Surrogate pairs (🚀 is two UTF-16 units) stay whole at every cut."""
    typed = "a" + "🚀" * 20_000
    messages = ui.text_refused(typed, "Nothing was saved; here is your text:")
    pieces = _assert_whole_and_valid(messages, typed)
    assert len(pieces) > 10
    assert all(set(piece) <= {"a", "🚀"} for piece in pieces)


def test_slack_markup_is_shown_as_typed_escaped_once() -> None:
    """`<!channel>` comes out as @channel and never broadcasts; a typed `&amp;` shows as
    `&amp;`, a typed `&` as `&`; `<b>` as `<b>`; escapes are never split."""
    stored = "<!channel> Q&amp;A &amp;amp; &lt;b&gt; <@UBOB|bob> " * 1_500
    messages = failure_notice(APOLOGY, typed=stored)
    assert len(messages) > 1
    _assert_whole_and_valid(messages, stored)
    blob = json.dumps(messages)
    assert "<!channel>" not in blob and "<@UBOB" not in blob
    assert "@channel Q&amp;A &amp;amp; &lt;b&gt; @bob" in "".join(_pieces(messages))
    assert broadcast_mentions(messages) == []


def test_escapes_that_triple_the_length_still_come_back_whole() -> None:
    """40,000 `&` are 200,000 units once escaped: many messages, every `&amp;` whole."""
    typed = "&amp;" * 40_000  # what Slack sends for 40,000 typed `&`
    messages = ui.text_refused(typed, "Nothing was saved; here is your text:")
    assert len(messages) > 5
    pieces = _assert_whole_and_valid(messages, typed)
    assert all(re.fullmatch(r"(?:&amp;)+", piece) for piece in pieces)


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "&", "<", ">", "🚀", "é", "\n", " "]), max_size=9_000)
)
def test_any_text_comes_back_whole(typed: str) -> None:
    """Any text (as typed into a form: escaped once) comes back whole and within limits."""
    _assert_whole_and_valid(failure_notice(APOLOGY, typed=escape(typed)), escape(typed))


@pytest.mark.parametrize(("count", "posted", "in_dm"), [(3, 3, 0), (5, 5, 0), (8, 5, 3)])
def test_past_five_posts_the_rest_goes_to_the_dm(count: int, posted: int, in_dm: int) -> None:
    """A response_url takes five posts: the fifth says the rest follows in the DM."""
    messages = [{"text": f"m{n}", "blocks": []} for n in range(count)]
    via_url: list[dict[str, Any]] = []
    via_dm: list[dict[str, Any]] = []
    send_in_turn(messages, via_url.append, overflow=via_dm.append)
    assert [m["text"] for m in via_url + via_dm] == [m["text"] for m in messages]
    assert (len(via_url), len(via_dm)) == (posted, in_dm)
    assert (REST_IN_DM in json.dumps(via_url[-1])) == (in_dm > 0)


def test_a_brag_echo_always_fits_the_five_posts_of_a_response_url() -> None:
    """A /brag that is stored is at most 10,000 characters, so its apology, even all `&` (the
    longest escape), comes back whole within the five posts of its response_url."""
    from bot.evidence.service import MAX_TEXT_LENGTH
    from bot.slack.replies import RESPONSE_URL_POSTS

    typed = "/brag " + "&amp;" * MAX_TEXT_LENGTH
    messages = failure_notice(APOLOGY, typed=typed)
    assert len(messages) <= RESPONSE_URL_POSTS
    _assert_whole_and_valid(messages, typed)
