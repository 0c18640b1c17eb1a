"""Loading, validating and overriding the coaching library."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.coaching.library import (
    DEFAULT_PROMPTS_DIR,
    FILE_NAMES,
    CoachingLibrary,
    LibraryError,
    check_seed_quotes,
    default_library,
    load_library,
)
from bot.coaching.models import EVIDENCE_SOURCES

from ._support import SEEDS_DIR, copy_prompts, edit_yaml, read_yaml, write_yaml

LIB = default_library()
KNOWN_SEEDS = {"000_2b2af25af9349d96.txt", "001_25b0c1775d5382ce.txt", "002_ab6cc0801e6074bc.txt"}
REQUIRED_DIMENSIONS = {
    "unblocking",
    "reviews",
    "decisions",
    "writing",
    "mentoring",
    "cross_team",
    "long_horizon",
    "problem_framing",
    "business_impact",
    "delivery",
}
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


# ── The shipped content ──────────────────────────────────────────────────────────────────


def test_shipped_library_meets_the_counts() -> None:
    """The shipped library has ≥10 dimensions, ≥48 prompts and ≥4 per multiplier dimension."""
    assert len(LIB.dimensions) >= 10
    assert len(LIB.prompts) >= 48
    assert set(LIB.dimension_ids) >= REQUIRED_DIMENSIONS
    for dimension in LIB.multiplier_dimensions:
        assert len(LIB.prompts_for(dimension.id)) >= 4, dimension.id
    covered = {prompt.dimension for prompt in LIB.prompts}
    assert len(covered) >= 10


def test_delivery_is_tracked_but_not_a_multiplier() -> None:
    """Own delivery is a dimension with multiplier false; writing is the written artefact."""
    assert LIB.dimension("delivery").multiplier is False
    assert LIB.dimension("writing").written_artefact is True
    assert all(d.multiplier for d in LIB.dimensions if d.id != "delivery")


def test_every_entry_names_a_known_seed() -> None:
    """Every dimension, scope, prompt, mistake, nudge, reframe and element names one of the seeds."""
    assert {seed.file for seed in LIB.seeds} == KNOWN_SEEDS
    groups: list[tuple[Any, ...]] = [
        LIB.dimensions,
        LIB.scopes,
        LIB.prompts,
        LIB.mistakes,
        LIB.nudges,
        LIB.reframes,
        LIB.promotion_elements,
    ]
    for group in groups:
        assert group
        for item in group:
            assert item.seed in KNOWN_SEEDS, item
    used = {item.seed for group in groups for item in group}
    assert used == KNOWN_SEEDS, "all three seeds ground some content"


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed articles are not available here")
def test_every_seed_quote_is_verbatim_in_its_seed() -> None:
    """Each seed_quote appears word for word in the seed article it names."""
    assert check_seed_quotes(LIB, SEEDS_DIR) == []


REVIEWED = {
    "nudges": ["solving-everything-yourself", "no-cross-team-evidence", "narrow-scope-mix"],
    "reframes": ["firefighting-to-incident-review", "ad-hoc-docs-to-rfc"],
    "prompts": [
        "decision-hard-to-reverse",
        "review-raised-the-bar",
        "framing-failure-mode-first",
        "alignment-credit-given",
        "alignment-sponsor-visibility",
        "unblock-waiting-on",
        "decision-adopted-or-not",
    ],
}


def test_every_prompt_nudge_and_reframe_is_grounded_in_a_quote() -> None:
    """Rewritten content keeps its grounding: every prompt, nudge and reframe quotes its seed
    (verbatim, see above), the reviewed ones included."""
    for group in (LIB.prompts, LIB.nudges, LIB.reframes):
        for item in group:
            assert item.seed and item.seed_quote, item.id
    for prompt_id in REVIEWED["prompts"]:
        assert LIB.prompt(prompt_id).seed_quote
    for nudge_id in REVIEWED["nudges"]:
        assert LIB.nudge(nudge_id).seed_quote
    for reframe_id in REVIEWED["reframes"]:
        assert LIB.reframe(reframe_id).seed_quote


def test_questions_are_open_and_the_reviewed_ones_say_what_the_issue_asked() -> None:
    """No yes/no question is asked; sponsor visibility is monthly with a next step, and
    'waiting on' is about coordination nobody owned, not chasing approvals."""
    closed = ("Did ", "Was ", "Does ", "Is ", "Are ", "Have ", "Has ", "Can ", "Could ", "Will ")
    for prompt in LIB.prompts:
        assert not prompt.text.startswith(closed), prompt.id
    sponsor = LIB.prompt("alignment-sponsor-visibility")
    assert sponsor.text.startswith("This month") and "next" in sponsor.text
    assert any("next step" in f for f in sponsor.follow_ups)
    waiting = LIB.prompt("unblock-waiting-on")
    assert "nobody owned" in waiting.text and "approval" not in waiting.text
    assert LIB.prompt("delivery-could-have-enabled").text == (
        "What did you do yourself this week that you could have enabled someone else to do?"
    )


def test_check_seed_quotes_reports_a_misquote(tmp_path: Path) -> None:
    """A quote that is not in its seed file is reported with file and entry."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in KNOWN_SEEDS:
        (seeds / name).write_text("nothing quotable here", encoding="utf-8")
    problems = check_seed_quotes(LIB, seeds)
    assert any(p.startswith("dimensions.yaml, entry 'unblocking'") for p in problems)


