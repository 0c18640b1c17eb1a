"""The bot scopes the app needs, derived from what it does (and nothing more).

Each Web API method the code calls, each event it subscribes to and its slash commands and
shortcuts need certain scopes; `tests/slack/test_scopes.py` finds the methods by reading the
code and checks that manifest.yml and the OAuth install ask for exactly `required_scopes`.
A new Web API call therefore needs an entry here (and, if it needs a new scope, a manifest
change), and a scope no call needs any more is noticed.
"""

from __future__ import annotations

from collections.abc import Iterable

# Web API method → every scope it needs as this app uses it (Slack asks for one scope per
# kind of conversation: DMs `im:`, public channels `channels:`, private ones `groups:`).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "oauth.v2.access": (),
    "chat.postMessage": ("chat:write",),  # DMs, and digest channels the bot has joined
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.open": ("im:write",),  # a DM with one user
    # Reading back our own posts: check-ins and summaries in DMs, digests in channels.
    "conversations.history": ("im:history", "channels:history", "groups:history"),
    # A reacted-to thread reply (React to log), or a thanked message in a thread read when its
    # owner logs the suggestion; in a channel the bot is in.
    "conversations.replies": ("channels:history", "groups:history"),
    # Digest channels, public or private (never called on DMs: no im:read).
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.join": ("channels:join",),  # `digest add` on a public channel
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "views.open": (),
    "views.publish": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}

# Event (as the manifest names it) → the scopes Slack requires to deliver it.
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "app_home_opened": (),
    "app_uninstalled": (),
    "tokens_revoked": (),
    "message.im": ("im:history",),
    "message.channels": ("channels:history",),
    "user_change": ("users:read",),
    # The app removed from a digest channel (public, private).
    "channel_left": ("channels:read",),
    "group_left": ("groups:read",),
    # React to log: capture-emoji reactions in channels the bot is in.
    "reaction_added": ("reactions:read",),
    "reaction_removed": ("reactions:read",),
}

# slack_sdk helpers that are several Web API calls.
COMPOSITE_METHODS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}


def api_method(client_method: str) -> tuple[str, ...]:
    """The Web API methods behind a slack_sdk WebClient method name (chat_postMessage …)."""
    if client_method in COMPOSITE_METHODS:
        return COMPOSITE_METHODS[client_method]
    return (client_method.replace("_", "."),)


def required_scopes(
    *, methods: Iterable[str], events: Iterable[str], interactive: bool
) -> set[str]:
    """Every scope needed for these Web API methods and events (and `commands` for slash
    commands and shortcuts). KeyError for a method or event this module does not know."""
    needed: set[str] = {"commands"} if interactive else set()
    for method in methods:
        needed.update(METHOD_SCOPES[method])
    for event in events:
        needed.update(EVENT_SCOPES[event])
    return needed
