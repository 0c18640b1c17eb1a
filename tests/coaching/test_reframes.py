"""Golden reframes: offered for glue work only, never for staff-level or multiplier work."""

from __future__ import annotations

import pytest

from bot.coaching.classify import classify, reframe_for
from bot.coaching.library import default_library
from bot.coaching.models import Reframe
from bot.ui.evidence import reframe_note

LIB = default_library()

GLUE = [
    ("Fixed a flaky test in the checkout suite", "flaky-test-to-testing-strategy"),
    (
        "Quarantined two flaky tests so the pipeline would stop failing",
        "flaky-test-to-testing-strategy",
    ),
    ("fixed the build again after the dependency bump broke it", "broken-build-to-ci-ownership"),
    ("Onboarded our new hire and walked her through the deploy process", "onboarding-to-program"),
    ("Onboarding buddy for a new starter on the search team", "onboarding-to-program"),
    ("Ran standup all week while Sam was out", "meeting-to-working-group"),
    ("Ran the retro for the sprint", "meeting-to-working-group"),
    ("took notes in the architecture sync", "notes-to-decision-record"),
    ("Updated the docs for the release process", "ad-hoc-docs-to-rfc"),
    (
        "Answered the same question about feature flags three times this week",
        "repeat-answers-to-guide",
    ),
    ("got paged twice and hotfixed the importer", "firefighting-to-incident-review"),
    ("copy-pasted the retry logic from the payments client", "copied-code-to-shared-package"),
]
NOT_GLUE = [
    # Multiplier work that mentions a glue word.
    "Coached Wei through his first on-call shift, he handled both pages himself",
    "Mentored Priya through her first on-call week",
    "Wrote the README for the deploy tool, which five teams now use",
    "Ran a workshop on debugging distributed systems for 30 engineers",
    "The hotfix stopped the double billing that was affecting 300 customers",
    # The staff-level version, already done.
    "Designed an org-wide policy for flaky tests: quarantine within a day, owner fixes within a week",
    "Wrote a testing strategy that removes flaky tests across teams",
    "Created an onboarding program for backend hires that all four teams now use",
    "Chartered a working group with platform and data to decide on the schema registry",
    "Got paged on Sunday, then wrote the incident review with the root cause",
    "Turned the meeting notes into a decision record so people who missed it can act on it",
    "Copy-pasted the retry logic twice, then proposed a shared package for it",
    # Not glue at all.
    "Reviewed Tom's design doc and flagged the double-charge path",
]


@pytest.mark.parametrize(("text", "reframe_id"), GLUE)
def test_glue_work_gets_its_staff_version(text: str, reframe_id: str) -> None:
    """Glue work is matched to the staff-level version of that same work."""
    reframe = classify(text, LIB).reframe
    assert reframe is not None and reframe.id == reframe_id


@pytest.mark.parametrize("text", NOT_GLUE)
def test_staff_level_and_multiplier_work_get_no_reframe(text: str) -> None:
    """No reframe for multiplier work, for the staff version itself, or for other work."""
    understood = classify(text, LIB)
    assert understood.reframe is None, understood.why


def test_the_golden_set_is_large_and_half_says_nothing() -> None:
    """At least 20 golden texts, at least half of which get no reframe; every reframe covered."""
    assert len(GLUE) + len(NOT_GLUE) >= 20
    assert len(NOT_GLUE) >= len(GLUE)
    assert {reframe_id for _, reframe_id in GLUE} == {r.id for r in LIB.reframes}


def test_why_says_why_no_reframe_was_offered() -> None:
    """A glue word that did not lead to a reframe is explained in `why`."""
    why = classify("Mentored Priya through her first on-call week and got paged once", LIB).why
    assert "no reframe" in why and "mentoring" in why
    why = classify(NOT_GLUE[5], LIB).why
    assert "no reframe" in why


def test_a_corrected_dimension_or_scope_decides() -> None:
    """A stored entry's dimension and scope, as the person filed them, are what count."""
    text = "Fixed a flaky test in the checkout suite"
    assert reframe_for(text, LIB, dimension="delivery", scope="team")[0] is not None
    assert reframe_for(text, LIB, dimension="mentoring", scope="team")[0] is None
    assert reframe_for(text, LIB, dimension="delivery", scope="org")[0] is None


@pytest.mark.parametrize("reframe", LIB.reframes, ids=lambda r: r.id)
def test_every_reframe_acknowledges_the_work_first(reframe: Reframe) -> None:
    """The note says what the work is worth before it offers the staff-level version."""
    note = reframe_note(reframe)
    assert reframe.acknowledge
    assert note.index(reframe.acknowledge[:20]) < note.index("staff-level version")
