"""Coverage per expectation (issue 17) in the weekly summary and on the Home tab: counts,
this week's share, the newest entry, the ones without evidence, and Slack's limits kept with
a long list of long (emoji) expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.coaching.library import default_library
from bot.coaching.mapping import Coverage
from bot.db.engine import Database
from bot.evidence import service as evidence
from bot.expectations import mapping
from bot.expectations.service import expectations_of, replace_expectations
from bot.home import service as home
from bot.summaries import service as summaries
from bot.ui.blocks import VIEW_BLOCK_LIMIT
from bot.ui.mapping import coverage_home_blocks, coverage_summary_blocks
from bot.ui.messages import CommandNames
from bot.ui.summary import weekly_summary_message
from bot.ui.text import SECTION_TEXT_LIMIT
from bot.ui.utf16 import utf16_len
from tests.support import logbook

LIB = default_library()
NOW = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)  # Monday, 10:00 in New York


def _coverage_line(payload: dict) -> str:
    (line,) = [
        element["text"]
        for block in payload["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if element["text"].startswith(":dart:")
    ]
    return line


def test_the_weekly_summary_names_each_expectations_evidence_briefly(database: Database) -> None:
    """Counts over the whole log with the week's in brackets, and the ones with none; a
    person without expectations gets no such line."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        replace_expectations(
            session=session,
            user=alice,
            texts=["Writes RFCs that teams adopt", "Mentors senior engineers", "Owns on-call"],
            now=NOW,
        )
        last_week = summaries.previous_week(alice, NOW)
        for text, when in (
            (
                "Wrote the RFC for retries; two teams adopted it",
                last_week.start + timedelta(days=1),
            ),
            ("Wrote the queue RFC", last_week.start - timedelta(days=10)),
            ("Mentored two engineers on design reviews", last_week.start + timedelta(days=2)),
            ("Fixed the flaky build", last_week.start + timedelta(days=2)),
        ):
            evidence.create_entry(
                session=session, user=alice, text=text, source="brag", occurred_at=when
            )
        evidence.create_entry(session=session, user=bob, text="Wrote an RFC", source="brag")
        session.commit()

        summary = summaries.build_summary(session=session, user=alice, week=last_week, library=LIB)
        assert [(c.count, c.this_week) for c in summary.coverage] == [(2, 1), (1, 1), (0, 0)]
        assert summary.coverage[0].newest == "Wrote the RFC for retries; two teams adopted it"
        payload = weekly_summary_message(summary, LIB, multiplier_command="/multiplier")
        assert _coverage_line(payload) == (
            ":dart: *Your expectations:* “Writes RFCs that teams adopt”: 2 entries, 1 this week"
            " · “Mentors senior engineers”: 1 entry, 1 this week. "
            "None yet for 1 expectation: “Owns on-call”."
        )

        without = summaries.build_summary(
            session=session, user=bob, week=summaries.previous_week(bob, NOW), library=LIB
        )
        assert without.coverage == ()
        payload = weekly_summary_message(without, LIB, multiplier_command="/multiplier")
        assert ":dart:" not in str(payload["blocks"])


def test_a_long_list_of_long_expectations_keeps_slacks_limits() -> None:
    """Forty expectations of 300 emoji-heavy units, each with evidence: the Home section
    stays within a few blocks under 3,000 UTF-16 units each, and the summary line too."""
    long = "Sets direction 🚀 " * 17  # 300+ units, a surrogate pair every few characters
    coverage = [
        Coverage(n, f"{n} {long}", count=n + 1, newest="Wrote 🚀 " * 200, this_week=1)
        for n in range(40)
    ]
    blocks = coverage_home_blocks(coverage, multiplier_command="/multiplier")
    assert 4 <= len(blocks) <= 7
    shown = sum(b["text"]["text"].count("\n• ") + 1 for b in blocks if b["type"] == "section")
    assert 20 < shown < 40
    assert blocks[-1]["elements"][0]["text"] == (
        f"…and {40 - shown} more with evidence (`/multiplier expectations list` names them all)."
    )
    for block in blocks:
        text = block.get("text", {}).get("text") or block.get("elements", [{}])[0].get("text")
        assert utf16_len(text) <= SECTION_TEXT_LIMIT
    (line,) = coverage_summary_blocks(coverage)
    assert utf16_len(line["elements"][0]["text"]) <= 3000
    assert line["elements"][0]["text"].endswith("have evidence; the Home tab lists them.")

    # None covered: named plainly, kindly, in one section.
    empty = [Coverage(n, f"Item {n}", 0) for n in range(3)]
    blocks = coverage_home_blocks(empty, multiplier_command="/multiplier")
    assert blocks[-1]["text"]["text"].startswith(
        "*No evidence mapped yet for any of them:* “Item 0”, “Item 1”, “Item 2”. "
        "That is common early on, not a verdict"
    )


def test_the_home_tab_with_forty_expectations_fits_one_view(database: Database) -> None:
    """A full Home (a week of entries, forty long expectations all covered) stays within
    Slack's 100 blocks, every section under its limit, the coverage section included."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        texts = [f"Expectation {n} 🚀 sets direction for the {n} platform " * 6 for n in range(40)]
        replace_expectations(session=session, user=alice, texts=texts, now=NOW)
        ids = [row.id for row in expectations_of(session=session, user=alice)]
        for n in range(12):
            made = logbook.entry(session, alice, NOW - timedelta(hours=n + 1), text="🚀 " * 900)
            mapping.set_mapping(
                session=session,
                user=alice,
                entry_id=made.id,
                values=[f"{made.id}:{i}" for i in ids],
            )
        session.commit()
        view = home.home_view_for(
            session=session, user=alice, now=NOW, library=LIB, names=CommandNames()
        )
    assert len(view["blocks"]) <= VIEW_BLOCK_LIMIT
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert "Your expectations" in headers
    for block in view["blocks"]:
        if block["type"] == "section":
            assert utf16_len(block["text"]["text"]) <= SECTION_TEXT_LIMIT
