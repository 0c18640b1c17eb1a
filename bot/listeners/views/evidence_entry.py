"""The evidence form (callback `evidence_entry`): a new entry, or an edit of one's own."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.coaching.classify import reframe_for
from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.parsing import FormChoices, bare_names, form_choices
from bot.listeners.support import (
    coaching_library,
    command_names,
    current_user,
    db,
    message_payload,
    people_named,
    permalink_for,
)
from bot.slack.people import names_in
from bot.ui import evidence as ui
from bot.ui.text import display, from_typed
from bot.values import parse_int

if TYPE_CHECKING:  # names for annotations only: listeners pass these on, never query them
    from bot.db.models import EvidenceEntry, User

_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{2,31}$")
_TS = re.compile(r"^[0-9]{1,12}\.[0-9]{1,9}$")
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_NEW_SOURCES = (evidence.MODAL, evidence.BRAG, evidence.SHORTCUT)


@dataclass(frozen=True)
class FormMetadata:
    """What the form carries in private_metadata: ids only, checked on the way back."""

    entry_id: int | None = None
    source: str = evidence.MODAL
    channel_id: str | None = None
    message_ts: str | None = None
    # What a new entry's form came filled with (a dimension id, Slack user ids).
    prefilled_dimension: str | None = None
    prefilled_people: tuple[str, ...] = ()


def _entry_metadata(entry_id: object) -> FormMetadata | None:
    wanted = parse_int(entry_id, low=1) if isinstance(entry_id, int) else None
    return None if wanted is None else FormMetadata(entry_id=wanted)


def _prefilled(data: dict[str, Any]) -> dict[str, Any]:
    """The prefill a form recorded; anything malformed counts as no prefill."""
    dimension = data.get("dim")
    people = data.get("ppl")
    if not isinstance(people, list) or not all(
        isinstance(p, str) and _SLACK_USER.match(p) for p in people
    ):
        people = []
    return {
        "prefilled_dimension": dimension if isinstance(dimension, str) else None,
        "prefilled_people": tuple(people[:50]),
    }


def _new_metadata(data: dict[str, Any]) -> FormMetadata | None:
    source = data.get("src", evidence.MODAL)
    channel, ts = data.get("ch"), data.get("ts")
    if source not in _NEW_SOURCES or (channel is None) != (ts is None):
        return None
    if channel is None:
        return FormMetadata(source=source, **_prefilled(data))
    well_formed = (
        isinstance(channel, str)
        and _CHANNEL.match(channel) is not None
        and isinstance(ts, str)
        and _TS.match(ts) is not None
    )
    if not well_formed:
        return None
    return FormMetadata(source=source, channel_id=channel, message_ts=ts, **_prefilled(data))


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


def _stored_texts(
    client: WebClient, original: EvidenceEntry | None, text: Any, impact: Any
) -> tuple[str | None, str | None, dict[str, str]]:
    """The form's text and impact as stored text (Slack-escaped, see `from_typed`), and the
    errors to show; an edit left as it was prefilled keeps the entry's text exactly."""
    names = names_in(client, original.text, original.impact) if original is not None else {}
    stored: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for block_id, typed, before in (
        ("text", text, original.text if original else None),
        ("impact", impact, original.impact if original else None),
    ):
        value = from_typed(typed, original=before, names=names) if isinstance(typed, str) else None
        try:
            evidence.check_text(value or "")
        except evidence.EvidenceTextError as error:  # escaping `&`, `<`, `>` made it longer
            errors[block_id] = str(error)[:150]
        stored[block_id] = value
    return stored["text"], stored["impact"], errors


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
    if meta.entry_id is None and "text" not in values:
        _refused(ack)
        return
    errors = _form_errors(values, text)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    library = coaching_library(context)
    session = db(context)
    user = current_user(context)
    existing = None
    if meta.entry_id is not None:
        existing = flows.own_entry_for_form(session=session, user=user, entry_id=meta.entry_id)
    # As stored (Slack-escaped, see `from_typed`): what the parsers below read, as they
    # read a /brag command's text.
    text, impact, errors = _stored_texts(client, existing, text, _value(values, "impact"))
    if (meta.entry_id is not None and existing is None) or errors:
        flows.discard(session=session)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            _refused(ack)
        return
    choices = _choices(context, client, user, meta, existing, values, text)
    changes = evidence.EntryChanges(
        text=text,
        dimension=choices.dimension,
        scope=_value(values, "scope"),
        people=list(choices.people),
        link=_value(values, "link"),
        impact=impact,
        visibility=_value(values, "visibility") or "private",
    )
    notes = _unresolved_notes(choices.unresolved)
    how = ui.dimension_how(choices.dimension_source, choices.matched)
    if existing is not None:
        entry = flows.save_edit(
            session=session, user=user, entry_id=existing.id, changes=changes, library=library
        )
        if entry is None:
            _refused(ack)
            return
        # The form turns into what was saved: the edit is confirmed where it was made.
        saved = ui.entry_saved_modal(
            entry,
            library,
            multiplier_command=command_names(context).multiplier,
            tz=user.tz,
            notes=notes,
            how=how,
        )
        ack(response_action="update", view=saved)
        return
    entry = flows.save_new(
        session=session,
        user=user,
        text=text or "",
        source=meta.source,
        channel_id=meta.channel_id,
        message_ts=meta.message_ts,
        changes=changes,
        library=library,
    )
    ack()
    if meta.channel_id and meta.message_ts:
        channel_id, message_ts = meta.channel_id, meta.message_ts
        flows.add_permalink(
            session=session,
            entry=entry,
            permalink_of=lambda: permalink_for(client, channel_id, message_ts),
        )
    reframe, _ = reframe_for(entry.text, library, dimension=entry.dimension, scope=entry.scope)
    if reframe is not None:
        notes.insert(0, ui.reframe_note(reframe))
    mapped = flows.mapping_for(session=session, user=user, entry_id=entry.id)
    confirmation = ui.entry_confirmation(
        entry, library, tz=user.tz, notes=notes, how=how, mapping=mapped
    )
    client.chat_postMessage(channel=user.slack_user_id, **message_payload(confirmation))


def _form_errors(values: dict[str, Any], text: str | None) -> dict[str, str]:
    """Field errors to show in the form (it stays open)."""
    errors: dict[str, str] = {}
    if "text" in values and not (text or "").strip():
        errors["text"] = "Tell me what happened."
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
    return errors


def _choices(
    context: BoltContext,
    client: WebClient,
    user: User,
    meta: FormMetadata,
    existing: EvidenceEntry | None,
    values: dict[str, Any],
    text: str | None,
) -> FormChoices:
    """Dimension and people from the form's fields and what its text says (#tags, @names)."""
    typed = text if text is not None else (existing.text if existing else "")
    names = bare_names(typed)
    return form_choices(
        typed,
        coaching_library(context),
        field_dimension=_value(values, "dimension"),
        field_people=[p for p in _value(values, "people") or [] if isinstance(p, str)],
        prefilled_dimension=existing.dimension if existing else meta.prefilled_dimension,
        prefilled_people=tuple(existing.people or ()) if existing else meta.prefilled_people,
        named=people_named(context, client, user, names) if names else {},
        author=user.slack_user_id,
        # Keywords guess a dimension for a new entry only, never over an edit.
        guess=existing is None,
        examples=flows.examples(session=db(context), user=user),
    )


def _unresolved_notes(unresolved: tuple[str, ...]) -> list[str]:
    if not unresolved:
        return []
    who = display(", ".join(unresolved[:5]), 300)
    return [f"I couldn't match {who} to one person: use Edit to pick people."]
