"""Understand free text: people mentioned, links, hashtags, and a suggested dimension/scope.

Input is Slack message text, where Slack writes a mention as ``<@U123ABC>`` (older clients
``<@U123ABC|name>``), a link as ``<https://…|label>`` and escapes ``& < >``. Plain text
typed elsewhere (the local sandbox, a modal) works too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from bot.coaching import text as textmatch
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import Dimension, Scope

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
    source: Literal["hashtag", "keyword"]
    matched: tuple[str, ...]
    score: int

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

    @property
    def scope_id(self) -> str:
        """The suggested scope's id."""
        return self.scope.id


def suggest_dimension(text: str, library: CoachingLibrary) -> DimensionSuggestion | None:
    """Suggest a dimension: the first known hashtag wins; otherwise the best keyword score.

    Keyword ties go to the dimension listed first in `dimensions.yaml`. None when nothing
    in the text points anywhere.
    """
    tagged = [
        (tag, library.hashtag_index[tag])
        for tag in extract_hashtags(text)
        if tag in library.hashtag_index
    ]
    if tagged:
        winner = tagged[0][1]
        matched = tuple(tag for tag, dimension_id in tagged if dimension_id == winner)
        return DimensionSuggestion(library.dimension(winner), "hashtag", matched, len(matched))
    ranked = library.dimension_matcher.rank(textmatch.prepare(text))
    if not ranked:
        return None
    best = ranked[0]
    return DimensionSuggestion(library.dimension(best.key), "keyword", best.keywords, best.score)


def suggest_scope(text: str, library: CoachingLibrary) -> ScopeSuggestion | None:
    """Suggest a scope from its keywords; ties go to the broader scope. None when unclear."""
    ranked = library.scope_matcher.rank(textmatch.prepare(text))
    if not ranked:
        return None
    best = ranked[0]
    return ScopeSuggestion(library.scope(best.key), best.keywords, best.score)


@dataclass(frozen=True)
class ParsedText:
    """Everything the coach reads out of a free-text answer, for the "Edit" confirmation."""

    text: str
    people: tuple[str, ...]
    links: tuple[str, ...]
    hashtags: tuple[str, ...]
    dimension: DimensionSuggestion | None
    scope: ScopeSuggestion | None


def parse_text(text: str, library: CoachingLibrary) -> ParsedText:
    """Mentions, links, hashtags and suggested dimension and scope of one text, at once."""
    return ParsedText(
        text=text,
        people=tuple(extract_mentions(text)),
        links=tuple(extract_links(text)),
        hashtags=tuple(extract_hashtags(text)),
        dimension=suggest_dimension(text, library),
        scope=suggest_scope(text, library),
    )
