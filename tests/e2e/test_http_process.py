"""The production HTTP server, started as the Procfile's web process, against the stand-in."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from bot.db.engine import Database
from standin.signing import SlackClientSimulator
from standin.webapi import SlackStandIn
from tests.support.apps import SIGNING_SECRET
from tests.support.databases import MigratedDatabase
from tests.support.process import free_port, start_cli


@dataclass
class ServedApp:
    url: str
    slack: SlackClientSimulator
    standin: SlackStandIn
    database: Database


def _wait_healthy(url: str, process, timeout: float = 30) -> None:
    """Wait until /healthz answers (the process is starting up), or fail with its output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # polling a port that is not open yet: nothing to wait on
    pytest.fail("server did not become healthy in time")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServedApp, MigratedDatabase]]:
    """One `serve --http` process per backend for this module's tests: starting one costs
    seconds, and what these tests check (signatures, health, routing) needs no fresh one."""
    fixture = "postgres_database" if request.param == "postgresql" else "sqlite_database"
    test_database: MigratedDatabase = request.getfixturevalue(fixture)
    database = test_database.open()
    with SlackStandIn() as standin:
        for user_id, name, tz in (
            ("UALICE", "alice", "America/New_York"),
            ("UBOB", "bob", "Europe/Berlin"),
        ):
            standin.add_user(user_id, name=name, tz=tz)
        port = free_port()
        process = start_cli(
            "serve", "--http", "--port", str(port), "--host", "127.0.0.1",
            cwd=tmp_path_factory.mktemp("serve"), SLACK_BOT_TOKEN=standin.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=standin.base_url,
            DATABASE_URL=test_database.url,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            slack = SlackClientSimulator(f"{url}/slack/events", SIGNING_SECRET, standin=standin)
            yield ServedApp(url=url, slack=slack, standin=standin, database=database), test_database
        finally:
            process.terminate()
            process.wait(timeout=10)
            database.dispose()


@pytest.fixture
def served_app(served: tuple[ServedApp, MigratedDatabase]) -> Iterator[ServedApp]:
    """The module's served app, with empty tables and no calls recorded yet."""
    app, test_database = served
    test_database.clean(app.database)
    app.standin.clear()
    yield app
    assert app.standin.violations == [], app.standin.violations


def test_signed_help_is_answered_fast(served_app: ServedApp) -> None:
    """A signed /multiplier help gets 200 well inside Slack's 3 s, and usage names /brag and /kudos."""
    started = time.monotonic()
    reply = served_app.slack.slash_command("/multiplier", "help", user_id="UALICE")
    elapsed = time.monotonic() - started
    assert reply.status == 200
    assert elapsed < 1.0
    (call,) = served_app.standin.wait_for("response_url")
    assert "/brag" in call.params["text"] and "/kudos" in call.params["text"]


@pytest.mark.parametrize("forgery", ["unsigned", "wrong_signature", "six_minutes_old"])
def test_forged_requests_are_rejected(served_app: ServedApp, forgery: str) -> None:
    """Unsigned, wrongly signed and stale requests get 401 and change nothing."""
    body = urlencode(
        {
            "command": "/brag",
            "text": "forged",
            "user_id": "UALICE",
            "team_id": "T0001",
            "channel_id": "C1",
            "response_url": served_app.standin.response_url(),
            "trigger_id": "t",
        }
    ).encode()
    kwargs: dict = {"content_type": "application/x-www-form-urlencoded"}
    if forgery == "unsigned":
        kwargs["signature"] = ""
    elif forgery == "wrong_signature":
        kwargs["signature"] = "v0=" + "0" * 64
    else:
        kwargs["timestamp"] = int(time.time()) - 6 * 60
    reply = served_app.slack.raw(body, **kwargs)
    assert reply.status == 401
    served_app.slack.slash_command("/multiplier", "help", user_id="UBOB")  # a later, valid one
    served_app.standin.wait_for("response_url")
    assert all(c.method == "response_url" for c in served_app.standin.calls_to("response_url"))
    assert len(served_app.standin.calls_to("response_url")) == 1
    from sqlalchemy import func, select

    from bot.db.models import EvidenceEntry

    with served_app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(EvidenceEntry)) == 0


def test_health_reports_database_and_version(served_app: ServedApp) -> None:
    """GET /healthz checks the database and reports the version."""
    with urllib.request.urlopen(f"{served_app.url}/healthz", timeout=5) as response:  # noqa: S310
        payload = json.loads(response.read())
    assert payload["status"] == "ok" and payload["database"] == "ok"
    assert payload["version"]


def test_unknown_path_is_404(served_app: ServedApp) -> None:
    """Paths the app does not serve answer 404, not a stack trace."""
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{served_app.url}/admin", timeout=5)  # noqa: S310
    assert error.value.code == 404
