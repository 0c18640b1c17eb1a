"""App factory: the Bolt app with its middleware, error handler and listeners."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.coaching.library import CoachingLibrary, default_library
from bot.config import Settings
from bot.db.engine import Database
from bot.errors import handle_error
from bot.home.service import HomeRefresher, start_home_refresher, uninstall_refresher
from bot.listeners import Registrar
from bot.listeners.groups import register_all
from bot.middleware import (
    SessionClosingExecutor,
    database_session,
    deduplicate_events,
    one_workspace,
    request_context,
)
from bot.scheduling.jobs import JobContext
from bot.slack.client import build_web_client
from bot.slack.oauth import OAuthComponents, build_oauth
from bot.slack.single_workspace import KnownTokenWorkspace


@dataclass
class MultiplierApp:
    """The built Bolt app and what it was built with."""

    bolt: App
    settings: Settings
    database: Database
    registrar: Registrar
    executor: SessionClosingExecutor
    library: CoachingLibrary | None = None
    home_refresher: HomeRefresher | None = None
    # Multi-workspace mode (SLACK_CLIENT_ID/SECRET): the installation store, token refresher.
    oauth: OAuthComponents | None = None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the listeners that run after their acks are done (tests, sandbox)."""
        return self.executor.wait_idle(timeout)

    def close(self) -> None:
        """Wait for every listener in hand (each acked request's work), then stop."""
        self.executor.shutdown(wait=True, cancel_futures=False)
        if self.home_refresher is not None:
            self.home_refresher.close()
            uninstall_refresher(self.database, self.home_refresher)


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

    Plain Bolt: each listener acks, then does its work on the listener executor; Bolt
    answers Slack at the ack (`process_before_response=False`).
    """
    settings.require_slack(socket_mode=socket_mode)
    # Validated before anything else: a broken prompt file stops start-up with a
    # LibraryError naming the file and the entry.
    library = default_library(settings.prompts_dir)
    # Listeners ack from this pool, so it must have a free thread even while earlier
    # listeners wait on a slow Web API or database after their acks (threads are started
    # on demand). The database pool is sized from the same settings (Settings.database_pool).
    executor = SessionClosingExecutor(database, max_workers=settings.listener_threads)
    oauth = build_oauth(settings, database) if settings.oauth_enabled else None
    token = None if oauth else settings.slack_bot_token
    web_client = client or build_web_client(settings, token=token)
    quiet_bolt_token_notice()
    bolt = App(
        client=web_client,
        token=token,
        # Socket Mode payloads arrive over an authenticated websocket and carry no signature.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=verify_token,
        oauth_settings=oauth.settings if oauth else None,
        # Bolt uses an Authorize instance as it is (App.__init__ checks isinstance), and
        # Authorize may answer None; its hint names only callables returning a result.
        authorize=oauth.authorize if oauth else None,  # type: ignore[arg-type]
        before_authorize=request_context(settings),
        listener_executor=executor,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    token_workspace = KnownTokenWorkspace(token) if token else None
    if token_workspace is not None:
        # First: a request for another team stores nothing, not even its event id.
        bolt.use(one_workspace(token_workspace))
    bolt.use(database_session(database, settings))
    bolt.use(deduplicate_events(database))
    bolt.error(handle_error)
    registrar = Registrar(app=bolt, settings=settings)
    register_all(registrar)
    home_refresher = start_home_refresher(
        JobContext(database=database, settings=settings, worker_id="web"), client=client
    )
    if token_workspace is not None and verify_token:
        _reactivate_token_workspace(web_client, token_workspace, database)
    return MultiplierApp(
        bolt=bolt,
        settings=settings,
        database=database,
        registrar=registrar,
        executor=executor,
        library=library,
        home_refresher=home_refresher,
        oauth=oauth,
    )


class _DropMessage(logging.Filter):
    """Drops log records with exactly this message."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.message


def quiet_bolt_token_notice() -> None:
    """Drop Bolt's "As you gave `client` as well, `token` will be unused" (idempotent).

    Our client carries that very token; and given none, Bolt reads SLACK_BOT_TOKEN from the
    environment and says it anyway, at every start. Only that one message is dropped.
    """
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    bolt_logger = logging.getLogger("slack_bolt.App")
    message = warning_client_prioritized_and_token_skipped()
    if not any(isinstance(f, _DropMessage) and f.message == message for f in bolt_logger.filters):
        bolt_logger.addFilter(_DropMessage(message))


def _reactivate_token_workspace(
    client: WebClient, token_workspace: KnownTokenWorkspace, database: Database
) -> None:
    """Single-workspace mode: a token that works means the app is installed (again)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.workspaces import service as workspaces

    team_id = token_workspace.remember(client.auth_test(token=token_workspace.token)).team_id
    if not team_id:
        return
    try:
        with database.session() as session:
            workspace = workspaces.get_workspace(session=session, team_id=team_id)
            if workspace is not None and not workspace.active:
                workspaces.mark_installed(session=session, team_id=team_id)
    except SQLAlchemyError:  # the database may be down at start-up; requests will say so
        logging.getLogger(__name__).warning("could not check the workspace at start-up")
