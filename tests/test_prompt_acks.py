"""Acks leave as soon as a listener makes them, before its work: plain Bolt
(`process_before_response=False`), exercised through the real app's HTTP server and Bolt's
own `App.dispatch`, never by calling Bolt's internals."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from slack_bolt import Ack
from sqlalchemy import select

from bot.db.models import EvidenceEntry
from bot.evidence import flows
from tests.support.apps import RunningApp


def _entries(running_app: RunningApp) -> list[str]:
    with running_app.database.session() as session:
        return [e.text for e in session.scalars(select(EvidenceEntry))]


def test_brag_is_acked_before_it_is_stored_then_confirmed(
    running_app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ack is out while the /brag's work is still in hand; the row and the confirmation
    (through the command's response_url) follow."""
    entered, release = threading.Event(), threading.Event()
    real_log_brag = flows.log_brag

    def held(**kwargs: Any) -> flows.Confirmation:
        entered.set()
        assert release.wait(10)
        return real_log_brag(**kwargs)

    monkeypatch.setattr(flows, "log_brag", held)
    typed = "Shipped the cache rollout with <@UBOB>"
    try:
        reply = running_app.slack.slash_command("/brag", typed, user_id="UALICE")
        assert reply.status == 200 and reply.elapsed < 1.0, reply
        assert entered.wait(10)
        assert _entries(running_app) == []
        assert running_app.standin.calls_to("response_url") == []
    finally:
        release.set()
    (post,) = running_app.standin.wait_for("response_url")
    assert "Logged to your private evidence" in str(post.params)
    running_app.wait_idle()
    assert _entries(running_app) == [typed]


def test_a_listener_that_fails_right_after_its_ack_still_acks(running_app: RunningApp) -> None:
    """Twenty in a row, each 200 at once (not Bolt's 404 after 3 s), each user told."""

    def fails_after_ack(ack: Ack) -> None:
        ack()
        raise RuntimeError("after the ack")

    running_app.app.registrar.command("/acktest", fails_after_ack)
    for n in range(20):
        reply = running_app.slack.slash_command("/acktest", f"try {n}", user_id="UALICE")
        assert reply.status == 200 and reply.elapsed < 1.0, (n, reply)
    notices = running_app.standin.wait_for("response_url", count=20)
    assert all("went wrong" in str(c.params) for c in notices), notices[0].params


def test_a_listener_that_fails_before_its_ack_is_answered_by_the_error_handler(
    running_app: RunningApp,
) -> None:
    """No ack made: Bolt's own path hands the failure to the one error handler, whose answer
    (the typed command echoed back) is the response."""

    def fails_before_ack(ack: Ack) -> None:
        raise RuntimeError("before the ack")

    running_app.app.registrar.command("/acktest", fails_before_ack)
    reply = running_app.slack.slash_command("/acktest", "keep me", user_id="UALICE")
    assert reply.status == 200 and reply.elapsed < 1.0, reply
    assert "/acktest keep me" in reply.body


def test_events_and_buttons_are_acked_before_their_work(running_app: RunningApp) -> None:
    """app_home_opened and a button click: the 200 is out while the listener still works."""
    entered, release = threading.Event(), threading.Event()

    def slow_click(ack: Ack) -> None:
        ack()
        entered.set()
        release.wait(10)

    running_app.app.registrar.action("acktest_click", slow_click)
    try:
        reply = running_app.slack.block_action("acktest_click", user_id="UALICE", value="x")
        assert reply.status == 200 and reply.elapsed < 1.0, reply
        assert entered.wait(10)
        assert not running_app.app.wait_idle(0)  # still working after its ack
    finally:
        release.set()
    reply = running_app.slack.app_home_opened("UALICE")
    assert reply.status == 200 and reply.elapsed < 1.0, reply
    running_app.wait_idle()
    running_app.standin.wait_for(
        "views.publish", predicate=lambda c: c.params["user_id"] == "UALICE"
    )


def test_an_events_retry_is_told_apart_in_one_statement_before_the_ack(
    running_app: RunningApp,
) -> None:
    """The first delivery of an event id is claimed, every retry of it is not, on both
    databases (one INSERT … ON CONFLICT DO NOTHING RETURNING: its only work before the ack)."""
    from bot.conversations.service import claim_event

    with running_app.database.session() as session:
        claims = [
            claim_event(session=session, event_id=event_id, team_id=team_id)
            for event_id, team_id in (("Ev1", "T1"), ("Ev1", "T1"), ("Ev2", None), ("Ev1", "T2"))
        ]
    assert claims == [True, False, True, False]
