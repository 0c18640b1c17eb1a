"""Follow-up questions: one under each check-in question, the rest after the answer.

A prompt's follow-ups turn an answer into evidence: who benefited, what would have happened
otherwise, a number. The check-in shows only the first (a wall of questions reads as a
form); once the person has answered, the confirmation asks the others — but only for what
the answer does not say yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from bot.coaching.classify import extract_mentions, person_named
from bot.coaching.models import Prompt
from bot.coaching.text import prepare

Kind = Literal["who", "otherwise", "number"]

# What a follow-up asks for, read from its wording.
_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        "who",
        re.compile(r"\b(?:who|whose|whom)\b|\bwhich (?:team|teams|customers?|leader|people)\b"),
    ),
    (
        "otherwise",
        re.compile(
            r"\botherwise\b|\bwithout\b|\bwould\b|\binstead\b|\bby default\b"
            r"|\bif (?:it|nobody|they)\b|\bwhat happens\b|\bwhat repeats\b|\bleft them\b"
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|long|big|often|likely|bad)\b|\bnumber\b|\bcount\b"
            r"|\bper (?:month|week)\b|\broughly\b|\bestimate\b|\bmeasure\b|\bsize\b"
            r"|\bworth\b|\bcost\w*|\bspent\b|\bsave\w*|\bp\d\d\b|\bhow sooner\b"
            r"|\bwhen will\b|\bby when\b|\bby how much\b"
        ),
    ),
)
# What an answer already says.
_SAYS_WHO = re.compile(
    r"\b(?:team|teams|engineers?|customers?|users?|colleagues?|folks|everyone|he|she|they|"
    r"them|him|her|his|their)\b"
)
_SAYS_OTHERWISE = re.compile(
    r"\botherwise\b|\bwould have\b|\bwithout\b|\binstead\b|\bsaved\b|\bavoid|\bprevent"
    r"|\bbefore it\b|\bin time\b"
)
_SAYS_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|a dozen|half|"
    r"hundreds?|thousands?)\b"
)
# At most this many follow-ups after an answer: a confirmation is not an interview.
MAX_AFTER_ANSWER = 2


def asks_for(follow_up: str) -> frozenset[Kind]:
    """What a follow-up asks for: who benefited, what would have happened otherwise, a number."""
    folded = prepare(follow_up)
    return frozenset(kind for kind, pattern in _ASKS if pattern.search(folded))


def answer_says(
    text: str, *, people: Sequence[str] = (), impact: str | None = None
) -> frozenset[Kind]:
    """What an answer already says, of the three things follow-ups ask for."""
    folded = prepare(f"{text}\n{impact or ''}")
    said: set[Kind] = set()
    if people or extract_mentions(text) or person_named(text) or _SAYS_WHO.search(folded):
        said.add("who")
    if (impact and impact.strip()) or _SAYS_OTHERWISE.search(folded):
        said.add("otherwise")
    if _SAYS_NUMBER.search(folded):
        said.add("number")
    return frozenset(said)


def after_answer(
    prompt: Prompt, text: str, *, people: Sequence[str] = (), impact: str | None = None
) -> tuple[str, ...]:
    """The follow-ups to ask once the person has answered: those not shown with the question
    that ask for something the answer does not say yet (at most MAX_AFTER_ANSWER).
    """
    said = answer_says(text, people=people, impact=impact)
    missing = [
        follow_up
        for follow_up in prompt.follow_ups[1:]
        if (asked := asks_for(follow_up)) and not asked <= said
    ]
    return tuple(missing[:MAX_AFTER_ANSWER])
