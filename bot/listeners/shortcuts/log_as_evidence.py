"""Message shortcut: capture any Slack message as evidence, with its permalink."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.parsing import parse_evidence
from bot.listeners.support import coaching_library, current_user, db
from bot.slack.history import permalink_for
from bot.slack.people import names_in
from bot.ui import evidence as ui
from bot.ui.text import link, mention


def handle_log_as_evidence(
    ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Open the entry form prefilled with the message, its permalink and its author.

    Nothing is stored until the form is saved — except a message longer than a form can
    hold, which is kept right away (exactly) and opened for editing.
    """
    ack()
    message = shortcut.get("message") or {}
    channel_id = (shortcut.get("channel") or {}).get("id")
    ts = message.get("ts") or shortcut.get("message_ts")
    text = message.get("text") or ""
    clicking = context.user_id or ""
    author = message.get("user") if not message.get("bot_id") else None
    library = coaching_library(context)
    try:
        evidence.check_text(text)
    except evidence.EvidenceTextError:
        respond(
            **ui.notice(
                f"That message is {len(text):,} characters, more than an entry keeps "
                f"({evidence.MAX_TEXT_LENGTH:,}). Copy the part that matters into /brag."
            )
        )
        return
    permalink = permalink_for(client, channel_id, ts)
    parsed = parse_evidence(text, library, author=clicking)
    people = [author] if author and author != clicking else []
    people += [p for p in parsed.people if p not in people]
    source_note = "From a message"
    if author:
        source_note += f" by {mention(author)}"
    if permalink:
        source_note += f" · {link(permalink, 'open it')}"
    notes = [source_note]
    if not text.strip():
        notes.append("That message has no text: say what happened in your own words.")
    form = ui.EntryForm(
        text=text,
        dimension=parsed.dimension,
        scope=parsed.scope,
        people=people,
        link=parsed.links[0] if parsed.links else None,
        notes=notes,
        metadata={
            "src": evidence.SHORTCUT,
            **({"ch": channel_id, "ts": ts} if channel_id and ts else {}),
        },
        names=names_in(client, text),
    )
    if not ui.fits_form(text):
        entry = flows.keep_message(
            session=db(context),
            user=current_user(context),
            text=text,
            dimension=form.dimension,
            scope=form.scope,
            people=people,
            link=form.link,
            permalink=permalink,
            channel_id=channel_id,
            message_ts=ts,
        )
        notes.append(
            f"Saved to your private evidence ({len(text):,} characters, kept exactly). "
            "Add the details below."
        )
        form = replace(form, metadata={"entry": entry.id}, editing=True)
    client.views_open(trigger_id=shortcut["trigger_id"], view=ui.entry_modal(form, library))
