"""/brag <text>: log evidence in one line; /brag alone opens the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot import clock
from bot.evidence import service as evidence
from bot.evidence.parsing import malformed_mentions, only_hashtags, parse_evidence
from bot.evidence.queued import pending_brag
from bot.listeners.support import coaching_library, queue_work, respond_all
from bot.slack.people import names_in
from bot.ui import evidence as ui
from bot.ui.text import display


def refusal_reason(typed: str, error: evidence.EvidenceTextError) -> str:
    """Why a text was not stored, in one sentence for people."""
    return (
        f"That is {len(typed):,} characters; Multiplier keeps up to "
        f"{evidence.MAX_TEXT_LENGTH:,} per entry. Nothing was saved — here is your text "
        "to shorten or split:"
    )


def is_quick(typed: str) -> bool:
    """Whether storing this text needs nothing but queueing (no form, no refusal)."""
    if not typed.strip() or only_hashtags(typed) or malformed_mentions(typed):
        return False
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError:
        return False
    return True


def ack_quick_brag(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """Queue a `/brag <text>` that needs nothing else and ack it from the request's thread.

    Most /brag commands are this case, and under load it is the cheapest ack we can give:
    no listener thread to hand over to and wake from. Anything else (the form, a refusal)
    goes on to `handle_brag`.
    """
    if not is_quick(body.get("text") or ""):
        return next()
    queue_brag(context, body)
    return BoltResponse(status=200, body="")


def queue_brag(context: BoltContext, command: dict[str, Any]) -> None:
    """Hand the text to the work queue, to be stored and answered after the ack."""
    queue_work(
        context,
        pending_brag(
            team_id=context.team_id or context.enterprise_id or "",
            slack_user_id=context.user_id or "",
            command=command.get("command") or "/brag",
            text=command.get("text") or "",
            response_url=command["response_url"],
            now=clock.now(),
        ),
    )


def handle_brag(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
) -> None:
    """Store the text exactly as typed as a private entry, and confirm with one-click changes.

    No text, or only #hashtags, opens the form (filed under the tag's dimension).

    Malformed mentions (``@dana`` that Slack could not resolve, broken ``<@…``) do not lose
    the text: the form opens prefilled so the user can pick the people and save, and the
    text is echoed back in case they close it.
    """
    ack()
    typed = command.get("text") or ""
    library = coaching_library(context)
    if not typed.strip():
        form = ui.EntryForm(metadata={"src": evidence.MODAL})
        client.views_open(trigger_id=command["trigger_id"], view=ui.entry_modal(form, library))
        return
    if only_hashtags(typed):
        # A tag and no story (`/brag #review`): the form, filed under the tag's dimension.
        client.views_open(
            trigger_id=command["trigger_id"],
            view=ui.entry_modal(ui.tagged_form(typed, library, src=evidence.BRAG), library),
        )
        return
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError as error:
        respond_all(
            respond,
            ui.text_refused(typed, refusal_reason(typed, error)),
            client=client,
            user_id=context.user_id,
        )
        return
    if malformed_mentions(typed) and ui.fits_form(typed):
        parsed = parse_evidence(typed, library, author=context.user_id)
        who = ", ".join(parsed.malformed_mentions[:5])
        form = ui.EntryForm(
            text=typed,
            dimension=parsed.dimension,
            scope=parsed.scope,
            people=list(parsed.people),
            link=parsed.links[0] if parsed.links else None,
            notes=[
                f"I couldn't match {display(who, 300)} to a person in this workspace. Pick the "
                "people below and Save — or Cancel, and nothing is kept."
            ],
            metadata={"src": evidence.BRAG},
            names=names_in(client, typed),
        )
        client.views_open(trigger_id=command["trigger_id"], view=ui.entry_modal(form, library))
        respond_all(
            respond,
            ui.text_refused(
                typed,
                f"I couldn't tell who {display(who, 300)} is, so I opened the form to finish "
                "logging this. Nothing is saved until you press Save; here is your text, just "
                "in case:",
            ),
            client=client,
            user_id=context.user_id,
        )
        return
    # Plain texts never get here (ack_quick_brag queues them before a listener thread is
    # involved); a text too long for the form with an unresolved @name does.
    queue_brag(context, command)
