"""Multi-workspace install: Bolt's OAuth flow on our installation and state stores."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.config import Settings
from bot.db.engine import Database
from bot.slack.crypto import TokenCipher
from bot.slack.installations import DatabaseInstallationStore, DatabaseOAuthStateStore
from bot.slack.tokens import TokenRefresher, WorkspaceAuthorize
from bot.workspaces import service as workspaces

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600

# The bot scopes requested at install; tests/slack/test_scopes.py keeps them equal to
# manifest.yml's and to what the code needs (bot/slack/scopes.py).
BOT_SCOPES = (
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "channels:join",
    "files:write",
    "reactions:read",  # React to log: reaction_added / reaction_removed
)


def authorization_url(api_url: str) -> str:
    """Slack's authorize page on the same host as the Web API (GovSlack, local stand-in)."""
    root = api_url.removesuffix("/").removesuffix("/api")
    return f"{root}/oauth/v2/authorize"


@dataclass
class OAuthComponents:
    """What multi-workspace mode adds to the app: stores, token refresher, Bolt settings."""

    installation_store: DatabaseInstallationStore
    state_store: DatabaseOAuthStateStore
    refresher: TokenRefresher
    authorize: WorkspaceAuthorize
    settings: OAuthSettings


def installation_store(settings: Settings, database: Database) -> DatabaseInstallationStore:
    if not (settings.slack_client_id and settings.token_encryption_key):
        raise ValueError("multi-workspace mode needs SLACK_CLIENT_ID and TOKEN_ENCRYPTION_KEY")
    return DatabaseInstallationStore(
        database=database,
        client_id=settings.slack_client_id,
        cipher=TokenCipher(settings.token_encryption_key.get_secret_value()),
    )


def build_oauth(settings: Settings, database: Database) -> OAuthComponents:
    """Bolt's OAuth settings for /slack/install and /slack/oauth_redirect."""
    store = installation_store(settings, database)
    state_store = DatabaseOAuthStateStore(
        database=database, expiration_seconds=STATE_EXPIRATION_SECONDS
    )
    refresher = TokenRefresher(database=database, store=store, settings=settings)

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.team_id:
            with database.session() as session:
                workspaces.mark_installed(
                    session=session,
                    team_id=installation.team_id,
                    enterprise_id=installation.enterprise_id,
                    name=installation.team_name,
                )
        logger.info("installed", extra={"team_id": installation.team_id})
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        logger.warning("install failed: %s", args.reason)
        return args.default.failure(args)

    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        # Straight to Slack's consent page (302) rather than an intermediate "Add to Slack" page.
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=success, failure=failure),
        authorization_url=authorization_url(settings.slack_api_url),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=state_store,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
    )
    return OAuthComponents(
        installation_store=store,
        state_store=state_store,
        refresher=refresher,
        authorize=WorkspaceAuthorize(refresher),
        settings=oauth_settings,
    )
