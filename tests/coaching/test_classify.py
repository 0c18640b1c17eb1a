"""Reading people, links, hashtags, dimension and scope out of free text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.coaching.classify import (
    extract_hashtags,
    extract_links,
    extract_mentions,
    parse_text,
    suggest_dimension,
    suggest_scope,
)
from bot.coaching.library import default_library

LIB = default_library()


# ── Mentions ─────────────────────────────────────────────────────────────────────────────


def test_mentions_in_both_slack_forms_are_extracted_in_order() -> None:
    """`<@U123>` and `<@U123|bob>` both yield the user id, de-duplicated, first mention first."""
    text = "paired with <@U2BBB> and <@U1AAA|bob>, then <@U2BBB|carol> again; also <@W3CCC>"
    assert extract_mentions(text) == ["U2BBB", "U1AAA", "W3CCC"]


@pytest.mark.parametrize(
    "text",
    [
        "<!channel> heads up",
        "<!here> and <!everyone>",
        "<!subteam^S0123|@platform> please look",
        "<#C0123ABC|general>",
        "<@u123abc> lower-case is not a Slack id",
        "<@U123ABC without a closing bracket",
        "@U123ABC typed without brackets",
        "email bob@example.com",
        "<@U1> too short",
        "&lt;@U123ABC&gt; escaped by Slack",
    ],
)
def test_broadcasts_channels_and_malformed_mentions_are_not_people(text: str) -> None:
    """Broadcasts, user groups, channels and malformed ids never become mentioned people."""
    assert extract_mentions(text) == []


# ── Links ────────────────────────────────────────────────────────────────────────────────


def test_slack_formatted_links_with_and_without_labels() -> None:
    """`<https://…|label>` and `<https://…>` yield the URL, with Slack's &amp; undone."""
    text = "doc: <https://docs.example.com/d/1?a=1&amp;b=2|design doc> and <https://git.example.com/pr/7>"
    assert extract_links(text) == [
        "https://docs.example.com/d/1?a=1&b=2",
        "https://git.example.com/pr/7",
    ]


def test_bare_urls_lose_sentence_punctuation_but_keep_balanced_brackets() -> None:
    """Bare URLs are found; a trailing full stop or unmatched bracket is not part of them."""
    text = (
        "See https://en.wikipedia.org/wiki/Glue_(work). Also (https://example.com/x), "
        "and http://example.org/a?b=c!"
    )
    assert extract_links(text) == [
        "https://en.wikipedia.org/wiki/Glue_(work)",
        "https://example.com/x",
        "http://example.org/a?b=c",
    ]


def test_links_are_deduplicated_in_order_and_non_web_links_ignored() -> None:
    """The same URL twice is reported once; mailto, channels and mentions are not links."""
    text = (
        "<https://a.example/1|one> https://b.example/2 <https://a.example/1> "
        "<mailto:bob@example.com|bob> <#C123|general> <@U123ABC> https:// nothing"
    )
    assert extract_links(text) == ["https://a.example/1", "https://b.example/2"]


# ── Hashtags ─────────────────────────────────────────────────────────────────────────────


def test_hashtags_are_case_folded_deduplicated_and_ordered() -> None:
    """Hashtags come back lower-case with their #, once each, in order of appearance."""
    assert extract_hashtags("#RFC for the #cross-team cache, #rfc again #Doc_v2") == [
        "#rfc",
        "#cross-team",
        "#doc_v2",
    ]


def test_hashtags_ignore_urls_channels_numbers_and_entities() -> None:
    """URL fragments, channel links, `#1`, `C#` and HTML entities are not hashtags."""
    text = "see https://x.example/page#section <#C123|design> issue #42 in C# &#39; x#y"
    assert extract_hashtags(text) == []


def test_unicode_hashtags_and_text() -> None:
    """Non-ASCII hashtags are recognised and text in other scripts does not break anything."""
    assert extract_hashtags("Réunion #équipe #設計 ✨ #review") == ["#équipe", "#設計", "#review"]
    assert suggest_dimension("Réunion d’équipe 🎉 — rien à signaler", LIB) is None


# ── Dimension suggestions ────────────────────────────────────────────────────────────────


def test_hashtag_wins_over_keywords() -> None:
    """A known hashtag decides the dimension even when keywords point elsewhere."""
    suggestion = suggest_dimension("shipped and merged the migration, deployed it #mentor", LIB)
    assert suggestion is not None
    assert suggestion.dimension_id == "mentoring"
    assert suggestion.source == "hashtag"
    assert suggestion.matched == ("#mentor",)


