"""A quote request's words, from the coaching library (pure: no database, no Slack)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coaching.library import CoachingLibrary

# prompts/quotes.yaml; each with its seed and seed_quote (seed 002's promotion case). A
# workspace's override may leave one out: then these, the shipped words.
_FALLBACK = {
    "why": "Ask one peer who saw your work up close for one sentence about your influence on "
    "theirs: it lands on your log as kudos from them, in their words.",
    "ask": "{requester} asked you for one sentence about their influence: something they "
    "changed for you or your team, in your own words. It goes only to their private log, as "
    'kudos from you. No pressure: "Not now" is a fine answer too.',
    "answered": "{peer} wrote a sentence about your influence. It is on your log as kudos from "
    "them, and in your promotion packet:",
    "declined": "{peer} can't write a sentence just now. No harm done. Ask again in a few "
    "weeks, or ask someone else who saw your work up close.",
}


@dataclass(frozen=True)
class QuoteTexts:
    why: str
    # Templates: {requester} / {peer} become mentions (bot/ui/quotes.py).
    ask: str
    answered: str
    declined: str


def texts(library: CoachingLibrary) -> QuoteTexts:
    def one(text_id: str) -> str:
        try:
            return library.quote_text(text_id).text
        except KeyError:
            return _FALLBACK[text_id]

    return QuoteTexts(
        why=one("why"), ask=one("ask"), answered=one("answered"), declined=one("declined")
    )
