"""The schema of one coaching-content entry, as pydantic models, and its error messages.

Each entry of `prompts/*.yaml` (a dimension, a prompt, a nudge …) is validated by one model
here: unknown fields are refused (`extra="forbid"`), references to other entries are checked
against the ids the library knows (passed as the validation context, `Refs`), and the rules
that tie fields together are model validators. `describe` turns pydantic's errors into the
library's own messages ("field 'rule.weeks' must be a whole number from 1 to 52, got -2"),
which `bot/coaching/library.py` prefixes with the file and the entry.

Reading files, merging an override and the checks across the whole library stay there.
"""

from __future__ import annotations

import difflib
import math
import re
import string
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

import bot.coaching.text as textmatch
from bot.coaching.models import (
    EVIDENCE_SOURCES,
    EXPECTATION_CHECK_IDS,
    RULE_KINDS,
    STORY_TEXT_PLACEHOLDERS,
    AbsentForWeeks,
    CoachingText,
    Dimension,
    LadderItem,
    Mistake,
    NoWrittenArtefactForWeeks,
    Nudge,
    ProblemStep,
    PromotionElement,
    Prompt,
    RatioAbove,
    Reframe,
    Rule,
    Scope,
    ScopeShareBelow,
    Seed,
)

MAX_WEEKS = 52
# In a rule, `numerator: multiplier` (or denominator) means every multiplier dimension.
MULTIPLIER_DIMENSIONS = "multiplier"

# Identifier shapes. Dimension and scope ids are stored in database columns of 32 and 16
# characters; prompt ids in one of 64.
_SNAKE_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEBAB_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EMOJI = re.compile(r":[a-z0-9_+'\-]+:")
_HASHTAG_BODY = re.compile(r"[^\W\d_][\w\-]*")
_SLACK_CONTROL = re.compile(r"<[!@#]")


_Built = TypeVar("_Built")
_Made = TypeVar("_Made")


@dataclass(frozen=True)
class Refs:
    """The ids entries may refer to; None when their file could not be read (then unchecked)."""

    seeds: set[str] | None
    dimensions: set[str] | None
    scopes: set[str] | None
    mistakes: set[str] | None
    multiplier: tuple[str, ...] = ()
    sources: frozenset[str] = frozenset(EVIDENCE_SOURCES)


# ── Errors ────────────────────────────────────────────────────────────────────────────────
# Four kinds of error carry a message written here; `describe` places them:
#   field   — about the field at the error's location: "field 'x' <message>"
#   item    — about one word of a keyword list: "field 'x' item #n <message>"
#   element — about one text of a list of texts: "field 'x[n]' <message>"
#   entry   — already a whole sentence about the entry: "<message>"
_Kind = Literal["field", "item", "element", "entry"]


def _error(kind: _Kind, message: str) -> PydanticCustomError:
    # The message goes in as a context value, so braces in it ({weeks}) are not read as
    # placeholders of pydantic's template.
    return PydanticCustomError(kind, "{message}", {"message": message})


