"""The coaching content as frozen dataclasses: what `prompts/*.yaml` turns into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

# How an evidence entry was logged (the `source` column of evidence entries).
EVIDENCE_SOURCES: tuple[str, ...] = (
    "brag",
    "shortcut",
    "modal",
    "checkin",
    "dm",
    "kudos",
    "reaction",
    "thanks",
)


@dataclass(frozen=True)
class Seed:
    """A source article the coaching content is grounded in."""

    file: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Dimension:
    """A kind of evidence, e.g. unblocking people or writing that travels."""

    id: str
    name: str
    emoji: str
    description: str
    hashtags: tuple[str, ...]
    keywords: tuple[str, ...]
    multiplier: bool
    written_artefact: bool
    seed: str
    seed_quote: str
    # Verb phrases for the activity itself ("reviewed", "gave feedback on"): they outweigh
    # keywords, which mostly name artefacts and context.
    activities: tuple[str, ...] = ()
    # The scope an entry of this dimension gets when its text says nothing about reach.
    default_scope: str | None = None

    @property
    def label(self) -> str:
        """Emoji and name, as shown in Slack."""
        return f"{self.emoji} {self.name}"


@dataclass(frozen=True)
class Scope:
    """How far a piece of evidence reached: self, team, cross-team or org."""

    id: str
    name: str
    description: str
    weight: float
    keywords: tuple[str, ...]
    seed: str
    emoji: str | None = None
    seed_quote: str | None = None


@dataclass(frozen=True)
class Prompt:
    """A reflection question for one dimension, with its impact follow-ups."""

    id: str
    dimension: str
    text: str
    follow_ups: tuple[str, ...]
    seed: str
    seed_quote: str | None = None


@dataclass(frozen=True)
class LadderItem:
    """One expectation of a workspace's default ladder (`prompts/expectations.yaml`), which
    people start from when they enter their expectations (issue 17)."""

    id: str
    text: str
    seed: str
    seed_quote: str | None = None


@dataclass(frozen=True)
class CoachingText:
    """A sentence the coach says outside a check-in (prompts/judgment_calls.yaml,
    prompts/promotion_story.yaml, prompts/expectations.yaml …)."""

    id: str
    text: str
    seed: str
    seed_quote: str


# What the coach says when it asks for the person's staff expectations (issue 17):
# `first-checkin` rides on their first check-in.
ExpectationAsk = CoachingText
# The monthly expectations check's texts (`checks:` in prompts/expectations.yaml), by id:
# the `question`, the answers to "Yes, we mapped them" (`mapped`) and to a first "Not yet"
# (`not-yet`), and seed 002's red flag after a second "Not yet" in a row (`red-flag`).
EXPECTATION_CHECK_IDS: tuple[str, ...] = ("question", "mapped", "not-yet", "red-flag")
ExpectationCheckText = CoachingText


@dataclass(frozen=True)
class ProblemStep:
    """One step of seed 001's practical path for a staff-shaped problem (issue 17 item 3):
    `label` names it on the Home's progress list and the check-in's Done button; `question`
    is what the weekly check-in asks while it is the current step."""

    id: str
    label: str
    question: str
    seed: str
    seed_quote: str


@dataclass(frozen=True)
class Mistake:
    """A row of seed 002's common-mistakes table."""

    id: str
    name: str
    why: str
    instead: str
    seed: str
    seed_quote: str | None = None


class _Rule:
    """A nudge rule: its `kind`, the values a nudge message may use (`shown`, in this order,
    lists as comma-separated ids) and the counts it finds in the log."""

    kind: ClassVar[str]
    shown: ClassVar[tuple[str, ...]]
    counts: ClassVar[tuple[str, ...]]

    def params(self, counts: Mapping[str, int] | None = None) -> dict[str, Any]:
        """The rule's values and the counts it found (zeros when validating a message before
        any log), for use in a nudge message."""
        values = {name: getattr(self, name) for name in self.shown}
        return {
            **{k: ", ".join(v) if isinstance(v, tuple) else v for k, v in values.items()},
            **{name: int((counts or {}).get(name, 0)) for name in self.counts},
        }


@dataclass(frozen=True)
class AbsentForWeeks(_Rule):
    """Fires when an active window holds no entry in the given dimensions or scopes."""

    kind: ClassVar[str] = "absent_for_weeks"
    counts: ClassVar[tuple[str, ...]] = ("entries",)
    shown: ClassVar[tuple[str, ...]] = ("weeks", "min_entries", "dimensions", "scopes")
    weeks: int
    dimensions: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    min_entries: int = 1


