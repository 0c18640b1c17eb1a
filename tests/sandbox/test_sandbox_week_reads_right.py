"""Acceptance: the README's sandbox week, and the fortnight of ordinary use after it, read right.

Everything the sandbox prints is what a person would see in Slack. Scanned line by line (as
`/work/shared/tools/sandbox-smells` does): no text escaped twice (`&amp;`), no raw Slack markup
(`<@UALICE|alice>`, `<#C…>`), no wrong plural ("1 entries"), no traceback or apology.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db.models import EvidenceEntry
from tests.sandbox.conftest import Session, sections

# The README's session ("Local sandbox"), then the rest of a fortnight as three people.
README_WEEK = """\
/multiplier checkins on fri 15:00
/brag Wrote the caching RFC that unblocked @bob #writing
:time fri 16:00
:press Answer
Paired with bob on the flaky deploy; his team ships again
:submit
:home
"""
FORTNIGHT = """\
/brag Ran the Q&A for the payments team & wrote up the <!channel> on-call guide #writing
/brag Unblocked @bob on the flaky deploy, saved him a day
/kudos @bob thanks for the R&D spike, it saved us a week
:as bob
/multiplier checkins on mon 4:30pm
/brag Reviewed alice's RFC and caught a double-charge race #review
/kudos @alice your R&D notes saved us a week
:as carol
/multiplier digest add #team weekly fri 4pm
/brag Paired with @alice & @bob on the Q&A rota, thanks @alice
:press Share with my team
:as alice
/multiplier sumary
/multiplier pause two weeks
/multiplier resume
/multiplier evidence last week
:time +7d
:dm
:home
/multiplier summary
/multiplier summary last
/multiplier evidence
:press Edit
:submit
/multiplier export packet
/multiplier export json
:as bob
:dm
:home
:as carol
:digest
"""

SMELLS = [
    ("text escaped twice", re.compile(r"&amp;|&lt;|&gt;")),
    ("raw Slack markup", re.compile(r"<[@#][UWC][A-Z0-9]+(\|[^>]*)?>")),
    (
        "wrong plural",
        re.compile(
            r"(?<![\d.,])\b1\*? (?!of\b|in\b|a\b|to\b|per\b|at\b|by\b|for\b)"
            r"(?:more |multiplier |written |shared )?"
            r"(entries|artefacts|artifacts|people|checkins|check-ins|messages|weeks|days|teams"
            r"|answers|reflections|suggestions|files|rows)\b"
        ),
    ),
    ("traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("error shown", re.compile(r"something went wrong", re.IGNORECASE)),
]
TYPED = re.compile(r"^\w+> ")  # what the person typed, echoed (and modal prompts' answers)


def smells(transcript: str) -> list[str]:
    """Every line a person would trip on, with what is wrong with it."""
    found = []
    for line in transcript.splitlines():
        if TYPED.match(line) or line.startswith("  > "):
            continue
        found += [f"{name}: {line.strip()}" for name, rule in SMELLS if rule.search(line)]
    return found


@pytest.mark.slow
@pytest.mark.timeout(600)  # two weeks of jobs; minutes on a loaded two-core machine
def test_the_readme_week_and_a_fortnight_read_right(session: Session) -> None:
    """No `&amp;`, no raw `<@U…>`, no wrong plural anywhere in the output (failed before:
    `Q&amp;A` and `&lt;!channel&gt;` on Home, `R&amp;D` in summaries)."""
    out = session.feed(README_WEEK + FORTNIGHT + ":quit\n")
    assert smells(out) == []
    with session.sandbox.database.session() as db:
        kudos = db.scalars(select(EvidenceEntry.text).where(EvidenceEntry.source == "kudos"))
        # Opened in the edit form and saved untouched: still exactly what Slack sent.
        assert "<@UALICE|alice> your R&amp;D notes saved us a week" in set(kudos)
    # …and it says something: the texts appear as typed, where a person looks for them.
    home = out.split("alice> :home", 1)[1]
    assert "Ran the Q&A for the payments team & wrote up the <!channel> on-call guide" in home
    assert "@alice your R&D notes saved us a week" in out
    bodies = [body for header, body in sections(out) if header.startswith("[multiplier")]
    assert any("Paired with @alice & @bob on the Q&A rota" in body for body in bodies)
    digest = [body for header, body in sections(out) if header.startswith("[multiplier in #team")]
    assert any("Q&A rota, thanks @alice" in body for body in digest)  # shared, as typed
    assert "Did you mean `/multiplier summary`?" in out
    assert re.search(r"Check-ins: every Monday at 16:30", out)
    assert re.search(r"Fridays 16:00", out)
