"""/brag <text>: log evidence in one line; /brag alone opens the form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.coaching.nudges import find_reframe
from bot.evidence import service as evidence
from bot.evidence.parsing import parse_evidence
from bot.home.service import request_home_refresh
from bot.listeners.support import coaching_library, current_user, db
from bot.ui import evidence as ui
from bot.ui.text import safe


def refusal_reason(typed: str, error: evidence.EvidenceTextError) -> str:
    """Why a text was not stored, in one sentence for people."""
    if isinstance(error, evidence.EvidenceTooLong):
        return (
            f"That is {len(typed):,} characters; Multiplier keeps up to "
            f"{evidence.MAX_TEXT_LENGTH:,} per entry. Nothing was saved — here is your text "
            "to shorten or split:"
        )
    return (
        "That text contains a character I can't store (a NUL character). Nothing was saved "
        "— here is your text:"
    )


def handle_brag(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
) -> None:
    """Store the text exactly as typed as a private entry, and confirm with one-click changes.

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
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError as error:
        respond(**ui.text_refused(typed, refusal_reason(typed, error)))
        return
    parsed = parse_evidence(typed, library, author=context.user_id)
    if parsed.malformed_mentions and len(typed) <= ui.INPUT_LIMIT:
        who = ", ".join(parsed.malformed_mentions[:5])
        form = ui.EntryForm(
            text=typed,
            dimension=parsed.dimension,
            scope=parsed.scope,
            people=list(parsed.people),
            link=parsed.links[0] if parsed.links else None,
            notes=[
                f"I couldn't match {safe(who, 300)} to a person in this workspace. Pick the "
                "people below and Save — or Cancel, and nothing is kept."
            ],
            metadata={"src": evidence.BRAG},
        )
        client.views_open(trigger_id=command["trigger_id"], view=ui.entry_modal(form, library))
        respond(
            **ui.text_refused(
                typed,
                f"I couldn't tell who {safe(who, 300)} is, so I opened the form to finish "
                "logging this. Nothing is saved until you press Save; here is your text, just "
                "in case:",
            )
        )
        return
    session = db(context)
    user = current_user(context)
    entry, parsed = evidence.log_text(
        session=session, user=user, text=typed, source=evidence.BRAG, library=library
    )
    request_home_refresh(session=session, user=user)
    session.commit()
    notes = []
    reframe = find_reframe(typed, library)
    if reframe is not None:
        notes.append(ui.reframe_note(reframe.staff))
    if parsed.malformed_mentions:
        who = ", ".join(parsed.malformed_mentions[:5])
        notes.append(f"I couldn't match {safe(who, 300)} to a person: use Edit to pick people.")
    respond(
        **ui.entry_confirmation(
            entry,
            library,
            tz=user.tz,
            notes=notes,
            how=ui.dimension_how(parsed.dimension_source, parsed.matched),
        )
    )
