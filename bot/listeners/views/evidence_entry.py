"""The evidence form (callback `evidence_entry`): a new entry, or an edit of one's own."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.coaching.nudges import find_reframe
from bot.evidence import service as evidence
from bot.listeners.shortcuts.log_as_evidence import permalink_for
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    message_payload,
)
from bot.ui import evidence as ui

_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{2,31}$")
_TS = re.compile(r"^\d{1,12}\.\d{1,9}$")
_NEW_SOURCES = (evidence.MODAL, evidence.BRAG, evidence.SHORTCUT)


@dataclass(frozen=True)
class FormMetadata:
    """What the form carries in private_metadata: ids only, checked on the way back."""

    entry_id: int | None = None
    source: str = evidence.MODAL
    channel_id: str | None = None
    message_ts: str | None = None


def _entry_metadata(entry_id: object) -> FormMetadata | None:
    if not isinstance(entry_id, int) or isinstance(entry_id, bool) or entry_id <= 0:
        return None
    return FormMetadata(entry_id=entry_id)


def _new_metadata(data: dict[str, Any]) -> FormMetadata | None:
    source = data.get("src", evidence.MODAL)
    channel, ts = data.get("ch"), data.get("ts")
    if source not in _NEW_SOURCES or (channel is None) != (ts is None):
        return None
    if channel is None:
        return FormMetadata(source=source)
    well_formed = (
        isinstance(channel, str)
        and _CHANNEL.match(channel) is not None
        and isinstance(ts, str)
        and _TS.match(ts) is not None
    )
    return FormMetadata(source=source, channel_id=channel, message_ts=ts) if well_formed else None


def read_metadata(raw: str | None) -> FormMetadata | None:
    """The form's metadata, or None when it is not something this app wrote."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if "entry" in data:
        return _entry_metadata(data["entry"])
    return _new_metadata(data)


def _value(values: dict[str, Any], block_id: str) -> Any:
    state = (values.get(block_id) or {}).get(block_id) or {}
    kind = state.get("type")
    if kind in {"static_select", "radio_buttons"}:
        return (state.get("selected_option") or {}).get("value")
    if kind == "multi_users_select":
        return list(state.get("selected_users") or [])
    return state.get("value")


def _refused(ack: Ack) -> None:
    ack(
        response_action="update",
        view=ui.notice_modal(
            "Not saved",
            "This form doesn't match one of your entries (it may have been deleted), so "
            "nothing changed.",
        ),
    )


def handle_entry_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Validate, store, then acknowledge; a failure before the ack keeps the form open."""
    meta = read_metadata(view.get("private_metadata"))
    if meta is None:
        _refused(ack)
        return
    values = (view.get("state") or {}).get("values") or {}
    text = _value(values, "text") if "text" in values else None
    errors: dict[str, str] = {}
    if "text" in values and not (text or "").strip():
        errors["text"] = "Tell me what happened."
    if meta.entry_id is None and "text" not in values:
        _refused(ack)
        return
    for block_id, value in (
        ("text", text),
        ("link", _value(values, "link")),
        ("impact", _value(values, "impact")),
    ):
        if isinstance(value, str):
            try:
                evidence.check_text(value)
            except evidence.EvidenceTextError as error:
                errors[block_id] = str(error)[:150]
    if errors:
        ack(response_action="errors", errors=errors)
        return
    library = coaching_library(context)
    people = _value(values, "people") or []
    changes = evidence.EntryChanges(
        text=text,
        dimension=_value(values, "dimension"),
        scope=_value(values, "scope"),
        people=[p for p in people if isinstance(p, str)],
        link=_value(values, "link"),
        impact=_value(values, "impact"),
        visibility=_value(values, "visibility") or "private",
    )
    session = db(context)
    user = current_user(context)
    if meta.entry_id is not None:
        entry = evidence.update_entry(
            session=session, user=user, entry_id=meta.entry_id, changes=changes, library=library
        )
        if entry is None:
            session.rollback()
            _refused(ack)
            return
        session.commit()
        # The form turns into what was saved: the edit is confirmed where it was made.
        saved = ui.entry_saved_modal(
            entry, library, multiplier_command=command_names(context).multiplier, tz=user.tz
        )
        ack(response_action="update", view=saved)
        return
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=text or "",
        source=meta.source,
        source_channel_id=meta.channel_id,
        source_message_ts=meta.message_ts,
    )
    evidence.update_entry(
        session=session, user=user, entry_id=entry.id, changes=changes, library=library
    )
    session.commit()
    ack()
    if meta.channel_id and meta.message_ts:
        entry.permalink = permalink_for(client, meta.channel_id, meta.message_ts)
        session.commit()
    reframe = find_reframe(entry.text, library)
    notes = [ui.reframe_note(reframe.staff)] if reframe is not None else []
    confirmation = ui.entry_confirmation(entry, library, tz=user.tz, notes=notes)
    client.chat_postMessage(channel=user.slack_user_id, **message_payload(confirmation))