def test_prompts_are_well_formed() -> None:
    """Prompt ids are unique kebab-case, text is brief and each has 2–3 follow-ups."""
    ids = [prompt.id for prompt in LIB.prompts]
    assert len(ids) == len(set(ids))
    for prompt in LIB.prompts:
        assert KEBAB.fullmatch(prompt.id), prompt.id
        assert 0 < len(prompt.text) <= 200
        assert 2 <= len(prompt.follow_ups) <= 3
        assert len(set(prompt.follow_ups)) == len(prompt.follow_ups)


def test_dimensions_have_hashtags_keywords_and_grounding() -> None:
    """Each dimension has an emoji shortcode, hashtags, lower-case keywords and a seed quote."""
    for dimension in LIB.dimensions:
        assert re.fullmatch(r":[a-z0-9_+\-]+:", dimension.emoji)
        assert dimension.hashtags and all(tag.startswith("#") for tag in dimension.hashtags)
        assert dimension.keywords and all(k == k.lower() for k in dimension.keywords)
        assert dimension.seed_quote
        assert LIB.hashtag_index[f"#{dimension.id}"] == dimension.id
    assert LIB.hashtag_index["#unblock"] == "unblocking"
    assert LIB.hashtag_index["#rfc"] == "writing"
    assert LIB.hashtag_index["#doc"] == "writing"
    assert LIB.hashtag_index["#review"] == "reviews"
    assert LIB.hashtag_index["#cross-team"] == "cross_team"


def test_scopes_are_ordered_by_weight() -> None:
    """The four scopes run self → team → cross_team → org with increasing weight."""
    assert LIB.scope_ids == ("self", "team", "cross_team", "org")
    weights = [scope.weight for scope in LIB.scopes]
    assert weights == sorted(weights) and len(set(weights)) == 4


def test_nudges_cover_every_common_mistake_the_log_can_show() -> None:
    """Seed 002's six mistakes are listed; each one a log can show has a nudge."""
    names = {mistake.name for mistake in LIB.mistakes}
    assert names == {
        "Going deeper instead of broader",
        "Waiting for permission",
        "Solving everything yourself",
        "Ignoring organizational dynamics",
        "Neglecting writing",
        "Optimizing for being right",
    }
    # "Optimising for being right" has no nudge: a log cannot show whether an answer was
    # adopted, so a reflection prompt asks about it instead.
    watched = {nudge.mistake for nudge in LIB.nudges}
    assert watched == {mistake.id for mistake in LIB.mistakes} - {"optimising-for-being-right"}
    assert "decision-adopted-or-not" in {prompt.id for prompt in LIB.prompts}
    for nudge in LIB.nudges:
        assert "{" not in nudge.message, "placeholders are filled in at load time"
        assert nudge.suggestion


