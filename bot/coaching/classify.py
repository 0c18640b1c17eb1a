"""Understand free text: people mentioned, links, hashtags, and a suggested dimension/scope.

Input is Slack message text, where Slack writes a mention as ``<@U123ABC>`` (older clients
``<@U123ABC|name>``), a link as ``<https://…|label>`` and escapes ``& < >``. Plain text
typed elsewhere (the local sandbox, a modal) works too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal
from urllib.parse import urlsplit

import bot.coaching.text as textmatch
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import Dimension, Reframe, Scope

_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,31})(?:\|[^<>\n]*)?>")
_ENTITY_OR_URL = re.compile(r"<([^<>\n]*)>|(https?://[^\s<>]+)", re.IGNORECASE)
_LINK_TARGET = re.compile(r"https?://[^\s|<>]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&#/])#([^\W\d_][\w\-]*)")
_TRAILING_PUNCTUATION = ".,;:!?'\"*_~"
_BRACKETS = {")": "(", "]": "[", "}": "{"}


def extract_mentions(text: str) -> list[str]:
    """Slack user ids mentioned in the text, de-duplicated, in order of first mention."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def extract_links(text: str) -> list[str]:
    """http(s) URLs in the text, Slack-formatted or bare, de-duplicated, in order."""
    seen: dict[str, None] = {}
    for match in _ENTITY_OR_URL.finditer(text):
        entity, bare = match.group(1), match.group(2)
        if entity is not None:
            target = entity.partition("|")[0]
            url = textmatch.unescape_slack(target) if _LINK_TARGET.fullmatch(target) else ""
        else:
            url = _trim_bare_url(textmatch.unescape_slack(bare))
        if url and _has_host(url):
            seen.setdefault(url, None)
    return list(seen)


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. a malformed IPv6 host
        return False


def _trim_bare_url(url: str) -> str:
    """Drop sentence punctuation after a bare URL, keeping balanced closing brackets."""
    while url:
        last = url[-1]
        unbalanced = last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last])
        if last not in _TRAILING_PUNCTUATION and not unbalanced:
            break
        url = url[:-1]
    return url


def extract_hashtags(text: str) -> list[str]:
    """Hashtags as ``#tag``, case-folded, de-duplicated, in order; ignores URLs and channels."""
    plain = textmatch.unescape_slack(textmatch.strip_markup(text))
    plain = unicodedata.normalize("NFKC", plain)
    seen: dict[str, None] = {}
    for match in _HASHTAG.finditer(plain):
        tag = match.group(1).rstrip("-").casefold()
        if tag:
            seen.setdefault(f"#{tag}", None)
    return list(seen)


@dataclass(frozen=True)
class DimensionSuggestion:
    """The dimension a text most likely belongs to, and why."""

    dimension: Dimension
    source: Literal["hashtag", "keyword", "example"]
    matched: tuple[str, ...]
    score: int
    # For keywords: the words of the text they matched, strongest first ("debugged the
    # cache issue with"); what a person is shown as the reason. Never an example's text.
    phrases: tuple[str, ...] = ()
    # For keywords: the points that came from activities (what someone did), not nouns.
    activity: int = 0

    @property
    def dimension_id(self) -> str:
        """The suggested dimension's id."""
        return self.dimension.id


@dataclass(frozen=True)
class ScopeSuggestion:
    """The scope a text most likely describes, and the phrases that say so."""

    scope: Scope
    matched: tuple[str, ...]
    score: int
    source: Literal["keyword", "example", "person", "default"] = "keyword"

    @property
    def scope_id(self) -> str:
        """The suggested scope's id."""
        return self.scope.id


# ── A workspace's own labelled examples ────────────────────────────────────────────────────

# Words too common to say anything about what a text is.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W_][\w'\-]*")
# A text this similar (Jaccard over its words) to a labelled example takes the example's label.
EXAMPLE_SIMILARITY = 0.6


def _words(text: str) -> frozenset[str]:
    prepared = textmatch.prepare(text)
    return frozenset(w for w in _WORD.findall(prepared) if w not in _STOPWORDS and len(w) > 1)


@dataclass(frozen=True)
class LabelledExample:
    """A text a person filed under a dimension and scope themselves (a correction)."""

    text: str
    dimension: str | None
    scope: str | None


