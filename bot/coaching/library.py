"""Load and validate the coaching content in `prompts/`, with an optional team override.

Every problem is reported with the file (relative to its directory, e.g.
``prompts/reflection_prompts.yaml``), the entry (id and position) and what is wrong; all
problems found in one pass are reported together in a single `LibraryError`.

This module reads the files, merges an override and checks the library as a whole (ids,
keywords and hashtags unique across entries); each entry's fields are the pydantic models
in `bot/coaching/schema.py`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

import bot.coaching.text as textmatch
from bot.coaching.models import (
    STORY_TEXT_PLACEHOLDERS,
    CoachingText,
    Dimension,
    ExpectationAsk,
    ExpectationCheckText,
    LadderItem,
    Mistake,
    Nudge,
    ProblemStep,
    PromotionElement,
    Prompt,
    Reframe,
    Scope,
    Seed,
)
from bot.coaching.schema import (
    ContentEntry,
    DimensionEntry,
    ElementEntry,
    ExpectationCheckEntry,
    LadderItemEntry,
    MistakeEntry,
    NudgeEntry,
    ProblemStepEntry,
    PromptEntry,
    ReframeEntry,
    Refs,
    ScopeEntry,
    SeedEntry,
    StoryTextEntry,
    TextEntry,
    describe,
    did_you_mean,
    type_name,
)

SEEDS_FILE = "seeds.yaml"
DIMENSIONS_FILE = "dimensions.yaml"
SCOPES_FILE = "scopes.yaml"
PROMPTS_FILE = "reflection_prompts.yaml"
NUDGES_FILE = "nudges.yaml"
REFRAMES_FILE = "reframes.yaml"
PROMOTION_FILE = "promotion_case.yaml"
JUDGMENTS_FILE = "judgment_calls.yaml"
EXPECTATIONS_FILE = "expectations.yaml"
STORY_FILE = "promotion_story.yaml"
QUOTES_FILE = "quotes.yaml"
STAFF_PROBLEM_FILE = "staff_problem.yaml"
CHECKINS_FILE = "checkins.yaml"
SUMMARY_FILE = "summary.yaml"

# Each file holds one or more lists of entries, keyed by the field that identifies an entry.
FILE_SECTIONS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        SEEDS_FILE: (("seeds", "file"),),
        DIMENSIONS_FILE: (("dimensions", "id"),),
        SCOPES_FILE: (("scopes", "id"),),
        PROMPTS_FILE: (("prompts", "id"),),
        NUDGES_FILE: (("mistakes", "id"), ("nudges", "id")),
        REFRAMES_FILE: (("reframes", "id"),),
        PROMOTION_FILE: (("elements", "id"),),
        JUDGMENTS_FILE: (("texts", "id"),),
        EXPECTATIONS_FILE: (("ladder", "id"), ("asks", "id"), ("checks", "id")),
        STORY_FILE: (("story", "id"),),
        QUOTES_FILE: (("quotes", "id"),),
        STAFF_PROBLEM_FILE: (("steps", "id"), ("problem_texts", "id")),
        CHECKINS_FILE: (("checkin_texts", "id"),),
        SUMMARY_FILE: (("summary_texts", "id"),),
    }
)
FILE_NAMES: tuple[str, ...] = tuple(FILE_SECTIONS)
_SECTION_FILES = {section: name for name, specs in FILE_SECTIONS.items() for section, _ in specs}
FORMAT_VERSION = 1

DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

_SEED_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:txt|md)")

_T = TypeVar("_T")


class LibraryError(ValueError):
    """The coaching content is invalid; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            listed = "\n".join(f"- {problem}" for problem in self.problems)
            message = f"{len(self.problems)} problems in the coaching library:\n{listed}"
        super().__init__(message)


