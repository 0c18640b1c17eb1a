"""A database that stops answering without a reset: requests fail in seconds, then recover.

The proxy in front of PostgreSQL keeps every connection open and accepts new ones, but
swallows every byte (a stuck load balancer, a frozen host): nothing tells the client the
database is gone but time. Before issue 12 a request and /healthz waited on it forever.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError

from bot.db.engine import Database
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app
from tests.support.databases import MigratedDatabase
from tests.support.tcpproxy import TcpProxy

pytestmark = pytest.mark.postgres_only

# DATABASE_CONNECT_TIMEOUT's default is 2 s; a failure may take a little longer than that.
FAIL_FAST_SECONDS = 3.0


def _health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def proxy(test_database: MigratedDatabase) -> Iterator[TcpProxy]:
    target = make_url(test_database.url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def _through(proxy: TcpProxy, test_database: MigratedDatabase) -> str:
    url = make_url(test_database.url).set(port=proxy.port)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def proxied_app(
    proxy: TcpProxy, test_database: MigratedDatabase, database: Database, standin: SlackStandIn
) -> Iterator[RunningApp]:
    url = _through(proxy, test_database)
    proxied = Database(url)
    running = start_app(
        settings=make_settings(standin=standin, database_url=url),
        database=proxied,
        standin=standin,
    )
    try:
        yield running
    finally:
        proxy.forward()
        running.stop()
        proxied.dispose()


def test_requests_and_healthz_fail_fast_in_a_blackhole_then_recover(
    proxied_app: RunningApp, proxy: TcpProxy, standin: SlackStandIn
) -> None:
    app = proxied_app
    # Pooled connections exist: the pool's check of a kept one is what used to hang.
    app.slack.slash_command("/brag", "before the blackhole", user_id="UALICE")
    assert "Logged" in standin.wait_for("response_url")[0].params["text"]
    assert _health(app.url)[0] == 200
    app.wait_idle()
    standin.clear()

    proxy.blackhole()
    started = time.monotonic()
    status, body = _health(app.url)
    assert (status, body["database"]) == (503, "unreachable")
    assert time.monotonic() - started < FAIL_FAST_SECONDS

    started = time.monotonic()
    reply = app.slack.slash_command("/brag", "during the blackhole", user_id="UALICE")
    assert reply.status == 200
    (notice,) = standin.wait_for("response_url", timeout=FAIL_FAST_SECONDS + 5)
    assert time.monotonic() - started < FAIL_FAST_SECONDS, "the apology came too late"
    assert "can't reach its database" in notice.params["text"]
    assert "during the blackhole" in json.dumps(notice.params)  # the typed text, echoed
    app.wait_idle(30)

    proxy.forward()
    standin.clear()
    assert _health(app.url)[0] == 200
    app.slack.slash_command("/brag", "after the blackhole", user_id="UALICE")
    assert "Logged" in standin.wait_for("response_url", timeout=10)[0].params["text"]


def test_a_statement_in_a_transaction_is_bounded(
    proxy: TcpProxy, test_database: MigratedDatabase
) -> None:
    """A transaction under way when the database goes silent fails within its statement
    timeout (and the pool then serves a working connection again)."""
    proxied = Database(_through(proxy, test_database), statement_timeout=1)
    session = proxied.session_factory()
    try:
        session.execute(text("SELECT 1"))
        proxy.blackhole()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="did not answer"):
            session.execute(text("SELECT 2"))
        assert time.monotonic() - started < FAIL_FAST_SECONDS
        session.close()
        proxy.forward()
        with proxied.session() as fresh:
            assert fresh.scalar(text("SELECT 3")) == 3
    finally:
        proxy.forward()
        session.close()
        proxied.dispose()


def test_the_server_cancels_a_slow_statement(test_database: MigratedDatabase) -> None:
    """DATABASE_STATEMENT_TIMEOUT is also the server's bound; the connection stays usable."""
    db = Database(test_database.url, statement_timeout=1)
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"), db.session() as session:
            session.execute(text("SELECT pg_sleep(10)"))
        assert time.monotonic() - started < FAIL_FAST_SECONDS
        with db.session() as session:
            assert session.scalar(text("SELECT 1")) == 1
    finally:
        db.dispose()
