"""The monthly expectations check's surfaces: the DM with its three buttons, and what a
click turns it into (the answer, and seed 002's red flag after a second "not yet")."""

from __future__ import annotations

import calendar

from bot.expectations.check_texts import CheckTexts
from bot.expectations.checks import Answer, Answered
from bot.ui.blocks import Block, Payload, actions, button, context, message, section
from bot.ui.evidence import notice
from bot.ui.text import safe

YES = "expectation_check_yes"
NO = "expectation_check_no"
SKIP = "expectation_check_skip"
ANSWERS: dict[str, Answer] = {YES: Answer.YES, NO: Answer.NO, SKIP: Answer.SKIP}
LABELS: dict[Answer, str] = {
    Answer.YES: "Yes, we mapped them",
    Answer.NO: "Not yet",
    Answer.SKIP: "Skip this month",
}
HEADING = "Your monthly expectations check"


def month_name(month: str) -> str:
    """ "2027-01" as "January 2027" (as stored: the person's local month)."""
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def _asked(question: str) -> Block:
    return section(f":compass: *{HEADING}*\n{safe(question)}")


def monthly_message(*, check_id: int, question: str) -> Payload:
    """The question, with "Yes, we mapped them" / "Not yet" / "Skip this month"."""
    value = str(check_id)
    return message(
        f"{HEADING}: {safe(question)}",
        _asked(question),
        context(
            "Private to you: only you see your answer. Mapping means going through a few "
            "recent pieces of work together and naming the expectation each one shows."
        ),
        actions(
            button(LABELS[Answer.YES], YES, value, style="primary"),
            button(LABELS[Answer.NO], NO, value),
            button(LABELS[Answer.SKIP], SKIP, value),
            block_id=f"expectation_check_{check_id}",
        ),
    )


def answered_message(answered: Answered, texts: CheckTexts) -> Payload:
    """The DM once answered (the same for a double click or a replay): the answer, and what
    the coach says to it."""
    label = LABELS[answered.answer]
    blocks: list[Block] = []
    if texts.question:
        blocks.append(_asked(texts.question))
    month = month_name(answered.month)
    blocks.append(context(f"You answered *{label}* for {month}. Private to you."))
    if answered.answer == Answer.YES and texts.mapped:
        said = texts.mapped
    elif answered.answer == Answer.NO and answered.red_flag and texts.red_flag:
        said = texts.red_flag
    elif answered.answer == Answer.NO and texts.not_yet:
        said = texts.not_yet
    elif answered.answer == Answer.SKIP:
        said = "Okay, skipped. I'll ask again next month."
    else:
        said = "Noted."
    blocks.append(section(safe(said)))
    return message(f"{HEADING}: {label}. {safe(said)}", *blocks, replace_original=True)


def not_yours() -> Payload:
    """A button that names no check of the person's (someone else's, or garbage)."""
    return notice(
        "That button doesn't belong to one of your monthly expectations checks, so nothing "
        "was saved."
    )
