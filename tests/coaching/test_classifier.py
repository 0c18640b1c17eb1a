"""The classifier's rules: activities, common phrasings, ties, scope, examples, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.coaching.classify import ExampleIndex, LabelledExample, classify, suggest_scope
from bot.coaching.library import DEFAULT_PROMPTS_DIR, default_library, load_library

from ._support import copy_prompts, edit_yaml, read_yaml, write_yaml

LIB = default_library()
REPO = Path(__file__).resolve().parents[2]


def _dimension(text: str) -> str | None:
    return classify(text, LIB).dimension_id


# ── The activity decides ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("reviewed Tom's design doc", "reviews"),
        ("Reviewed the platform team's RFC and pointed out it breaks our health checks", "reviews"),
        ("gave feedback on Marco's doc before arch review", "mentoring"),
        ("Wrote the design doc for the new rate limiter", "writing"),
        ("Design doc for splitting the user service, reviewed by four engineers", "writing"),
        ("Mentored two engineers through writing their first RFC", "mentoring"),
    ],
)
def test_what_someone_did_outweighs_the_artefact_it_touched(text: str, dimension: str) -> None:
    """Reviewing a doc is a review, coaching on it is mentoring, writing it is writing."""
    assert _dimension(text) == dimension


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("Priya was stuck since Tuesday on the consumer lag", "unblocking"),
        ("debugged the CI cache issue with Kenji", "unblocking"),
        ("Debugged the flaky auth token refresh with Marco yesterday", "unblocking"),
        ("Answered Wei's question so he could finish his PR", "unblocking"),
        ("Cut our AWS bill by $18k/month", "business_impact"),
        ("p99 latency on checkout from 1.2s to 300ms", "business_impact"),
        ("error rate from 2% to 0.1% on the callback", "business_impact"),
        ("the nightly job now takes 20 minutes instead of 3 hours", "business_impact"),
        ("Got sign-off from the three tech leads on the API standard", "alignment"),
        ("Aligned the web and mobile teams on one approach to offline sync", "cross_team"),
        ("Said not now to the admin UI rewrite", "problem_framing"),
        ("Began deprecating the v1 API with a 12-month sunset schedule", "long_horizon"),
        ("Talked the analytics team out of building a second event bus", "decisions"),
    ],
)
def test_common_phrasings_count(text: str, dimension: str) -> None:
    """Phrasings people actually type ("stuck since", "$18k/month", "p99 from … to …") count."""
    assert _dimension(text) == dimension


def test_ties_are_broken_by_which_activity_comes_first_not_file_order() -> None:
    """Two activities of equal weight: the one the sentence leads with wins, in any file order."""
    first = "Reviewed Sam's change and mentored him on the locking"
    second = "Mentored Sam on the locking and reviewed his change"
    flipped = replace(LIB, dimensions=tuple(reversed(LIB.dimensions)))
    for library in (LIB, flipped):
        one, two = classify(first, library), classify(second, library)
        assert (one.dimension_id, two.dimension_id) == ("reviews", "mentoring")
        assert "tie" in one.why


def test_own_delivery_loses_to_any_multiplier_activity() -> None:
    """Shipping verbs are what is left when no multiplier activity is described."""
    assert _dimension("Shipped the new billing export feature") == "delivery"
    text = "Two engineers were waiting on an API change; paired with them and shipped the fix"
    assert _dimension(text) == "unblocking"


@pytest.mark.parametrize("text", ["", "   ", "Lunch with the team", "Out sick most of the week"])
def test_no_dimension_when_the_text_shows_none(text: str) -> None:
    """Texts that are not evidence of anything get no dimension (the coach says nothing)."""
    assert classify(text, LIB).dimension is None


# ── Scope ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("Our shared config loader is now used by 5 teams", "cross_team"),
        ("4 other teams now use the rate limiter I extracted", "cross_team"),
        ("Helped the iOS team get past the certificate pinning issue", "cross_team"),
        ("Worked with the platform group on a common deployment template", "cross_team"),
        ("Published the guide org-wide", "org"),
        ("Presented the reliability roadmap to the VP of engineering", "org"),
        ("Paired with Fatima on TDD for the parser", "team"),
        ("helped <@U07SOFIA|sofia> with the SAML test IdP", "team"),
        ("Shared it with my team and two teams next door", "cross_team"),
        ("Cleaned up my own backlog of small bugs", "self"),
        ("Wrote the design doc for the new rate limiter", "team"),
        ("Spotted duplication between the two notification services", "cross_team"),
    ],
)
def test_scope_is_inferred_from_reach_colleagues_and_the_usual_scope(text: str, scope: str) -> None:
    """Reach named in the text wins (the broadest), then a colleague, then the usual scope."""
    assert classify(text, LIB).scope_id == scope


def test_scope_explains_where_it_came_from() -> None:
    """The `why` says whether scope came from the text, a colleague or the usual scope."""
    assert "4 other teams" not in classify("x", LIB).why
    assert '"{n} other teams"' in classify("4 other teams use it now", LIB).why
    assert "names a colleague (Fatima)" in classify("Paired with Fatima on TDD", LIB).why
    assert "usual for writing" in classify("Wrote the design doc", LIB).why


def test_no_scope_without_any_clue() -> None:
    """A text with no dimension, no reach and nobody named gets no scope."""
    assert suggest_scope("Out sick most of the week", LIB) is None


# ── Examples a workspace labelled ────────────────────────────────────────────────────────


def test_a_labelled_example_decides_near_identical_texts() -> None:
    """A correction a person made is remembered: the same kind of text gets their labels."""
    text = "Ran the weekly incident triage for the payments squad"
    assert classify(text, LIB).dimension_id != "alignment"
    examples = ExampleIndex(
        (
            LabelledExample(
                "ran the weekly incident triage for the payments squad", "alignment", "org"
            ),
        )
    )
    understood = classify(text, LIB, examples)
    assert (understood.dimension_id, understood.scope_id) == ("alignment", "org")
    assert "someone in the workspace filed so" in understood.why
    assert "triage" not in understood.why, "an example's text is never shown"
    unrelated = classify("Shipped the new billing export feature", LIB, examples)
    assert unrelated.dimension_id == "delivery"


def test_a_hashtag_still_beats_a_labelled_example() -> None:
    """What the person typed now (#review) outranks what they once corrected."""
    examples = ExampleIndex((LabelledExample("looked at the payments schema", "writing", None),))
    assert (
        classify("looked at the payments schema #review", LIB, examples).dimension_id == "reviews"
    )


def test_the_newest_of_identical_examples_wins() -> None:
    """When a person changed their mind, the later correction counts."""
    examples = ExampleIndex(
        (
            LabelledExample("ran the triage rota", "alignment", None),
            LabelledExample("ran the triage rota", "mentoring", None),
        )
    )
    assert classify("ran the triage rota", LIB, examples).dimension_id == "mentoring"


# ── A team's own rules ───────────────────────────────────────────────────────────────────


def test_a_team_overrides_the_rules_from_its_prompts_directory(tmp_path: Path) -> None:
    """An override directory (PROMPTS_DIR) can add activities that change what is understood."""
    base = copy_prompts(tmp_path)
    override = tmp_path / "team"
    override.mkdir()

    def add_activity(data: dict) -> None:
        for item in data["dimensions"]:
            if item["id"] == "alignment":
                item["activities"].append("ran the ... triage")
        data["dimensions"] = [d for d in data["dimensions"] if d["id"] == "alignment"]

    (override / "dimensions.yaml").write_text((base / "dimensions.yaml").read_text())
    edit_yaml(override / "dimensions.yaml", add_activity)
    library = load_library(base, override)
    text = "Ran the weekly incident triage for the payments squad"
    assert classify(text, library).dimension_id == "alignment"


# ── Bad input ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text",
    [
        "<!channel> reviewed the deploy plan &amp; caught a missing rollback",
        "reviewed <@U0123ABCD|bob>'s PR 🎉 and caught a race condition",
        "Reviewed the PR " + "😀" * 500,
        "caught " + "a " * 5000,
        "\x00\u202e reviewed",
    ],
)
def test_markup_emoji_and_huge_texts_are_classified_safely(text: str) -> None:
    """Slack markup, emoji, control characters and huge texts neither crash nor slow down."""
    started = time.perf_counter()
    understood = classify(text, LIB)
    assert time.perf_counter() - started < 0.5
    assert understood.dimension_id == "reviews"
    assert json.loads(json.dumps(understood.as_json()))["text"] == text


