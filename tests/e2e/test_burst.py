"""A burst of first contacts on a healthy database is served, not taken for an outage.

Issue 12: 45 people running their first command within 0.2 s while Slack's users.info took
2.5 s got "Multiplier can't reach its database" for 15 of them: each listener held its
database connection across the Web API call, and the listeners outnumbered the pool.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import User
from bot.ui import evidence as evidence_ui
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import brag, click
from tests.e2e.test_checkin_answers import send_checkin
from tests.support.apps import RunningApp, make_settings, start_app

PEOPLE = 45
USERS_INFO_SECONDS = 2.5


@pytest.fixture
def burst_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    # The production default: 16 HTTP threads.
    settings = make_settings(standin=standin, database_url=database.url, web_threads=16)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        standin.set_delay("users.info", 0)
        running.stop()


@pytest.mark.slow
def test_first_contact_burst_with_slow_users_info_is_served(
    burst_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    people = [f"UBURST{n:02d}" for n in range(PEOPLE)]
    for slack_id in people:
        standin.add_user(slack_id, name=slack_id.lower(), tz="Europe/Paris")
    standin.set_delay("users.info", USERS_INFO_SECONDS)

    def first_command(slack_id: str) -> int:
        return burst_app.slack.slash_command(
            "/multiplier", "checkins on fri 15:00", user_id=slack_id
        ).status

    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(first_command, people))
    assert statuses == [200] * PEOPLE
    answers = standin.wait_for("response_url", count=PEOPLE, timeout=30)
    texts = [json.dumps(call.params) for call in answers]
    assert not [t for t in texts if "database" in t or "busy" in t], texts
    assert all("Check-ins" in t or "check-in" in t for t in texts), texts[:3]
    burst_app.wait_idle(30)
    with database.session() as session:
        stored = session.scalar(
            select(func.count()).select_from(User).where(User.slack_user_id.in_(people))
        )
        zones = set(session.scalars(select(User.tz).where(User.slack_user_id.in_(people))))
    assert stored == PEOPLE
    assert zones == {"Europe/Paris"}  # users.info was read for each of them


@pytest.mark.postgres_only
def test_an_exhausted_pool_says_busy_not_unreachable(
    database: Database, standin: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """No free connection within DATABASE_CONNECT_TIMEOUT on a healthy database: the person
    is told to try again in a few seconds, and the log says the database was busy."""
    caplog.set_level(logging.INFO)
    small = Database(database.url, pool_size=1, max_overflow=0, connect_timeout=1)
    running = start_app(
        settings=make_settings(standin=standin, database_url=database.url),
        database=small,
        standin=standin,
    )
    held = None
    try:
        running.wait_idle()
        held = small.engine.connect()  # the pool's only connection, busy elsewhere
        reply = running.slack.slash_command("/multiplier", "checkins on", user_id="UALICE")
        assert reply.status == 200
        (answer,) = standin.wait_for("response_url", timeout=10)
        assert "busy" in answer.params["text"]
        assert "can't reach" not in json.dumps(answer.params)
        assert "checkins on" in json.dumps(answer.params)  # what they typed, echoed
        busy = [r for r in caplog.records if "database busy" in r.getMessage()]
        assert busy and all(r.exc_info is None for r in busy)
        assert not [r for r in caplog.records if r.name == "bot.errors" and r.levelno >= 40]
        held.close()
        held = None
        standin.clear()
        running.slack.slash_command("/multiplier", "checkins on", user_id="UALICE")
        (answer,) = standin.wait_for("response_url", timeout=10)
        assert "busy" not in answer.params["text"]
    finally:
        if held is not None:
            held.close()
        running.stop()
        small.dispose()


@pytest.fixture
def held(running_app: RunningApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Web API calls and responses made while the calling listener's thread had its
    database transaction open (nothing should be: issue 12)."""
    from slack_sdk import WebClient
    from slack_sdk.webhook import WebhookClient

    database = running_app.database
    found: list[str] = []

    def holding() -> bool:
        registry = database.scoped_session.registry
        return registry.has() and registry().in_transaction()

    def watch(cls: type, name: str, label) -> None:
        original = getattr(cls, name)

        def watched(self, *args, **kwargs):
            if holding():
                found.append(label(args[0] if args else next(iter(kwargs.values()))))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, watched)

    # Every Web API method goes through api_call (after ReleasingWebClient's release).
    watch(WebClient, "api_call", lambda method: method)
    watch(WebhookClient, "send_dict", lambda _body: "response_url")
    return found


def test_no_listener_holds_a_transaction_while_slack_answers(
    running_app: RunningApp, standin: SlackStandIn, held: list[str]
) -> None:
    """First contacts, usage errors, kudos, the Home, a DM, the evidence list and buttons."""
    slack = running_app.slack
    confirmation = brag(running_app, "fixed the flaky test", user_id="UALICE")
    slack.slash_command("/multiplier", "checkins on fri 15:00", user_id="UALICE")
    slack.slash_command("/multiplier", "checkins sometimes", user_id="UBOB")
    slack.slash_command("/multiplier", "settings", user_id="UCAROL")
    slack.slash_command("/kudos", "<@UALICE|alice> for the review", user_id="UBOB")
    slack.slash_command("/brag", "shipped the thing", user_id="UCAROL")
    slack.slash_command("/multiplier", "help", user_id="UALICE")
    slack.app_home_opened("UBOB")
    slack.dm_message("hello", user_id="UCAROL")
    running_app.wait_idle(20)
    slack.slash_command("/multiplier", "evidence", user_id="UCAROL")
    slack.slash_command("/multiplier", "export", user_id="UCAROL")
    click(running_app, confirmation, evidence_ui.SHARE)
    running_app.wait_idle(20)
    assert len(standin.calls_to("response_url")) >= 8
    assert held == []


def test_check_in_buttons_hold_no_transaction_while_slack_answers(
    running_app: RunningApp, standin: SlackStandIn, held: list[str]
) -> None:
    """The message is redrawn (chat.update), a used button says so, a modal opens."""
    _row, message = send_checkin(running_app, "UALICE")
    slack = running_app.slack
    for _ in range(2):
        slack.block_action(
            "checkin_nothing", user_id="UALICE", message=message, block_id="checkin_q_1"
        )
        running_app.wait_idle(20)
    slack.block_action("checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0")
    running_app.wait_idle(20)
    assert standin.calls_to("chat.update") and standin.calls_to("views.open")
    assert held == []


def test_a_read_only_transaction_is_released_and_a_writing_one_is_not(
    database: Database,
) -> None:
    from bot.db.models import Workspace

    session = database.scoped_session()
    try:
        session.execute(select(func.count()).select_from(User))
        assert session.in_transaction()
        assert database.release_read_transaction()
        assert not session.in_transaction()
        session.add(Workspace(team_id="T0REL", name=None, settings={}))
        session.flush()
        assert not database.release_read_transaction()  # its flow commits it
        session.commit()
        session.execute(select(Workspace.id).with_for_update())  # a row lock is not a mere read
        assert not database.release_read_transaction()
        session.rollback()
        workspace = session.scalars(select(Workspace)).one()  # reads after the commit
        assert database.release_read_transaction()
        assert workspace.team_id == "T0REL"  # still loaded
    finally:
        database.remove_thread_session()