def test_first_known_hashtag_wins_and_unknown_ones_are_skipped() -> None:
    """With several hashtags, the first one that names a dimension decides."""
    suggestion = suggest_dimension("#friday #RFC #unblock", LIB)
    assert suggestion is not None
    assert (suggestion.dimension_id, suggestion.matched) == ("writing", ("#rfc",))


def test_dimension_id_is_a_hashtag() -> None:
    """A dimension's id works as a hashtag, with an underscore or a hyphen."""
    for text in ("#long_horizon", "#long-horizon", "#Cross_Team"):
        suggestion = suggest_dimension(f"did a thing {text}", LIB)
        assert suggestion is not None and suggestion.source == "hashtag"
    assert suggest_dimension("x #cross-team", LIB).dimension_id == "cross_team"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("Unblocked <@U123ABC|bob> on the deploy, he was stuck for two days", "unblocking"),
        ("caught a race condition in code review before release", "reviews"),
        ("Wrote the migration plan for the payments DB", "writing"),
        ("incident review for Tuesday's outage", "writing"),
        ("Mentored Priya through her first on-call week", "mentoring"),
        ("Noticed three teams duplicating the API client", "cross_team"),
        ("Pushed back: this is not now, the real problem is the schema", "problem_framing"),
        ("Cut infra cost by 30% on the batch cluster", "business_impact"),
        ("Got buy-in from the VP and aligned the stakeholders", "alignment"),
        ("Convinced the team to change the plan to use Postgres", "decisions"),
        ("Started paying down tech debt in the event pipeline", "long_horizon"),
        ("Shipped the new billing feature", "delivery"),
        ("Wrote a TRADEOFF SUMMARY for the queue choice", "writing"),
    ],
)
def test_keywords_suggest_a_dimension(text: str, dimension: str) -> None:
    """Free text without hashtags is classified by its keywords."""
    suggestion = suggest_dimension(text, LIB)
    assert suggestion is not None
    assert suggestion.source == "keyword"
    assert suggestion.dimension_id == dimension


def test_longest_keyword_wins_where_keywords_overlap() -> None:
    """'incident review' counts for writing only, not also as a 'review'."""
    suggestion = suggest_dimension("incident review", LIB)
    assert suggestion is not None
    assert suggestion.matched == ("incident review*",)


def test_named_activity_beats_plain_keywords_in_any_file_order() -> None:
    """An activity ("caught") outweighs a delivery keyword, whatever order the dimensions have."""
    text = "caught it, then shipped it"  # reviews: caught (activity); delivery: shipped
    results = {suggest_dimension(text, LIB).dimension_id for _ in range(5)}  # type: ignore[union-attr]
    assert results == {"reviews"}
    flipped = replace(LIB, dimensions=tuple(reversed(LIB.dimensions)))
    assert suggest_dimension(text, flipped).dimension_id == "reviews"  # type: ignore[union-attr]


def test_keywords_do_not_match_inside_words_or_markup() -> None:
    """Keywords match whole words and ignore mentions, channels and URLs."""
    assert suggest_dimension("<@U123ABC|ship> <#C1|reviews> https://x.example/review", LIB) is None
    assert suggest_dimension("relationship", LIB) is None  # contains 'ship'


def test_nothing_to_go_on_gives_no_suggestion() -> None:
    """Text with no hashtag and no keyword yields None rather than a guess."""
    assert suggest_dimension("", LIB) is None
    assert suggest_dimension("lunch", LIB) is None


# ── Scope suggestions ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("rolled out a guideline org-wide", "org"),
        ("helped another team with their queue", "cross_team"),
        ("paired with a teammate on our service", "team"),
        ("cleaned up my own backlog", "self"),
        ("shared it with my team and two teams next door", "cross_team"),
    ],
)
def test_keywords_suggest_a_scope(text: str, scope: str) -> None:
    """Scope keywords suggest a scope; on a tie the broader scope wins."""
    suggestion = suggest_scope(text, LIB)
    assert suggestion is not None
    assert suggestion.scope_id == scope


def test_no_scope_when_unclear() -> None:
    """Text that says nothing about reach gets no scope suggestion."""
    assert suggest_scope("fixed it", LIB) is None


def test_parse_text_bundles_everything() -> None:
    """parse_text returns people, links, hashtags and suggestions in one go."""
    parsed = parse_text(
        "Unblocked <@U1AAA|bob> and <@U2BBB> on another team <https://x.example/t|ticket> #unblock",
        LIB,
    )
    assert parsed.people == ("U1AAA", "U2BBB")
    assert parsed.links == ("https://x.example/t",)
    assert parsed.hashtags == ("#unblock",)
    assert parsed.dimension is not None and parsed.dimension.dimension_id == "unblocking"
    assert parsed.scope is not None and parsed.scope.scope_id == "cross_team"