@dataclass(frozen=True, eq=False)
class ExampleIndex:
    """A workspace's labelled examples, looked up by word overlap; the newest wins a tie."""

    examples: tuple[LabelledExample, ...] = ()

    @cached_property
    def _indexed(self) -> tuple[list[frozenset[str]], dict[str, list[int]]]:
        words = [_words(example.text) for example in self.examples]
        postings: dict[str, list[int]] = {}
        for index, found in enumerate(words):
            for word in found:
                postings.setdefault(word, []).append(index)
        return words, postings

    def nearest(self, text: str) -> tuple[LabelledExample, float] | None:
        """The most similar example at or above EXAMPLE_SIMILARITY, with its similarity."""
        if not self.examples:
            return None
        wanted = _words(text)
        if not wanted:
            return None
        words, postings = self._indexed
        candidates = {index for word in wanted for index in postings.get(word, ())}
        best: tuple[float, int] | None = None
        for index in candidates:
            similarity = len(wanted & words[index]) / len(wanted | words[index])
            if best is None or (similarity, index) > best:
                best = (similarity, index)
        if best is None or best[0] < EXAMPLE_SIMILARITY:
            return None
        return self.examples[best[1]], best[0]


NO_EXAMPLES = ExampleIndex()


# ── Dimension and scope ───────────────────────────────────────────────────────────────────


def _from_hashtag(text: str, library: CoachingLibrary) -> DimensionSuggestion | None:
    tagged = [
        (tag, library.hashtag_index[tag])
        for tag in extract_hashtags(text)
        if tag in library.hashtag_index
    ]
    if not tagged:
        return None
    winner = tagged[0][1]
    matched = tuple(tag for tag, dimension_id in tagged if dimension_id == winner)
    return DimensionSuggestion(library.dimension(winner), "hashtag", matched, len(matched))


def _known_dimension(library: CoachingLibrary, dimension_id: str | None) -> Dimension | None:
    return library.dimension(dimension_id) if dimension_id in library.dimension_ids else None


def suggest_dimension(
    text: str, library: CoachingLibrary, examples: ExampleIndex = NO_EXAMPLES
) -> DimensionSuggestion | None:
    """Suggest a dimension: a known hashtag, else a near-identical labelled example, else the
    best keyword score. None when nothing in the text points anywhere.
    """
    return _dimension(text, textmatch.prepare(text), library, examples)[0]


def _dimension(
    text: str, prepared: str, library: CoachingLibrary, examples: ExampleIndex
) -> tuple[DimensionSuggestion | None, list[textmatch.KeyScore], LabelledExample | None]:
    tagged = _from_hashtag(text, library)
    if tagged is not None:
        return tagged, [], None
    near = examples.nearest(text)
    example = near[0] if near else None
    if example is not None:
        known = _known_dimension(library, example.dimension)
        if known is not None:
            return DimensionSuggestion(known, "example", (), 0), [], example
    ranked = library.dimension_matcher.rank(prepared)
    if not ranked:
        return None, ranked, example
    best = ranked[0]
    found = library.dimension(best.key)
    strongest = sorted(best.hits, key=lambda hit: (-hit.weight, hit.start))
    phrases = tuple(dict.fromkeys(prepared[hit.start : hit.end] for hit in strongest))
    suggestion = DimensionSuggestion(
        found, "keyword", best.keywords, best.score, phrases, best.activity
    )
    return suggestion, ranked, example


# A colleague named where a person would be: "with Marco", "Priya's PR", "Tom was stuck".
_PERSON_BEFORE = (
    r"(?:with|helped|helping|for|mentored|mentoring|coached|coaching|taught|unblocked|showed|"
    r"gave|told|thanked|let|credited|credit|asked|got|walked|pulled|reviewed)"
)
_PERSON = re.compile(
    rf"(?:\b{_PERSON_BEFORE}\s+(?P<after>[A-Z][a-z]{{1,19}})\b(?!['’]s\s+team)"
    r"|\b(?P<owner>[A-Z][a-z]{1,19})['’]s\b(?!\s+team)"
    r"|^(?P<subject>[A-Z][a-z]{1,19})\s+(?:was|had|couldn['’]t|kept|asked|needed|is)\b)"
)
_NOT_PEOPLE = frozenset(
    [
        "I",
        "The",
        "Our",
        "We",
        "It",
        "My",
        "This",
        "That",
        "These",
        "Those",
        "Their",
        "His",
        "Her",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Google",
        "Kafka",
        "Postgres",
        "Redis",
        "Docker",
        "Java",
        "Python",
        "Terraform",
        "Slack",
        "Jest",
        "Mocha",
        "Helm",
        "Kubernetes",
        "Rust",
        "Go",
        "Android",
        "Lambda",
        "Datadog",
        "Workspace",
        "Everyone",
        "Nobody",
        "Someone",
        "Team",
        "Product",
        "Design",
        "Sales",
        "Legal",
        "Finance",
        "Security",
        "Support",
    ]
)