def did_you_mean(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def type_name(value: object) -> str:
    if value is None:
        return "empty"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


# ── Field types ───────────────────────────────────────────────────────────────────────────


def _clean_text(
    max_len: int | None, of: Literal["field", "element"] = "field"
) -> Callable[[object], str]:
    """Text with its whitespace runs made single spaces; `of` says what a problem is about."""

    def check(value: object) -> str:
        if value is None:
            raise _error(of, "is empty")
        if not isinstance(value, str):
            raise _error(of, f"must be text, not {type_name(value)}")
        cleaned = " ".join(value.split())
        if not cleaned:
            raise _error(of, "is empty")
        if max_len is not None and len(cleaned) > max_len:
            raise _error(of, f"is {len(cleaned)} characters long; the limit is {max_len}")
        if _SLACK_CONTROL.search(cleaned):
            raise _error(
                of, "must not contain Slack control sequences such as '<!channel>' or '<@U…>'"
            )
        return cleaned

    return check


def _shape(pattern: re.Pattern[str], max_len: int, shape: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value) or len(value) > max_len:
            raise _error("field", f"must be {shape} (at most {max_len} characters), got '{value}'")
        return value

    return check


def _emoji(value: str) -> str:
    if not _EMOJI.fullmatch(value):
        raise _error("field", f"must be a Slack emoji shortcode such as ':memo:', got '{value}'")
    return value


def _known(info: ValidationInfo, name: str) -> AbstractSet[str] | None:
    refs = info.context
    if not isinstance(refs, Refs):
        raise TypeError("coaching entries are validated with Refs as the context")
    known: AbstractSet[str] | None = getattr(refs, name)
    return known


def _ref(name: str, what: str) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        known = _known(info, name)
        if known is not None and value not in known:
            raise _error("field", f"names unknown {what} '{value}'{did_you_mean(value, known)}")
        return value

    return check


def _ref_item(name: str, what: str) -> Callable[[object, ValidationInfo], str]:
    def check(value: object, info: ValidationInfo) -> str:
        known = _known(info, name)
        if not isinstance(value, str) or (known is not None and value not in known):
            hint = did_you_mean(value, known or ()) if isinstance(value, str) else ""
            raise _error("field", f"names unknown {what} {value!r}{hint}")
        return value

    return check


def _multiplier(value: object, info: ValidationInfo) -> object:
    """`multiplier` in place of a dimension list: every multiplier dimension."""
    if value == MULTIPLIER_DIMENSIONS and isinstance(info.context, Refs):
        return list(info.context.multiplier)
    return value


def _list(
    *, required: bool, what: str, count: tuple[int, int] | None = None
) -> Callable[[object], object]:
    def check(value: object) -> object:
        if value is None:
            if required:
                raise _error("field", "is empty")
            return ()
        if not isinstance(value, list):
            raise _error("field", f"must be a list, not {type_name(value)}")
        if required and not value:
            raise _error("field", f"needs at least one {what}")
        if count is not None and value and not count[0] <= len(value) <= count[1]:
            raise _error("field", f"needs {count[0]} to {count[1]} items, it has {len(value)}")
        return value

    return check


def _once_each(items: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise _error("field", f"lists '{item}' twice")
        seen.add(item)
    return items


def _keyword(value: object) -> str:
    if not isinstance(value, str):
        raise _error(
            "item",
            f"must be text, not {type_name(value)}"
            " (quote words YAML reads as something else, such as yes, no, on, off)",
        )
    issue = textmatch.keyword_problem(value)
    if issue:
        raise _error("item", f"'{value}' {issue}")
    return value


def _hashtag(value: object) -> str:
    if not isinstance(value, str):
        raise _error(
            "item",
            f"must be text, not {type_name(value)}"
            ' (an unquoted # starts a YAML comment: write "#tag" or tag)',
        )
    body = textmatch.normalise(value.strip()).removeprefix("#")
    if not _HASHTAG_BODY.fullmatch(body):
        raise _error(
            "item",
            f"'{value}' is not a hashtag: it must start with a letter, then letters, digits,"
            " - or _",
        )
    return f"#{body}"


def _flag(*, required: bool) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if value is None:
            if required:
                raise _error("field", "is empty")
            return False
        if not isinstance(value, bool):
            raise _error("field", f"must be true or false, got {value!r}")
        return value

    return check


def _whole_number(
    minimum: int, maximum: int | None = None, *, default: int | None = None
) -> Callable[[object], int]:
    limits = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def check(value: object) -> int:
        if value is None:
            if default is None:
                raise _error("field", "is empty")
            return default
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            raise _error("field", f"must be a whole number {limits}, got {value!r}")
        return value

    return check


def _number(minimum: float, maximum: float | None = None) -> Callable[[object], float]:
    """A number greater than `minimum` (and at most `maximum`)."""
    low = f"greater than {minimum:g}"
    limits = low if maximum is None else f"{low} and at most {maximum:g}"

    def check(value: object) -> float:
        if value is None:
            raise _error("field", "is empty")
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value <= minimum
            or (maximum is not None and value > maximum)
        ):
            raise _error("field", f"must be a number {limits}, got {value!r}")
        return float(value)

    return check


def _optional(check: Callable[[object], Any]) -> Callable[[object], Any]:
    return lambda value: None if value is None else check(value)


Text = Annotated[str, BeforeValidator(_clean_text(None))]
Name = Annotated[str, BeforeValidator(_clean_text(80))]
ShortText = Annotated[str, BeforeValidator(_clean_text(200))]
# A step's label goes on a button after "Done: " (Slack allows 75 characters there).
StepLabel = Annotated[str, BeforeValidator(_clean_text(40))]
LongText = Annotated[str, BeforeValidator(_clean_text(400))]
Guidance = Annotated[str, BeforeValidator(_clean_text(1000))]
Quote = Annotated[str, BeforeValidator(_clean_text(300))]
OptQuote = Annotated[str | None, BeforeValidator(_optional(_clean_text(300)))]
OptSummary = Annotated[str | None, BeforeValidator(_optional(_clean_text(1500)))]
OptUrl = Annotated[str | None, BeforeValidator(_optional(_clean_text(500)))]

SnakeId16 = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_shape(_SNAKE_ID, 16, "snake_case"))
]
SnakeId32 = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_shape(_SNAKE_ID, 32, "snake_case"))
]
KebabId = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_shape(_KEBAB_ID, 64, "kebab-case"))
]
Emoji = Annotated[str, BeforeValidator(_clean_text(None)), AfterValidator(_emoji)]
OptEmoji = Annotated[
    str | None,
    BeforeValidator(_optional(_clean_text(None))),
    AfterValidator(lambda value: None if value is None else _emoji(value)),
]

