"""The quarterly promotion story's draft (bot/coaching/story.py) and its words
(prompts/promotion_story.yaml): a realistic quarter, an empty one, a long one cut to fit
Slack's form, and the library's precise errors for the texts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.coaching.library import LibraryError, check_seed_quotes, default_library, load_library
from bot.coaching.story import (
    FORM_LIMIT,
    WORK_ITEMS,
    Quarter,
    StoryEntry,
    StoryKudos,
    StoryOutcome,
    StoryProblem,
    StoryStep,
    StoryTexts,
    draft_story,
    draft_text,
    gives_a_number_or_counterfactual,
    shown_length,
)

from ._support import SEEDS_DIR, copy_prompts, edit_yaml

# A quoted item of the draft: "- Mon 5 Oct 2026: …" (the day as day_label names it).
QUOTED_ITEM = re.compile(r"- \w{3} \d{1,2} \w{3} 2026: ")
LIB = default_library()
TEXTS = StoryTexts.of(LIB)
Q4 = Quarter(2026, 4)


def quarter_of_work() -> tuple[list[StoryEntry], list[StoryOutcome], list[StoryKudos]]:
    entries = [
        StoryEntry(
            date(2026, 10, 6),
            "Wrote the RFC for one shared API client across payments, search and ads",
            "writing",
            "cross_team",
            impact="Three teams now build on one client instead of three",
        ),
        StoryEntry(
            date(2026, 10, 20),
            "Reviewed the search team's caching design before they built it. Without that "
            "review they would have shipped a second cache layer.",
            "reviews",
            "cross_team",
        ),
        StoryEntry(
            date(2026, 11, 3),
            "Paired with <@U0NEWHIRE> on the deploy pipeline &amp; its alarms",
            "mentoring",
            "team",
        ),
        StoryEntry(
            date(2026, 11, 17),
            "Chose Postgres over Dynamo for the ledger. Cuts our bill by $18k a year.",
            "decisions",
            "org",
            impact="Every team can now query the ledger with SQL",
        ),
        StoryEntry(
            date(2026, 12, 1),
            "Drafted the migration plan for the ledger",
            "writing",
            "team",
        ),
        StoryEntry(date(2026, 12, 8), "Fixed the flaky checkout test", "delivery", None),
        StoryEntry(date(2026, 12, 9), "Something nobody classified", None, None),
    ]
    outcomes = [
        StoryOutcome(
            date(2026, 7, 2),
            "Argued for splitting the monolith's billing module",
            "It shipped in October; incidents in billing went from 6 a month to 1.",
        )
    ]
    kudos = [
        StoryKudos(date(2026, 10, 9), "Thanks <@UALICE> for the client RFC!", "UBOB", False),
        StoryKudos(date(2026, 11, 30), "<@UALICE> unblocked our launch in a day", "UCAROL", True),
        StoryKudos(date(2026, 12, 2), "Great migration plan", None, None),
    ]
    return entries, outcomes, kudos


def test_a_realistic_quarter_is_drafted_from_the_log() -> None:
    entries, outcomes, kudos = quarter_of_work()
    draft = draft_story(quarter=Q4, entries=entries, outcomes=outcomes, kudos=kudos, library=LIB)
    assert draft.entries == 7 and draft.beyond_team == 3
    # The pattern: most present first, ties in the library's order; unclassified left out.
    assert [(p.dimension, p.count) for p in draft.pattern] == [
        ("writing", 2),
        ("reviews", 1),
        ("decisions", 1),
        ("mentoring", 1),
        ("delivery", 1),
    ]
    assert sum(p.count for p in draft.pattern) == 6
    # What the org can now do: the impact as typed, the broadest reach first.
    assert [q.text for q in draft.capabilities] == [
        "Every team can now query the ledger with SQL",
        "Three teams now build on one client instead of three",
    ]
    # Numbers and counterfactuals: whole sentences as typed, mentions' digits not counted.
    assert [q.text for q in draft.numbers] == [
        "Without that review they would have shipped a second cache layer.",
        "Cuts our bill by $18k a year.",
        "It shipped in October; incidents in billing went from 6 a month to 1.",
    ]
    assert [q.on for q in draft.numbers] == [
        date(2026, 10, 20),
        date(2026, 11, 17),
        date(2026, 7, 2),
    ]
    # Kudos: other teams' first, then unknown, then the person's own team.
    assert [k.giver for k in draft.kudos] == ["UCAROL", None, "UBOB"]

    text = draft_text(draft, TEXTS)
    assert text.omitted == 0
    lines = text.text.splitlines()
    assert lines[0] == "The pattern across your entries:"
    assert lines[1] == "- 7 entries in Q4 2026, 3 of them beyond your team."
    assert lines[2].startswith("- Most present: Writing")
    assert "What the organisation can now do that it couldn't:" in lines
    assert '- Tue 17 Nov 2026: "Every team can now query the ledger with SQL"' in lines
    # What you did: whole entries, broadest scope first, then the pattern's dimensions, newest
    # first; at most five.
    assert [q.on for q in draft.work] == [
        date(2026, 11, 17),
        date(2026, 10, 20),
        date(2026, 10, 6),
        date(2026, 12, 1),
        date(2026, 11, 3),
    ]
    work = lines.index("What you did:")
    assert lines[work + 1] == (
        '- Tue 17 Nov 2026: "Chose Postgres over Dynamo for the ledger. Cuts our bill by $18k a year."'
    )
    assert lines[work + 5] == (
        '- Tue 3 Nov 2026: "Paired with <@U0NEWHIRE> on the deploy pipeline &amp; its alarms"'
    )
    assert work < lines.index("What the organisation can now do that it couldn't:")
    # A number inside an entry or an outcome already quoted whole is not quoted again: here
    # every one is, so the numbers part has nothing left to say.
    assert sum("Cuts our bill by $18k a year." in line for line in lines) == 1
    assert sum("6 a month to 1" in line for line in lines) == 1
    assert "What would have happened otherwise, and your numbers:" not in lines
    assert (
        '- "<@UALICE> unblocked our launch in a day" from <@UCAROL> (another team), Mon 30 Nov 2026'
        in lines
    )
    assert '- "Great migration plan" from a former colleague, Wed 2 Dec 2026' in lines
    assert (
        '- "Thanks <@UALICE> for the client RFC!" from <@UBOB> (your team), Fri 9 Oct 2026' in lines
    )
    assert any("What happened" in line and "6 a month to 1" in line for line in lines)
    assert not any(line.startswith("The problem you took on") for line in lines)
    # Deterministic: the same log in another order gives the same text.
    again = draft_story(
        quarter=Q4,
        entries=list(reversed(entries)),
        outcomes=outcomes,
        kudos=list(reversed(kudos)),
        library=LIB,
    )
    assert draft_text(again, TEXTS) == text


def test_an_empty_quarter_has_no_draft() -> None:
    draft = draft_story(quarter=Q4, entries=[], library=LIB)
    assert draft.empty
    assert draft_text(draft, TEXTS).text == ""
    assert TEXTS.empty_quarter.format(quarter=Q4.label).startswith("Your log for Q4 2026 is empty")


def test_only_kudos_still_makes_a_draft() -> None:
    kudos = [StoryKudos(date(2026, 10, 9), "Thanks for the review", "UBOB", True)]
    draft = draft_story(quarter=Q4, entries=[], kudos=kudos, library=LIB)
    assert not draft.empty
    text = draft_text(draft, TEXTS).text
    assert "- No entries of your own in Q4 2026." in text.splitlines()
    assert '- "Thanks for the review" from <@UBOB> (another team), Fri 9 Oct 2026' in text


def test_a_thin_quarter_now_has_its_work_in_the_draft() -> None:
    """No impact typed, no number, no counterfactual: the draft still quotes the work, whole
    and dated, broadest scope first, then the pattern's dimensions, newest first."""
    entries = [
        StoryEntry(
            date(2026, 10, 5),
            "Walked the data team through the event schema",
            "mentoring",
            "cross_team",
        ),
        StoryEntry(date(2026, 10, 12), "Reviewed the billing RFC", "reviews", "team"),
        StoryEntry(date(2026, 11, 2), "Wrote up the on-call handbook", "writing", "team"),
        StoryEntry(date(2026, 11, 9), "Wrote the incident review", "writing", "team"),
        StoryEntry(date(2026, 11, 23), "Mentored Sam on the\nqueue design", "mentoring", "team"),
        StoryEntry(date(2026, 12, 7), "Kept the lights on", None, "team"),
        StoryEntry(date(2026, 12, 14), "Wrote the quarter's roadmap notes", "writing", None),
    ]
    draft = draft_story(quarter=Q4, entries=entries, library=LIB)
    assert draft.capabilities == () and draft.numbers == ()
    text = draft_text(draft, TEXTS)
    lines = text.text.splitlines()
    assert text.omitted == 0
    assert lines[lines.index("What you did:") + 1 :] == [
        '- Mon 5 Oct 2026: "Walked the data team through the event schema"',
        '- Mon 23 Nov 2026: "Mentored Sam on the queue design"',
        '- Mon 9 Nov 2026: "Wrote the incident review"',
        '- Mon 2 Nov 2026: "Wrote up the on-call handbook"',
        '- Mon 12 Oct 2026: "Reviewed the billing RFC"',
    ]
    # At most five: the unclassified and the scopeless ones come last and are left out.
    assert len(draft.work) == WORK_ITEMS
    assert "Kept the lights on" not in text.text