# ── The command ──────────────────────────────────────────────────────────────────────────


def test_classify_command_prints_one_json_object_per_line(tmp_path: Path) -> None:
    """`python -m bot.coaching classify` turns stdin lines into JSON lines with the five keys."""
    stdin = "reviewed Tom's design doc\n\nFixed a flaky test in the checkout suite\nLunch\n"
    env = {k: v for k, v in os.environ.items() if k != "PROMPTS_DIR"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.coaching", "classify"],
        input=stdin.encode(),
        cwd=REPO,
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["text"] for line in lines] == [
        "reviewed Tom's design doc",
        "Fixed a flaky test in the checkout suite",
        "Lunch",
    ]
    assert all(set(line) == {"text", "dimension", "scope", "reframe", "why"} for line in lines)
    assert (lines[0]["dimension"], lines[0]["scope"], lines[0]["reframe"]) == (
        "reviews",
        "team",
        None,
    )
    assert (lines[1]["dimension"], lines[1]["reframe"]) == (
        "delivery",
        "flaky-test-to-testing-strategy",
    )
    assert lines[2]["dimension"] is None and lines[2]["why"]


def test_classify_command_reads_the_team_override_from_prompts_dir(tmp_path: Path) -> None:
    """PROMPTS_DIR applies to the command as it does to the app."""
    override = tmp_path / "team"
    override.mkdir()
    dimensions = read_yaml(DEFAULT_PROMPTS_DIR / "dimensions.yaml")
    (alignment,) = [d for d in dimensions["dimensions"] if d["id"] == "alignment"]
    alignment["activities"].append("ran the ... triage")
    write_yaml(override / "dimensions.yaml", {"version": 1, "dimensions": [alignment]})
    text = b"Ran the weekly incident triage for the payments squad\n"
    runs = {}
    for name, env in (
        ("shipped", {k: v for k, v in os.environ.items() if k != "PROMPTS_DIR"}),
        ("team", {**os.environ, "PROMPTS_DIR": str(override)}),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "bot.coaching", "classify"],
            input=text,
            cwd=REPO,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        runs[name] = json.loads(done.stdout)["dimension"]
    assert runs["team"] == "alignment" != runs["shipped"]


def test_the_readme_example_is_what_the_command_prints() -> None:
    """The README's `classify` example shows the real output, why included."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    (index,) = [n for n, line in enumerate(lines) if "| python -m bot.coaching classify" in line]
    typed = lines[index].split('"')[1]
    assert json.loads(lines[index + 1]) == classify(typed, LIB).as_json()
