"""Acceptance (issue 17): the README's scripted quarter, run exactly as printed there, shows
each coaching arc: expectations entered and evidence mapped to one in a click, a named
staff-shaped problem ticked on a check-in, a quote from bob landing as kudos, the monthly
sponsor and expectations checks, the quarter's story drafted from the log, and the bet
followed up after `:time +90d` with its outcome in the next summary. Every line read as
sandbox-smells reads it: no `&amp;`, raw `<@U…>` or wrong plural."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import (
    EntryExpectation,
    Expectation,
    JudgmentCall,
    Kudos,
    StaffProblem,
)
from tests.sandbox.conftest import Session, sections
from tests.sandbox.test_sandbox_week_reads_right import smells

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script() -> str:
    """The ```text block right after the README's `<!-- scripted-quarter -->` marker."""
    after = README.read_text("utf-8").split("<!-- scripted-quarter -->", 1)[1]
    block = re.match(r"\s*```text\n(.*?)```", after, re.DOTALL)
    assert block, "README: no ```text block after <!-- scripted-quarter -->"
    return block.group(1)


def bodies(out: str, to: str) -> list[str]:
    return [body for header, body in sections(out) if header.startswith(f"[multiplier → {to}")]


@pytest.mark.slow
@pytest.mark.timeout(900)  # a quarter of jobs; minutes on a loaded two-core machine
def test_the_readme_quarter_shows_every_arc(session: Session) -> None:
    out = session.feed(readme_script() + ":quit\n")
    assert smells(out) == []
    assert "✗" not in out and "No button labelled" not in out and "There is no button" not in out
    alice = bodies(out, "alice")
    # Expectations entered; the decision mapped to one in one click.
    assert any("Saved your 3 expectations" in body for body in alice)
    assert "🎯 Evidence for: “Sets technical direction across teams”" in out
    # The bet, followed up three months on (the month it was logged named), then told.
    assert "🔮 Marked as a bet: I'll ask you in 3 months how it turned out." in out
    (asked,) = [body for body in alice if "you logged this call" in body]
    assert re.search(r"🔮 In \w+ \d{4} you logged this call: “Argued for moving billing", asked)
    told = [body for body in alice if "judgment call followed up this week" in body]
    assert told and "Right call: billing runs hourly now" in told[-1]
    # The quote: bob is asked, writes a sentence, and alice is told it is on her log.
    assert any("@alice asked you for one sentence" in body for body in bodies(out, "bob"))
    assert any("@bob wrote a sentence about your influence" in body for body in alice)
    # The problem: its step asked on the check-in, ticked there, and on the Home.
    assert "🎯 Your problem, step 1 of 5: Written plan · Unify the three deploy pipelines" in out
    assert "✅ Ticked: Written plan." in out
    home = out.split("alice> :home", 1)[1]
    assert "➡️ Stakeholders aligned · you are here" in home
    assert "• “Sets technical direction across teams” — 1 entry" in home
    # The monthly sponsor and expectations checks, and the quarter's story from the log.
    assert any(body.lstrip().startswith("Your monthly sponsor check") for body in alice)
    assert any("🧭 Your monthly expectations check" in body for body in alice)
    stories = [body for body in alice if "Here is a draft of your promotion story" in body]
    assert stories and '"Unify the three deploy pipelines"' in stories[0]
    assert "Argued for moving billing" in stories[0]
    with session.sandbox.database.session() as db:
        (call,) = db.scalars(select(JudgmentCall)).all()
        assert (call.bet, call.months) == (True, 3) and call.outcome is not None
        (mapped,) = db.scalars(select(EntryExpectation)).all()
        expectation = db.get(Expectation, mapped.expectation_id)
        assert expectation is not None and expectation.text.startswith("Sets technical")
        assert db.scalars(select(Kudos)).all()
        (problem,) = db.scalars(select(StaffProblem)).all()
        assert list(problem.steps_done) == ["written-plan"]
