"""Events API subscriptions."""

from __future__ import annotations

from bot.listeners import Registrar


def register(registrar: Registrar) -> None:
    from bot.listeners.events import (
        app_home_opened,
        channel_left,
        channel_message,
        direct_message,
        lifecycle,
        reactions,
        user_change,
    )

    registrar.event("app_home_opened", app_home_opened.handle_app_home_opened)
    registrar.event("message.im", direct_message.handle_direct_message)
    # Public channels only (thanks suggestions); never message.groups or message.mpim.
    registrar.event("message.channels", channel_message.handle_channel_message)
    registrar.event("user_change", user_change.handle_user_change)
    registrar.event("app_uninstalled", lifecycle.app_uninstalled(registrar.app))
    registrar.event("tokens_revoked", lifecycle.tokens_revoked(registrar.app))
    # Removed from a channel (public, private): its digest stops and its admin is told.
    registrar.event("channel_left", channel_left.handle_channel_left)
    registrar.event("group_left", channel_left.handle_channel_left)
    # React to log (issue 18).
    registrar.event("reaction_added", reactions.handle_reaction_added)
    registrar.event("reaction_removed", reactions.handle_reaction_removed)