def test_promotion_case_elements_and_their_feeds() -> None:
    """The five promotion-case elements exist; peer recognition comes from kudos, org impact from scope."""
    ids = [element.id for element in LIB.promotion_elements]
    assert ids == [
        "org-level-impact",
        "technical-leadership",
        "peer-recognition",
        "sponsor",
        "right-opportunity",
    ]
    peer = LIB.promotion_element("peer-recognition")
    assert peer.sources == ("kudos",)
    assert peer.feeds(dimension="mentoring", scope="team", source="kudos")
    assert not peer.feeds(dimension="mentoring", scope="team", source="brag")
    org = LIB.promotion_element("org-level-impact")
    assert set(org.scopes) == {"cross_team", "org"}
    assert org.feeds(dimension="delivery", scope="org", source="brag")
    assert not org.feeds(dimension="writing", scope="team", source="brag")
    sponsor = LIB.promotion_element("sponsor")
    assert sponsor.manual and sponsor.questions
    assert not sponsor.feeds(dimension="alignment", scope="org", source="brag")
    leadership = LIB.elements_for(dimension="writing", scope="team", source="brag")
    assert [element.id for element in leadership] == ["technical-leadership"]
    assert set(EVIDENCE_SOURCES) >= {"kudos", "brag", "checkin"}


def test_lookups_raise_key_error_for_unknown_ids() -> None:
    """Looking up an unknown dimension or prompt raises KeyError naming it."""
    with pytest.raises(KeyError, match="unblok"):
        LIB.dimension("unblok")
    with pytest.raises(KeyError, match="no-such-prompt"):
        LIB.prompt("no-such-prompt")
    assert LIB.prompt("unblock-who-was-stuck").dimension == "unblocking"
    assert LIB.prompts_for("delivery")


def test_default_library_is_cached_and_located_from_the_package() -> None:
    """default_library() loads the repository's prompts/ once and returns the same object."""
    assert default_library() is default_library()
    assert Path(__file__).resolve().parents[2] / "prompts" == DEFAULT_PROMPTS_DIR
    assert isinstance(LIB, CoachingLibrary)
    assert LIB.source_dirs == (DEFAULT_PROMPTS_DIR,)