SeedRef = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_ref("seeds", "seed file"))
]
DimensionRef = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_ref("dimensions", "dimension"))
]
ScopeRef = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_ref("scopes", "scope"))
]
MistakeRef = Annotated[
    str, BeforeValidator(_clean_text(None)), AfterValidator(_ref("mistakes", "mistake"))
]
OptScopeRef = Annotated[
    str | None,
    BeforeValidator(_optional(_clean_text(None))),
    AfterValidator(
        lambda value, info: None if value is None else _ref("scopes", "scope")(value, info)
    ),
]


DimensionRefs = Annotated[
    tuple[Annotated[str, BeforeValidator(_ref_item("dimensions", "dimension"))], ...],
    BeforeValidator(_list(required=False, what="dimension")),
    AfterValidator(_once_each),
]
ScopeRefs = Annotated[
    tuple[Annotated[str, BeforeValidator(_ref_item("scopes", "scope"))], ...],
    BeforeValidator(_list(required=False, what="scope")),
    AfterValidator(_once_each),
]
RequiredScopeRefs = Annotated[
    tuple[Annotated[str, BeforeValidator(_ref_item("scopes", "scope"))], ...],
    BeforeValidator(_list(required=True, what="scope")),
    AfterValidator(_once_each),
]
SourceRefs = Annotated[
    tuple[Annotated[str, BeforeValidator(_ref_item("sources", "source"))], ...],
    BeforeValidator(_list(required=False, what="source")),
    AfterValidator(_once_each),
]
# A list of dimension ids, or `multiplier`: every multiplier dimension. (Before-validators
# run last-listed first: `multiplier` is expanded before the list is checked.)
DimensionsOrMultiplier = Annotated[
    tuple[Annotated[str, BeforeValidator(_ref_item("dimensions", "dimension"))], ...],
    BeforeValidator(_list(required=True, what="dimension")),
    BeforeValidator(_multiplier),
    AfterValidator(_once_each),
]

Keywords = Annotated[
    tuple[Annotated[str, BeforeValidator(_keyword)], ...],
    BeforeValidator(_list(required=True, what="keyword")),
    AfterValidator(_once_each),
]
OptKeywords = Annotated[
    tuple[Annotated[str, BeforeValidator(_keyword)], ...],
    BeforeValidator(_list(required=False, what="keyword")),
    AfterValidator(_once_each),
]
Hashtags = Annotated[
    tuple[Annotated[str, BeforeValidator(_hashtag)], ...],
    BeforeValidator(_list(required=True, what="hashtag")),
    AfterValidator(_once_each),
]
FollowUps = Annotated[
    tuple[Annotated[str, BeforeValidator(_clean_text(200, "element"))], ...],
    BeforeValidator(_list(required=True, what="item", count=(2, 3))),
]
Questions = Annotated[
    tuple[Annotated[str, BeforeValidator(_clean_text(200, "element"))], ...],
    BeforeValidator(_list(required=False, what="item", count=(0, 5))),
]

