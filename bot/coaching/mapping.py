"""Which of a person's expectations an evidence entry speaks to, suggested from its words (pure).

Seed 001's practical path has you "map your existing work to those expectations"; the coach
makes a first guess so the person only corrects it. The guess is plain word overlap: both
texts are cut into words, common words dropped, each word reduced to a rough stem
("mentoring", "mentored", "mentors" → "mentor"), and an expectation is suggested when the
entry shares enough of its stems. Deterministic, explainable, and easy to overrule (the
confirmation's menu): a wrong guess costs one click, a clever one nobody can predict costs trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# At most this many expectations are suggested for one entry.
MAX_SUGGESTED = 3

# Slack markup first: mentions, channels, links and entities are not words of the text.
_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Words too common in work writing (or ladders) to say which expectation is meant.
_STOP_WORDS = """
    a about above across after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing done down during
    each few for from further had has have having he her here hers him his how i if in into
    is it its itself just me more most my no nor not of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
    get got make made many much new now one two well way ways things thing lot lots
    engineer engineers engineering team teams work worked working works staff level senior
    help helped helping helps people person someone everyone today week yesterday
"""
_STOP = frozenset(_STOP_WORDS.split())

# Past forms no suffix rule reaches, as their present ("wrote an RFC" / "Writes RFCs").
_IRREGULAR = {
    "wrote": "write",
    "written": "write",
    "led": "lead",
    "ran": "run",
    "drove": "drive",
    "driven": "drive",
    "taught": "teach",
    "built": "build",
    "chose": "choose",
    "chosen": "choose",
    "spoke": "speak",
    "spoken": "speak",
    "began": "begin",
    "begun": "begin",
    "brought": "bring",
    "thought": "think",
    "grew": "grow",
    "grown": "grow",
}

# Suffixes taken off, longest first; a stem keeps at least three letters.
_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "edly", "ed", "ly", "er", "ers")


def stem(word: str) -> str:
    """A rough stem: lower case, plural and common suffixes off, a final 'e' and a doubled
    last consonant dropped, so the forms of a word meet ("writes", "writing" → "writ")."""
    w = word.casefold().replace("’", "'")
    w = _IRREGULAR.get(w, w)
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if w.endswith("ment") and len(w) - 4 >= 5:  # alignment → align; document stays
        w = w[:-4]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiousl":
        w = w[:-1]  # shipped → shipp → ship
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def stems(text: str) -> frozenset[str]:
    """The stems of the words of `text` that can say something (no markup, no common words)."""
    plain = _MARKUP.sub(" ", text)
    found = set()
    for word in _WORD.findall(plain):
        folded = word.casefold()
        if folded in _STOP or len(folded) < 3:
            continue
        found.add(stem(folded))
    return frozenset(found)


@dataclass(frozen=True)
class Match:
    expectation_id: int
    shared: tuple[str, ...]  # the stems the entry and the expectation share, sorted


def _needed(expectation_stems: frozenset[str]) -> int:
    """How many stems an entry must share: one for a short expectation (two stems or fewer,
    "Mentors engineers"), two for the rest."""
    return 1 if len(expectation_stems) <= 2 else 2


def suggest(text: str, expectations: Sequence[tuple[int, str]]) -> list[Match]:
    """The expectations (id, text) the entry `text` speaks to, best first (most shared stems,
    then the larger share of the expectation's stems, then the person's order); at most
    MAX_SUGGESTED, none when nothing overlaps enough."""
    words = stems(text)
    if not words:
        return []
    scored: list[tuple[int, float, int, Match]] = []
    for position, (expectation_id, expectation_text) in enumerate(expectations):
        wanted = stems(expectation_text)
        shared = words & wanted
        if not wanted or len(shared) < _needed(wanted):
            continue
        match = Match(expectation_id, tuple(sorted(shared)))
        scored.append((-len(shared), -len(shared) / len(wanted), position, match))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:MAX_SUGGESTED]]


def follow_text(
    text: str,
    expectations: Sequence[tuple[int, str]],
    current: Sequence[tuple[int, bool]],
    *,
    by_hand: bool,
) -> list[int] | None:
    """After an edit of an entry's words: the expectation ids its mapping should now be
    (`current`: (expectation id, suggested by the coach) of each it maps to), or None to
    keep it. The person's own choice is kept (`by_hand`, or any expectation they chose);
    the coach's suggestion follows the new words."""
    if by_hand or any(not suggested for _, suggested in current):
        return None
    wanted = [match.expectation_id for match in suggest(text, expectations)]
    if set(wanted) == {expectation_id for expectation_id, _ in current}:
        return None
    return wanted


@dataclass(frozen=True)
class Coverage:
    """How much evidence one expectation has: every entry mapped to it, those of the week,
    and the newest entry's stored text (None: no evidence yet)."""

    expectation_id: int
    text: str
    count: int
    newest: str | None = None
    this_week: int = 0


def uncovered(coverage: Iterable[Coverage]) -> list[Coverage]:
    """The expectations with no evidence yet, in the person's order."""
    return [item for item in coverage if item.count == 0]


@dataclass(frozen=True)
class EntryMapping:
    """What the confirmation shows about one entry: the person's expectations (id, stored
    text) to choose from, the ones the entry is mapped to, and whether the coach chose them."""

    entry_id: int
    choices: tuple[tuple[int, str], ...]
    chosen: tuple[int, ...]
    suggested: bool
