"""The sponsor thread's surfaces: the modal, the `/multiplier sponsor` reply, the monthly DM."""

from __future__ import annotations

from bot.db.models import SponsorNote
from bot.sponsors.texts import SponsorTexts
from bot.timetext import day_label
from bot.ui.blocks import (
    Block,
    Payload,
    actions,
    button,
    context,
    element,
    input_block,
    message,
    modal,
    section,
)
from bot.ui.text import display, mention, readable, safe

SPONSOR_VIEW = "sponsor_note"
OPEN_ACTION = "sponsor_open"
# The modal carries no ids: the submitter is the owner. Anything else came from elsewhere.
SPONSOR_METADATA = "sponsor:v1"


def sponsor_modal(latest: SponsorNote | None, texts: SponsorTexts) -> Payload:
    """Who could advocate for you, when you last showed them your work, one next step."""
    blocks: list[Block] = [
        section(safe(texts.why)),
        input_block(
            "sponsor",
            "Who could advocate for you in a room you are not in?",
            element(
                "users_select",
                "sponsor",
                placeholder="Pick a person",
                initial_user=latest.sponsor_user_id if latest else None,
            ),
            optional=True,
        ),
        input_block(
            "sponsor_text",
            "…or in your own words",
            element(
                "plain_text_input",
                "sponsor_text",
                max_length=200,
                placeholder="e.g. the director of platform (not on Slack yet)",
                initial_value=readable(latest.sponsor_text)
                if latest and latest.sponsor_text
                else None,
            ),
            optional=True,
        ),
        input_block(
            "last_shown",
            "When did you last show them your work?",
            element(
                "datepicker",
                "last_shown",
                initial_date=latest.last_shown_on.isoformat()
                if latest and latest.last_shown_on
                else None,
            ),
            optional=True,
            hint="Leave empty if you haven't yet: that is the first thing to change.",
        ),
        input_block(
            "next_step",
            "One next step",
            element(
                "plain_text_input",
                "next_step",
                multiline=True,
                max_length=1000,
                placeholder="e.g. send her the migration RFC with a two-line summary",
                initial_value=readable(latest.next_step) if latest else None,
            ),
        ),
    ]
    return modal(
        "Your sponsor",
        blocks,
        callback_id=SPONSOR_VIEW,
        submit="Save",
        metadata=SPONSOR_METADATA,
    )


def note_lines(note: SponsorNote) -> list[str]:
    """The note as mrkdwn lines (stored text shown safely)."""
    who = " · ".join(
        part
        for part in (
            mention(note.sponsor_user_id) if note.sponsor_user_id else None,
            display(note.sponsor_text, 300) if note.sponsor_text else None,
        )
        if part
    )
    shown = day_label(note.last_shown_on, year=True) if note.last_shown_on else "never yet"
    return [
        f"*Sponsor:* {who or 'nobody named'}",
        f"*Last showed them your work:* {shown}",
        f"*Next step:* {display(note.next_step, 2000)}",
    ]


def sponsor_reply(note: SponsorNote | None, texts: SponsorTexts) -> Payload:
    """`/multiplier sponsor`: the latest note (private to you) and a button to update it."""
    if note is None:
        body = f"You haven't named a sponsor yet. {safe(texts.question)}\n_{safe(texts.why)}_"
    else:
        body = "\n".join(note_lines(note))
    blocks: list[Block] = [
        section(body),
        context(
            f"Private to you. Saved {day_label(note.created_at, year=True)}."
            if note
            else "Private to you."
        ),
        actions(button("Update my sponsor" if note else "Name my sponsor", OPEN_ACTION)),
    ]
    return message(body, *blocks, ephemeral=True)


def saved_reply(note: SponsorNote) -> Payload:
    """What the person sees after saving."""
    text = "Saved. It feeds the sponsor part of your promotion packet."
    return message(text, section(text), section("\n".join(note_lines(note))))


def monthly_message(latest: SponsorNote | None, texts: SponsorTexts) -> Payload:
    """The monthly sponsor-thread DM: the three questions and a button opening the modal."""
    text = f"Your monthly sponsor check: {safe(texts.question)}"
    blocks: list[Block] = [
        section(f"*Your monthly sponsor check*\n{safe(texts.question)}\n_{safe(texts.why)}_"),
        section(
            "Three quick answers: who that is, when you last showed them your work, and one "
            "next step. Private to you; it feeds the sponsor part of your promotion packet."
        ),
    ]
    if latest is not None:
        blocks.append(context("Last time:\n" + "\n".join(note_lines(latest))))
    label = "Name my sponsor" if latest is None else "Update my sponsor"
    blocks.append(actions(button(label, OPEN_ACTION)))
    return message(text, *blocks)
