"""Reading a typed evidence text: people, links, dimension, and malformed mentions."""

from __future__ import annotations

import pytest

from bot.coaching.library import default_library
from bot.evidence.parsing import leading_mention, malformed_mentions, parse_evidence


def test_people_links_and_hashtag() -> None:
    """Mentions become people (not the author), links are read, a hashtag wins."""
    parsed = parse_evidence(
        "helped <@UBOB|bob> and <@UALICE> ship <https://x.example/pr/1|the PR> #mentoring",
        default_library(),
        author="UALICE",
    )
    assert parsed.people == ("UBOB",)
    assert parsed.links == ("https://x.example/pr/1",)
    assert (parsed.dimension, parsed.dimension_source) == ("mentoring", "hashtag")
    assert parsed.malformed_mentions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paired with @dana", ["@dana"]),
        ("@dana.", ["@dana"]),
        ("see <@bob> and <@U12", ["<@bob>", "<@U12"]),
        ("mail ops@example.com about it", []),
        ("<@UBOB|bob> and <@UCAROL>", []),
        ("ping @here @channel @everyone", []),
        ("<!subteam^S1|@eng> done", []),
    ],
)
def test_malformed_mentions(text: str, expected: list[str]) -> None:
    """Unresolved @names and broken <@…> are reported; real mentions, e-mail and broadcasts are not."""
    assert malformed_mentions(text) == expected


def test_leading_mention() -> None:
    """/kudos needs a mention first; the rest of the text follows it."""
    assert leading_mention("<@UBOB|bob> great job") == ("UBOB", " great job")
    assert leading_mention("  <@UBOB> x") == ("UBOB", " x")
    assert leading_mention("great job <@UBOB>") is None
    assert leading_mention("@bob great") is None