def test_a_staff_problem_opens_the_draft() -> None:
    entries = [StoryEntry(date(2026, 11, 2), "Wrote the deploy RFC", "writing", "cross_team")]
    problem = StoryProblem(
        "Nobody owns the deploy pipeline &amp; its alarms",
        date(2026, 9, 28),
        (
            StoryStep("Written plan", date(2026, 10, 14)),
            StoryStep("Stakeholders aligned", date(2026, 12, 3)),
        ),
    )
    draft = draft_story(quarter=Q4, entries=entries, problem=problem, library=LIB)
    lines = draft_text(draft, TEXTS).text.splitlines()
    assert lines[:5] == [
        "The problem you took on:",
        '- "Nobody owns the deploy pipeline &amp; its alarms", named Mon 28 Sep 2026',
        "- Written plan: done Wed 14 Oct 2026",
        "- Stakeholders aligned: done Thu 3 Dec 2026",
        "",
    ]
    assert lines[5] == "The pattern across your entries:"

    # No step in the quarter: said plainly, and the work still follows.
    idle = StoryProblem("Nobody owns the deploy pipeline", date(2026, 9, 28))
    draft = draft_story(quarter=Q4, entries=entries, problem=idle, library=LIB)
    lines = draft_text(draft, TEXTS).text.splitlines()
    assert lines[2] == (
        "- No step of its path done in Q4 2026: say where it stands, or what got in the way."
    )
    assert '- Mon 2 Nov 2026: "Wrote the deploy RFC"' in lines

    # A step done is something to tell even with nothing logged; a problem alone is not.
    assert not draft_story(quarter=Q4, entries=[], problem=problem, library=LIB).empty
    assert draft_story(quarter=Q4, entries=[], problem=idle, library=LIB).empty