def person_named(text: str) -> str | None:
    """A colleague the text names or mentions, as shown (e.g. "Marco", "<@U123>"), or None."""
    mentions = extract_mentions(text)
    if mentions:
        return f"<@{mentions[0]}>"
    plain = textmatch.unescape_slack(textmatch.strip_markup(text)).strip()
    for match in _PERSON.finditer(plain):
        name = match.group("after") or match.group("owner") or match.group("subject")
        if name and name not in _NOT_PEOPLE:
            return name
    return None


def suggest_scope(
    text: str,
    library: CoachingLibrary,
    *,
    dimension: str | None = None,
    examples: ExampleIndex = NO_EXAMPLES,
) -> ScopeSuggestion | None:
    """Suggest a scope: a labelled example, else what the text says about reach (ties go to
    the broader scope), else a colleague it names (team), else the dimension's usual scope.
    None when nothing points anywhere.
    """
    near = examples.nearest(text)
    return _scope(text, textmatch.prepare(text), library, dimension, near[0] if near else None)


def _scope(
    text: str,
    prepared: str,
    library: CoachingLibrary,
    dimension: str | None,
    example: LabelledExample | None,
) -> ScopeSuggestion | None:
    if example is not None and example.scope in library.scope_ids:
        return ScopeSuggestion(library.scope(example.scope), (), 0, "example")
    ranked = library.scope_matcher.rank(prepared)
    person = person_named(text)
    # A colleague named is reach to at least the team ("… instead of doing it myself").
    if person is not None and "team" in library.scope_ids:
        said = library.scope(ranked[0].key) if ranked else None
        if said is None or said.weight < library.scope("team").weight:
            return ScopeSuggestion(library.scope("team"), (person,), 0, "person")
    if ranked:
        best = ranked[0]
        return ScopeSuggestion(library.scope(best.key), best.keywords, best.score)
    known = _known_dimension(library, dimension)
    if known is not None and known.default_scope in library.scope_ids:
        return ScopeSuggestion(library.scope(known.default_scope), (known.id,), 0, "default")
    return None


# ── Reframes ──────────────────────────────────────────────────────────────────────────────


def _team_reach(library: CoachingLibrary) -> float:
    """The breadth of one team: a staff version no broader than this is about intention."""
    if "team" in library.scope_ids:
        return library.scope_rank("team")
    weights = sorted(s.weight for s in library.scopes)
    return weights[1] if len(weights) > 1 else 0.0


def reframe_for(
    text: str,
    library: CoachingLibrary,
    *,
    dimension: str | None,
    scope: str | None,
    prepared: str | None = None,
) -> tuple[Reframe | None, str]:
    """The staff-level reframe for glue work in `text`, and a few words on why (or why not).

    Offered only for glue work: a trigger matches, none of its `unless` phrases does (the
    staff version is under way), the entry is not filed as other work (mentoring someone
    through on-call is mentoring, not firefighting), and its reach is narrower than the
    staff version's (an org-wide policy needs no org-wide reframe).
    """
    prepared = textmatch.prepare(text) if prepared is None else prepared
    reasons: list[str] = []
    for scored in library.reframe_matcher.rank(prepared):
        reframe = library.reframe(scored.key)
        said = f'"{scored.keywords[0]}"'
        if library.reframe_guards[reframe.id].matches_any(prepared):
            reasons.append(f"{said} but the staff version is under way")
            continue
        known = _known_dimension(library, dimension)
        if known is not None and known.multiplier and dimension not in reframe.glue_dimensions:
            reasons.append(f"{said} but it reads as {dimension}, not glue work")
            continue
        reach = library.scope_rank(scope)
        if reach > _team_reach(library) and reach >= library.scope_rank(reframe.scope):
            reasons.append(f"{said} but it already reaches {scope}")
            continue
        return reframe, f"reframe {reframe.id}: {said} is {reframe.glue.lower()}"
    return None, "; ".join(f"no reframe: {reason}" for reason in reasons)


