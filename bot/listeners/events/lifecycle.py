"""Uninstall and token revocation: stop sending, forget tokens, schedule the data's deletion.

Bolt's `enable_token_revocation_listeners()` registers its own listeners for these two
events, and Bolt runs only the first listener that matches an event, so ours would never run
beside them. These listeners do our clean-up and then remove the installation's tokens
through the installation store's public API, as Bolt's built-in listeners would.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk.oauth.installation_store import InstallationStore

from bot.db.base import utcnow
from bot.listeners.support import db, settings
from bot.workspaces import flows

logger = logging.getLogger(__name__)


def _retention(context: BoltContext) -> timedelta:
    return timedelta(days=settings(context).data_retention_days)


def _forget_installation(store: InstallationStore | None, context: BoltContext) -> None:
    """The workspace uninstalled the app: every token it gave goes."""
    if store is not None:
        store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)


def _forget_tokens(
    store: InstallationStore | None, context: BoltContext, tokens: dict[str, Any]
) -> None:
    """Revoked tokens go: each user's, and the bot's when it was revoked."""
    if store is None:
        return
    for user_id in tokens.get("oauth") or []:
        store.delete_installation(
            enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
        )
    if tokens.get("bot"):
        store.delete_bot(enterprise_id=context.enterprise_id, team_id=context.team_id)


def app_uninstalled(app: App):
    store = app.installation_store

    def handle_app_uninstalled(context: BoltContext) -> None:
        """Nothing more goes to this workspace; its data goes after the retention period."""
        team_id = context.team_id or context.enterprise_id
        if not team_id:
            return
        retention = _retention(context)
        flows.uninstalled(session=db(context), team_id=team_id, now=utcnow(), retention=retention)
        logger.info("uninstalled; data kept for %s day(s)", retention.days)
        _forget_installation(store, context)

    return handle_app_uninstalled


def tokens_revoked(app: App):
    store = app.installation_store

    def handle_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        """Users who revoked access get nothing more; a revoked bot token stops the workspace."""
        team_id = context.team_id or context.enterprise_id
        if not team_id:
            return
        tokens = event.get("tokens") or {}
        user_ids = [str(u) for u in tokens.get("oauth") or []]
        revoked = flows.tokens_revoked(
            session=db(context),
            team_id=team_id,
            slack_user_ids=user_ids,
            bot=bool(tokens.get("bot")),
            now=utcnow(),
            retention=_retention(context),
        )
        logger.info("tokens revoked for %d user(s), bot: %s", revoked, bool(tokens.get("bot")))
        _forget_tokens(store, context, tokens)

    return handle_tokens_revoked