def test_a_problem_let_go_or_cleared_in_the_quarter_says_so() -> None:
    """Let go (the stall question's answer): the day and the weeks it went without a step;
    cleared (the person's own reset): the day only."""
    entries = [StoryEntry(date(2026, 11, 2), "Wrote the deploy RFC", "writing", "cross_team")]
    let_go = StoryProblem(
        "Nobody owns the deploy pipeline",
        date(2026, 9, 28),
        (StoryStep("Written plan", date(2026, 10, 14)),),
        closed_how="let_go",
        closed_on=date(2026, 12, 1),
        weeks_without_step=6,
    )
    lines = draft_text(
        draft_story(quarter=Q4, entries=entries, problem=let_go, library=LIB), TEXTS
    ).text.splitlines()
    assert lines[:5] == [
        "The problem you took on:",
        '- "Nobody owns the deploy pipeline", named Mon 28 Sep 2026',
        "- Written plan: done Wed 14 Oct 2026",
        "- Let go Tue 1 Dec 2026, after 6 weeks without a step",
        "",
    ]
    cleared = StoryProblem(
        "Nobody owns the deploy pipeline",
        date(2026, 9, 28),
        (StoryStep("Written plan", date(2026, 10, 14)),),
        closed_how="cleared",
        closed_on=date(2026, 12, 1),
    )
    lines = draft_text(
        draft_story(quarter=Q4, entries=entries, problem=cleared, library=LIB), TEXTS
    ).text.splitlines()
    assert lines[3:5] == ["- Cleared Tue 1 Dec 2026", ""]


