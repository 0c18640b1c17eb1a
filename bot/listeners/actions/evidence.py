"""Buttons and menus on evidence: Edit, Delete, Share, dimension, scope, pages, kudos, forget-me.

Every value is an id (or an id and a choice); the service re-checks it against the clicking
user, and anything that is not theirs is refused with nothing changed.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceEntry, User
from bot.evidence import filters
from bot.evidence import service as evidence
from bot.listeners.support import coaching_library, current_user, db, settings
from bot.privacy import service as privacy
from bot.slack.people import names_in
from bot.ui import evidence as ui
from bot.workspaces import service as workspaces


def _value(action: dict[str, Any]) -> str:
    if action.get("type") == "static_select":
        return str((action.get("selected_option") or {}).get("value") or "")
    return str(action.get("value") or "")


def _rerender(
    *,
    session: Session,
    user: User,
    entry: EvidenceEntry,
    block_id: str,
    library: CoachingLibrary,
) -> dict[str, Any]:
    """The message the action came from, drawn again with the entry's new state."""
    if block_id == ui.KUDOS_RECEIVED_BLOCK:
        kudos = evidence.kudos_for_entries(session=session, user=user, entry_ids=[entry.id])
        if entry.id in kudos:
            giver_id = kudos[entry.id].giver_id
            giver = session.get(User, giver_id) if giver_id is not None else None
            giver_slack_id = giver.slack_user_id if giver is not None else None
            payload = ui.kudos_received(entry, giver_slack_id, library, user.tz)
            return {**payload, "replace_original": True}
    return ui.entry_confirmation(entry, library, tz=user.tz, replace=True)


