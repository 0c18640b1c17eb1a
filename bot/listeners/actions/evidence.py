"""Buttons and menus on evidence: Edit, Delete, Share, dimension, scope, pages, kudos, forget-me.

Every value is an id (or an id and a choice); the service re-checks it against the clicking
user, and anything that is not theirs is refused with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.coaching.library import CoachingLibrary
from bot.evidence import filters, flows
from bot.listeners.support import coaching_library, current_user, db, settings
from bot.privacy import flows as privacy_flows
from bot.slack.people import names_in
from bot.ui import evidence as ui


def _value(action: dict[str, Any]) -> str:
    if action.get("type") == "static_select":
        return str((action.get("selected_option") or {}).get("value") or "")
    return str(action.get("value") or "")


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
    entry = flows.own_entry(session=db(context), user=user, entry_id=_value(action))
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
    user = current_user(context)
    library = coaching_library(context)
    respond(
        **flows.delete_entry(
            session=db(context),
            user=user,
            entry_id=_value(action),
            shown_in=_list_request(str(action.get("block_id") or ""), library),
            library=library,
            command=settings(context).command_brag,
        )
    )


def _change(change: str) -> Callable[[Ack, dict[str, Any], BoltContext, Respond], None]:
    def handle(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """Share an entry with the team (or make it private again), or file it under another
        dimension or scope."""
        ack()
        entry_id, _, value = _value(action).partition(":")
        respond(
            **flows.change_entry(
                session=db(context),
                user=current_user(context),
                entry_id=entry_id,
                change=change,
                value=value,
                block_id=str(action.get("block_id") or ""),
                library=coaching_library(context),
            )
        )

    handle.__name__ = f"handle_{change}"
    return handle


handle_share, handle_dimension, handle_scope = map(_change, ("visibility", "dimension", "scope"))


def handle_page(ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Another page of the user's own entries (the value holds the filter, never a user id)."""
    ack()
    library = coaching_library(context)
    request = filters.decode(_value(action), library=library)
    if request is None:
        respond(**ui.notice("That list is out of date; ask again with /multiplier evidence."))
        return
    user = current_user(context)
    payload = flows.entry_page(
        session=db(context),
        user=user,
        request=request,
        library=library,
        command=settings(context).command_brag,
        replace=True,
    )
    respond(**payload)


def handle_kudos_share(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """The giver allows their kudos in team digests, or takes it back out."""
    ack()
    user = current_user(context)
    respond(**flows.share_kudos(session=db(context), user=user, value=_value(action)))


def handle_forget_confirm(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Delete everything about the clicking user — only if the button names them."""
    ack()
    forgotten = privacy_flows.forget(
        session=db(context),
        team_id=context.team_id or "",
        slack_user_id=context.user_id or "",
        confirmed_for=_value(action),
    )
    if forgotten.nothing_stored:
        respond(**ui.notice("There is nothing stored about you.", replace=True))
    elif forgotten.not_theirs:
        respond(**ui.notice("That button isn't yours, so nothing was deleted."))
    else:
        respond(**ui.forgotten(forgotten.deleted))


def handle_forget_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(**ui.notice("Nothing was deleted.", replace=True))


ACTIONS: dict[str, Callable[..., None]] = {
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