def test_a_problem_and_a_long_quarter_still_fit_the_form() -> None:
    entries = [
        StoryEntry(
            date(2026, 10, 1 + i % 28),
            f"Work for <@U{i:08d}>: " + "careful cross-team work " * 12,
            "writing",
            "org",
            impact="words " * 40,
        )
        for i in range(30)
    ]
    problem = StoryProblem(
        "x" * 200,
        date(2026, 10, 1),
        tuple(StoryStep(s.label, date(2026, 10, 2)) for s in LIB.problem_steps),
    )
    draft = draft_story(quarter=Q4, entries=entries, problem=problem, library=LIB)
    text = draft_text(draft, TEXTS)
    assert shown_length(text.text) <= FORM_LIMIT
    lines = text.text.splitlines()
    assert lines[0] == "The problem you took on:"
    assert "- Promotion story: done Fri 2 Oct 2026" in lines
    assert "What you did:" in lines
    kept = sum(1 for line in lines if QUOTED_ITEM.match(line))
    assert draft.numbers == ()  # a mention's digits are no number
    assert text.omitted > 0
    assert kept + text.omitted == len(draft.work) + len(draft.capabilities)


def test_a_long_quarter_is_cut_to_fit_the_form_and_says_so() -> None:
    entries = [
        StoryEntry(
            date(2026, 10, 1 + i % 28),
            f"Entry {i}: saved the team {i} hours of toil &amp; more " + "detail " * 20,
            "unblocking",
            "team",
            impact=f"Team {i} can now ship without waiting on ops " + "words " * 15,
        )
        for i in range(60)
    ]
    draft = draft_story(quarter=Q4, entries=entries, library=LIB)
    text = draft_text(draft, TEXTS)
    assert text.omitted > 0
    assert shown_length(text.text) <= FORM_LIMIT
    # Each entry shown whole under "What you did" is its own number sentence: not quoted again.
    assert len(draft.work) == WORK_ITEMS
    items = len(draft.work) + len(draft.capabilities) + len(draft.numbers) - WORK_ITEMS
    kept = sum(1 for line in text.text.splitlines() if QUOTED_ITEM.match(line))
    assert kept + text.omitted == items
    note = text.cut_note(TEXTS)
    assert note is not None and f"{text.omitted} items left out" in note
    # Items are quoted whole or not at all.
    for line in text.text.splitlines():
        if QUOTED_ITEM.match(line):
            assert line.endswith('"')


@pytest.mark.parametrize(
    ("scopes", "line"),
    [
        (["team"], "- 1 entry in Q4 2026."),
        (["org"], "- 1 entry in Q4 2026, beyond your team."),
        (["team", None], "- 2 entries in Q4 2026, none beyond your team."),
        (["cross_team", "team"], "- 2 entries in Q4 2026, 1 of them beyond your team."),
    ],
)
def test_the_count_reads_right(scopes: list[str | None], line: str) -> None:
    entries = [StoryEntry(date(2026, 10, 1), "Wrote it", "writing", scope) for scope in scopes]
    text = draft_text(draft_story(quarter=Q4, entries=entries, library=LIB), TEXTS).text
    assert text.splitlines()[1] == line


