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
from standin.webapi import SlackStandIn
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
