"""App factory: the Bolt app with its middleware, error handler and listeners."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.db.engine import Database
from bot.errors import handle_error
from bot.home.service import HomeRefresher, install_refresher, make_publisher, uninstall_refresher
from bot.listeners import Registrar, register_all
from bot.middleware import (
    SessionClosingExecutor,
    database_session,
    deduplicate_events,
    request_context,
)
from bot.slack.client import build_web_client
from bot.slack.oauth import OAuthComponents, build_oauth


@dataclass
class MultiplierApp:
    """The built Bolt app and what it was built with."""

    bolt: App
    settings: Settings
    database: Database
    registrar: Registrar
    executor: SessionClosingExecutor
    home_refresher: HomeRefresher | None = None
    # Multi-workspace mode (SLACK_CLIENT_ID/SECRET): the installation store, token refresher.
    oauth: OAuthComponents | None = None

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
    """Build the Bolt app for HTTP mode or Socket Mode.

    With SLACK_CLIENT_ID/SECRET set the app is multi-workspace: Bolt's OAuth flow serves
    /slack/install and /slack/oauth_redirect, and each request's bot token comes from the
    installation store. Otherwise SLACK_BOT_TOKEN serves one workspace.
    """
    settings.require_slack(socket_mode=socket_mode)
    # Listeners ack from this pool, so it must have a free thread even while earlier
    # listeners wait on a slow Web API after their acks (threads are started on demand).
    executor = SessionClosingExecutor(database, max_workers=max(64, settings.web_threads * 4))
    oauth = build_oauth(settings, database) if settings.oauth_enabled else None
    token = None if oauth else settings.slack_bot_token
    web_client = client or build_web_client(settings, token=token)
    bolt = App(
        client=web_client,
        token=token,
        # Socket Mode payloads arrive over an authenticated websocket and carry no signature.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=verify_token,
        oauth_settings=oauth.settings if oauth else None,
        authorize=oauth.authorize if oauth else None,
        before_authorize=request_context,
        listener_executor=executor,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    bolt.use(database_session(database, settings))
    bolt.use(deduplicate_events(database))
    bolt.error(handle_error)
    registrar = Registrar(app=bolt, settings=settings)
    register_all(registrar)
    home_refresher = _home_refresher(settings, database, client)
    if token and verify_token:
        _reactivate_token_workspace(web_client, token, database)
    return MultiplierApp(
        bolt=bolt,
        settings=settings,
        database=database,
        registrar=registrar,
        executor=executor,
        home_refresher=home_refresher,
        oauth=oauth,
    )


def _home_refresher(
    settings: Settings, database: Database, client: WebClient | None
) -> HomeRefresher:
    """Republish Home tabs after data changes, coalesced (see bot.home.service)."""
    from bot.coaching.library import default_library
    from bot.scheduling.jobs import JobContext
    from bot.ui.messages import CommandNames

    clients = JobContext(database=database, settings=settings, worker_id="web")

    def client_for(team_id: str) -> WebClient:
        # An injected client (tests, the sandbox) serves every workspace; otherwise each
        # workspace's own token, and nothing for a workspace that uninstalled the app.
        return client if client is not None else clients.client_for(team_id)

    publish = make_publisher(
        database=database,
        client_for=client_for,
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


def _reactivate_token_workspace(client: WebClient, token: str, database: Database) -> None:
    """Single-workspace mode: a token that works means the app is installed (again)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.workspaces import service as workspaces

    team_id = client.auth_test(token=token).get("team_id")
    if not team_id:
        return
    try:
        with database.session() as session:
            workspace = workspaces.get_workspace(session=session, team_id=team_id)
            if workspace is not None and not workspace.active:
                workspaces.mark_installed(session=session, team_id=team_id)
    except SQLAlchemyError:  # the database may be down at start-up; requests will say so
        logging.getLogger(__name__).warning("could not check the workspace at start-up")
