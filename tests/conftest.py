"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

Outside CI a machine without PostgreSQL runs the SQLite half and says so in the summary;
with CI=true a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.db.engine import Database
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app
from tests.support.databases import (
    POSTGRES_URL,
    MigratedDatabase,
    create_postgres,
    create_sqlite,
    drop_postgres,
    postgres_problem,
)
from tests.support.progress import ProgressLine
from tests.support.progress import wanted as progress_line_wanted

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_postgres_skip_reason: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    if progress_line_wanted(config):
        config.pluginmanager.register(ProgressLine(config), "multiplier-progress-line")
    problem = postgres_problem()
    if problem is None:
        return
    if IN_CI:
        raise pytest.UsageError(
            f"CI=true but PostgreSQL at {POSTGRES_URL} is unreachable ({problem}); "
            "the PostgreSQL half of the suite cannot be skipped in CI."
        )
    _postgres_skip_reason.append(problem)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres_skip_reason:
        terminalreporter.write_sep(
            "!",
            f"PostgreSQL not reachable at {POSTGRES_URL} ({_postgres_skip_reason[0]}): "
            "ran the SQLite half only",
            yellow=True,
            bold=True,
        )
    else:
        terminalreporter.write_line("Database tests ran on SQLite and on PostgreSQL.")


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> MigratedDatabase:
    return create_sqlite(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[MigratedDatabase]:
    if _postgres_skip_reason:
        pytest.skip(f"PostgreSQL not reachable: {_postgres_skip_reason[0]}")
    test_database = create_postgres()
    yield test_database
    drop_postgres(test_database)


@pytest.fixture(params=["sqlite", "postgresql"])
def test_database(request: pytest.FixtureRequest) -> MigratedDatabase:
    """The migrated database of one backend; tests using it run once per backend."""
    if request.param == "postgresql":
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("SQLite-specific test")
        return request.getfixturevalue("postgres_database")
    if request.node.get_closest_marker("postgres_only"):
        pytest.skip("needs PostgreSQL")
    return request.getfixturevalue("sqlite_database")


@pytest.fixture
def database(test_database: MigratedDatabase) -> Iterator[Database]:
    """A Database on an empty schema; every row is deleted again after the test."""
    db = test_database.open()
    test_database.clean(db)
    try:
        yield db
    finally:
        test_database.clean(db)
        db.dispose()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    """The Slack Web API stand-in with a few users; fails the test on any Block Kit breach."""
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice", tz="America/New_York")
        server.add_user("UBOB", name="bob", tz="Europe/Berlin")
        server.add_user("UCAROL", name="carol", tz="Asia/Kolkata", is_admin=True)
        yield server
        assert server.violations == [], f"Block Kit / safety violations: {server.violations}"


@pytest.fixture
def running_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The real app over HTTP on a local port, against the stand-in and the test database."""
    settings = make_settings(standin=standin, database_url=database.url)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()