def test_shown_length_counts_entities_as_shown() -> None:
    assert shown_length("a &amp; b") == 5
    assert shown_length("<@U123>") == 24
    assert shown_length("<https://x.example|the doc>") == len("the doc")


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("Paired with <@U0123456> on it", False),
        ("Saved 3 days", True),
        ("It would have taken a month otherwise", True),
        ("See <https://x.example/1234>", False),
        ("Reviewed two designs", True),
        ("Wrote the doc", False),
    ],
)
def test_numbers_and_counterfactuals(sentence: str, counts: bool) -> None:
    assert gives_a_number_or_counterfactual(sentence) is counts


def test_quarters() -> None:
    assert Quarter.of(date(2026, 12, 31)) == Q4
    assert Q4.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == Q4
    assert (Q4.first_day, Q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Quarter.parse("2026-Q4") == Q4 and Q4.key == "2026-Q4"
    for bad in ("2026-Q5", "2026Q4", " 2026-Q4", "x" * 3000, ""):
        assert Quarter.parse(bad) is None


def test_every_story_text_is_seeded_and_quoted_verbatim() -> None:
    assert {t.id for t in LIB.story_texts} == {
        "ask",
        "heading-problem",
        "problem-no-step",
        "heading-pattern",
        "heading-work",
        "heading-capabilities",
        "heading-numbers",
        "heading-outcomes",
        "heading-kudos",
        "empty-quarter",
        "cut",
        "packet-draft",
    }
    assert all(t.seed and t.seed_quote for t in LIB.story_texts)
    if SEEDS_DIR.is_dir():
        assert [p for p in check_seed_quotes(LIB, SEEDS_DIR) if "promotion_story" in p] == []


def _story_problem(tmp_path: Path, change) -> str:  # type: ignore[no-untyped-def]
    prompts = copy_prompts(tmp_path)
    edit_yaml(prompts / "promotion_story.yaml", change)
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    return str(caught.value)


def _entry(data, text_id):  # type: ignore[no-untyped-def]
    return next(e for e in data["story"] if e["id"] == text_id)


def test_an_unknown_placeholder_is_named_with_what_is_available(tmp_path: Path) -> None:
    message = _story_problem(
        tmp_path, lambda d: _entry(d, "ask").update(text="Your story for {quartr}")
    )
    assert message == (
        "prompts/promotion_story.yaml, entry 'ask' (#1): field 'text' uses {quartr}, which story"
        " text 'ask' does not have (did you mean 'quarter'?) (available: {quarter}; write {{ or"
        " }} for a literal brace)"
    )


def test_an_unknown_text_id_is_named(tmp_path: Path) -> None:
    message = _story_problem(tmp_path, lambda d: _entry(d, "cut").update(id="cutt"))
    assert (
        "prompts/promotion_story.yaml, entry 'cutt' (#11): field 'id' names unknown story text 'cutt' (did you mean 'cut'?)"
        in message
    )
    assert "story text 'cut' is missing" in message


def test_a_text_without_its_seed_quote_is_refused(tmp_path: Path) -> None:
    message = _story_problem(tmp_path, lambda d: _entry(d, "heading-kudos").pop("seed_quote"))
    assert "prompts/promotion_story.yaml, entry 'heading-kudos' (#9): field 'seed_quote'" in message


def test_an_override_may_reword_a_text_but_not_disable_it(tmp_path: Path) -> None:
    override = tmp_path / "team"
    override.mkdir()
    (override / "promotion_story.yaml").write_text(
        "version: 1\nstory:\n  - id: cut\n    disabled: true\n", "utf-8"
    )
    with pytest.raises(LibraryError) as caught:
        load_library(copy_prompts(tmp_path), override)
    assert "promotion_story.yaml: story text 'cut' is missing" in str(caught.value)
