"""Judgment calls followed up: the DM asking what happened, its answer modal, the "a bet"
overflow (3 to 6 months) and what a click says."""

from __future__ import annotations

from collections.abc import Sequence

from bot.coaching.library import CoachingLibrary
from bot.judgments.service import quote
from bot.plural import plural
from bot.ui.blocks import (
    Block,
    Overflow,
    Payload,
    actions,
    button,
    context,
    element,
    input_block,
    message,
    modal,
    option,
    overflow,
    section,
)
from bot.ui.text import escape, safe, truncate

ANSWER = "judgment_answer"
OUTCOME_VIEW = "judgment_outcome"
OUTCOME_BLOCK = "judgment_outcome_text"
OUTCOME_INPUT = "text"
BET = "judgment_bet"


def followup_message(*, call_id: int, month: str, quote: str) -> Payload:
    """ "In June you logged this call: “X” — how did it turn out?" with an answer button (the
    entry is quoted as typed: people write "Argued for …", so "you argued for “Argued for …”"
    read twice)."""
    asked = f"In {month} you logged this call: “{escape(quote)}” — how did it turn out?"
    return message(
        asked,
        section(f"🔮 {asked}"),
        context(
            "Staff work rarely gets quick feedback: a call is often judged months later. "
            "Your answer stays private, beside the entry, and goes into your summaries "
            "and promotion packet."
        ),
        actions(
            button("Tell what happened", ANSWER, str(call_id), style="primary"),
            block_id=f"judgment_{call_id}",
        ),
    )


def outcome_saved(quote: str) -> Payload:
    """A DM taken as the answer to a follow-up: where it went (the button still edits it)."""
    text = (
        f"🔮 Saved as how your call turned out: “{escape(quote)}”. It stays private, beside "
        "the entry, and goes into your summaries and promotion packet."
    )
    return message(text, section(safe(text, 3000)))


def outcome_modal(*, call_id: int, quote: str) -> Payload:
    return modal(
        "What happened?",
        [
            section(f"You logged this call: “{escape(quote)}”"),
            input_block(
                OUTCOME_BLOCK,
                "How did it turn out?",
                element(
                    "plain_text_input",
                    OUTCOME_INPUT,
                    multiline=True,
                    max_length=2000,
                    placeholder="Right, wrong, or too early to tell — and what you learned",
                ),
            ),
        ],
        callback_id=OUTCOME_VIEW,
        submit="Save",
        metadata=str(call_id),
    )


def bet_overflow(entry_id: int) -> Overflow:
    """ "A bet: ask me in 3 / 4 / 5 / 6 months" (values "entry_id:months")."""
    return overflow(
        BET,
        [option(f"A bet: ask me in {n} months", f"{entry_id}:{n}") for n in (3, 4, 5, 6)],
    )


def bet_marked(months: int) -> Payload:
    return message(
        f"🔮 Marked as a bet: I'll ask you in {months} months how it turned out.",
        ephemeral=True,
        replace_original=False,
    )


def gone() -> Payload:
    return message("That entry is no longer on your log.", ephemeral=True, replace_original=False)


def _said(library: CoachingLibrary, text_id: str) -> str | None:
    return next((t.text for t in library.judgment_texts if t.id == text_id), None)


def summary_blocks(
    *,
    outcomes: Sequence[tuple[str, str]],
    awaiting: int,
    empty_week: bool,
    library: CoachingLibrary,
) -> list[Block]:
    """The weekly summary's judgment calls: the outcomes told this week, and a quiet week
    named for what it is while calls still wait for their verdict (seed 000)."""
    blocks: list[Block] = []
    if outcomes:
        lines = [
            f"• “{safe(quote(text), 200)}” — {safe(outcome, 400)}" for text, outcome in outcomes
        ]
        head = f"🔮 *{plural(len(outcomes), 'judgment call')} followed up this week*"
        blocks.append(section(truncate("\n".join([head, *lines]), 2900)))
    said = _said(library, "empty-week")
    if empty_week and awaiting and said:
        blocks.append(context(safe(said.format(calls=plural(awaiting, "judgment call")), 600)))
    return blocks
