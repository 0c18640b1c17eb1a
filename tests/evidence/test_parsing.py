"""Reading a typed evidence text: people, links, dimension, and malformed mentions."""

from __future__ import annotations

import pytest

from bot.coaching.library import default_library
from bot.evidence.parsing import (
    bare_names,
    entry_words,
    form_choices,
    leading_people,
    malformed_mentions,
    no_story,
    parse_evidence,
    received_words,
)


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


# ── What a submitted form means (#hashtags and @names in its text) ───────────────────────

LIBRARY = default_library()


@pytest.mark.parametrize(
    ("text", "field", "prefilled", "guess", "expected"),
    [
        # Nothing picked: a #hashtag, else keywords (new entries only).
        ("Reviewed the RFC #review", None, None, True, ("reviews", "hashtag")),
        ("Reviewed the RFC #REVIEW.", None, None, True, ("reviews", "hashtag")),
        ("Mentored two new hires through on-call", None, None, True, ("mentoring", "keyword")),
        ("Mentored two new hires through on-call", None, None, False, (None, None)),
        ("Nothing in particular", None, None, True, (None, None)),
        # A dimension picked in the form (not what it came with) wins over a #hashtag.
        ("Reviewed the RFC #review", "writing", None, True, ("writing", "field")),
        ("Reviewed the RFC #review", "writing", "mentoring", True, ("writing", "field")),
        # What the form came filled with gives way to a #hashtag typed in the text …
        ("Reviewed the RFC #review", "mentoring", "mentoring", True, ("reviews", "hashtag")),
        # … and stays when the text has none (keywords never override a filled field).
        ("Mentored a new hire", "writing", "writing", True, ("writing", "field")),
        # An unknown tag or a tampered field value is no choice at all.
        ("Did a thing #nosuchtag", "not-a-dimension", None, False, (None, None)),
    ],
)
def test_form_dimension(text, field, prefilled, guess, expected) -> None:
    """The form's dimension: a picked field, else a #hashtag, else what it came with."""
    choices = form_choices(
        text,
        LIBRARY,
        field_dimension=field,
        field_people=(),
        prefilled_dimension=prefilled,
        guess=guess,
    )
    assert (choices.dimension, choices.dimension_source) == expected


def test_form_people_add_mentions_and_respect_removals() -> None:
    """People: the field, plus mentions and matched @names in the text, minus anyone the
    person removed from the field; the author is never their own beneficiary."""
    choices = form_choices(
        "Paired with @bob, <@UCAROL|carol>, @Dan and @dana on it; thanks @alice <@UEVE>",
        LIBRARY,
        field_dimension=None,
        field_people=("UZED",),
        prefilled_people=("UZED", "UEVE"),
        named={"@bob": "UBOB", "@dan": "UDAN", "@alice": "UALICE"},
        author="UALICE",
    )
    assert choices.people == ("UZED", "UCAROL", "UBOB", "UDAN")
    assert choices.unresolved == ("@dana",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#review", True),
        ("  #review #rfc ", True),
        ("#review, #rfc", True),
        ("#design-doc", True),
        ("#review done", False),
        ("Reviewed #review", False),
        ("#1", False),
        ("", False),
        ("<#C0TEAM|team>", False),
        ("<@UBOB>", True),
        ("<@UBOB|bob> <@W0CAROL> #review", True),
        ("<@UBOB> thanks", False),
        ("@bob", False),  # typed as text, not a mention Slack resolved: a story of one word
    ],
)
def test_no_story(text: str, expected: bool) -> None:
    """`/brag #review` or `/brag @bob` names a kind or a person but no story (it opens the
    form); any word makes it a story."""
    assert no_story(text) is expected


def test_bare_names_are_the_typed_at_names() -> None:
    """Typed @names are found (Slack mentions, broken markup and e-mail are not)."""
    assert bare_names("@bob and <@UCAROL> and <@broken and ops@example.com @dana.") == [
        "@bob",
        "@dana",
    ]


@pytest.mark.parametrize(
    ("text", "ids", "unresolved", "rest"),
    [
        ("<@UBOB|bob> <@UCAROL|carol> great pairing", ("UBOB", "UCAROL"), (), " great pairing"),
        ("<@UBOB|bob>, <@UCAROL> and <@UDAN> did X", ("UBOB", "UCAROL", "UDAN"), (), " did X"),
        ("<@UBOB|bob>&amp;<@UCAROL> fixed it", ("UBOB", "UCAROL"), (), " fixed it"),
        ("<@UBOB|bob> <@UBOB|bob> twice", ("UBOB",), (), " twice"),
        ("<@UBOB|bob> and team shipped", ("UBOB",), (), " and team shipped"),
        ("<@UBOB|bob> anderson helped", ("UBOB",), (), " anderson helped"),
        ("@dana <@UBOB|bob> thanks", ("UBOB",), ("@dana",), " thanks"),
        ("<@broken> <@UBOB> hi", ("UBOB",), ("<@broken>",), " hi"),
        ("<@UBOB|bob> @here thanks", ("UBOB",), (), " @here thanks"),
        ("great job <@UBOB>", (), (), "great job <@UBOB>"),
    ],
)
def test_leading_people(text, ids, unresolved, rest) -> None:
    """Every person a /kudos starts with, each once, unresolved names kept, then the text."""
    named = leading_people(text)
    assert (named.slack_ids, named.unresolved, named.rest) == (ids, unresolved, rest)


@pytest.mark.parametrize(
    ("text", "dimension", "shown"),
    [
        (
            "Paired with carol on the runbook #mentoring",
            "mentoring",
            "Paired with carol on the runbook",
        ),
        ("Paired on the runbook #Pairing #mentoring ", "mentoring", "Paired on the runbook"),
        # Not the entry's dimension (changed since), not a dimension tag, inside the sentence.
        ("Paired on the runbook #mentoring", "writing", "Paired on the runbook #mentoring"),
        ("Paired on the runbook #oncall", "mentoring", "Paired on the runbook #oncall"),
        ("ran the #mentoring circle", "mentoring", "ran the #mentoring circle"),
        ("Paired on the runbook #oncall #mentoring", "mentoring", "Paired on the runbook #oncall"),
        # Nothing but the tag, or no dimension: kept whole.
        ("#mentoring", "mentoring", "#mentoring"),
        ("Paired on the runbook #mentoring", None, "Paired on the runbook #mentoring"),
    ],
)
def test_entry_words_drop_only_the_trailing_dimension_tag(
    text: str, dimension: str | None, shown: str
) -> None:
    assert entry_words(text, default_library(), dimension) == shown


def test_received_words_drop_the_leading_names_that_include_the_owner() -> None:
    text = "<@UALICE|alice> <@UBOB|bob> great incident review"
    assert received_words(text, "UALICE") == "great incident review"
    assert received_words(text, "UCAROL") == text
    assert received_words("thanks <@UALICE|alice>", "UALICE") == "thanks <@UALICE|alice>"