@dataclass(frozen=True, eq=False)
class CoachingLibrary:
    """All coaching content, validated and cross-referenced; order is the files' order."""

    seeds: tuple[Seed, ...]
    dimensions: tuple[Dimension, ...]
    scopes: tuple[Scope, ...]
    prompts: tuple[Prompt, ...]
    mistakes: tuple[Mistake, ...]
    nudges: tuple[Nudge, ...]
    reframes: tuple[Reframe, ...]
    promotion_elements: tuple[PromotionElement, ...]
    hashtag_index: Mapping[str, str]
    source_dirs: tuple[Path, ...] = field(default=())
    # Judgment calls followed up (bot/judgments): what the coach says about slow feedback.
    judgment_texts: tuple[CoachingText, ...] = field(default=())
    # A workspace's default staff expectations (issue 17); empty as shipped.
    ladder: tuple[LadderItem, ...] = ()
    expectation_asks: tuple[ExpectationAsk, ...] = ()
    # The monthly expectations check (bot/expectations/monthly.py): question and answers.
    expectation_checks: tuple[ExpectationCheckText, ...] = ()

    # The quarterly promotion story's words (bot/stories); every id of
    # STORY_TEXT_PLACEHOLDERS, checked at load.
    story_texts: tuple[CoachingText, ...] = ()

    def story_text(self, text_id: str) -> CoachingText:
        """The promotion-story text with this id; KeyError when there is none."""
        return _lookup({t.id: t for t in self.story_texts}, text_id, "story text")

    # A quote requested from a peer (bot/quotes): the ask, and what the requester is told.
    quote_texts: tuple[CoachingText, ...] = ()
    # One staff-shaped problem (issue 17 item 3): seed 001's path, in order, and what the
    # coach says around it (prompts/staff_problem.yaml).
    problem_steps: tuple[ProblemStep, ...] = ()
    problem_texts: tuple[CoachingText, ...] = ()
    # What the weekly summary says as a coach (prompts/summary.yaml).
    summary_texts: tuple[CoachingText, ...] = ()

    def summary_text(self, text_id: str) -> CoachingText | None:
        """The summary text with this id; None when a workspace's override disabled it."""
        return next((text for text in self.summary_texts if text.id == text_id), None)

    # What the coach says about the check-ins themselves (prompts/checkins.yaml): the line
    # that notices three went unanswered (bot/checkins/silence.py).
    checkin_texts: tuple[CoachingText, ...] = ()

    def checkin_text(self, text_id: str) -> CoachingText | None:
        """The check-in text with this id; None when a workspace's override disabled it."""
        return next((text for text in self.checkin_texts if text.id == text_id), None)

    def problem_text(self, text_id: str) -> CoachingText | None:
        """The staff-problem text with this id; None when a workspace's override disabled it."""
        return next((text for text in self.problem_texts if text.id == text_id), None)

    def expectation_ask(self, ask_id: str) -> ExpectationAsk | None:
        """The ask with this id; None when a workspace's override disabled it."""
        return next((ask for ask in self.expectation_asks if ask.id == ask_id), None)

    def expectation_check(self, text_id: str) -> ExpectationCheckText | None:
        """The monthly check's text with this id; None when an override disabled it."""
        return next((text for text in self.expectation_checks if text.id == text_id), None)

    @cached_property
    def _dimensions(self) -> Mapping[str, Dimension]:
        return {item.id: item for item in self.dimensions}

    @cached_property
    def _scopes(self) -> Mapping[str, Scope]:
        return {item.id: item for item in self.scopes}

    @cached_property
    def _prompts(self) -> Mapping[str, Prompt]:
        return {item.id: item for item in self.prompts}

    @cached_property
    def _prompts_by_dimension(self) -> Mapping[str, tuple[Prompt, ...]]:
        grouped: dict[str, list[Prompt]] = {item.id: [] for item in self.dimensions}
        for item in self.prompts:
            grouped[item.dimension].append(item)
        return {key: tuple(value) for key, value in grouped.items()}

    @cached_property
    def dimension_ids(self) -> tuple[str, ...]:
        """Dimension ids in display order."""
        return tuple(item.id for item in self.dimensions)

    @cached_property
    def scope_ids(self) -> tuple[str, ...]:
        """Scope ids, narrowest first."""
        return tuple(item.id for item in self.scopes)

    @property
    def multiplier_dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions that count as multiplier work (all but own delivery)."""
        return tuple(item for item in self.dimensions if item.multiplier)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id; KeyError when there is none."""
        return _lookup(self._dimensions, dimension_id, "dimension")

    def scope(self, scope_id: str) -> Scope:
        """The scope with this id; KeyError when there is none."""
        return _lookup(self._scopes, scope_id, "scope")

    def prompt(self, prompt_id: str) -> Prompt:
        """The prompt with this id; KeyError when there is none."""
        return _lookup(self._prompts, prompt_id, "prompt")

    def prompts_for(self, dimension_id: str) -> tuple[Prompt, ...]:
        """The prompts of one dimension in file order; KeyError for an unknown dimension."""
        return _lookup(self._prompts_by_dimension, dimension_id, "dimension")

    def seed(self, file: str) -> Seed:
        """The seed registered under this file name; KeyError when there is none."""
        return _lookup({item.file: item for item in self.seeds}, file, "seed")

    def judgment_text(self, text_id: str) -> CoachingText:
        return _lookup({t.id: t for t in self.judgment_texts}, text_id, "judgment text")

    def quote_text(self, text_id: str) -> CoachingText:
        return _lookup({t.id: t for t in self.quote_texts}, text_id, "quote text")

    def mistake(self, mistake_id: str) -> Mistake:
        """The common mistake with this id; KeyError when there is none."""
        return _lookup({item.id: item for item in self.mistakes}, mistake_id, "mistake")

    def nudge(self, nudge_id: str) -> Nudge:
        """The nudge with this id; KeyError when there is none."""
        return _lookup({item.id: item for item in self.nudges}, nudge_id, "nudge")

    def reframe(self, reframe_id: str) -> Reframe:
        """The reframe with this id; KeyError when there is none."""
        return _lookup({item.id: item for item in self.reframes}, reframe_id, "reframe")

    def promotion_element(self, element_id: str) -> PromotionElement:
        """The promotion-case element with this id; KeyError when there is none."""
        elements = {item.id: item for item in self.promotion_elements}
        return _lookup(elements, element_id, "promotion-case element")

    def elements_for(
        self, *, dimension: str | None, scope: str | None, source: str | None
    ) -> tuple[PromotionElement, ...]:
        """The promotion-case elements an entry with these attributes is evidence for."""
        return tuple(
            item
            for item in self.promotion_elements
            if item.feeds(dimension=dimension, scope=scope, source=source)
        )

    @cached_property
    def dimension_matcher(self) -> textmatch.KeywordMatcher:
        """Matcher over dimension activities and keywords; ties go by evidence, not order."""
        return textmatch.KeywordMatcher.build(
            (
                d.id,
                [
                    *(textmatch.Term.of_activity(a) for a in d.activities),
                    *(textmatch.Term.keyword(k) for k in d.keywords),
                ],
            )
            for d in self.dimensions
        )

    @cached_property
    def scope_matcher(self) -> textmatch.KeywordMatcher:
        """Keyword matcher over scope keywords, broadest scope first on ties."""
        ordered = sorted(self.scopes, key=lambda s: -s.weight)
        return textmatch.KeywordMatcher.build(((s.id, s.keywords) for s in ordered), by_order=True)

    def scope_rank(self, scope_id: str | None) -> float:
        """How broad a scope is (its weight); 0 for none or an unknown id."""
        scope = self._scopes.get(scope_id) if scope_id is not None else None
        return scope.weight if scope is not None else 0.0

    @cached_property
    def reframe_matcher(self) -> textmatch.KeywordMatcher:
        """Keyword matcher over reframe triggers, in file order."""
        return textmatch.KeywordMatcher.build((r.id, r.triggers) for r in self.reframes)

    @cached_property
    def reframe_guards(self) -> Mapping[str, textmatch.KeywordMatcher]:
        """Per reframe, a matcher for the phrases that show the staff version is under way."""
        return {r.id: textmatch.KeywordMatcher.build([(r.id, r.unless)]) for r in self.reframes}