@dataclass(frozen=True)
class RatioAbove(_Rule):
    """Fires when numerator dimensions outweigh denominator dimensions by more than `ratio`."""

    kind: ClassVar[str] = "ratio_above"
    counts: ClassVar[tuple[str, ...]] = ("numerator_count", "denominator_count")
    shown: ClassVar[tuple[str, ...]] = (
        "weeks",
        "ratio",
        "min_numerator",
        "numerator",
        "denominator",
    )
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    ratio: float
    min_numerator: int
    weeks: int


@dataclass(frozen=True)
class NoWrittenArtefactForWeeks(_Rule):
    """Fires when an active window holds no written artefact."""

    kind: ClassVar[str] = "no_written_artefact_for_weeks"
    counts: ClassVar[tuple[str, ...]] = ("entries",)
    shown: ClassVar[tuple[str, ...]] = ("weeks", "min_entries")
    weeks: int
    min_entries: int = 1


@dataclass(frozen=True)
class ScopeShareBelow(_Rule):
    """Fires when the given scopes make up less than `share` of the scoped entries."""

    kind: ClassVar[str] = "scope_share_below"
    counts: ClassVar[tuple[str, ...]] = ("inside", "scoped")
    shown: ClassVar[tuple[str, ...]] = ("weeks", "share", "min_entries", "scopes")
    scopes: tuple[str, ...]
    share: float
    weeks: int
    min_entries: int


Rule = AbsentForWeeks | RatioAbove | NoWrittenArtefactForWeeks | ScopeShareBelow
RULE_KINDS: tuple[str, ...] = (
    AbsentForWeeks.kind,
    RatioAbove.kind,
    NoWrittenArtefactForWeeks.kind,
    ScopeShareBelow.kind,
)


@dataclass(frozen=True)
class Nudge:
    """A pattern in the log worth pointing out, with what to do about it."""

    id: str
    mistake: str
    rule: Rule
    message: str
    suggestion: str
    priority: int
    seed: str
    seed_quote: str | None = None
    # The message as written, with placeholders for the counts a rule finds ({entries}…);
    # `message` is it filled in (with zeros until a log fills it, see `nudges.pick_nudge`).
    template: str = ""

    def with_counts(self, counts: Mapping[str, int]) -> Nudge:
        """This nudge with its message filled in from the counts its rule found."""
        if not self.template:
            return self
        return replace(self, message=self.template.format(**self.rule.params(counts)))


@dataclass(frozen=True)
class Reframe:
    """The staff-level version of a piece of glue work."""

    id: str
    triggers: tuple[str, ...]
    unless: tuple[str, ...]
    glue: str
    staff: str
    dimension: str
    scope: str
    seed: str
    seed_quote: str | None = None
    # What the work is worth as it stands, said before the staff-level version.
    acknowledge: str = ""
    # The dimensions the glue activity itself is filed under; a text classified under any
    # other (mentoring someone through on-call) is not this glue work. Empty: any.
    glue_dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromotionElement:
    """One element of a staff promotion case, and the evidence that feeds it."""

    id: str
    name: str
    description: str
    guidance: str
    seed: str
    dimensions: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    manual: bool = False
    questions: tuple[str, ...] = ()
    seed_quote: str | None = None

    @property
    def has_feeds(self) -> bool:
        """True when some evidence can be filed under this element automatically."""
        return bool(self.dimensions or self.scopes or self.sources)

    def feeds(self, *, dimension: str | None, scope: str | None, source: str | None) -> bool:
        """True when an entry with these attributes counts as evidence for this element."""
        if not self.has_feeds:
            return False
        checks = ((self.dimensions, dimension), (self.scopes, scope), (self.sources, source))
        return all(not allowed or value in allowed for allowed, value in checks)


# The quarterly promotion story's texts (prompts/promotion_story.yaml, bot/stories): every id
# the app says, each with the placeholders its text may use. All are required.
STORY_TEXT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "ask": frozenset({"quarter"}),
    "heading-problem": frozenset(),
    "problem-no-step": frozenset({"quarter"}),
    "heading-pattern": frozenset(),
    "heading-work": frozenset(),
    "heading-capabilities": frozenset(),
    "heading-numbers": frozenset(),
    "heading-outcomes": frozenset(),
    "heading-kudos": frozenset(),
    "empty-quarter": frozenset({"quarter"}),
    "cut": frozenset({"omitted"}),
    "packet-draft": frozenset(),
}