Flag = Annotated[bool, BeforeValidator(_flag(required=True))]
OptFlag = Annotated[bool, BeforeValidator(_flag(required=False))]
Weeks = Annotated[int, BeforeValidator(_whole_number(1, MAX_WEEKS))]
Priority = Annotated[int, BeforeValidator(_whole_number(1, 1000))]
Count = Annotated[int, BeforeValidator(_whole_number(1))]
OptCount = Annotated[int, BeforeValidator(_whole_number(1, default=1))]
Positive = Annotated[float, BeforeValidator(_number(0))]
Share = Annotated[float, BeforeValidator(_number(0, 1))]


# ── Entries ───────────────────────────────────────────────────────────────────────────────


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def _as(self, made: Callable[..., _Made], leave_out: str = "kind", **given: object) -> _Made:
        """`made` (a frozen dataclass) from this entry's fields of the same names, but
        `leave_out` (a rule's `kind` is its class's), and the fields `given` instead."""
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields.pop(leave_out, None)
        return made(**(fields | given))


class ContentEntry(_Entry, Generic[_Built]):
    """One entry of a content file; `build` makes the frozen dataclass the app uses: by
    default `builds`, from the entry's fields of the same names."""

    builds: ClassVar[Callable[..., Any]]

    def build(self) -> _Built:
        built: _Built = self._as(self.builds)
        return built


class SeedEntry(ContentEntry[Seed]):
    file: Text
    title: ShortText
    summary: OptSummary = None
    url: OptUrl = None

    def build(self) -> Seed:
        return Seed(file=self.file, title=self.title, summary=self.summary or "")


class ScopeEntry(ContentEntry[Scope]):
    id: SnakeId16
    name: Name
    emoji: OptEmoji = None
    description: ShortText
    weight: Positive
    keywords: OptKeywords = ()
    seed: SeedRef
    seed_quote: OptQuote = None

    builds = Scope


class DimensionEntry(ContentEntry[Dimension]):
    id: SnakeId32
    name: Name
    emoji: Emoji
    description: LongText
    hashtags: Hashtags
    keywords: Keywords
    multiplier: Flag
    written_artefact: OptFlag = False
    seed: SeedRef
    seed_quote: Quote
    activities: OptKeywords = ()
    default_scope: OptScopeRef = None

    builds = Dimension


class LadderItemEntry(ContentEntry[LadderItem]):
    id: KebabId
    text: ShortText
    seed: SeedRef
    seed_quote: OptQuote = None

    builds = LadderItem


class TextEntry(ContentEntry[CoachingText]):
    id: KebabId
    text: LongText
    seed: SeedRef
    seed_quote: Quote

    builds = CoachingText


def _check_id(value: str) -> str:
    """One of the ids the monthly expectations check says (an unknown one would never be)."""
    if value not in EXPECTATION_CHECK_IDS:
        raise _error(
            "field",
            f"names unknown check text '{value}'{did_you_mean(value, EXPECTATION_CHECK_IDS)}"
            f" (known: {', '.join(EXPECTATION_CHECK_IDS)})",
        )
    return value


CheckId = Annotated[str, BeforeValidator(_clean_text(None)), AfterValidator(_check_id)]


class ExpectationCheckEntry(TextEntry):
    id: CheckId

    @model_validator(mode="after")
    def _question_asks(self) -> Self:
        if self.id == "question" and not self.text.endswith("?"):
            raise _error(
                "entry",
                "field 'text' must end with '?': it is asked as the monthly question, with"
                f" the buttons 'Yes, we mapped them' and 'Not yet' (got '…{self.text[-30:]}')",
            )
        if "{" in self.text or "}" in self.text:
            raise _error(
                "entry",
                "field 'text' has a '{' or '}': the check's texts take no placeholders",
            )
        return self


class ProblemStepEntry(ContentEntry[ProblemStep]):
    id: KebabId
    label: StepLabel
    question: LongText
    seed: SeedRef
    seed_quote: Quote

    builds = ProblemStep


class MistakeEntry(ContentEntry[Mistake]):
    id: KebabId
    name: Name
    why: ShortText
    instead: ShortText
    seed: SeedRef
    seed_quote: OptQuote = None

    builds = Mistake


class PromptEntry(ContentEntry[Prompt]):
    id: KebabId
    dimension: DimensionRef
    text: ShortText
    follow_ups: FollowUps
    seed: SeedRef
    seed_quote: OptQuote = None

    builds = Prompt


