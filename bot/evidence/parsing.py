"""Read a typed evidence text: people, links, dimension and scope, and malformed mentions.

Slash-command text arrives escaped (`should_escape: true` in the manifest): Slack writes a
person as ``<@U123|bob>``, a channel as ``<#C1|general>`` and escapes ``& < >``. A mention
Slack could not resolve stays as typed: ``@dana``. Those, and broken ``<@…`` markup, are
"malformed mentions": the text is still kept, but the user is told which people could not
be recognised.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.coaching.classify import (
    NO_EXAMPLES,
    ExampleIndex,
    classify,
    extract_links,
    extract_mentions,
    suggest_dimension,
)
from bot.coaching.library import CoachingLibrary

_WELL_FORMED = re.compile(r"<@[UW][A-Z0-9]{2,31}(?:\|[^<>\n]*)?>")
_BROKEN_MARKUP = re.compile(r"<@[^>\s]*>?")
# "@dana" at the start or after a space (not an e-mail address); Slack's own broadcast words
# are not people.
_BARE_AT = re.compile(r"(?:(?<=\s)|^)@([\w.\-]{1,80})", re.UNICODE)
_NOT_PEOPLE = {"here", "channel", "everyone"}
# People one /kudos may name; beyond this each is told, none is looked up.
MAX_KUDOS_RECIPIENTS = 20


@dataclass(frozen=True)
class ParsedEvidence:
    """What a typed text says about itself."""

    text: str
    people: tuple[str, ...]
    links: tuple[str, ...]
    dimension: str | None
    dimension_source: str | None
    matched: tuple[str, ...]
    scope: str | None
    malformed_mentions: tuple[str, ...]


def malformed_mentions(text: str) -> list[str]:
    """Mentions that did not become a Slack user id: ``@dana`` or broken ``<@…`` markup."""
    found: list[str] = []
    without_good = _WELL_FORMED.sub(" ", text)
    found.extend(m.group(0) for m in _BROKEN_MARKUP.finditer(without_good))
    stripped = _BROKEN_MARKUP.sub(" ", without_good)
    for match in _BARE_AT.finditer(stripped):
        word = match.group(1).rstrip(".-")
        if word and word.lower() not in _NOT_PEOPLE:
            found.append("@" + word)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class LeadingPeople:
    """The people a text starts with (`/kudos @bob @carol …`) and the text after them."""

    slack_ids: tuple[str, ...]
    # Names at the start that Slack did not turn into a person: ``@dana``, broken ``<@…``.
    unresolved: tuple[str, ...]
    rest: str


# Between two names: spaces, commas, "and", "&" (escaped by Slack as &amp;), "+".
_NAME_SEPARATOR = re.compile(r"(?:\s|,|&amp;|&|\+|\band\b)*", re.IGNORECASE)
_LEADING_BARE = re.compile(r"@([\w.\-]{1,80})", re.UNICODE)
_MENTION_HERE = re.compile(r"<@([UW][A-Z0-9]{2,31})(?:\|[^<>\n]*)?>")


def leading_people(text: str) -> LeadingPeople:
    """Every person named at the start of the text, in order, each once.

    A run of mentions separated by spaces, commas, "and", "&" or "+"; it ends at the first
    word that is not a name. Unresolved names in that run are reported, not dropped.
    """
    ids: dict[str, None] = {}
    unresolved: dict[str, None] = {}
    position = 0
    while True:
        start = _NAME_SEPARATOR.match(text, position).end()  # type: ignore[union-attr]
        if start == position and position > 0:
            break  # names must be separated
        if match := _MENTION_HERE.match(text, start):
            ids.setdefault(match.group(1), None)
        elif (match := _BROKEN_MARKUP.match(text, start)) and not _WELL_FORMED.match(text, start):
            unresolved.setdefault(match.group(0), None)
        elif (match := _LEADING_BARE.match(text, start)) and match.group(1).lower().rstrip(
            ".-"
        ) not in _NOT_PEOPLE:
            unresolved.setdefault("@" + match.group(1).rstrip(".-"), None)
        else:
            break
        position = match.end()
    return LeadingPeople(tuple(ids), tuple(unresolved), text[position:])


def kudos_words(text: str, named: Collection[str]) -> str:
    """A kudos text as shown beside its recipients' names: without the mentions it starts
    with (`@bob @carol thanks for …` → `thanks for …`) when every one of them is in `named`
    (so nobody the giver named is lost); else the text whole. The stored text keeps them."""
    lead = leading_people(text)
    rest = lead.rest.strip()
    if not lead.slack_ids or lead.unresolved or not rest or not set(lead.slack_ids) <= set(named):
        return text
    return rest


def received_words(text: str, owner: str) -> str:
    """A kudos as its recipient `owner` (a Slack id) sees it quoted: without the names it
    starts with when they include the owner (`@alice @bob great review` → `great review`),
    as `kudos_words` shows it; else the text whole."""
    named = leading_people(text).slack_ids
    return kudos_words(text, named) if owner in named else text


# One hashtag at the very end of a text, after a space: `… the on-call runbook #mentoring`.
_TRAILING_TAG = re.compile(r"\s+#([^\W\d_][\w\-]*)\s*$", re.UNICODE)


def entry_words(text: str, library: CoachingLibrary, dimension: str | None) -> str:
    """An entry's text as shown in a view: without the ``#dimension`` hashtag(s) it ends with
    when they name its dimension (`… runbook #mentoring` on a Mentoring entry → `… runbook`).
    A tag inside the sentence, one that is not a dimension hashtag or names another
    dimension stays; a text of nothing else stays whole. The stored text keeps them."""
    if not dimension:
        return text
    shown = text
    while (match := _TRAILING_TAG.search(shown)) and library.hashtag_index.get(
        "#" + match.group(1).rstrip("-").casefold()
    ) == dimension:
        shown = shown[: match.start()]
    return shown if shown.strip() and shown != text else text


def parse_evidence(
    text: str,
    library: CoachingLibrary,
    *,
    author: str | None = None,
    examples: ExampleIndex = NO_EXAMPLES,
) -> ParsedEvidence:
    """Read people, links, dimension and scope out of a typed text (never changes it)."""
    understood = classify(text, library, examples)
    suggestion, scope = understood.dimension, understood.scope
    people = tuple(p for p in extract_mentions(text) if p != author)
    return ParsedEvidence(
        text=text,
        people=people,
        links=tuple(extract_links(text)),
        dimension=suggestion.dimension_id if suggestion else None,
        dimension_source=suggestion.source if suggestion else None,
        matched=(suggestion.phrases or suggestion.matched) if suggestion else (),
        scope=scope.scope_id if scope else None,
        malformed_mentions=tuple(malformed_mentions(text)),
    )


def bare_names(text: str) -> list[str]:
    """``@name``s typed as text (not Slack mentions), as typed, each once, in order."""
    return [name for name in malformed_mentions(text) if not name.startswith("<")]


_ONLY_TAGS_AND_MENTIONS = re.compile(
    r"\s*(?:(?:#[^\W\d_][\w\-]*|<@[UW][A-Z0-9]+(?:\|[^>]*)?>)[\s,]*)+", re.UNICODE
)


def no_story(text: str) -> bool:
    """True for a text of only #hashtags and @mentions (`/brag @bob`, `/brag #review @bob`):
    who and what kind, but not what happened."""
    return _ONLY_TAGS_AND_MENTIONS.fullmatch(text) is not None


@dataclass(frozen=True)
class FormChoices:
    """What a submitted form means once its text is read as the command line reads it."""

    dimension: str | None
    # Where the dimension came from: "field", "hashtag", "keyword" (or None: none chosen).
    dimension_source: str | None
    matched: tuple[str, ...]
    people: tuple[str, ...]
    # @names in the text that matched nobody (or more than one person).
    unresolved: tuple[str, ...]


def form_choices(
    text: str,
    library: CoachingLibrary,
    *,
    field_dimension: str | None,
    field_people: tuple[str, ...] | list[str],
    prefilled_dimension: str | None = None,
    prefilled_people: tuple[str, ...] | list[str] = (),
    named: dict[str, str] | None = None,
    author: str | None = None,
    guess: bool = True,
    examples: ExampleIndex = NO_EXAMPLES,
) -> FormChoices:
    """The dimension and people of a form (the /brag form, the check-in answer form).

    The text counts as on the command line — a ``#hashtag`` sets the dimension, mentions
    become people — with the form's own fields on top:

    - dimension: one *picked* in the Dimension field (different from what the form was
      filled with) wins; one the form came filled with gives way to a ``#hashtag`` in the
      text; with neither, a ``#hashtag``, then (with `guess`) what the workspace's
      classifier suggests (its labelled `examples`, then keywords);
    - people: everyone picked in the People field, plus everyone the text mentions
      (``<@U…>``, or an ``@name`` that `named` maps to a Slack id), except anyone the person
      took out of the People field after the form was filled with them.
    """
    picked = field_dimension if field_dimension in library.dimension_ids else None
    suggestion = suggest_dimension(text, library, examples)
    dimension: str | None = None
    source: str | None = None
    matched: tuple[str, ...] = ()
    if picked is not None and picked != prefilled_dimension:
        dimension, source = picked, "field"
    elif suggestion is not None and suggestion.source == "hashtag":
        dimension, source, matched = suggestion.dimension_id, "hashtag", suggestion.matched
    elif picked is not None:
        dimension, source = picked, "field"
    elif suggestion is not None and guess:
        # As on the command line: the workspace's own examples, then keywords.
        dimension, source = suggestion.dimension_id, suggestion.source
        matched = suggestion.phrases or suggestion.matched
    named = {name.casefold(): slack_id for name, slack_id in (named or {}).items()}
    typed_names = bare_names(text)
    mentioned = [*extract_mentions(text)]
    unresolved = []
    for name in typed_names:
        found = named.get(name.casefold())
        if found:
            mentioned.append(found)
        else:
            unresolved.append(name)
    removed = set(prefilled_people) - set(field_people)
    people: dict[str, None] = dict.fromkeys(field_people)
    for person in mentioned:
        if person not in removed and person != author:
            people.setdefault(person, None)
    return FormChoices(
        dimension=dimension,
        dimension_source=source,
        matched=tuple(matched),
        people=tuple(people),
        unresolved=tuple(unresolved),
    )
