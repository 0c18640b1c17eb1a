"""Property: text typed into /brag reads exactly as typed on every surface a person sees.

Slack stores what people type escaped (`Q&amp;A`, `<@UBOB|bob>`); the app used to escape it
again on some surfaces, so people saw `Q&amp;A`, `&lt;!channel&gt;` or raw `<@UALICE|alice>`.
Here arbitrary text is typed the way a person would, sent as Slack sends it, and every surface
is read the way Slack shows it (mrkdwn un-escaped once, mentions by name, plain_text as is).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.evidence.packet import readable as packet_text
from bot.evidence.parsing import no_story
from bot.privacy.service import add_readable_fields
from bot.summaries.metrics import Highlight, TeamDigest
from bot.ui import checkins as checkin_ui
from bot.ui.digest import digest_message
from bot.ui.messages import CommandNames, usage_error
from bot.ui.summary import reframe_blocks
from sandbox.render import Names, mrkdwn
from sandbox.slacktext import as_slack_sends
from standin.blockkit_checks import broadcast_mentions
from standin.signing import Input
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import brag, click, element, entries
from tests.support.apps import RunningApp, make_settings, start_app

USERS = {"alice": "UALICE", "bob": "UBOB", "carol": "UCAROL"}
CHANNELS = {"team": "C0TEAM"}
NAMES = Names.of({v: k for k, v in USERS.items()}, {v: k for k, v in CHANNELS.items()})

# What people type: the examples of the issue, Slack markup typed literally, people, channels,
# links and words. Slack's own formatting characters (* _ ~ ` :) are left out: Slack formats
# them in what anyone types, so what is "seen" would not be the characters typed.
FRAGMENTS = [
    "Q&A", "R&D", "&amp;", "&", "&lt;3", "<!channel>", "<!here>", "<@UALICE|alice>",
    "<@UBOB>", "@bob", "@carol", "@here", "#team", "a < b > c", "2 > 1", "x&y",
    "https://x.example/?a=1&b=2", "shipped", "the", "fix", "for", "🚀", "Zoë", "\"quoted\"",
]  # fmt: skip
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789'()?!.,-", min_size=1, max_size=8)
typed_text = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), words), min_size=1, max_size=10)
    .map(" ".join)
    .filter(lambda text: re.search(r"[A-Za-z]{2}", text) is not None)
    # People or tags and no story (`@bob`) open the form instead: not a text that is stored.
    .filter(lambda text: not no_story(slack_sends(text)))
)


def slack_sends(typed: str) -> str:
    """The /brag text Slack sends the app when `typed` is typed."""
    return as_slack_sends(typed, user_id=USERS.get, channel_id=CHANNELS.get, command=True)


def seen(mrkdwn_text: str) -> str:
    """What a person sees of a mrkdwn text in Slack (the word joiner that keeps `@here`
    inert is invisible)."""
    return mrkdwn(mrkdwn_text, NAMES).replace("\u2060", "")


def _section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section" and b.get("text")]


@pytest.fixture
def app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    standin.add_channel("C0TEAM", "team", members=list(USERS.values()))
    running = start_app(
        settings=make_settings(standin=standin, database_url=database.url),
        database=database,
        standin=standin,
    )
    try:
        yield running
    finally:
        running.stop()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(typed="Ran the Q&A for the payments team & wrote up the <!channel> on-call guide")
@example(typed="@alice your R&D notes saved @bob a week &amp; more in #team")
@given(typed=typed_text)
def test_brag_text_reads_as_typed_everywhere(app: RunningApp, typed: str) -> None:
    """/brag → confirmation, Home, evidence list, edit form (saved untouched, nothing changes)."""
    app.standin.clear()
    stored_before = len(entries(app))
    confirmation = brag(app, slack_sends(typed))
    (entry,) = entries(app)[stored_before:]
    assert entry.text == slack_sends(typed)  # stored exactly as Slack sent it

    _title, shown = seen(_section_texts(confirmation["blocks"])[0]).split("\n", 1)
    assert shown == typed, "the /brag confirmation"

    app.slack.app_home_opened(user_id="UALICE")

    def shows_it(call: Any) -> bool:
        # (A republish queued by an earlier example may arrive first: wait for this one.)
        return any(seen(t) == typed for t in _section_texts(call.params["view"]["blocks"]))

    blocks = app.standin.wait_for("views.publish", predicate=shows_it)[-1].params["view"]["blocks"]
    recent = next(i for i, b in enumerate(blocks) if b["type"] == "header"
                  and b["text"]["text"] == "Recent entries")  # fmt: skip
    shown_at = next(i for i, b in enumerate(blocks) if b["type"] == "section"
                    and seen(b["text"]["text"]) == typed)  # fmt: skip
    assert recent < shown_at, "the Home tab's recent entries"

    app.slack.slash_command("/multiplier", "evidence", user_id="UALICE")
    listing = app.standin.wait_for("response_url", count=2)[-1].params
    first_entry = _section_texts(listing["blocks"])[1]
    assert seen(first_entry).split("\n")[0] == typed, "the evidence list"

    click(app, confirmation, "evidence_edit")
    view = app.standin.wait_for("views.open")[-1].json("view")
    _, text_input = element(view, "text")
    assert text_input["initial_value"] == typed, "the edit form (plain_text, shown literally)"
    reply = app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={"text": {"text": Input.plain_text(text_input["initial_value"])}},
    )
    assert reply.status == 200
    app.wait_idle()
    assert entries(app)[stored_before].text == slack_sends(typed), "saved untouched: unchanged"
    assert app.standin.violations == []


LIBRARY = default_library()
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(typed=typed_text)
def test_every_other_surface_shows_the_text_as_typed(typed: str) -> None:
    """Check-in answers, the weekly summary, the team digest, echoes, the packet and the JSON
    export show stored text as typed; the digest pings nobody and nothing broadcasts."""
    stored = slack_sends(typed)

    question = checkin_ui.Question(0, "p", "Who?", answer_kind="answer", answer_text=stored)
    message = checkin_ui.checkin_message(
        checkin_id=1, questions=[question], status="answered", slot_local=NOW
    )
    answer_block = next(b for b in message["blocks"] if "white_check_mark" in str(b))
    assert seen(answer_block["elements"][0]["text"]) == "✅ " + typed, "a check-in answer"

    reframe = SimpleNamespace(glue="glue", staff="staff", acknowledge="Useful work.")
    summary = SimpleNamespace(reframe=SimpleNamespace(entry_text=stored, reframe=reframe))
    (block,) = reframe_blocks(summary)  # type: ignore[arg-type]
    assert f"“{typed}”" in seen(block["text"]["text"]), "the weekly summary's reframe"

    digest = TeamDigest(
        period_start=NOW, period_end=NOW, members=3, totals=None,
        highlights=(Highlight("UALICE", stored, None, NOW),), highlights_more=0, kudos=(),
        kudos_more=0, late_totals=None, late_highlights=(), min_group_size=3,
    )  # fmt: skip
    post = digest_message(
        digest,
        channel_name="team",
        tz_name="UTC",
        library=LIBRARY,
        names=CommandNames(),
        people={v: k for k, v in USERS.items()},
    )
    highlight = next(t for t in _section_texts(post["blocks"]) if "<@UALICE>" in t)
    assert seen(highlight).split("\n", 1)[1] == typed, "the team digest"
    assert re.findall(r"<@(U\w+)>", json.dumps(post)) == ["UALICE"], "the digest pings nobody"
    assert broadcast_mentions(post, link_names=True) == []

    (echo,) = usage_error("Usage.", stored, CommandNames())
    code = next(t for t in _section_texts(echo["blocks"]) if t.startswith("You typed"))
    assert seen(code) == "You typed:\n  " + typed, "the echo of a command"

    names = {v: k for k, v in USERS.items()} | {v: k for k, v in CHANNELS.items()}
    assert packet_text(stored, names) == typed, "the promotion packet (Markdown)"
    tables = add_readable_fields({"evidence_entries": [{"text": stored, "impact": None}]}, names)
    assert tables["evidence_entries"][0]["text"] == typed, "the JSON export"
