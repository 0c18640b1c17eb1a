"""The app under test: the real Bolt app behind the real HTTP server, Slack played locally."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.app import MultiplierApp, create_app
from bot.config import Settings, load_settings
from bot.db.engine import Database
from bot.web import WebServer
from standin.signing import SlackClientSimulator
from standin.webapi import SlackStandIn

SIGNING_SECRET = "test-signing-secret"


def make_settings(*, standin: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: never read from the developer's environment or .env."""
    values: dict[str, Any] = {
        "slack_bot_token": standin.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": None,
        "slack_client_id": None,
        "slack_client_secret": None,
        "slack_api_url": standin.base_url,
        "database_url": database_url,
        "web_threads": 8,
    }
    values.update(overrides)
    return load_settings(_env_file=None, **values)


@dataclass
class RunningApp:
    """The app serving HTTP on a local port, with Slack's side played by `slack`."""

    app: MultiplierApp
    server: WebServer
    slack: SlackClientSimulator
    standin: SlackStandIn
    database: Database

    @property
    def url(self) -> str:
        return self.server.url

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until every listener that runs after its ack is done."""
        assert self.app.wait_idle(timeout), "listeners still running after timeout"

    def stop(self) -> None:
        # Close Slack's keep-alive connections first: open channels keep waitress's loop
        # (and so every teardown) waiting for its 5 s join timeout.
        self.slack.close()
        self.server.stop()
        self.app.executor.wait_idle(10)
        self.app.close()


def start_app(*, settings: Settings, database: Database, standin: SlackStandIn) -> RunningApp:
    app = create_app(settings=settings, database=database)
    server = WebServer(app, host="127.0.0.1", port=0, threads=settings.web_threads).start()
    slack = SlackClientSimulator(
        f"{server.url}/slack/events", SIGNING_SECRET, standin=standin, team_id=standin.team_id
    )
    return RunningApp(app=app, server=server, slack=slack, standin=standin, database=database)