def _lookup(items: Mapping[str, _T], key: str, what: str) -> _T:
    try:
        return items[key]
    except KeyError:
        raise KeyError(f"unknown {what} {key!r}") from None


# ── Loading ────────────────────────────────────────────────────────────────────────────────


def load_library(base_dir: Path, override_dir: Path | None = None) -> CoachingLibrary:
    """Load `base_dir`'s YAML files, merge `override_dir`'s over them, validate everything."""
    loader = _Loader()
    base_raw = loader.read_dir(Path(base_dir), override=False)
    override_raw = loader.read_dir(Path(override_dir), override=True) if override_dir else None
    merged = loader.merge(base_raw, override_raw)
    library = loader.build(merged, source_dirs=_dirs(base_dir, override_dir))
    if loader.problems or library is None:
        raise LibraryError(loader.problems or ["the coaching library could not be built"])
    return library


@functools.lru_cache(maxsize=8)
def default_library(override_dir: Path | None = None) -> CoachingLibrary:
    """The repository's `prompts/` (merged with an optional override directory), cached."""
    return load_library(DEFAULT_PROMPTS_DIR, override_dir)


def _dirs(base_dir: Path, override_dir: Path | None) -> tuple[Path, ...]:
    return (Path(base_dir),) if override_dir is None else (Path(base_dir), Path(override_dir))


