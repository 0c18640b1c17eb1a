"""Judgment calls followed up: the DM asking what happened, its answer modal, the "a bet"
overflow (3 to 6 months) and what a click says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.coaching.library import CoachingLibrary
from bot.judgments.records import Call, Calls
from bot.judgments.service import quote
from bot.plural import plural
from bot.timetext import day_label
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
    said = empty_week_line(awaiting=awaiting, library=library)
    if empty_week and said:
        blocks.append(context(said))
    return blocks


def empty_week_line(*, awaiting: int, library: CoachingLibrary) -> str | None:
    """A quiet week named for what it is while calls wait for their verdict (seed 000), as
    mrkdwn; None with none waiting (or the text disabled)."""
    said = _said(library, "empty-week")
    if not awaiting or not said:
        return None
    return safe(said.format(calls=plural(awaiting, "judgment call")), 600)


# Calls listed per part of `/multiplier bets` (the rest counted).
LISTED_CALLS = 15


def _day(instant: datetime, zone: tzinfo) -> str:
    local = instant.astimezone(zone)
    return day_label(local, year=True)


def _awaiting_line(call: Call, zone: tzinfo) -> str:
    bet = " (a bet)" if call.bet else ""
    if call.asked_at is not None:
        when = f"asked {_day(call.asked_at, zone)}: *Tell what happened* on that DM"
    else:
        when = f"I'll ask on {_day(call.due_at, zone)}"
    return (
        f"• “{safe(quote(call.entry_text), 200)}”{bet} — logged {_day(call.logged_at, zone)}"
        f" · {when}"
    )


def _answered_line(call: Call, zone: tzinfo) -> str:
    told = _day(call.answered_at, zone) if call.answered_at else ""
    return f"• “{safe(quote(call.entry_text), 200)}” — {safe(call.outcome or '', 400)} _({told})_"


def _part(title: str, lines: list[str]) -> list[Block]:
    if not lines:
        return []
    shown = lines[:LISTED_CALLS]
    more = len(lines) - len(shown)
    tail = [f"_…and {plural(more, 'more call')}_"] if more else []
    return [section(truncate("\n".join([f"*{title}*", *shown, *tail]), 2900))]


def bets_reply(calls: Calls, zone: tzinfo) -> Payload:
    """`/multiplier bets`: the calls awaiting a verdict with the day each is (or was) asked
    about, and the verdicts so far, newest first."""
    if not calls.awaiting and not calls.answered:
        text = (
            "🔮 No judgment calls on your log yet. Entries about decisions, long-horizon work "
            "and problem framing are followed up 3 months after you log them; mark any entry a "
            "bet (*A bet: ask me in …* on its confirmation) to be asked in 3 to 6 months."
        )
        return message(text, ephemeral=True)
    awaiting = plural(len(calls.awaiting), "judgment call")
    head = (
        f"🔮 *Your judgment calls*: {awaiting} awaiting a verdict, {len(calls.answered)} answered"
    )
    blocks = [
        section(head),
        *_part("Awaiting a verdict", [_awaiting_line(c, zone) for c in calls.awaiting]),
        *_part("Answered", [_answered_line(c, zone) for c in calls.answered]),
        context(
            "Staff work rarely gets quick feedback: a call is often judged months later. "
            "Private to you."
        ),
    ]
    return message(head, *blocks, ephemeral=True)