def show_page(
    *,
    session: Session,
    user: User,
    request: filters.ListRequest,
    library: CoachingLibrary,
    command: str,
    note: str | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """One page of the user's entries as a message payload."""
    page = evidence.list_entries(
        session=session,
        user=user,
        where=request.where,
        offset=request.offset,
        page_size=ui.PAGE_SIZE,
    )
    return ui.entry_list(
        entries=page.entries,
        total=page.total,
        offset=page.offset,
        label=request.label,
        spec_at=lambda offset: filters.encode(request, offset),
        library=library,
        tz=user.tz,
        command=command,
        note=note,
        replace=replace,
    )


def _list_request(block_id: str, library: CoachingLibrary) -> filters.ListRequest | None:
    """The list a button sits in, from its block id `evl|<spec>|<entry id>`."""
    prefix, _, rest = block_id.partition("|")
    if prefix != ui.LIST_BLOCK:
        return None
    spec, _, _entry = rest.rpartition("|")
    return filters.decode(spec, library=library)


def handle_edit(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Open the form on one of the user's own entries."""
    ack()
    user = current_user(context)
    entry = evidence.get_own_entry(session=db(context), user=user, entry_id=_value(action))
    db(context).commit()
    if entry is None:
        respond(**ui.not_yours())
        return
    form = ui.EntryForm(
        text=entry.text,
        dimension=entry.dimension,
        scope=entry.scope,
        people=list(entry.people or []),
        link=entry.link,
        impact=entry.impact,
        visibility=entry.visibility,
        metadata={"entry": entry.id},
        editing=True,
        names=names_in(client, entry.text, entry.impact),
    )
    client.views_open(
        trigger_id=body["trigger_id"], view=ui.entry_modal(form, coaching_library(context))
    )


def handle_delete(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Delete one of the user's own entries, and redraw where the button was."""
    ack()
    session = db(context)
    user = current_user(context)
    if not evidence.delete_entry(session=session, user=user, entry_id=_value(action)):
        session.commit()
        respond(**ui.not_yours())
        return
    session.commit()
    library = coaching_library(context)
    request = _list_request(str(action.get("block_id") or ""), library)
    if request is None:
        respond(**ui.deleted())
        return
    command = settings(context).command_brag
    respond(
        **show_page(
            session=session,
            user=user,
            request=request,
            library=library,
            command=command,
            note="Deleted.",
            replace=True,
        )
    )


def handle_share(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Share an entry with the team, or make it private again."""
    ack()
    entry_id, _, value = _value(action).partition(":")
    session = db(context)
    user = current_user(context)
    entry = evidence.set_visibility(session=session, user=user, entry_id=entry_id, value=value)
    session.commit()
    if entry is None:
        respond(**ui.not_yours())
        return
    library = coaching_library(context)
    respond(
        **_rerender(
            session=session,
            user=user,
            entry=entry,
            library=library,
            block_id=str(action.get("block_id") or ""),
        )
    )


def handle_dimension(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """File an entry under another dimension."""
    ack()
    entry_id, _, dimension = _value(action).partition(":")
    session = db(context)
    user = current_user(context)
    library = coaching_library(context)
    entry = evidence.set_dimension(
        session=session,
        user=user,
        entry_id=entry_id,
        dimension=dimension or None,
        library=library,
    )
    session.commit()
    if entry is None:
        respond(**ui.not_yours())
        return
    respond(
        **_rerender(
            session=session,
            user=user,
            entry=entry,
            library=library,
            block_id=str(action.get("block_id") or ""),
        )
    )


def handle_scope(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Set how far an entry reached."""
    ack()
    entry_id, _, scope = _value(action).partition(":")
    session = db(context)
    user = current_user(context)
    library = coaching_library(context)
    entry = evidence.set_scope(
        session=session, user=user, entry_id=entry_id, scope=scope or None, library=library
    )
    session.commit()
    if entry is None:
        respond(**ui.not_yours())
        return
    respond(
        **_rerender(
            session=session,
            user=user,
            entry=entry,
            library=library,
            block_id=str(action.get("block_id") or ""),
        )
    )


def handle_page(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Another page of the user's own entries (the value holds the filter, never a user id)."""
    ack()
    library = coaching_library(context)
    request = filters.decode(_value(action), library=library)
    if request is None:
        respond(**ui.notice("That list is out of date; ask again with /multiplier evidence."))
        return
    session = db(context)
    user = current_user(context)
    payload = show_page(
        session=session,
        user=user,
        request=request,
        library=library,
        command=settings(context).command_brag,
        replace=True,
    )
    session.commit()
    respond(**payload)


def handle_kudos_share(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The giver allows their kudos in team digests, or takes it back out."""
    ack()
    ids, _, choice = _value(action).rpartition(":")
    session = db(context)
    user = current_user(context)
    chosen = (
        evidence.set_kudos_sharing_all(
            session=session, giver=user, kudos_ids=ids.split(","), share=choice == "on"
        )
        if choice in ("on", "off")
        else None
    )
    session.commit()
    if chosen is None:
        respond(**ui.notice("That kudos isn't one you gave, so nothing changed."))
        return
    recipients = [session.get(User, kudos.recipient_id) for kudos in chosen]
    respond(
        **ui.kudos_given(chosen, [r.slack_user_id if r else "" for r in recipients], replace=True)
    )


def handle_forget_confirm(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Delete everything about the clicking user — only if the button names them."""
    ack()
    session = db(context)
    workspace = workspaces.get_workspace(session=session, team_id=context.team_id or "")
    user = (
        workspaces.get_user(
            session=session, workspace_id=workspace.id, slack_user_id=context.user_id or ""
        )
        if workspace is not None
        else None
    )
    if user is None:
        respond(**ui.notice("There is nothing stored about you.", replace=True))
        return
    if _value(action) != str(user.id):
        respond(**ui.notice("That button isn't yours, so nothing was deleted."))
        return
    report = privacy.forget_user(session=session, user=user)
    session.commit()
    respond(**ui.forgotten(report.total_deleted))


def handle_forget_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(**ui.notice("Nothing was deleted.", replace=True))


ACTIONS = {
    ui.EDIT: handle_edit,
    ui.DELETE: handle_delete,
    ui.SHARE: handle_share,
    ui.DIMENSION: handle_dimension,
    ui.SCOPE: handle_scope,
    ui.PAGE: handle_page,
    ui.PAGE_NEWER: handle_page,
    ui.KUDOS_SHARE: handle_kudos_share,
    ui.FORGET_CONFIRM: handle_forget_confirm,
    ui.FORGET_CANCEL: handle_forget_cancel,
}
