"""Your expectations (issue 17): the modal to enter or edit them, and the replies."""

from __future__ import annotations

from collections.abc import Sequence

from bot.coaching.expectations import MAX_ITEM_UNITS, MAX_ITEMS, MAX_TOTAL_UNITS
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
    packed_sections,
    section,
)
from bot.ui.text import display, plural, safe, truncate

VIEW = "expectations"
BLOCK = "expectations"
FIELD = "text"
OPEN = "expectations_open"

_ASK = (
    "Ask your manager for the exact staff expectations at your company (the ladder or level "
    "guide), then paste them here: one expectation per line. Bullets and numbers are fine."
)
_WHY = (
    "Private to you. Your evidence is mapped to these, so you and your manager can see "
    "which expectations your work already covers."
)


_FROM_LADDER = (
    "Filled in with your workspace's default ladder to start from: change it to match "
    "what your manager gives you."
)


def modal_view(prefill: str, *, from_ladder: bool = False) -> Payload:
    """The expectations modal, pre-filled with what is stored (or, `from_ladder`, with the
    workspace's default ladder)."""
    field = element(
        "plain_text_input",
        FIELD,
        multiline=True,
        max_length=MAX_TOTAL_UNITS,
        initial_value=truncate(prefill, MAX_TOTAL_UNITS) if prefill else None,
        placeholder="Sets technical direction across teams\nMentors senior engineers",
    )
    return modal(
        "Your expectations",
        [
            section(safe(_ASK)),
            input_block(
                BLOCK,
                "Staff expectations",
                field,
                hint=f"Up to {MAX_ITEMS}, one per line. You can edit them any time.",
            ),
            *([context(safe(_FROM_LADDER))] if from_ladder else []),
            context(safe(_WHY)),
        ],
        callback_id=VIEW,
        submit="Save",
    )


FIRST_CHECKIN_ASK = "first-checkin"


def checkin_ask(text: str) -> list[Block]:
    """The ask for expectations on a person's first check-in (its text from prompts/)."""
    return [
        section(f":compass: {safe(text)}"),
        actions(button("Enter my expectations", OPEN, style="primary"), block_id="expectations"),
    ]


def _listed(items: Sequence[str]) -> list[Block]:
    """The items numbered, in as many sections as Slack's section limit takes."""
    lines = [f"{n}. {display(item, MAX_ITEM_UNITS + 20)}" for n, item in enumerate(items, 1)]
    return packed_sections(lines)[0]


def saved(items: Sequence[str], duplicates: Sequence[str], *, command: str) -> Payload:
    """The reply once saved: the list as stored, any repeats left out, and how to edit."""
    count = plural(len(items), "expectation")
    blocks: list[Block] = [section(f"Saved your {count}:"), *_listed(items)]
    if duplicates:
        repeated = ", ".join(f"“{safe(item, 120)}”" for item in duplicates[:5])
        blocks.append(context(f"Listed twice, kept once: {repeated}."))
    blocks.append(actions(button("Edit expectations", OPEN)))
    blocks.append(context(f"`{safe(command)} expectations` shows or edits them. {safe(_WHY)}"))
    return message(f"Saved your {count}.", *blocks)


def shown(items: Sequence[str], *, command: str) -> Payload:
    """`expectations list`: what is stored, or how to start."""
    if not items:
        text = f"You have no expectations yet. `{safe(command)} expectations` opens the form."
        return message(text, section(text), actions(button("Enter expectations", OPEN)))
    count = plural(len(items), "expectation")
    return message(
        f"Your {count}.",
        section(f"Your {count}:"),
        *_listed(items),
        actions(button("Edit expectations", OPEN)),
    )


def cleared(count: int) -> Payload:
    if count == 0:
        return message("You had no expectations to clear.")
    return message(f"Cleared your {plural(count, 'expectation')}.")