class AbsentForWeeksRule(ContentEntry[Rule]):
    kind: Literal["absent_for_weeks"]
    weeks: Weeks
    dimensions: DimensionRefs = ()
    scopes: ScopeRefs = ()
    min_entries: OptCount = 1

    @model_validator(mode="after")
    def _watches_something(self) -> Self:
        if not self.dimensions and not self.scopes:
            raise _error("entry", f"rule kind '{self.kind}' needs 'dimensions', 'scopes' or both")
        return self

    builds = AbsentForWeeks


class RatioAboveRule(ContentEntry[Rule]):
    kind: Literal["ratio_above"]
    weeks: Weeks
    numerator: DimensionsOrMultiplier
    denominator: DimensionsOrMultiplier
    ratio: Positive
    min_numerator: Count

    @model_validator(mode="after")
    def _sides_apart(self) -> Self:
        if set(self.numerator) & set(self.denominator):
            raise _error(
                "entry",
                "fields 'rule.numerator' and 'rule.denominator' must not share a dimension",
            )
        return self

    builds = RatioAbove


class NoWrittenArtefactRule(ContentEntry[Rule]):
    kind: Literal["no_written_artefact_for_weeks"]
    weeks: Weeks
    min_entries: OptCount = 1

    builds = NoWrittenArtefactForWeeks


class ScopeShareBelowRule(ContentEntry[Rule]):
    kind: Literal["scope_share_below"]
    weeks: Weeks
    scopes: RequiredScopeRefs
    share: Share
    min_entries: Count

    builds = ScopeShareBelow


RuleEntry = Annotated[
    AbsentForWeeksRule | RatioAboveRule | NoWrittenArtefactRule | ScopeShareBelowRule,
    Field(discriminator="kind"),
]
_RULE_MODELS: tuple[type[_Entry], ...] = (
    AbsentForWeeksRule,
    RatioAboveRule,
    NoWrittenArtefactRule,
    ScopeShareBelowRule,
)


class NudgeEntry(ContentEntry[Nudge]):
    id: KebabId
    mistake: MistakeRef
    rule: RuleEntry
    message: LongText
    suggestion: LongText
    priority: Priority
    seed: SeedRef
    seed_quote: OptQuote = None

    @model_validator(mode="after")
    def _message_fits_rule(self) -> Self:
        rule = self.rule.build()
        params = rule.params()
        try:
            self.message.format(**params)
        except (KeyError, IndexError) as exc:
            raise _error(
                "entry",
                f"field 'message' uses {{{exc.args[0]}}}, which rule kind '{rule.kind}' does"
                " not have (available: "
                + ", ".join("{" + key + "}" for key in params)
                + "; write {{ or }} for a literal brace)",
            ) from None
        except ValueError as exc:
            raise _error(
                "entry", f"field 'message' has a malformed {{…}} placeholder: {exc}"
            ) from None
        return self

    def build(self) -> Nudge:
        rule = self.rule.build()
        message = self.message.format(**rule.params())
        return self._as(Nudge, rule=rule, message=message, template=self.message)


class ReframeEntry(ContentEntry[Reframe]):
    id: KebabId
    triggers: Keywords
    unless: OptKeywords = ()
    glue: ShortText
    staff: LongText
    dimension: DimensionRef
    scope: ScopeRef
    seed: SeedRef
    seed_quote: OptQuote = None
    acknowledge: ShortText
    glue_dimensions: DimensionRefs = ()

    builds = Reframe


class Feeds(_Entry):
    dimensions: DimensionRefs = ()
    scopes: ScopeRefs = ()
    sources: SourceRefs = ()


class ElementEntry(ContentEntry[PromotionElement]):
    id: KebabId
    name: Name
    description: LongText
    guidance: Guidance
    manual: OptFlag = False
    questions: Questions = ()
    seed: SeedRef
    seed_quote: OptQuote = None
    feeds: Feeds | None = None

    @model_validator(mode="after")
    def _fed_or_manual(self) -> Self:
        if not self.build().has_feeds and not self.manual:
            raise _error(
                "entry",
                "needs 'feeds' listing dimensions, scopes or sources, or 'manual: true' when"
                " no logged evidence can feed it",
            )
        return self

    def build(self) -> PromotionElement:
        feeds = self.feeds or Feeds()
        return self._as(
            PromotionElement,
            leave_out="feeds",
            dimensions=feeds.dimensions,
            scopes=feeds.scopes,
            sources=feeds.sources,
        )


