"""The coach's first guess at which expectations an entry is evidence for (issue 17): plain
word overlap on rough stems, deterministic, and silent when nothing overlaps enough."""

from __future__ import annotations

import pytest

from bot.coaching.mapping import (
    MAX_SUGGESTED,
    Coverage,
    follow_text,
    stem,
    stems,
    suggest,
    uncovered,
)

LADDER = [
    (11, "Sets technical direction across teams"),
    (12, "Writes RFCs that other teams adopt &amp; follow"),
    (13, "Mentors senior engineers"),
    (14, "Leads incident reviews and improves reliability"),
]


def _ids(text: str, ladder=LADDER) -> list[int]:
    return [match.expectation_id for match in suggest(text, ladder)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Forms of a word meet: "wrote … RFC … adopted" against "Writes RFCs … adopt".
        ("Wrote the RFC for the payments retry design; two other teams adopted it", [12]),
        # A mention is not a word; one shared stem is enough for a two-word expectation.
        ("mentored <@U123ABC> through her first on-call rotation", [13]),
        ("Paired on the technical direction doc for search, shared across three teams", [11]),
        ("Ran the incident review for Tuesday's outage; reliability follow-ups filed", [14]),
        # Several at once, best first (most shared stems).
        (
            "Led the incident review and mentored two senior engineers on reliability work",
            [14, 13],
        ),
    ],
)
def test_real_entries_map_to_the_expectations_they_speak_to(text: str, expected: list[int]) -> None:
    """Entries as people write them find the expectations whose words they share."""
    assert _ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fixed the flaky build",
        "Lunch with the team",
        # Common work words ("teams", "work", "engineers") say nothing on their own.
        "Helped people across teams with their work",
        # One shared stem is not enough for a longer expectation.
        "Reviewed a pull request",
        "",
        "<@U123ABC> <#C42|general> <https://example.com|link>",
    ],
)
def test_nothing_is_suggested_without_enough_overlap(text: str) -> None:
    """No match: no suggestion (the person maps it, or leaves it unmapped)."""
    assert _ids(text) == []


def test_no_expectations_no_suggestion_and_the_result_is_deterministic() -> None:
    """Without expectations nothing is suggested; the same input gives the same answer, and
    ties keep the person's order."""
    assert suggest("Wrote the RFC", []) == []
    ladder = [(2, "Mentors interns"), (1, "Mentors juniors")]
    first = suggest("mentoring everyone", ladder)
    assert [m.expectation_id for m in first] == [2, 1]
    assert suggest("mentoring everyone", ladder) == first
    assert first[0].shared == ("mentor",)


def test_at_most_a_few_are_suggested() -> None:
    """An entry that names every word of a long ladder is mapped to the best few only."""
    ladder = [(n, f"Mentors engineer number{n} directly") for n in range(10)]
    assert len(
        suggest("mentors directly " + " ".join(f"number{n}" for n in range(10)), ladder)
    ) == (MAX_SUGGESTED)


def test_stems_meet_across_forms_and_markup_is_not_words() -> None:
    """Plurals, -ing, -ed, doubled consonants, a final e and a few irregular pasts meet."""
    assert {stem(w) for w in ("writes", "writing", "wrote", "written", "write")} == {"writ"}
    assert {stem(w) for w in ("mentors", "mentoring", "mentored")} == {"mentor"}
    assert {stem(w) for w in ("shipped", "shipping", "ships")} == {"ship"}
    assert stem("strategies") == stem("strategy")
    assert stems("Q&amp;A <@U1> sets DIRECTION") == frozenset({"set", "direct"})


def test_uncovered_names_the_expectations_with_no_evidence() -> None:
    """Coverage with a zero count is what the Home names as not covered yet."""
    rows = [Coverage(1, "a", 2, "x"), Coverage(2, "b", 0), Coverage(3, "c", 0)]
    assert [row.expectation_id for row in uncovered(rows)] == [2, 3]


def test_an_edit_follows_the_new_words_unless_the_person_chose() -> None:
    """The coach's suggestion follows edited words; a choice the person made (any
    expectation they picked, or the entry marked as chosen by hand) is kept; no change, None."""
    mentoring = "mentored <@U123ABC> through her first on-call rotation"
    assert follow_text(mentoring, LADDER, [(12, True)], by_hand=False) == [13]
    assert follow_text("Fixed the flaky build", LADDER, [(12, True)], by_hand=False) == []
    assert follow_text(mentoring, LADDER, [], by_hand=False) == [13]
    assert follow_text(mentoring, LADDER, [(13, True)], by_hand=False) is None
    assert follow_text(mentoring, LADDER, [(12, False)], by_hand=False) is None
    assert follow_text(mentoring, LADDER, [(12, True), (11, False)], by_hand=False) is None
    assert follow_text(mentoring, LADDER, [], by_hand=True) is None
