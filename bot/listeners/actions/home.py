"""Buttons on the App Home: the weekly summary switch and the export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import clock
from bot.evidence.periods import parse_period
from bot.home import flows as home_flows
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    database,
    db,
    message_payload,
    send_json_export,
    send_packet,
    settings,
)
from bot.ui import evidence as evidence_ui
from bot.ui import home as home_ui


def handle_summary_toggle(
    ack: Ack, action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Turn the weekly summary DM on or off for the person who clicked, then republish."""
    ack()
    value = action.get("value")
    if value not in ("on", "off"):
        return  # a tampered value changes nothing
    user = current_user(context)
    home_flows.switch_weekly_summary(
        session=db(context),
        read_session=database(context).read_session,
        user=user,
        enabled=value == "on",
        now=clock.now(),
        library=coaching_library(context),
        names=command_names(context),
        publish=lambda view: client.views_publish(user_id=user.slack_user_id, view=view),
        default_calendar=settings(context).holiday_calendar,
    )


def handle_export_json(ack: Ack, context: BoltContext, client: WebClient) -> None:
    """Send everything stored about the clicker as a JSON file in their DM."""
    ack()
    send_json_export(client, context, current_user(context))


def handle_export_packet(ack: Ack, context: BoltContext, client: WebClient) -> None:
    """Send the clicker's promotion packet for the last six months as Markdown in their DM
    (or say there is nothing to export yet)."""
    ack()
    user = current_user(context)
    period = parse_period("", now=clock.now(), tz=user.tz)
    filename = send_packet(client, context, user, period)
    if filename is None:
        nothing = evidence_ui.nothing_to_export(period, brag=command_names(context).brag)
        client.chat_postMessage(channel=user.slack_user_id, **message_payload(nothing))


ACTIONS: dict[str, Callable[..., None]] = {
    home_ui.ACTION_SUMMARY_TOGGLE: handle_summary_toggle,
    home_ui.ACTION_EXPORT: handle_export_json,
    home_ui.ACTION_PACKET: handle_export_packet,
}
