"""The sponsor thread's words, from the coaching library (pure: no database, no Slack)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coaching.library import CoachingLibrary

# The thread's words come from prompts/ (each with its seed and seed_quote): the monthly
# question is this reflection prompt (kept out of weekly check-ins by
# bot/coaching/selection.py's THREAD_PROMPTS), the why is the promotion case's sponsor element.
QUESTION_PROMPT = "alignment-sponsor-visibility"
SPONSOR_ELEMENT = "sponsor"


@dataclass(frozen=True)
class SponsorTexts:
    question: str
    why: str


def texts(library: CoachingLibrary) -> SponsorTexts:
    """The thread's question and why from the coaching library (a workspace's prompts/
    override may leave either out: then the seed's own words)."""
    try:
        question = library.prompt(QUESTION_PROMPT).text
    except KeyError:
        question = "Who could advocate for you in a room you are not in?"
    try:
        element = library.promotion_element(SPONSOR_ELEMENT)
        name, description = element.name.strip(), element.description.strip()
    except KeyError:
        name = "A sponsor"
        description = (
            "At least one senior leader who can advocate for you in a room you are not in."
        )
    # The description is a noun phrase ("At least one senior leader who…"): on its own line it
    # read as a stray fragment, so it is said as what the name means.
    return SponsorTexts(question=question, why=f"{name}: {_continuing(description)}")


def _continuing(phrase: str) -> str:
    """`phrase` continuing a sentence: its first letter lowered unless it starts a word in
    capitals (an acronym such as "VP") or is "I"."""
    first_word = phrase.split(" ", 1)[0]
    if first_word == "A" or (len(first_word) > 1 and first_word[1:].islower()):
        return phrase[:1].lower() + phrase[1:]
    return phrase
