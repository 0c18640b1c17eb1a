"""Buttons and menus on evidence: Edit, Delete, Share, dimension, scope, pages, kudos, forget-me.

Every value is an id (or an id and a choice); the service re-checks it against the clicking
user, and anything that is not theirs is refused with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import clock
from bot.coaching.library import CoachingLibrary
from bot.evidence import filters, flows, share_flows
from bot.listeners.support import (
    coaching_library,
    current_user,
    db,
    deliver_share,
    post_in_channel,
    settings,
)
from bot.privacy import flows as privacy_flows
from bot.slack.people import lookup_names, names_in
from bot.ui import evidence as ui
from bot.ui import sharing as share_ui


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


def handle_share_send(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """The owner confirmed a share: send the file to the person it names (once)."""
    ack()
    outcome = share_flows.send_share(
        session=db(context),
        owner=current_user(context),
        share_id=_value(action),
        library=coaching_library(context),
        look_up_names=partial(lookup_names, client),
        deliver=deliver_share(client, context),
        now=clock.now(),
    )
    respond(**outcome.payload)


def handle_share_cancel(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    ack()
    respond(
        **share_flows.cancel_share(
            session=db(context), owner=current_user(context), share_id=_value(action)
        )
    )


def handle_kudos_post(
    ack: Ack, action: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """The giver chose to post their kudos in the channel its text ended with."""
    ack()
    ids, _, channel_id = _value(action).partition("|")
    shout = share_flows.kudos_shout_out(
        session=db(context), giver=current_user(context), kudos_ids=ids
    )
    if shout is None or not channel_id:
        respond(**share_ui.kudos_post_refused())
        return
    payload = share_ui.kudos_shout_out(shout.giver, shout.recipients, shout.text)
    error = post_in_channel(client, context, channel_id, payload)
    respond(
        **(
            share_ui.kudos_posted(channel_id, replace=True)
            if error is None
            else share_ui.kudos_not_posted(channel_id, error, replace=True)
        )
    )


def handle_kudos_post_skip(ack: Ack, respond: Respond) -> None:
    ack()
    respond(**share_ui.kudos_not_offered())


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
    share_ui.KUDOS_POST: handle_kudos_post,
    share_ui.KUDOS_POST_SKIP: handle_kudos_post_skip,
    share_ui.SHARE_SEND: handle_share_send,
    share_ui.SHARE_CANCEL: handle_share_cancel,
}