# ── Everything at once ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Classification:
    """What the coach understood from one text, and why."""

    text: str
    dimension: DimensionSuggestion | None
    scope: ScopeSuggestion | None
    reframe: Reframe | None
    why: str

    @property
    def dimension_id(self) -> str | None:
        return self.dimension.dimension_id if self.dimension else None

    @property
    def scope_id(self) -> str | None:
        return self.scope.scope_id if self.scope else None

    def as_json(self) -> dict[str, str | None]:
        """The shape `python -m bot.coaching classify` prints."""
        return {
            "text": self.text,
            "dimension": self.dimension_id,
            "scope": self.scope_id,
            "reframe": self.reframe.id if self.reframe else None,
            "why": self.why,
        }


def _phrases(score: textmatch.KeyScore, limit: int = 3) -> str:
    shown = sorted(score.hits, key=lambda hit: (-hit.weight, hit.start))[:limit]
    return ", ".join(
        f'"{hit.keyword}" +{hit.weight}{" (activity)" if hit.activity else ""}' for hit in shown
    )


def _dimension_why(
    suggestion: DimensionSuggestion | None, ranked: Sequence[textmatch.KeyScore]
) -> str:
    if suggestion is None:
        return "no dimension: nothing in the text points to one"
    if suggestion.source == "hashtag":
        return f"{', '.join(suggestion.matched)} names {suggestion.dimension_id}"
    if suggestion.source == "example":
        return f"{suggestion.dimension_id}: like a text someone in the workspace filed so"
    best = ranked[0]
    why = f"{best.key} {best.score}: {_phrases(best)}"
    if len(ranked) > 1:
        runner = ranked[1]
        why += f"; over {runner.key} {runner.score}: {_phrases(runner, 2)}"
        if runner.score == best.score:
            why += (
                " (tie: "
                + (
                    "more activity"
                    if best.activity != runner.activity
                    else "its activity comes first"
                )
                + ")"
            )
    return why


def _scope_why(suggestion: ScopeSuggestion | None) -> str:
    if suggestion is None:
        return "no scope: nothing says how far it reached"
    if suggestion.source == "person":
        return f"scope team: names a colleague ({suggestion.matched[0]})"
    if suggestion.source == "default":
        return f"scope {suggestion.scope_id}: usual for {suggestion.matched[0]}"
    if suggestion.source == "example":
        return f"scope {suggestion.scope_id}: like a text someone in the workspace filed so"
    said = ", ".join(f'"{k}"' for k in suggestion.matched[:3])
    return f"scope {suggestion.scope_id}: {said}"


def classify(
    text: str, library: CoachingLibrary, examples: ExampleIndex = NO_EXAMPLES
) -> Classification:
    """Dimension, scope and reframe of one evidence text, with the reasons in `why`."""
    prepared = textmatch.prepare(text)
    dimension, ranked, example = _dimension(text, prepared, library, examples)
    dimension_id = dimension.dimension_id if dimension else None
    scope = _scope(text, prepared, library, dimension_id, example)
    reframe, reframe_why = reframe_for(
        text,
        library,
        dimension=dimension_id,
        scope=scope.scope_id if scope else None,
        prepared=prepared,
    )
    parts = [_dimension_why(dimension, ranked), _scope_why(scope)]
    if reframe_why:
        parts.append(reframe_why)
    return Classification(text, dimension, scope, reframe, "; ".join(parts))


@dataclass(frozen=True)
class ParsedText:
    """Everything the coach reads out of a free-text answer, for the "Edit" confirmation."""

    text: str
    people: tuple[str, ...]
    links: tuple[str, ...]
    hashtags: tuple[str, ...]
    dimension: DimensionSuggestion | None
    scope: ScopeSuggestion | None


def parse_text(
    text: str, library: CoachingLibrary, examples: ExampleIndex = NO_EXAMPLES
) -> ParsedText:
    """Mentions, links, hashtags and suggested dimension and scope of one text, at once."""
    understood = classify(text, library, examples)
    return ParsedText(
        text=text,
        people=tuple(extract_mentions(text)),
        links=tuple(extract_links(text)),
        hashtags=tuple(extract_hashtags(text)),
        dimension=understood.dimension,
        scope=understood.scope,
    )
