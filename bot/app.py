"""App factory: the Bolt app with its middleware, error handler and listeners."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.db.engine import Database
from bot.errors import handle_error
from bot.home.service import HomeRefresher, install_refresher, make_publisher, uninstall_refresher
from bot.listeners import Registrar, register_all
from bot.middleware import SessionClosingExecutor, database_session, deduplicate_events
from bot.slack.client import build_web_client


@dataclass
class MultiplierApp:
    """The built Bolt app and what it was built with."""

    bolt: App
    settings: Settings
    database: Database
    registrar: Registrar
    executor: SessionClosingExecutor
    home_refresher: HomeRefresher | None = None

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)
        if self.home_refresher is not None:
            self.home_refresher.close()
            uninstall_refresher(self.database.engine, self.home_refresher)


def create_app(
    *,
    settings: Settings,
    database: Database,
    client: WebClient | None = None,
    verify_token: bool = True,
    socket_mode: bool = False,
) -> MultiplierApp:
    """Build the Bolt app for HTTP mode or Socket Mode."""
    settings.require_slack(socket_mode=socket_mode)
    executor = SessionClosingExecutor(database, max_workers=settings.web_threads)
    web_client = client or build_web_client(settings, token=settings.slack_bot_token)
    bolt = App(
        client=web_client,
        token=settings.slack_bot_token,
        # Socket Mode payloads arrive over an authenticated websocket and carry no signature.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=verify_token,
        listener_executor=executor,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    bolt.use(database_session(database, settings))
    bolt.use(deduplicate_events(database))
    bolt.error(handle_error)
    registrar = Registrar(app=bolt, settings=settings)
    register_all(registrar)
    home_refresher = _home_refresher(settings, database, web_client)
    return MultiplierApp(
        bolt=bolt,
        settings=settings,
        database=database,
        registrar=registrar,
        executor=executor,
        home_refresher=home_refresher,
    )


def _home_refresher(settings: Settings, database: Database, client: WebClient) -> HomeRefresher:
    """Republish Home tabs after data changes, coalesced (see bot.home.service)."""
    from bot.coaching.library import default_library
    from bot.ui.messages import CommandNames

    publish = make_publisher(
        database=database,
        client=client,
        library=lambda: default_library(settings.prompts_dir),
        names=CommandNames(
            brag=settings.command_brag,
            kudos=settings.command_kudos,
            multiplier=settings.command_multiplier,
        ),
    )
    refresher = HomeRefresher(publish, delay=settings.home_refresh_delay_seconds)
    install_refresher(database.engine, refresher)
    return refresher
