"""The echo is whole, end to end: apologies, refusals and usage errors give back all that was
typed, over several messages when it takes several (issue 12 item 3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.db.engine import Database
from bot.ui.text import escape, readable
from standin.signing import Input
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1"
_CODE = re.compile(r"^(?:You typed:\n)?```(.*)```$", re.DOTALL)


def _pieces(messages: list[dict[str, Any]]) -> list[str]:
    """The echoed text in each code-block section of the messages, in order."""
    return [
        match.group(1)
        for message in messages
        for block in message["blocks"]
        if (match := _CODE.match((block.get("text") or {}).get("text", "")))
    ]


@pytest.fixture
def app_without_database(standin: SlackStandIn) -> Iterator[RunningApp]:
    database = Database(UNREACHABLE)
    settings = make_settings(standin=standin, database_url=UNREACHABLE)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()
        database.dispose()


def _echoed(app: RunningApp, *, responses: int, dms: int = 0) -> str:
    """The echo in all the replies, once at least `responses` (and `dms`) have arrived."""
    app.standin.wait_for("response_url", count=responses)
    if dms:
        app.standin.wait_for("chat.postMessage", count=dms)
    app.wait_idle()
    messages = [c.params for c in app.standin.calls_to("response_url")]
    posts = app.standin.calls_to("chat.postMessage")
    assert all(c.params["channel"] == "UALICE" for c in posts)
    messages += [{**c.params, "blocks": c.json("blocks")} for c in posts]
    return "".join(_pieces(messages))


def test_a_5012_character_brag_during_an_outage_comes_back_whole(
    app_without_database: RunningApp,
) -> None:
    """The database is down: the apology carries all 5,012 characters (it carried 2,917)."""
    text = ("Led the incident review & wrote the follow-ups. " * 120)[:5_006]
    reply = app_without_database.slack.slash_command("/brag", text, user_id="UALICE")
    assert reply.status == 200
    (call,) = app_without_database.standin.wait_for("response_url")
    assert "can't reach its database" in call.params["text"]
    assert "".join(_pieces([call.params])) == escape(readable("/brag " + text))


def test_a_command_failing_after_its_ack_echoes_all_of_it(
    app_without_database: RunningApp,
) -> None:
    """A /multiplier command with 20,000 characters fails on the database after its ack: the
    apology comes back over several messages, whole."""
    text = "export packet " + ("🚀 last quarter, honestly " * 1_000)[:20_000] + "."
    app_without_database.slack.slash_command("/multiplier", text, user_id="UALICE")
    echoed = _echoed(app_without_database, responses=2)
    assert echoed == escape(readable("/multiplier " + text))
    first = app_without_database.standin.calls_to("response_url")[0].params
    assert "can't reach its database" in first["text"]


def test_40000_characters_refused_come_back_whole(running_app: RunningApp) -> None:
    """/brag with 40,000 characters is refused (too long) and echoed in full over messages."""
    text = ("Wrote the <https://x.example/rfc|RFC> with <@UBOB|bob> &amp; co. " * 700)[:40_000]
    running_app.slack.slash_command("/brag", text, user_id="UALICE")
    echoed = _echoed(running_app, responses=4)
    assert echoed == escape(readable(text))
    assert len(running_app.standin.calls_to("response_url")) in (4, 5)


def test_an_echo_longer_than_five_posts_continues_in_the_dm(running_app: RunningApp) -> None:
    """40,000 typed `&` (200,000 units escaped): five posts to the response_url, the fifth
    saying the rest follows in the DM, and the rest in the DM; nothing lost."""
    text = "&amp;" * 40_000
    running_app.slack.slash_command("/brag", text, user_id="UALICE")
    calls = running_app.standin.wait_for("response_url", count=5)
    assert "follows in your DM" in str(calls[-1].params["blocks"])
    running_app.wait_idle()
    dms = len(running_app.standin.calls_to("chat.postMessage"))
    assert dms > 5
    echoed = _echoed(running_app, responses=5, dms=dms)
    assert echoed == escape(readable(text))


def test_a_form_that_fails_after_it_closed_echoes_what_was_typed(
    app_without_database: RunningApp,
) -> None:
    """A check-in answer form closes at once (its ack), then the database fails: the DM
    apology carries everything typed into it, as typed, so nothing is lost."""
    what = "Paired with Dana on the flaky deploy & wrote <the> runbook 🚀 " * 60
    app_without_database.slack.view_submission(
        "checkin_answer",
        user_id="UALICE",
        private_metadata="1:0",
        values={
            "what": {"text": Input.plain_text(what)},
            "impact": {"impact": Input.plain_text("Saved two days")},
        },
    )
    (dm,) = app_without_database.standin.wait_for("chat.postMessage")
    app_without_database.wait_idle()
    assert dm.params["channel"] == "UALICE"
    assert "can't reach its database" in dm.params["text"]
    echoed = "".join(_pieces([{"blocks": dm.json("blocks")}]))
    assert echoed == escape(what + "\n\nSaved two days")
