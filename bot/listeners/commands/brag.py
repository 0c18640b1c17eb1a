"""/brag <text>: log evidence in one line; /brag alone opens the form."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.parsing import malformed_mentions, no_story, parse_evidence
from bot.listeners.support import coaching_library, db, respond_all
from bot.slack.people import names_in, profile_or_none
from bot.ui import evidence as ui
from bot.ui.text import display


def handle_brag(
    ack: Ack,
    command: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
) -> None:
    """Ack, then store the text exactly as typed as a private entry (bot.evidence.flows) and
    confirm through the command's response_url, with one-click changes.

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
    if no_story(typed):
        # Tags or people and no story (`/brag #review`, `/brag @bob`): the form, filed under
        # the tag's dimension with the people chosen, asking what happened.
        client.views_open(
            trigger_id=command["trigger_id"],
            view=ui.entry_modal(ui.tagged_form(typed, library, src=evidence.BRAG), library),
        )
        return
    try:
        evidence.check_text(typed)
    except evidence.EvidenceTextError:
        respond_all(
            respond,
            ui.text_refused(typed, ui.too_long(typed, evidence.MAX_TEXT_LENGTH)),
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
    # Stored as typed; an unresolved @name in a text too long for the form is kept as typed.
    confirmation = flows.log_brag(
        session=db(context),
        team_id=context.team_id or context.enterprise_id or "",
        slack_user_id=context.user_id or "",
        text=typed,
        library=library,
        read_profile=partial(profile_or_none, client),
    )
    respond(**ui.brag_confirmation(confirmation, library))
