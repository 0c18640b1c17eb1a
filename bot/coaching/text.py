"""Text normalisation and keyword matching shared by classification and reframes.

Keywords are written by non-programmers in YAML, so the matching rules are deliberately
small and documented in `prompts/README.md`:

* matching is case-insensitive and ignores Slack markup (mentions, channel links, URLs);
* a keyword matches whole words only; a trailing ``*`` matches any ending
  (``unblock*`` matches "unblocked", "unblocking");
* spaces and hyphens inside a keyword are interchangeable, and a hyphen may be left out
  (``trade-off`` matches "tradeoff", "trade off" and "trade-off");
* ``{n}``, ``{money}``, ``{percent}``, ``{duration}``, ``{factor}`` and ``{word}`` stand for
  a number, an amount of money, a percentage, a duration, a factor ("3x") and one word;
  ``...`` between words lets up to six other words stand in between ("debugged ... with");
* when keywords overlap in the text, the longest match wins ("incident review" is not
  also counted as "review"); a phrase scores one point per word, two per placeholder, and
  an activity (a verb phrase: what someone did) two more than its words (a hyphenated
  word such as "off-by-one" is one word).
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


# Placeholders a keyword may use, for what words cannot list: numbers, money, durations.
_NUMBER = r"\d+(?:[.,]\d+)*"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|a dozen"
)
# Words that do not name something when they stand where `{word}` is: "the whole team" is not
# another team the way "the payments team" is.
_NOT_A_NAME = (
    "the|a|an|my|our|your|their|his|her|its|this|that|these|those|whole|entire|same|own|"
    "other|another|every|each|all|one|new"
)
PLACEHOLDERS: dict[str, str] = {
    "n": rf"(?<!\w)(?:{_NUMBER}|{_NUMBER_WORDS})(?!\w)",
    "money": (
        rf"(?:[$€£]\s?{_NUMBER}\s?(?:k|m|bn|mn|million|thousand)?"
        rf"|(?<!\w){_NUMBER}\s?(?:k|m)?\s?(?:usd|eur|gbp|dollars|euros|pounds))(?!\w)"
    ),
    "percent": rf"(?<!\w){_NUMBER}\s?(?:%|percent(?!\w))",
    "duration": (
        rf"(?<!\w){_NUMBER}\s?(?:ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?"
        r"|hours?|days?|weeks?|months?)(?!\w)"
    ),
    "factor": rf"(?<!\w){_NUMBER}\s?x(?!\w)",
    "word": rf"(?<!\w)(?!(?:{_NOT_A_NAME})(?!\w))[^\W\d_][\w'\-]*",
}
# Each placeholder counts as this many words: a number is strong evidence.
PLACEHOLDER_WEIGHT = 2
# "..." (or "…") between words: up to this many words may stand in between.
GAP_WORDS = 6
_PLACEHOLDER = re.compile(r"\{([a-z]+)\}")
_GAP = re.compile(r"\s*(?:\.\.\.|…)\s*")
_TOKEN = re.compile(r"(\{[a-z]+\}|\.\.\.|…|[\s\-]+)")
_LEADING_WORD = re.compile(r"\w+")
_TEXT_WORD = re.compile(r"\w+")
# Word beginnings are looked up by their first letters (every keyword's first word has them).
_PREFIX_KEY = 2


def keyword_problem(keyword: str) -> str | None:
    """Say what is wrong with a keyword as written in YAML, or None when it is fine."""
    unknown = [name for name in _PLACEHOLDER.findall(keyword) if name not in PLACEHOLDERS]
    core = _GAP.sub(" ", _PLACEHOLDER.sub("x", keyword)).strip()
    checks = (
        (keyword != keyword.strip(), "has leading or trailing spaces"),
        (not keyword, "is empty"),
        (keyword != keyword.lower(), "must be lower-case"),
        ("*" in keyword[:-1], "may use * only at its very end"),
        (
            bool(unknown),
            f"uses unknown placeholder {{{unknown[0] if unknown else ''}}}; known: "
            + ", ".join("{" + name + "}" for name in PLACEHOLDERS),
        ),
        (keyword.lstrip().startswith(("...", "…")), "may not start with ..."),
        (keyword.rstrip("* ").endswith(("...", "…")), "may not end with ..."),
        (not _WORD_CHAR.search(core), "needs at least one letter or digit"),
        (len(keyword) > 60, "is longer than 60 characters"),
    )
    return next((message for failed, message in checks if failed), None)


def keyword_weight(keyword: str) -> int:
    """Points a keyword scores: one per word and two per placeholder, so phrases outweigh words."""
    core = keyword.rstrip("*")
    placeholders = len(_PLACEHOLDER.findall(core))
    words = _PLACEHOLDER.sub(" ", _GAP.sub(" ", core))
    # "off-by-one" and "sign-off" are one word each: a hyphen joins, it does not add weight.
    return len(words.split()) + PLACEHOLDER_WEIGHT * placeholders


def compile_keyword(keyword: str) -> re.Pattern[str]:
    """Turn a YAML keyword into a regular expression following the rules above."""
    pattern, word_start = _compile(keyword)
    return re.compile((r"(?<!\w)" if word_start else "") + pattern.pattern)


def _compile(keyword: str) -> tuple[re.Pattern[str], bool]:
    """The keyword's pattern without its leading word boundary, and whether it needs one.

    A pattern that starts with a literal is found by a fast scan for that literal; a leading
    look-behind would make the engine try every position instead (ten times slower), so
    the caller checks the boundary before a match.
    """
    prefix = keyword.endswith("*")
    core = keyword.rstrip("*").strip()
    pieces: list[str] = []
    tokens = [token for token in _TOKEN.split(core) if token]
    for index, token in enumerate(tokens):
        placeholder = _PLACEHOLDER.fullmatch(token)
        if placeholder:
            pieces.append(PLACEHOLDERS[placeholder.group(1)])
        elif token in ("...", "…"):
            pieces.append(rf"(?:\s+\S+){{0,{GAP_WORDS}}}?\s+")
        elif _SEPARATOR.fullmatch(token):
            neighbours = tokens[index - 1 : index] + tokens[index + 1 : index + 2]
            if any(n in ("...", "…") for n in neighbours):
                continue  # the gap brings its own spaces
            pieces.append(r"[\s\-]*" if "-" in token else r"[\s\-]+")
        else:
            pieces.append(re.escape(normalise(token)))
    body = "".join(pieces)
    first, last = tokens[0], tokens[-1]
    word_start = bool(_WORD_CHAR.match(first[0])) and first[0] != "{"
    tail = r"(?!\w)" if _WORD_CHAR.match(last[-1]) and last[-1] != "}" else ""
    if prefix:
        tail = r"\w*"
    return re.compile(body + tail), word_start


@dataclass(frozen=True)
class Term:
    """A keyword and what it scores; an activity (a verb phrase) outweighs a noun."""

    phrase: str
    weight: int
    activity: bool = False

    @classmethod
    def keyword(cls, phrase: str) -> Term:
        return cls(phrase, keyword_weight(phrase))

    @classmethod
    def of_activity(cls, phrase: str) -> Term:
        return cls(phrase, keyword_weight(phrase) + ACTIVITY_BONUS, activity=True)


# An activity ("reviewed", "gave feedback on") scores this much more than its words alone,
# so what someone did outweighs the artefact it touched ("reviewed Tom's design doc").
ACTIVITY_BONUS = 2


@dataclass(frozen=True)
class KeywordHit:
    """One accepted keyword match in a text."""

    key: str
    keyword: str
    start: int
    end: int
    weight: int
    activity: bool = False


@dataclass(frozen=True)
class KeyScore:
    """The total for one key (a dimension, scope or reframe id) over a text."""

    key: str
    score: int
    keywords: tuple[str, ...]
    order: int
    activity: int = 0
    first_activity: int = 1 << 30
    first: int = 1 << 30
    hits: tuple[KeywordHit, ...] = ()


@dataclass(frozen=True, eq=False)
class KeywordMatcher:
    """Scores texts against groups of keywords.

    Ties in score go to the key with more activity points, then to the one whose first
    activity (else first keyword) comes earlier in the text: the main verb of a sentence
    usually comes first. `by_order` ranks by group order alone (scopes, broadest first: a
    text reaches as far as the broadest scope it names).
    """

    groups: tuple[tuple[str, tuple[Term, ...]], ...]
    by_order: bool = False

    @classmethod
    def build(
        cls, groups: Iterable[tuple[str, Sequence[str | Term]]], *, by_order: bool = False
    ) -> KeywordMatcher:
        """Make a matcher from (key, keywords or terms) pairs in priority order."""
        return cls(
            tuple(
                (key, tuple(w if isinstance(w, Term) else Term.keyword(w) for w in words))
                for key, words in groups
            ),
            by_order,
        )

    @cached_property
    def _compiled(self) -> tuple[tuple[int, str, Term, re.Pattern[str], bool], ...]:
        compiled = []
        for order, (key, terms) in enumerate(self.groups):
            for term in terms:
                compiled.append((order, key, term, *_compile(term.phrase)))
        return tuple(compiled)

    @cached_property
    def _index(self) -> tuple[dict[str, list[int]], dict[str, list[tuple[str, int]]], list[int]]:
        """Keywords by the word they start with: whole words, word beginnings, and the rest.

        A keyword can only match where its first word starts a word of the text, so most
        keywords need not be tried on a given text at all.
        """
        exact: dict[str, list[int]] = {}
        prefixes: dict[str, list[tuple[str, int]]] = {}
        anywhere: list[int] = []
        for index, (_, _, term, _, _) in enumerate(self._compiled):
            phrase = term.phrase
            first = _LEADING_WORD.match(phrase.lstrip("/"))
            if first is None or phrase.startswith("{"):
                anywhere.append(index)
                continue
            word = normalise(first.group(0))
            rest = phrase.lstrip("/")[first.end() :]
            # "unblock*" and "trade-off" (also written "tradeoff") may start a longer word.
            if rest.startswith(("*", "-")) and len(word) < _PREFIX_KEY:
                anywhere.append(index)
            elif rest.startswith(("*", "-")):
                prefixes.setdefault(word[:_PREFIX_KEY], []).append((word, index))
            else:
                exact.setdefault(word, []).append(index)
        return exact, prefixes, anywhere

    def _candidates(self, prepared: str) -> list[int]:
        """The keywords that can match this text (see `_index`)."""
        exact, prefixes, anywhere = self._index
        found: set[int] = set(anywhere)
        for word in set(_TEXT_WORD.findall(prepared)):
            found.update(exact.get(word, ()))
            for start, index in prefixes.get(word[:_PREFIX_KEY], ()):
                if word.startswith(start):
                    found.add(index)
        return sorted(found)

    def hits(self, prepared: str) -> list[KeywordHit]:
        """Non-overlapping matches in a prepared text, longest first, reported in text order."""
        found: list[tuple[int, int, int, int, int, str, Term]] = []
        for index in self._candidates(prepared):
            order, key, term, pattern, word_start = self._compiled[index]
            for match in pattern.finditer(prepared):
                if word_start and match.start() and _WORD_CHAR.match(prepared[match.start() - 1]):
                    continue  # inside a word: "ship" in "relationship"
                if match.end() > match.start():
                    length = match.end() - match.start()
                    found.append((-length, -term.weight, match.start(), order, index, key, term))
        found.sort()
        taken: list[tuple[int, int]] = []
        accepted: list[KeywordHit] = []
        for negative_length, _weight, start, _order, _index, key, term in found:
            end = start - negative_length
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            accepted.append(KeywordHit(key, term.phrase, start, end, term.weight, term.activity))
        accepted.sort(key=lambda hit: hit.start)
        return accepted

    @cached_property
    def _orders(self) -> dict[str, int]:
        return {key: order for order, (key, _) in enumerate(self.groups)}

    def rank(self, prepared: str) -> list[KeyScore]:
        """Keys with at least one hit, best first (see the class docstring for ties)."""
        orders = self._orders
        by_key: dict[str, dict[str, KeywordHit]] = {}
        for hit in self.hits(prepared):
            by_key.setdefault(hit.key, {}).setdefault(hit.keyword, hit)
        scores = []
        for key, found in by_key.items():
            hits = tuple(found.values())
            activities = [h for h in hits if h.activity]
            scores.append(
                KeyScore(
                    key=key,
                    score=sum(h.weight for h in hits),
                    keywords=tuple(found),
                    order=orders[key],
                    activity=sum(h.weight for h in activities),
                    first_activity=min((h.start for h in activities), default=1 << 30),
                    first=min(h.start for h in hits),
                    hits=hits,
                )
            )
        if self.by_order:
            scores.sort(key=lambda item: item.order)
        else:
            scores.sort(
                key=lambda item: (-item.score, -item.activity, item.first_activity, item.first)
            )
        return scores

    def matches_any(self, prepared: str) -> bool:
        """True when any keyword of any group occurs in the prepared text."""
        return bool(self.hits(prepared))
