"""Slack surfaces. Each group registers its listeners through one Registrar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

from bot.config import Settings
from bot.errors import handle_error
from bot.slack.bolt_compat import Handler, keep_ack_on_failure


def guard_after_ack(handler: Handler) -> Handler:
    """The listener, with a failure after its ack() handed to the one error handler."""
    return keep_ack_on_failure(handler, handle_error)


# Manifest event names that Bolt receives as a `message` event in a given channel type.
_MESSAGE_EVENTS = {"message.im": "im", "message.channels": "channel", "message.groups": "group"}


@dataclass
class Registrar:
    """Registers listeners on the Bolt app and remembers what it registered.

    The record is compared against manifest.yml in a test, so the Slack app definition and
    the code cannot drift apart.
    """

    app: App
    settings: Settings
    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    shortcuts: set[str] = field(default_factory=set)
    # Message shortcuts: callback id → the name Slack shows in a message's "⋯" menu.
    shortcut_names: dict[str, str] = field(default_factory=dict)
    actions: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)

    def command(self, name: str, handler: Handler) -> None:
        """Register a slash command: its listener acks, then does the work (plain Bolt)."""
        self.commands.add(name)
        self.app.command(name)(guard_after_ack(handler))

    def event(self, manifest_name: str, handler: Handler) -> None:
        """Register for an event by the name the manifest subscribes to (e.g. message.im)."""
        self.events.add(manifest_name)
        channel_type = _MESSAGE_EVENTS.get(manifest_name)
        if channel_type is None:
            self.app.event(manifest_name)(handler)
            return

        def in_channel_type(event: dict[str, Any]) -> bool:
            return event.get("channel_type") == channel_type

        self.app.event("message", matchers=[in_channel_type])(handler)

    def shortcut(self, callback_id: str, handler: Handler, *, name: str) -> None:
        """Register a message shortcut; `name` is the manifest's (the sandbox shows it)."""
        self.shortcuts.add(callback_id)
        self.shortcut_names[callback_id] = name
        self.app.shortcut(callback_id)(guard_after_ack(handler))

    def action(self, action_id: str, handler: Handler) -> None:
        self.actions.add(action_id)
        self.app.action(action_id)(guard_after_ack(handler))

    def view(self, callback_id: str, handler: Handler, *, on_close: Handler | None = None) -> None:
        self.views.add(callback_id)
        self.app.view(callback_id)(guard_after_ack(handler))
        if on_close is not None:
            self.app.view_closed(callback_id)(guard_after_ack(on_close))
