"""The app factory builds the Bolt app for HTTP mode and for Socket Mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import SettingsError, load_settings
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.scheduling.jobs import JobContext
from tests.support.apps import RunningApp


def _settings(tmp_path: Path, **values: object):
    base: dict[str, object] = {
        "slack_bot_token": "xoxb-test",
        "slack_api_url": "http://127.0.0.1:9/api/",
        "database_url": f"sqlite:///{tmp_path / 'f.db'}",
    }
    base.update(values)
    return load_settings(_env_file=None, **base)


def test_http_mode_verifies_signatures(tmp_path: Path) -> None:
    """HTTP mode needs the signing secret and uses SLACK_API_URL for its Web API client."""
    settings = _settings(tmp_path, slack_signing_secret="s")
    app = create_app(
        settings=settings, database=Database(settings.database_url), verify_token=False
    )
    try:
        assert app.bolt.client.base_url == "http://127.0.0.1:9/api/"
    finally:
        app.close()
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        create_app(
            settings=_settings(tmp_path),
            database=Database(settings.database_url),
            verify_token=False,
        )


def test_socket_mode_needs_no_signing_secret(tmp_path: Path) -> None:
    """Socket Mode builds without a signing secret (payloads arrive over the websocket)."""
    settings = _settings(tmp_path, slack_app_token="xapp-1-test")
    app = create_app(
        settings=settings,
        database=Database(settings.database_url),
        verify_token=False,
        socket_mode=True,
    )
    try:
        assert app.bolt.client.base_url == "http://127.0.0.1:9/api/"
        assert app.registrar.commands == {"/brag", "/kudos", "/multiplier"}
    finally:
        app.close()


def test_command_names_are_configurable(tmp_path: Path) -> None:
    """Renamed slash commands are the ones registered, so a clash in a workspace is avoidable."""
    settings = _settings(
        tmp_path, slack_signing_secret="s", command_brag="/mbrag", command_kudos="/mkudos"
    )
    app = create_app(
        settings=settings, database=Database(settings.database_url), verify_token=False
    )
    try:
        assert app.registrar.commands == {"/mbrag", "/mkudos", "/multiplier"}
    finally:
        app.close()


def test_job_clients_use_the_configured_api_url(tmp_path: Path) -> None:
    """Clients built for scheduled jobs also go to SLACK_API_URL (GovSlack, the stand-in)."""
    settings = _settings(tmp_path)
    database = Database(settings.database_url)
    upgrade(database.engine)  # client_for checks that the workspace is still active
    ctx = JobContext(database=database, settings=settings)
    assert ctx.client_for().base_url == "http://127.0.0.1:9/api/"
    assert ctx.client_for().token == "xoxb-test"


def test_building_the_app_is_quiet(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A normal start logs no warning (Bolt's "`token` will be unused" came at every start),
    and the bot token is still the one the app calls Slack with."""
    # As in production, where Bolt also reads it from the environment.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    settings = _settings(tmp_path, slack_signing_secret="s")
    database = Database(settings.database_url)
    upgrade(database.engine)
    with caplog.at_level(logging.WARNING):
        app = create_app(settings=settings, database=database, verify_token=False)
        app.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert app.bolt.client.token == "xoxb-test"


@pytest.mark.parametrize("web_threads", [1, 8, 16])
def test_database_pool_is_sized_from_the_threads(tmp_path: Path, web_threads: int) -> None:
    """Every thread of the web process that may use the database can hold a connection at
    once (issue 12: 64 listener threads shared 30 connections, so a burst waited them out)."""
    from bot.__main__ import _open_database

    settings = _settings(tmp_path, slack_signing_secret="s", web_threads=web_threads)
    database = _open_database(settings, process="web")
    app = create_app(settings=settings, database=database, verify_token=False)
    try:
        listeners = app.executor._max_workers
        assert listeners == settings.listener_threads == 4 * web_threads
        threads = web_threads + listeners
        pool = database.engine.pool
        assert pool.size() + pool._max_overflow >= threads  # type: ignore[attr-defined]
        assert pool.size() + pool._max_overflow == settings.database_pool("web").most  # type: ignore[attr-defined]
    finally:
        app.close()
        database.dispose()


def test_worker_pool_covers_its_sending_threads(tmp_path: Path) -> None:
    settings = _settings(tmp_path, slack_send_threads=12)
    pool = settings.database_pool("worker")
    assert pool.most >= 12 + 1  # and the scheduler's
    assert 0 < pool.kept <= pool.most


def test_stopping_the_web_server_twice_is_harmless(running_app: RunningApp) -> None:
    """A second stop (a shutdown path and a test's teardown both stopping) finds the loop
    closed and returns (failed before, now and then: OSError, bad file descriptor)."""
    running_app.server.stop()
    assert not running_app.server.running
    running_app.server.stop()
    assert not running_app.server.running