def _story_text_id(value: str) -> str:
    if value not in STORY_TEXT_PLACEHOLDERS:
        raise _error(
            "field",
            f"names unknown story text '{value}'{did_you_mean(value, STORY_TEXT_PLACEHOLDERS)};"
            " expected one of: " + ", ".join(STORY_TEXT_PLACEHOLDERS),
        )
    return value


StoryTextId = Annotated[str, BeforeValidator(_clean_text(None)), AfterValidator(_story_text_id)]


class StoryTextEntry(TextEntry):
    """One text of the quarterly promotion story (prompts/promotion_story.yaml): a known id,
    and only the placeholders that id is given."""

    id: StoryTextId

    @model_validator(mode="after")
    def _placeholders_known(self) -> Self:
        allowed = STORY_TEXT_PLACEHOLDERS[self.id]
        available = ", ".join("{" + key + "}" for key in sorted(allowed)) or "none"
        try:
            used = [
                name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None
            ]
        except ValueError as exc:
            raise _error(
                "entry", f"field 'text' has a malformed {{…}} placeholder: {exc}"
            ) from None
        for name in used:
            if name not in allowed:
                raise _error(
                    "entry",
                    f"field 'text' uses {{{name}}}, which story text '{self.id}' does not have"
                    f"{did_you_mean(name, allowed)} (available: {available}; write {{{{ or }}}}"
                    " for a literal brace)",
                )
        return self


# ── Messages ──────────────────────────────────────────────────────────────────────────────


def describe(error: ValidationError, model: type[BaseModel]) -> list[str]:
    """pydantic's errors for one entry as the library's messages (without the entry label)."""
    return [_describe(details, model) for details in error.errors(include_url=False)]


def _describe(details: ErrorDetails, model: type[BaseModel]) -> str:  # noqa: PLR0911, PLR0912 - one per kind
    kind, value = details["type"], details.get("input")
    path: list[str] = []
    item: int | None = None
    for part in details["loc"]:
        if isinstance(part, int):
            item = part
        elif not (path and path[-1] == "rule" and part in RULE_KINDS):  # the union's tag
            path.append(part)
    label = ".".join(path)
    message = str((details.get("ctx") or {}).get("message", details["msg"]))
    if kind == "entry":
        return message
    if kind == "item" and item is not None:
        return f"field '{label}' item #{item + 1} {message}"
    if kind == "element" and item is not None:
        return f"field '{label}[{item + 1}]' {message}"
    if kind in ("field", "item", "element"):
        return f"field '{label}' {message}"
    if kind == "missing":
        return f"field '{label}' is missing"
    if kind == "extra_forbidden":
        known = _field_names(model, path[:-1])
        return f"unknown field '{label}'{did_you_mean(path[-1], known)}"
    if kind == "union_tag_invalid" and isinstance(value, dict):
        return f"field '{label}.kind' {_unknown_kind(value.get('kind'))}"
    if kind == "union_tag_not_found" and isinstance(value, dict):
        return f"field '{label}.kind' is missing"
    if value is None:
        return f"field '{label}' is empty"
    if kind in ("union_tag_not_found", "model_type", "model_attributes_type", "dict_type"):
        return f"field '{label}' must be a mapping of fields, not {type_name(value)}"
    return f"field '{label}' {details['msg'][:1].lower()}{details['msg'][1:]}"


def _unknown_kind(tag: object) -> str:
    if not isinstance(tag, str):
        return "is empty" if tag is None else f"must be text, not {type_name(tag)}"
    if not tag.strip():
        return "is empty"
    return (
        f"names unknown rule kind '{tag}'{did_you_mean(tag, RULE_KINDS)}"
        f" (known kinds: {', '.join(RULE_KINDS)})"
    )


def _field_names(model: type[BaseModel], path: Sequence[str]) -> set[str]:
    """The fields a (nested) model at `path` has; for a rule, those of every kind."""
    models: list[type[BaseModel]] = [model]
    for name in path:
        nested: list[type[BaseModel]] = []
        for candidate in models:
            if name == "rule" and candidate is NudgeEntry:
                nested.extend(_RULE_MODELS)
            elif name == "feeds" and candidate is ElementEntry:
                nested.append(Feeds)
        models = nested
    return {field for candidate in models for field in candidate.model_fields}