def test_library_cli_reports_ok_and_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot.coaching` exits 0 with a summary, or 1 listing the problems."""
    from bot.coaching.__main__ import main

    assert main([]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {len(LIB.dimensions)} dimensions")
    broken = copy_prompts(tmp_path)
    (broken / "scopes.yaml").unlink()
    assert main(["--prompts", str(broken)]) == 1
    assert "prompts/scopes.yaml: file is missing" in capsys.readouterr().err


# ── Broken files ───────────────────────────────────────────────────────────────────────


PROMPT_3 = LIB.prompts[2].id
PROMPT_1 = LIB.prompts[0].id
NUDGE_1 = LIB.nudges[0].id
DIMENSION_1 = LIB.dimensions[0].id


def _set(path: list[Any], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list[Any]) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BROKEN = [
    pytest.param(
        "reflection_prompts.yaml",
        _delete(["prompts", 2, "text"]),
        f"prompts/reflection_prompts.yaml, entry '{PROMPT_3}' (#3): field 'text' is missing",
        id="missing-field",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "dimension"], "unblok"),
        f"prompts/reflection_prompts.yaml, entry '{PROMPT_3}' (#3): field 'dimension' names"
        " unknown dimension 'unblok' (did you mean 'unblocking'?)",
        id="unknown-dimension",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 4, "id"], PROMPT_1),
        f"prompts/reflection_prompts.yaml, entry '{PROMPT_1}' (#5): duplicate id '{PROMPT_1}'"
        " (first defined as entry #1)",
        id="duplicate-id",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "weeks"], -2),
        f"prompts/nudges.yaml, nudges entry '{NUDGE_1}' (#1): field 'rule.weeks' must be a"
        " whole number from 1 to 52, got -2",
        id="negative-weeks",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "ratio"], 0),
        f"nudges entry '{NUDGE_1}' (#1): field 'rule.ratio' must be a number greater than 0",
        id="zero-ratio",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "weeks"], "three"),
        "field 'rule.weeks' must be a whole number from 1 to 52, got 'three'",
        id="weeks-not-a-number",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 4, "rule", "share"], 1.5),
        "(#5): field 'rule.share' must be a number greater than 0 and at most 1, got 1.5",
        id="share-above-one",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "kind"], "ratio_abov"),
        "field 'rule.kind' names unknown rule kind 'ratio_abov' (did you mean 'ratio_above'?)",
        id="unknown-rule-kind",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "denominator"], ["unblocking", "mentorship"]),
        "field 'rule.denominator' names unknown dimension 'mentorship'",
        id="rule-unknown-dimension",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 4, "rule", "scopes"], ["org", "company"]),
        "field 'rule.scopes' names unknown scope 'company'",
        id="rule-unknown-scope",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "threshold"], 3),
        "unknown field 'rule.threshold'",
        id="rule-unknown-field",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "message"], "Nothing in {wekks} weeks."),
        "field 'message' uses {wekks}, which rule kind 'ratio_above' does not have",
        id="message-unknown-placeholder",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "mistake"], "perfectionism"),
        "field 'mistake' names unknown mistake 'perfectionism'",
        id="unknown-mistake",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "txet"], "typo"),
        f"entry '{PROMPT_3}' (#3): unknown field 'txet' (did you mean 'text'?)",
        id="unknown-field",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "seed"], "003_missing.txt"),
        f"entry '{PROMPT_3}' (#3): field 'seed' names unknown seed file '003_missing.txt'",
        id="unknown-seed",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "follow_ups"], ["Who benefited?"]),
        f"entry '{PROMPT_3}' (#3): field 'follow_ups' needs 2 to 3 items, it has 1",
        id="one-follow-up",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "text"], "   "),
        f"entry '{PROMPT_3}' (#3): field 'text' is empty",
        id="empty-text",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "text"], "<!channel> who was stuck?"),
        "field 'text' must not contain Slack control sequences",
        id="broadcast-in-text",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "id"], "Unblock_Who"),
        "field 'id' must be kebab-case",
        id="id-not-kebab-case",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 0, "keywords", 0], "Unblock*"),
        f"entry '{DIMENSION_1}' (#1): field 'keywords' item #1 'Unblock*' must be lower-case",
        id="keyword-not-lower-case",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 0, "hashtags", 0], None),
        "field 'hashtags' item #1 must be text, not empty (an unquoted # starts a YAML comment",
        id="unquoted-hashtag",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 1, "hashtags"], ["#unblock"]),
        "hashtag '#unblock' already stands for dimension 'unblocking'",
        id="hashtag-in-two-dimensions",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 0, "multiplier"], "yes please"),
        "field 'multiplier' must be true or false",
        id="multiplier-not-bool",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 0, "emoji"], "unlock"),
        "field 'emoji' must be a Slack emoji shortcode",
        id="emoji-not-shortcode",
    ),
    pytest.param(
        "promotion_case.yaml",
        _set(["elements", 2, "feeds", "sources"], ["praise"]),
        "entry 'peer-recognition' (#3): field 'feeds.sources' names unknown source 'praise'",
        id="unknown-source",
    ),
    pytest.param(
        "reframes.yaml",
        _set(["reframes", 0, "scope"], "everyone"),
        "field 'scope' names unknown scope 'everyone'",
        id="reframe-unknown-scope",
    ),
    pytest.param(
        "scopes.yaml",
        _set(["scopes", 0, "weight"], 0),
        "prompts/scopes.yaml, entry 'self' (#1): field 'weight' must be a number greater than 0",
        id="zero-weight",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule", "kind"], 3),
        f"nudges entry '{NUDGE_1}' (#1): field 'rule.kind' must be text, not a number",
        id="rule-kind-not-text",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule"], None),
        f"nudges entry '{NUDGE_1}' (#1): field 'rule' is empty",
        id="empty-rule",
    ),
    pytest.param(
        "nudges.yaml",
        _set(["nudges", 0, "rule"], ["ratio_above"]),
        "field 'rule' must be a mapping of fields, not a list",
        id="rule-not-a-mapping",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["prompts", 2, "follow_ups"], ["Who benefited?", 4]),
        f"entry '{PROMPT_3}' (#3): field 'follow_ups[2]' must be text, not a number",
        id="follow-up-not-text",
    ),
    pytest.param(
        "promotion_case.yaml",
        _set(["elements", 2, "feeds", "sorces"], ["kudos"]),
        "entry 'peer-recognition' (#3): unknown field 'feeds.sorces' (did you mean 'sources'?)",
        id="feeds-unknown-field",
    ),
    pytest.param(
        "dimensions.yaml",
        _set(["dimensions", 0, "keywords"], ["unblock*", "unblock*"]),
        f"entry '{DIMENSION_1}' (#1): field 'keywords' lists 'unblock*' twice",
        id="keyword-twice",
    ),
    pytest.param(
        "staff_problem.yaml",
        _delete(["steps", 1, "seed_quote"]),
        "prompts/staff_problem.yaml, steps entry 'stakeholders' (#2): field 'seed_quote' is"
        " missing",
        id="step-without-quote",
    ),
    pytest.param(
        "staff_problem.yaml",
        _set(["steps", 0, "label"], "A written plan that everyone in the org has read"),
        "prompts/staff_problem.yaml, steps entry 'written-plan' (#1): field 'label' is 48"
        " characters long; the limit is 40",
        id="step-label-too-long-for-its-button",
    ),
    pytest.param(
        "staff_problem.yaml",
        _set(["steps", 2, "questoin"], "What did you hand over?"),
        "prompts/staff_problem.yaml, steps entry 'mentoring' (#3): unknown field 'questoin'"
        " (did you mean 'question'?)",
        id="step-unknown-field",
    ),
    pytest.param(
        "staff_problem.yaml",
        _set(["steps", 3, "question"], "Tell <!channel> the number"),
        "prompts/staff_problem.yaml, steps entry 'outcomes' (#4): field 'question' must not"
        " contain Slack control sequences",
        id="step-question-with-slack-markup",
    ),
    pytest.param(
        "staff_problem.yaml",
        _set(["problem_texts", 1, "seed"], "002.txt"),
        "prompts/staff_problem.yaml, problem_texts entry 'stall-right-problem' (#2): field"
        " 'seed' names unknown seed file '002.txt'",
        id="stall-text-unknown-seed",
    ),
    pytest.param(
        "staff_problem.yaml",
        _set(["steps", 4, "id"], "written-plan"),
        "prompts/staff_problem.yaml, steps entry 'written-plan' (#5): duplicate id"
        " 'written-plan' (first defined as entry #1)",
        id="step-id-twice",
    ),
    pytest.param(
        "reflection_prompts.yaml",
        _set(["promts"], []),
        "prompts/reflection_prompts.yaml: unknown top-level key 'promts' (did you mean 'prompts'?)",
        id="unknown-top-level-key",
    ),
]


@pytest.mark.parametrize(("file", "change", "expected"), BROKEN)
def test_broken_file_raises_library_error_naming_file_and_entry(
    tmp_path: Path, file: str, change: Callable[[Any], None], expected: str
) -> None:
    """A broken entry raises LibraryError whose message names the file, the entry and the fault."""
    prompts = copy_prompts(tmp_path)
    edit_yaml(prompts / file, change)
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    assert expected in str(caught.value)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """Invalid YAML is reported with the file and the line and column of the error."""
    prompts = copy_prompts(tmp_path)
    (prompts / "reflection_prompts.yaml").write_text(
        "version: 1\nprompts:\n  - id: x\n    text: [unclosed\n    dimension: unblocking\n",
        encoding="utf-8",
    )
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    message = str(caught.value)
    assert message.startswith("prompts/reflection_prompts.yaml, line ")
    assert "invalid YAML" in message


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    """A field written twice in one entry is reported instead of silently keeping the last."""
    prompts = copy_prompts(tmp_path)
    path = prompts / "scopes.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    weight: 1\n", "    weight: 1\n    weight: 2\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        LibraryError, match=r"prompts/scopes.yaml, line \d+.*duplicate key 'weight'"
    ):
        load_library(prompts)


def test_missing_file_and_unknown_file_are_errors(tmp_path: Path) -> None:
    """A required file that is missing, or a YAML file with an unknown name, is reported."""
    prompts = copy_prompts(tmp_path)
    (prompts / "reframes.yaml").rename(prompts / "reframe.yaml")
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    problems = caught.value.problems
    assert "prompts/reframes.yaml: file is missing" in problems
    assert any(
        p.startswith("prompts/reframe.yaml: unknown file (did you mean 'reframes.yaml'?)")
        for p in problems
    )


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    """Several problems in different files are all listed in one LibraryError."""
    prompts = copy_prompts(tmp_path)
    edit_yaml(prompts / "reflection_prompts.yaml", _set(["prompts", 0, "dimension"], "nope"))
    edit_yaml(prompts / "nudges.yaml", _set(["nudges", 1, "priority"], 0))
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith("2 problems in the coaching library:")
    assert "prompts/nudges.yaml, nudges entry" in str(caught.value)


def test_removing_a_dimension_reports_the_prompts_that_use_it(tmp_path: Path) -> None:
    """References are checked across files: prompts naming a removed dimension are errors."""
    prompts = copy_prompts(tmp_path)
    edit_yaml(
        prompts / "dimensions.yaml",
        lambda data: data["dimensions"].pop(LIB.dimension_ids.index("mentoring")),
    )
    with pytest.raises(LibraryError) as caught:
        load_library(prompts)
    message = str(caught.value)
    assert "entry 'mentoring-more-independent'" in message
    assert "field 'dimension' names unknown dimension 'mentoring'" in message


def test_every_file_is_required_and_known() -> None:
    """The loader knows exactly the shipped content files."""
    assert set(FILE_NAMES) == {
        "seeds.yaml",
        "dimensions.yaml",
        "scopes.yaml",
        "reflection_prompts.yaml",
        "nudges.yaml",
        "reframes.yaml",
        "promotion_case.yaml",
        "expectations.yaml",
        "judgment_calls.yaml",
        "promotion_story.yaml",
        "quotes.yaml",
        "staff_problem.yaml",
        "checkins.yaml",
        "summary.yaml",
    }
    assert {path.name for path in DEFAULT_PROMPTS_DIR.glob("*.yaml")} == set(FILE_NAMES)


# ── Overrides ──────────────────────────────────────────────────────────────────────────


def _prompt_entry(prompt_id: str, **changes: Any) -> dict[str, Any]:
    data = read_yaml(DEFAULT_PROMPTS_DIR / "reflection_prompts.yaml")
    entry: dict[str, Any] = next(p for p in data["prompts"] if p["id"] == prompt_id)
    entry.update(changes)
    return entry


def test_override_replaces_an_entry_in_place(tmp_path: Path) -> None:
    """An override entry with an existing id replaces the shipped one at the same position."""
    team = tmp_path / "team"
    replaced = _prompt_entry("unblock-who-was-stuck", text="Who on the platform team got unstuck?")
    write_yaml(team / "reflection_prompts.yaml", {"version": 1, "prompts": [replaced]})
    library = load_library(DEFAULT_PROMPTS_DIR, team)
    assert library.prompt("unblock-who-was-stuck").text == "Who on the platform team got unstuck?"
    assert [p.id for p in library.prompts] == [p.id for p in LIB.prompts]
    assert library.source_dirs == (DEFAULT_PROMPTS_DIR, team)


def test_override_adds_new_entries_and_seeds(tmp_path: Path) -> None:
    """New ids are appended; a team can register its own seed and ground prompts in it."""
    team = tmp_path / "team"
    write_yaml(
        team / "seeds.yaml",
        {"seeds": [{"file": "career-ladder.md", "title": "Our staff-level ladder"}]},
    )
    new = {
        "id": "ladder-outside-org",
        "dimension": "cross_team",
        "text": "Which team outside your org asked for your view this month?",
        "follow_ups": ["What did they do with it?", "What would they have done otherwise?"],
        "seed": "career-ladder.md",
    }
    write_yaml(team / "reflection_prompts.yaml", {"prompts": [new]})
    library = load_library(DEFAULT_PROMPTS_DIR, team)
    assert library.prompts[-1].id == "ladder-outside-org"
    assert len(library.prompts) == len(LIB.prompts) + 1
    assert library.prompts_for("cross_team")[-1].seed == "career-ladder.md"


def test_override_disables_entries(tmp_path: Path) -> None:
    """An override entry with disabled: true removes the shipped entry of that id."""
    team = tmp_path / "team"
    write_yaml(
        team / "reflection_prompts.yaml",
        {"prompts": [{"id": "framing-fire-left-burning", "disabled": True}]},
    )
    write_yaml(team / "nudges.yaml", {"nudges": [{"id": "narrow-scope-mix", "disabled": True}]})
    library = load_library(DEFAULT_PROMPTS_DIR, team)
    assert "framing-fire-left-burning" not in {p.id for p in library.prompts}
    assert "narrow-scope-mix" not in {n.id for n in library.nudges}
    assert len(library.prompts) == len(LIB.prompts) - 1


def test_override_can_change_nudge_thresholds(tmp_path: Path) -> None:
    """Thresholds are data: an override changes them and the message follows."""
    team = tmp_path / "team"
    nudges = read_yaml(DEFAULT_PROMPTS_DIR / "nudges.yaml")
    entry = next(n for n in nudges["nudges"] if n["id"] == "no-cross-team-evidence")
    entry["rule"]["weeks"] = 5
    write_yaml(team / "nudges.yaml", {"nudges": [entry]})
    library = load_library(DEFAULT_PROMPTS_DIR, team)
    nudge = library.nudge("no-cross-team-evidence")
    assert nudge.rule.weeks == 5
    assert "5 weeks" in nudge.message


def test_override_errors_name_the_override_file(tmp_path: Path) -> None:
    """Problems in an override are reported against the override's own file and entry."""
    team = tmp_path / "team-prompts"
    broken = _prompt_entry("unblock-who-was-stuck", dimension="unblok")
    write_yaml(
        team / "reflection_prompts.yaml",
        {"prompts": [broken, {"id": "no-such-prompt", "disabled": True}]},
    )
    with pytest.raises(LibraryError) as caught:
        load_library(DEFAULT_PROMPTS_DIR, team)
    problems = caught.value.problems
    assert (
        "team-prompts/reflection_prompts.yaml, entry 'unblock-who-was-stuck' (#1): field"
        " 'dimension' names unknown dimension 'unblok' (did you mean 'unblocking'?)"
    ) in problems
    assert (
        "team-prompts/reflection_prompts.yaml, entry 'no-such-prompt' (#2): disables"
        " 'no-such-prompt', which the base library does not define"
    ) in problems


def test_empty_override_changes_nothing(tmp_path: Path) -> None:
    """An empty override directory or empty override file leaves the library as shipped."""
    team = tmp_path / "team"
    team.mkdir()
    (team / "reframes.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (team / "README.md").write_text("notes for the team", encoding="utf-8")
    library = load_library(DEFAULT_PROMPTS_DIR, team)
    assert [p.id for p in library.prompts] == [p.id for p in LIB.prompts]
    assert len(library.reframes) == len(LIB.reframes)


def test_missing_override_directory_is_an_error(tmp_path: Path) -> None:
    """Pointing at an override directory that does not exist is reported, not ignored."""
    with pytest.raises(LibraryError, match="override directory does not exist"):
        load_library(DEFAULT_PROMPTS_DIR, tmp_path / "nope")


def test_a_workspace_ladder_loads_from_the_override_and_is_checked(tmp_path: Path) -> None:
    """`expectations.yaml` ships an empty ladder; an override's items load in order, and an
    unknown seed is named like any other entry's."""
    assert default_library().ladder == ()
    override = tmp_path / "expectations.yaml"
    override.write_text(
        "version: 1\nladder:\n"
        "  - {id: sets-direction, text: Sets direction, seed: 001_25b0c1775d5382ce.txt}\n"
        "  - {id: mentors, text: Mentors, seed: 002_ab6cc0801e6074bc.txt}\n",
        encoding="utf-8",
    )
    ladder = load_library(DEFAULT_PROMPTS_DIR, tmp_path).ladder
    assert [(item.id, item.text) for item in ladder] == [
        ("sets-direction", "Sets direction"),
        ("mentors", "Mentors"),
    ]
    override.write_text(
        "version: 1\nladder:\n  - {id: bad, text: Sets direction, seed: nope.txt}\n",
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match="entry 'bad'"):
        load_library(DEFAULT_PROMPTS_DIR, tmp_path)


def test_the_staff_problem_path_is_seed_001s_practical_path_in_order() -> None:
    """The steps after choosing the problem, in the seed's order, each quoting its line; the
    stall texts quote seed 002 (the gaps between teams; organisations without staff-level
    problems); naming one quotes seed 001's "choose one problem"."""
    steps = default_library().problem_steps
    assert [step.seed_quote for step in steps] == [
        "Write a clear technical plan before implementation.",
        "Align stakeholders early.",
        "Mentor engineers through the work instead of doing everything yourself.",
        "Track measurable outcomes.",
        "Turn the work into a promotion story.",
    ]
    assert {step.seed for step in steps} == {"001_25b0c1775d5382ce.txt"}
    assert all(len(f"Done: {step.label}") <= 75 for step in steps)
    library = default_library()
    choose = library.problem_text("choose")
    stall = library.problem_text("stall-right-problem")
    staff_level = library.problem_text("stall-staff-level")
    assert choose is not None and stall is not None and staff_level is not None
    assert choose.seed_quote == "Choose one problem with cross-team or business-level importance."
    assert stall.seed == staff_level.seed == "002_ab6cc0801e6074bc.txt"
    assert "staff-level problems" in staff_level.seed_quote


def test_a_workspace_can_disable_the_stall_texts_or_reword_a_step(tmp_path: Path) -> None:
    override = tmp_path / "staff_problem.yaml"
    override.write_text(
        "version: 1\nsteps:\n"
        "  - id: written-plan\n    label: RFC written\n    question: Where is the RFC?\n"
        "    seed: 001_25b0c1775d5382ce.txt\n"
        "    seed_quote: Write a clear technical plan before implementation.\n"
        "problem_texts:\n  - {id: stall-staff-level, disabled: true}\n",
        encoding="utf-8",
    )
    library = load_library(DEFAULT_PROMPTS_DIR, tmp_path)
    assert library.problem_steps[0].label == "RFC written"
    assert len(library.problem_steps) == 5
    assert library.problem_text("stall-staff-level") is None
    assert library.problem_text("stall-right-problem") is not None
