"""Slack's real limits end to end: UTF-16 counting, and the text of one whole message.

Slack counts Block Kit limits in UTF-16 code units (🚀 is two), and refuses a message whose
blocks hold more than about 12,000 characters of text in all (msg_blocks_too_long) however
well each block keeps to its own limit. The stand-in enforces both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.ui.blocks import MESSAGE_TEXT_BUDGET, block_text_length
from bot.ui.utf16 import utf16_len
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import element, entries, last_response
from tests.support import logbook
from tests.support.apps import RunningApp, make_settings

ROCKETS = "🚀" * 2900  # 2,900 characters to a person, 5,800 to Slack


def test_a_message_of_2900_rockets_is_not_put_into_a_3000_character_form(
    running_app: RunningApp,
) -> None:
    """ "Log as evidence" on 2,900 🚀: stored at once and shown read-only, not prefilled.

    Failed before: the 2,900 code points passed `len(text) <= 3000`, and the form's
    initial_value (5,800 UTF-16 units) overflowed its max_length, so Slack refused views.open.
    """
    running_app.standin.add_channel("C0GENERAL", "general", members=["UALICE", "UBOB"])
    message = running_app.standin.add_message("C0GENERAL", user="UBOB", text=ROCKETS)
    running_app.slack.message_shortcut("log_as_evidence", user_id="UALICE", message=message)
    (opened,) = running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    assert opened.ok, opened.response
    view = opened.json("view")
    assert all(b.get("block_id") != "text" for b in view["blocks"]), (
        "the text is shown, not put in an input"
    )
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == ROCKETS


def test_a_usage_echo_of_2900_rockets_fits_its_section(running_app: RunningApp) -> None:
    """/kudos with 2,900 🚀 and nobody named: the usage answer echoes what fits a section.

    Failed before: `safe(typed, 2900)` kept 2,900 code points, 5,800 units in a section whose
    limit is 3,000, and Slack refused the answer (invalid_blocks).
    """
    running_app.slack.slash_command("/kudos", ROCKETS, user_id="UALICE")
    payload = last_response(running_app)
    running_app.wait_idle()
    assert "Start with the person" in payload["text"]
    echo = next(b for b in payload["blocks"] if "You typed" in b["text"]["text"])
    assert utf16_len(echo["text"]["text"]) <= 3000


def test_a_page_of_long_entries_fits_one_message(running_app: RunningApp) -> None:
    """`/multiplier evidence` over long entries: a page of 15 in one message within Slack's
    total, every entry there with its Edit button, each cut to its share.

    Failed before: 15 × 1,200 characters shown = 18,000 of block text, and Slack answered
    msg_blocks_too_long: the list never arrived.
    """
    with running_app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        for n in range(20):
            logbook.entry(
                session, alice, datetime.now(UTC) - timedelta(hours=n), text=f"{n} " + "w " * 900
            )
    running_app.slack.slash_command("/multiplier", "evidence", user_id="UALICE")
    call = running_app.standin.wait_for("response_url")[0]
    running_app.wait_idle()
    assert call.ok, call.response
    blocks = call.params["blocks"]
    assert block_text_length(blocks) <= MESSAGE_TEXT_BUDGET
    with running_app.database.session() as session:
        ids = set(session.scalars(select(EvidenceEntry.id).order_by(EvidenceEntry.id.desc())))
    edits = {
        e["value"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "evidence_edit"
    }
    assert edits == {str(i) for i in sorted(ids)[:15]}  # newest first: the first 15 ids
    assert "Showing 1–15 of 20" in str(blocks)
    assert "more than one Slack message" not in str(blocks)
    element(call.params, "evidence_page")  # the Older button is still there


def test_a_digest_of_many_long_highlights_fits_one_message(
    database: Database, standin: SlackStandIn
) -> None:
    """Ten long highlights, ten late ones and ten kudos (emoji counted twice): one post within
    Slack's total, every item there, each cut to its share.

    Failed before: 30 items of up to 500 characters were over 12,000 in all, and Slack
    refused the digest with msg_blocks_too_long.
    """
    slot = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    members = ["UALICE", "UBOB", "UCAROL"]
    standin.add_channel("CTEAM", "team", [*members, "UBOT"])
    long_text = "🚀 shipped " * 200
    with database.session() as session:
        people = [logbook.user(session, m) for m in members]
        logbook.digest_channel(session, "CTEAM", "team", members, next_post_at=slot)
        for n in range(10):
            author = people[n % 3]
            logbook.entry(
                session, author, slot - timedelta(days=2, hours=n), text=long_text,
                visibility="team",
            )  # fmt: skip
            logbook.entry(
                session, author, slot - timedelta(days=9, hours=n), text=long_text,
                visibility="team", created_at=slot - timedelta(days=1, hours=n),
            )  # fmt: skip
            logbook.kudos(
                session, author, people[(n + 1) % 3], slot - timedelta(days=3, hours=n),
                text=long_text, share=True,
            )  # fmt: skip
    settings = make_settings(standin=standin, database_url=database.url)
    run_job("digests", JobContext(database=database, settings=settings), slot)
    (post,) = [c for c in standin.calls_to("chat.postMessage") if c.params["channel"] == "CTEAM"]
    assert post.ok, post.response
    blocks = post.json("blocks")
    assert block_text_length(blocks) <= MESSAGE_TEXT_BUDGET
    assert str(blocks).count("shipped") >= 30
