"""Bot tokens per workspace: looked up in the installation store, refreshed before they expire.

With token rotation enabled, Slack's bot tokens live 12 hours and are refreshed with
`oauth.v2.access` (slack_sdk's TokenRotator). Two processes (web and worker replicas) may
notice an expiring token at once; a refresh holds a lock per installation so only one of them
calls Slack, and the others read the token it saved:
- PostgreSQL: a session-level advisory lock, shared by every process on the database;
- SQLite: a lock in this process. A SQLite deployment is one machine with one web and one
  worker process, and they refresh at different margins (below), so they rarely meet.

The worker refreshes tokens well ahead (`refresh-tokens` job, REFRESH_AHEAD); the request
path only refreshes a token about to expire (REQUEST_MARGIN), so acks almost never wait on
Slack.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import select, text

from bot.config import Settings
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import SlackBot
from bot.slack.client import build_web_client
from bot.slack.installations import DatabaseInstallationStore

logger = logging.getLogger(__name__)

REFRESH_AHEAD = timedelta(hours=2)
REQUEST_MARGIN = timedelta(minutes=10)

# One lock per installation and database in this process (refreshers on one Database share
# them); across processes, PostgreSQL's advisory lock.
_process_locks: dict[tuple[int, int], threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _lock_key(enterprise_id: str | None, team_id: str | None) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, per installation."""
    digest = hashlib.blake2b(
        f"multiplier-token:{enterprise_id or ''}:{team_id or ''}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


class TokenRefresher:
    """The current bot token of an installation, refreshed first when it expires soon."""

    def __init__(
        self, *, database: Database, store: DatabaseInstallationStore, settings: Settings
    ) -> None:
        self.database = database
        self.store = store
        self.rotator = (
            TokenRotator(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret,
                client=build_web_client(settings),
            )
            if settings.slack_client_id and settings.slack_client_secret
            else None
        )
        self.refreshes = 0

    @staticmethod
    def expires_within(bot: Bot, margin: timedelta) -> bool:
        if bot.bot_token_expires_at is None or not bot.bot_refresh_token:
            return False
        return bot.bot_token_expires_at <= (utcnow() + margin).timestamp()

    def bot(
        self, *, enterprise_id: str | None, team_id: str | None, margin: timedelta = REQUEST_MARGIN
    ) -> Bot | None:
        """The installation's bot, with a token valid for at least `margin` where possible."""
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not self.expires_within(bot, margin) or self.rotator is None:
            return bot
        with self._refresh_lock(enterprise_id, team_id):
            # Another process may have refreshed it while we waited for the lock.
            bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
            if bot is None or not self.expires_within(bot, margin):
                return bot
            minutes = max(1, int(margin.total_seconds() // 60))
            refreshed = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=minutes
            )
            if refreshed is None:
                return bot
            self.store.save_bot(refreshed)
            self.refreshes += 1
            logger.info("refreshed the bot token", extra={"team_id": team_id})
            return refreshed

    def expiring(self, margin: timedelta = REFRESH_AHEAD) -> list[tuple[str | None, str | None]]:
        """(enterprise_id, team_id) of installations whose latest bot token expires soon."""
        deadline = utcnow() + margin
        with self.database.session() as session:
            rows = session.execute(
                select(SlackBot.enterprise_id, SlackBot.team_id)
                .where(
                    SlackBot.client_id == self.store.client_id,
                    SlackBot.bot_token_expires_at.is_not(None),
                    SlackBot.bot_token_expires_at <= deadline,
                )
                .distinct()
            ).all()
        return [(row[0], row[1]) for row in rows]

    @contextmanager
    def _refresh_lock(self, enterprise_id: str | None, team_id: str | None) -> Iterator[None]:
        key = _lock_key(enterprise_id, team_id)
        with _process_locks_guard:
            local = _process_locks.setdefault((id(self.database), key), threading.Lock())
        with local:
            if self.database.is_sqlite:
                yield
                return
            with self.database.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()


class WorkspaceAuthorize(Authorize):
    """Bolt's authorize for multi-workspace mode: the installation's bot token, no auth.test.

    Bolt's default (InstallationStoreAuthorize) calls auth.test on every request before the
    ack; everything auth.test would tell us is in the installation row, so acks never wait
    on Slack. A workspace that uninstalled the app has no installation left: None.
    """

    def __init__(self, refresher: TokenRefresher) -> None:
        super().__init__()
        self.refresher = refresher

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        if context.is_enterprise_install:
            team_id = None
        bot = self.refresher.bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