@dataclass
class _Raw:
    """One YAML entry before validation, with the label used in error messages."""

    key: str
    data: Mapping[str, Any]
    where: str


# file name → section name → entries (in order)
_RawFiles = dict[str, dict[str, list[_Raw]]]


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader (libyaml when available) that rejects a key given twice."""


def _construct_unique_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = str(loader.construct_scalar(key_node))
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


class _Loader:
    """Collects problems while reading, merging and building; never stops at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        # Files that could not be read at all: references into them are not checked, so
        # one syntax error does not bury itself under a hundred "unknown dimension"s.
        self.unreadable: set[str] = set()

    # -- reading ---------------------------------------------------------------------------

    def read_dir(self, directory: Path, *, override: bool) -> _RawFiles:
        files: _RawFiles = {}
        label_dir = directory.name or str(directory)
        if not directory.is_dir():
            what = "override directory" if override else "prompts directory"
            self.problems.append(f"{directory}: the {what} does not exist")
            return files
        for path in sorted(directory.iterdir()):
            if path.suffix in {".yaml", ".yml"} and path.name not in FILE_SECTIONS:
                self.problems.append(
                    f"{label_dir}/{path.name}: unknown file"
                    f"{did_you_mean(path.name, FILE_NAMES)}; expected one of: "
                    + ", ".join(FILE_NAMES)
                )
        for name in FILE_NAMES:
            path = directory / name
            label = f"{label_dir}/{name}"
            if not path.is_file():
                if not override:
                    self.problems.append(f"{label}: file is missing")
                    self.unreadable.add(name)
                continue
            sections = self._read_file(path, label, override=override)
            if sections is None:
                self.unreadable.add(name)
            else:
                files[name] = sections
        return files

    def _read_file(self, path: Path, label: str, *, override: bool) -> dict[str, list[_Raw]] | None:
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(f"{label}: not valid UTF-8 text ({exc.reason})")
            return None
        except OSError as exc:
            self.problems.append(f"{label}: cannot be read ({exc.strerror})")
            return None
        try:
            document = yaml.load(content, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = exc.problem or exc.context or "cannot be parsed"
            self.problems.append(f"{label}{where}: invalid YAML: {problem}")
            return None
        except yaml.YAMLError as exc:
            self.problems.append(f"{label}: invalid YAML: {exc}")
            return None
        return self._sections(document, path.name, label, override=override)

    def _sections(
        self, document: Any, name: str, label: str, *, override: bool
    ) -> dict[str, list[_Raw]] | None:
        specs = FILE_SECTIONS[name]
        section_names = [section for section, _ in specs]
        if document is None:
            if override:
                return {section: [] for section in section_names}
            self.problems.append(f"{label}: file is empty")
            return None
        if not isinstance(document, dict):
            self.problems.append(
                f"{label}: the top level must be a mapping with "
                + " and ".join(f"'{section}:'" for section in section_names)
                + f", not {type_name(document)}"
            )
            return None
        for key in document:
            if key == "version":
                if document[key] != FORMAT_VERSION:
                    self.problems.append(
                        f"{label}: 'version' must be {FORMAT_VERSION}, got {document[key]!r}"
                    )
            elif key not in section_names:
                self.problems.append(
                    f"{label}: unknown top-level key {key!r}"
                    f"{did_you_mean(str(key), section_names)}; expected "
                    + ", ".join(f"'{section}'" for section in section_names)
                )
        result: dict[str, list[_Raw]] = {}
        for section, key_field in specs:
            items = document.get(section)
            if items is None:
                if not override:
                    self.problems.append(f"{label}: the '{section}' list is missing")
                    self.unreadable.add(name)
                result[section] = []
                continue
            if not isinstance(items, list):
                self.problems.append(
                    f"{label}: '{section}' must be a list of entries, not {type_name(items)}"
                )
                self.unreadable.add(name)
                result[section] = []
                continue
            prefix = f"{section} " if len(specs) > 1 else ""
            result[section] = self._entries(items, label, prefix, key_field)
        return result

    def _entries(self, items: list[Any], label: str, prefix: str, key_field: str) -> list[_Raw]:
        entries: list[_Raw] = []
        first_seen: dict[str, int] = {}
        pattern = _SEED_FILE if key_field == "file" else None
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                self.problems.append(
                    f"{label}, {prefix}entry #{number}: must be a mapping of fields,"
                    f" not {type_name(item)}"
                )
                continue
            key = item.get(key_field)
            if not isinstance(key, str) or not key.strip():
                self.problems.append(
                    f"{label}, {prefix}entry #{number}: field '{key_field}' is missing"
                    " or is not text"
                )
                continue
            where = f"{label}, {prefix}entry '{key}' (#{number})"
            if pattern is not None and not pattern.fullmatch(key):
                self.problems.append(
                    f"{where}: field '{key_field}' must be a plain file name ending in .txt or .md"
                )
                continue
            if key in first_seen:
                self.problems.append(
                    f"{where}: duplicate {key_field} '{key}' (first defined as entry"
                    f" #{first_seen[key]})"
                )
                continue
            first_seen[key] = number
            entries.append(_Raw(key=key, data=item, where=where))
        return entries

    # -- merging ---------------------------------------------------------------------------

    def merge(self, base: _RawFiles, override: _RawFiles | None) -> dict[str, list[_Raw]]:
        merged: dict[str, list[_Raw]] = {}
        for name, specs in FILE_SECTIONS.items():
            for section, _ in specs:
                order: dict[str, _Raw] = {}
                for raw in base.get(name, {}).get(section, []):
                    if self._disabled(raw) is not True:
                        order[raw.key] = raw
                for raw in (override or {}).get(name, {}).get(section, []):
                    disabled = self._disabled(raw)
                    if disabled is None:
                        continue
                    if disabled:
                        if raw.key in order:
                            del order[raw.key]
                        else:
                            self.problems.append(
                                f"{raw.where}: disables '{raw.key}', which the base library"
                                " does not define"
                            )
                    else:
                        order[raw.key] = raw  # replaces in place, or appends when new
                merged[section] = list(order.values())
        return merged

    def _disabled(self, raw: _Raw) -> bool | None:
        value = raw.data.get("disabled", False)
        if isinstance(value, bool):
            return value
        self.problems.append(f"{raw.where}: field 'disabled' must be true or false")
        return None

    # -- building --------------------------------------------------------------------------

    def build(
        self, merged: Mapping[str, list[_Raw]], *, source_dirs: tuple[Path, ...]
    ) -> CoachingLibrary | None:
        def known(section: str) -> set[str] | None:
            if _SECTION_FILES[section] in self.unreadable:
                return None
            return {raw.key for raw in merged[section]}

        refs = Refs(
            seeds=known("seeds"),
            dimensions=known("dimensions"),
            scopes=known("scopes"),
            mistakes=known("mistakes"),
        )
        seeds = self._parse_all(merged["seeds"], SeedEntry, refs)
        scopes = self._parse_all(merged["scopes"], ScopeEntry, refs)
        dimensions = self._parse_all(merged["dimensions"], DimensionEntry, refs)
        refs = replace(refs, multiplier=tuple(d.id for d in dimensions if d.multiplier))
        mistakes = self._parse_all(merged["mistakes"], MistakeEntry, refs)
        prompts = self._parse_all(merged["prompts"], PromptEntry, refs)
        nudges = self._parse_all(merged["nudges"], NudgeEntry, refs)
        reframes = self._parse_all(merged["reframes"], ReframeEntry, refs)
        elements = self._parse_all(merged["elements"], ElementEntry, refs)
        texts = self._parse_all(merged["texts"], TextEntry, refs)
        ladder = self._parse_all(merged["ladder"], LadderItemEntry, refs)
        asks = self._parse_all(merged["asks"], TextEntry, refs)
        checks = self._parse_all(merged["checks"], ExpectationCheckEntry, refs)
        story = self._parse_all(merged["story"], StoryTextEntry, refs)
        if STORY_FILE not in self.unreadable:
            self._check_story_complete(merged["story"])
        quote_texts = self._parse_all(merged["quotes"], TextEntry, refs)
        steps = self._parse_all(merged["steps"], ProblemStepEntry, refs)
        problem_texts = self._parse_all(merged["problem_texts"], TextEntry, refs)
        checkin_texts = self._parse_all(merged["checkin_texts"], TextEntry, refs)
        summary_texts = self._parse_all(merged["summary_texts"], TextEntry, refs)

        self._check_keywords_unique(merged["dimensions"], dimensions, "dimension")
        self._check_keywords_unique(merged["scopes"], scopes, "scope")
        self._one_owner(
            merged["reframes"],
            ((r.id, trigger, trigger) for r in reframes for trigger in r.triggers),
            "trigger '{key}' is also a trigger of reframe '{owner}'",
        )
        self._one_owner(
            merged["prompts"],
            ((p.id, p.text, textmatch.normalise(p.text)) for p in prompts),
            "field 'text' repeats the text of prompt '{owner}'",
        )
        hashtag_index = self._hashtag_index(merged["dimensions"], dimensions)
        self._check_not_empty(seeds, dimensions, scopes, prompts)
        if self.problems:
            return None
        return CoachingLibrary(
            seeds=tuple(seeds),
            dimensions=tuple(dimensions),
            scopes=tuple(scopes),
            prompts=tuple(prompts),
            mistakes=tuple(mistakes),
            nudges=tuple(nudges),
            reframes=tuple(reframes),
            promotion_elements=tuple(elements),
            hashtag_index=MappingProxyType(hashtag_index),
            source_dirs=source_dirs,
            judgment_texts=tuple(texts),
            ladder=tuple(ladder),
            expectation_asks=tuple(asks),
            expectation_checks=tuple(checks),
            story_texts=tuple(story),
            quote_texts=tuple(quote_texts),
            problem_steps=tuple(steps),
            problem_texts=tuple(problem_texts),
            checkin_texts=tuple(checkin_texts),
            summary_texts=tuple(summary_texts),
        )

    def _check_story_complete(self, raws: Sequence[_Raw]) -> None:
        """Every text the promotion story says is there (an override may reword, not drop)."""
        given = {raw.key for raw in raws}
        for text_id in STORY_TEXT_PLACEHOLDERS:
            if text_id not in given:
                self.problems.append(
                    f"{STORY_FILE}: story text '{text_id}' is missing (disabled or never"
                    " defined); the quarterly promotion story needs every one of: "
                    + ", ".join(STORY_TEXT_PLACEHOLDERS)
                )

    def _parse_all(
        self, raws: Iterable[_Raw], model: type[ContentEntry[_T]], refs: Refs
    ) -> list[_T]:
        """Each entry validated by its pydantic model (references checked against `refs`)."""
        parsed: list[_T] = []
        for raw in raws:
            # `disabled` belongs to merging (checked there), not to the entry.
            data = {key: value for key, value in raw.data.items() if key != "disabled"}
            try:
                entry = model.model_validate(data, context=refs)
            except ValidationError as exc:
                self.problems.extend(f"{raw.where}: {p}" for p in describe(exc, model))
                continue
            parsed.append(entry.build())
        return parsed

    # -- whole-library checks --------------------------------------------------------------

    def _where(self, raws: Sequence[_Raw], key: str) -> str:
        return next(raw.where for raw in raws if raw.key == key)

    def _one_owner(
        self,
        raws: Sequence[_Raw],
        claims: Iterable[tuple[str, str, str]],
        clash: str,
    ) -> dict[str, str]:
        """Each key belongs to the first item that claims it; a later claim by another item is
        a problem. `claims`: (item id, key as written, key as compared); `clash` says what is
        wrong, with the key as written for {key} and the first owner for {owner}."""
        owner: dict[str, str] = {}
        for item_id, written, key in claims:
            if key in owner and owner[key] != item_id:
                clashing = clash.format(key=written, owner=owner[key])
                self.problems.append(f"{self._where(raws, item_id)}: {clashing}")
            owner.setdefault(key, item_id)
        return owner

    def _check_keywords_unique(
        self, raws: Sequence[_Raw], items: Sequence[Dimension] | Sequence[Scope], what: str
    ) -> None:
        self._one_owner(
            raws,
            (
                (item.id, keyword, keyword.rstrip("*"))
                for item in items
                for keyword in (*getattr(item, "activities", ()), *item.keywords)
            ),
            f"keyword '{{key}}' is also a keyword of {what} '{{owner}}'; a keyword may belong"
            f" to one {what} only",
        )

    def _hashtag_index(
        self, raws: Sequence[_Raw], dimensions: Sequence[Dimension]
    ) -> dict[str, str]:
        index = self._one_owner(
            raws,
            ((item.id, tag, tag) for item in dimensions for tag in item.hashtags),
            "hashtag '{key}' already stands for dimension '{owner}'",
        )
        for item in dimensions:  # the id itself is always a hashtag, unless taken explicitly
            for tag in {f"#{item.id}", f"#{item.id.replace('_', '-')}"}:
                if tag in index and index[tag] != item.id:
                    self.problems.append(
                        f"{self._where(raws, index[tag])}: hashtag '{tag}' is the id of"
                        f" dimension '{item.id}' and cannot stand for another dimension"
                    )
                index.setdefault(tag, item.id)
        return index

    def _check_not_empty(
        self,
        seeds: Sequence[Seed],
        dimensions: Sequence[Dimension],
        scopes: Sequence[Scope],
        prompts: Sequence[Prompt],
    ) -> None:
        if self.problems:
            return  # an empty list is then most likely a consequence of those problems
        required = (
            (SEEDS_FILE, "seeds", seeds),
            (DIMENSIONS_FILE, "dimensions", dimensions),
            (SCOPES_FILE, "scopes", scopes),
            (PROMPTS_FILE, "prompts", prompts),
        )
        for file, what, items in required:
            if not items:
                self.problems.append(f"{file}: no {what} are defined")
        if dimensions and not any(item.multiplier for item in dimensions):
            self.problems.append(f"{DIMENSIONS_FILE}: no dimension has 'multiplier: true'")


# ── Seed quotes ──────────────────────────────────────────────────────────────────────────

_QUOTE_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _fold_quote(text: str) -> str:
    return " ".join(text.translate(_QUOTE_FOLD).split())


def check_seed_quotes(library: CoachingLibrary, seeds_dir: Path) -> list[str]:
    """Problems with `seed_quote`s that are not verbatim in their seed file under `seeds_dir`."""
    texts: dict[str, str | None] = {}
    problems: list[str] = []
    groups: tuple[tuple[str, Sequence[Any]], ...] = (
        (DIMENSIONS_FILE, library.dimensions),
        (SCOPES_FILE, library.scopes),
        (PROMPTS_FILE, library.prompts),
        (NUDGES_FILE, library.mistakes),
        (NUDGES_FILE, library.nudges),
        (REFRAMES_FILE, library.reframes),
        (PROMOTION_FILE, library.promotion_elements),
        (JUDGMENTS_FILE, library.judgment_texts),
        (EXPECTATIONS_FILE, library.ladder),
        (EXPECTATIONS_FILE, library.expectation_asks),
        (EXPECTATIONS_FILE, library.expectation_checks),
        (STORY_FILE, library.story_texts),
        (QUOTES_FILE, library.quote_texts),
        (STAFF_PROBLEM_FILE, library.problem_steps),
        (STAFF_PROBLEM_FILE, library.problem_texts),
        (CHECKINS_FILE, library.checkin_texts),
        (SUMMARY_FILE, library.summary_texts),
    )
    for file, items in groups:
        for item in items:
            quote = getattr(item, "seed_quote", None)
            if not quote:
                continue
            if item.seed not in texts:
                path = seeds_dir / item.seed
                texts[item.seed] = _fold_quote(path.read_text("utf-8")) if path.is_file() else None
            seed_text = texts[item.seed]
            if seed_text is None:
                problems.append(f"{file}, entry '{item.id}': seed file '{item.seed}' not found")
            elif _fold_quote(quote) not in seed_text:
                problems.append(
                    f"{file}, entry '{item.id}': seed_quote is not in '{item.seed}': {quote!r}"
                )
    return problems
