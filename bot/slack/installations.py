"""Slack OAuth installation and state stores on our own tables, with tokens encrypted.

slack_sdk ships SQLAlchemy stores, but we do not use them: their modules import
`sqlalchemy.ext.asyncio`, which on SQLAlchemy 2.1 needs greenlet even for the sync store;
their tables keep tokens in clear in String(200) columns (too short for a ciphertext); and the
state store's consume is a select-then-delete that two concurrent redirects can both pass.
These implement the same slack_sdk interfaces (so Bolt's OAuth flow, authorize and token
revocation listeners use them unchanged) on the models in bot.db.models.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from bot.db.base import rowcount, utcnow
from bot.db.engine import Database
from bot.db.models import SlackBot, SlackInstallation, SlackOAuthState
from bot.slack.crypto import TokenCipher

logger = logging.getLogger(__name__)

_INSTALLATION_SECRETS = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
    "incoming_webhook_url",
)
_BOT_SECRETS = ("bot_token", "bot_refresh_token")
_INSTALLATION_COLUMNS = {c.key for c in SlackInstallation.__table__.columns} - {"id"}
_BOT_COLUMNS = {c.key for c in SlackBot.__table__.columns} - {"id"}
_TIMESTAMPS = ("installed_at", "bot_token_expires_at", "user_token_expires_at")


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class DatabaseInstallationStore(InstallationStore):
    """slack_sdk's InstallationStore on our tables; secrets are encrypted at rest."""

    def __init__(self, *, database: Database, client_id: str, cipher: TokenCipher) -> None:
        self.database = database
        self.client_id = client_id
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return logger

    # ---------------------------------------------------------------- writing

    def _row_values(self, data: dict[str, Any], columns: set[str], secrets_: tuple[str, ...]):
        values = {k: _aware(v) for k, v in data.items() if k in columns}
        values["client_id"] = self.client_id
        values["app_id"] = values.get("app_id") or ""
        values["is_enterprise_install"] = bool(values.get("is_enterprise_install"))
        for key in secrets_:
            values[key] = self.cipher.encrypt(values.get(key))
        return values

    def save(self, installation: Installation) -> None:
        values = self._row_values(
            installation.to_dict(), _INSTALLATION_COLUMNS, _INSTALLATION_SECRETS
        )
        values["user_id"] = values.get("user_id") or ""
        self._upsert(
            SlackInstallation,
            values,
            self._scope(SlackInstallation, installation.enterprise_id, installation.team_id),
            SlackInstallation.installed_at == values["installed_at"],
            SlackInstallation.user_id == values["user_id"],
        )
        self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        values = self._row_values(bot.to_dict(), _BOT_COLUMNS, _BOT_SECRETS)
        self._upsert(
            SlackBot,
            values,
            self._scope(SlackBot, bot.enterprise_id, bot.team_id),
            SlackBot.installed_at == values["installed_at"],
        )

    def _upsert(
        self, model: type[SlackInstallation | SlackBot], values: dict[str, Any], *where: Any
    ) -> None:
        """The row `where` picks takes `values`; a new one when there is none."""
        with self.database.session() as session:
            row = session.scalars(select(model).where(*where)).first()
            if row is None:
                session.add(model(**values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)

    # ---------------------------------------------------------------- reading

    def _scope(self, model: Any, enterprise_id: str | None, team_id: str | None):
        def equal(column: Any, value: str | None):
            return column.is_(None) if value is None else column == value

        return and_(
            model.client_id == self.client_id,
            equal(model.enterprise_id, enterprise_id),
            equal(model.team_id, team_id),
        )

    def _bot_entity(self, row: SlackBot) -> Bot:
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            enterprise_name=row.enterprise_name,
            team_id=row.team_id,
            team_name=row.team_name,
            bot_token=self.cipher.decrypt(row.bot_token) or "",
            bot_id=row.bot_id or "",
            bot_user_id=row.bot_user_id or "",
            bot_scopes=row.bot_scopes or "",
            bot_refresh_token=self.cipher.decrypt(row.bot_refresh_token),
            bot_token_expires_at=row.bot_token_expires_at,
            is_enterprise_install=row.is_enterprise_install,
            installed_at=row.installed_at,
        )

    def _installation_entity(self, row: SlackInstallation) -> Installation:
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url,
            team_id=row.team_id,
            team_name=row.team_name,
            bot_token=self.cipher.decrypt(row.bot_token),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes or "",
            bot_refresh_token=self.cipher.decrypt(row.bot_refresh_token),
            bot_token_expires_at=row.bot_token_expires_at,
            user_id=row.user_id,
            user_token=self.cipher.decrypt(row.user_token),
            user_scopes=row.user_scopes or "",
            user_refresh_token=self.cipher.decrypt(row.user_refresh_token),
            user_token_expires_at=row.user_token_expires_at,
            incoming_webhook_url=self.cipher.decrypt(row.incoming_webhook_url),
            incoming_webhook_channel=row.incoming_webhook_channel,
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=row.incoming_webhook_configuration_url,
            is_enterprise_install=row.is_enterprise_install,
            token_type=row.token_type,
            installed_at=row.installed_at,
        )

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        with self.database.read_session() as session:
            row = self._latest_bot(session, enterprise_id, team_id)
            return self._bot_entity(row) if row is not None else None

    def _latest_bot(
        self, session: Session, enterprise_id: str | None, team_id: str | None
    ) -> SlackBot | None:
        return session.scalars(
            select(SlackBot)
            .where(self._scope(SlackBot, enterprise_id, team_id), SlackBot.bot_token.is_not(None))
            .order_by(SlackBot.installed_at.desc(), SlackBot.id.desc())
            .limit(1)
        ).first()

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        query = select(SlackInstallation).where(
            self._scope(SlackInstallation, enterprise_id, team_id)
        )
        if user_id is not None:
            query = query.where(SlackInstallation.user_id == user_id)
        query = query.order_by(
            SlackInstallation.installed_at.desc(), SlackInstallation.id.desc()
        ).limit(1)
        with self.database.read_session() as session:
            row = session.scalars(query).first()
            installation = self._installation_entity(row) if row is not None else None
            if installation is None:
                return None
            if user_id is not None or installation.bot_token is None:
                # The latest bot token may come from a later installation (or a refresh).
                bot_row = self._latest_bot(session, enterprise_id, team_id)
                if bot_row is not None:
                    bot = self._bot_entity(bot_row)
                    if bot.bot_token != installation.bot_token:
                        installation.bot_id = bot.bot_id
                        installation.bot_user_id = bot.bot_user_id
                        installation.bot_token = bot.bot_token
                        installation.bot_scopes = bot.bot_scopes
                        installation.bot_refresh_token = bot.bot_refresh_token
                        installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    # ---------------------------------------------------------------- deleting

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with self.database.session() as session:
            session.execute(delete(SlackBot).where(self._scope(SlackBot, enterprise_id, team_id)))

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        statement = delete(SlackInstallation).where(
            self._scope(SlackInstallation, enterprise_id, team_id)
        )
        if user_id is not None:
            statement = statement.where(SlackInstallation.user_id == user_id)
        with self.database.session() as session:
            session.execute(statement)


class DatabaseOAuthStateStore(OAuthStateStore):
    """OAuth `state` values, each usable once before it expires."""

    def __init__(self, *, database: Database, expiration_seconds: int) -> None:
        self.database = database
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return logger

    @staticmethod
    def _now() -> datetime:
        return utcnow()

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        expire_at = self._now() + timedelta(seconds=self.expiration_seconds)
        with self.database.session() as session:
            session.execute(delete(SlackOAuthState).where(SlackOAuthState.expire_at < self._now()))
            session.add(SlackOAuthState(state=state, expire_at=expire_at))
        return state

    def consume(self, state: str) -> bool:
        """True once for a state we issued that has not expired; a single atomic delete."""
        if not state or len(state) > 200:
            return False
        with self.database.session() as session:
            result = session.execute(
                delete(SlackOAuthState).where(
                    SlackOAuthState.state == state, SlackOAuthState.expire_at > self._now()
                )
            )
            return rowcount(result) == 1
