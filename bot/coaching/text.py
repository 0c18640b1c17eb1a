"""Text normalisation and keyword matching shared by classification and reframes.

Keywords are written by non-programmers in YAML, so the matching rules are deliberately
small and documented in `prompts/README.md`:

* matching is case-insensitive and ignores Slack markup (mentions, channel links, URLs);
* a keyword matches whole words only; a trailing ``*`` matches any ending
  (``unblock*`` matches "unblocked", "unblocking");
* spaces and hyphens inside a keyword are interchangeable, and a hyphen may be left out
  (``trade-off`` matches "tradeoff", "trade off" and "trade-off");
* when keywords overlap in the text, the longest match wins ("incident review" is not
  also counted as "review"); a phrase scores one point per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

# <@U123|name>, <#C123|name>, <!here>, <https://…|label>: everything Slack wraps in <…>.
SLACK_ENTITY = re.compile(r"<([^<>\n]*)>")
BARE_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_SEPARATOR = re.compile(r"[\s\-]+")
_WORD_CHAR = re.compile(r"\w")

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2013": " ",
        "\u2014": " ",
        "\u00a0": " ",
    }
)


def unescape_slack(text: str) -> str:
    """Undo Slack's three HTML escapes (&amp; &lt; &gt;) in message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _entity_label(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith(("@", "#", "!")):
        return " "
    _, bar, label = inner.partition("|")
    return f" {label} " if bar else " "


def strip_markup(text: str) -> str:
    """Drop mentions, channel links, broadcasts and URLs; keep the label of a labelled link."""
    text = SLACK_ENTITY.sub(_entity_label, text)
    return BARE_URL.sub(" ", text)


def normalise(text: str) -> str:
    """Fold text for matching: NFKC, case-folded, typographic quotes and dashes simplified."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return unescape_slack(text).casefold()


def prepare(text: str) -> str:
    """Markup stripped and normalised: the form keywords are matched against."""
    return normalise(strip_markup(text))


def keyword_problem(keyword: str) -> str | None:
    """Say what is wrong with a keyword as written in YAML, or None when it is fine."""
    checks = (
        (keyword != keyword.strip(), "has leading or trailing spaces"),
        (not keyword, "is empty"),
        (keyword != keyword.lower(), "must be lower-case"),
        ("*" in keyword[:-1], "may use * only at its very end"),
        (not _WORD_CHAR.search(keyword), "needs at least one letter or digit"),
        (len(keyword) > 60, "is longer than 60 characters"),
    )
    return next((message for failed, message in checks if failed), None)


def keyword_weight(keyword: str) -> int:
    """Points a keyword scores: one per word, so phrases outweigh single words."""
    core = keyword.rstrip("*")
    return len([part for part in _SEPARATOR.split(core) if part])


def compile_keyword(keyword: str) -> re.Pattern[str]:
    """Turn a YAML keyword into a regular expression following the rules above."""
    prefix = keyword.endswith("*")
    core = normalise(keyword.rstrip("*").strip())
    pieces: list[str] = []
    for token in re.split(r"([\s\-]+)", core):
        if not token:
            continue
        if _SEPARATOR.fullmatch(token):
            pieces.append(r"[\s\-]*" if "-" in token else r"[\s\-]+")
        else:
            pieces.append(re.escape(token))
    body = "".join(pieces)
    head = r"(?<!\w)" if _WORD_CHAR.match(core[0]) else ""
    tail = r"(?!\w)" if _WORD_CHAR.match(core[-1]) else ""
    if prefix:
        tail = r"\w*"
    return re.compile(head + body + tail)


@dataclass(frozen=True)
class KeywordHit:
    """One accepted keyword match in a text."""

    key: str
    keyword: str
    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class KeyScore:
    """The total for one key (a dimension, scope or reframe id) over a text."""

    key: str
    score: int
    keywords: tuple[str, ...]
    order: int


@dataclass(frozen=True, eq=False)
class KeywordMatcher:
    """Scores texts against ordered groups of keywords; ties go to the earlier group."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def build(cls, groups: Iterable[tuple[str, Sequence[str]]]) -> KeywordMatcher:
        """Make a matcher from (key, keywords) pairs in priority order."""
        return cls(tuple((key, tuple(words)) for key, words in groups))

    @cached_property
    def _compiled(self) -> tuple[tuple[int, str, str, re.Pattern[str], int], ...]:
        compiled = []
        for order, (key, words) in enumerate(self.groups):
            for word in words:
                compiled.append((order, key, word, compile_keyword(word), keyword_weight(word)))
        return tuple(compiled)

    def hits(self, prepared: str) -> list[KeywordHit]:
        """Non-overlapping matches in a prepared text, longest first, reported in text order."""
        found: list[tuple[int, int, int, int, str, str, int]] = []
        for index, (order, key, word, pattern, weight) in enumerate(self._compiled):
            for match in pattern.finditer(prepared):
                if match.end() > match.start():
                    found.append(
                        (
                            match.start() - match.end(),
                            match.start(),
                            order,
                            index,
                            key,
                            word,
                            weight,
                        )
                    )
        found.sort()
        taken: list[tuple[int, int]] = []
        accepted: list[KeywordHit] = []
        for negative_length, start, _order, _index, key, word, weight in found:
            end = start - negative_length
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            accepted.append(KeywordHit(key, word, start, end, weight))
        accepted.sort(key=lambda hit: hit.start)
        return accepted

    def rank(self, prepared: str) -> list[KeyScore]:
        """Keys with at least one hit, best first: higher score, then earlier group."""
        orders = {key: order for order, (key, _) in enumerate(self.groups)}
        words: dict[str, dict[str, int]] = {}
        for hit in self.hits(prepared):
            words.setdefault(hit.key, {}).setdefault(hit.keyword, hit.weight)
        scores = [
            KeyScore(key, sum(found.values()), tuple(found), orders[key])
            for key, found in words.items()
        ]
        scores.sort(key=lambda item: (-item.score, item.order))
        return scores

    def matches_any(self, prepared: str) -> bool:
        """True when any keyword of any group occurs in the prepared text."""
        return any(pattern.search(prepared) for _, _, _, pattern, _ in self._compiled)
