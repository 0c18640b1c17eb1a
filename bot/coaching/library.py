"""Load and validate the coaching content in `prompts/`, with an optional team override.

Every problem is reported with the file (relative to its directory, e.g.
``prompts/reflection_prompts.yaml``), the entry (id and position) and what is wrong; all
problems found in one pass are reported together in a single `LibraryError`.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

import bot.coaching.text as textmatch
from bot.coaching.models import (
    EVIDENCE_SOURCES,
    RULE_KINDS,
    AbsentForWeeks,
    Dimension,
    Mistake,
    NoWrittenArtefactForWeeks,
    Nudge,
    PromotionElement,
    Prompt,
    RatioAbove,
    Reframe,
    Rule,
    Scope,
    ScopeShareBelow,
    Seed,
)

SEEDS_FILE = "seeds.yaml"
DIMENSIONS_FILE = "dimensions.yaml"
SCOPES_FILE = "scopes.yaml"
PROMPTS_FILE = "reflection_prompts.yaml"
NUDGES_FILE = "nudges.yaml"
REFRAMES_FILE = "reframes.yaml"
PROMOTION_FILE = "promotion_case.yaml"

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
    }
)
FILE_NAMES: tuple[str, ...] = tuple(FILE_SECTIONS)
_SECTION_FILES = {section: name for name, specs in FILE_SECTIONS.items() for section, _ in specs}
FORMAT_VERSION = 1

DEFAULT_PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

# Identifier shapes. Dimension and scope ids are stored in database columns of 32 and 16
# characters; prompt ids in one of 64.
_SNAKE_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEBAB_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEED_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:txt|md)")
_EMOJI = re.compile(r":[a-z0-9_+'\-]+:")
_HASHTAG_BODY = re.compile(r"[^\W\d_][\w\-]*")
_SLACK_CONTROL = re.compile(r"<[!@#]")

_T = TypeVar("_T")

MAX_WEEKS = 52
# In a rule, `numerator: multiplier` (or denominator) means every multiplier dimension.
MULTIPLIER_DIMENSIONS = "multiplier"
_NAME_LEN = 80
_SHORT_TEXT_LEN = 200
_LONG_TEXT_LEN = 400


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
        return self._scopes[scope_id].weight if scope_id in self._scopes else 0.0

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
                    f"{_did_you_mean(path.name, FILE_NAMES)}; expected one of: "
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
                + f", not {_type_name(document)}"
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
                    f"{_did_you_mean(str(key), section_names)}; expected "
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
                    f"{label}: '{section}' must be a list of entries, not {_type_name(items)}"
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
                    f" not {_type_name(item)}"
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

        refs = _Refs(
            seeds=known("seeds"),
            dimensions=known("dimensions"),
            scopes=known("scopes"),
            mistakes=known("mistakes"),
        )
        seeds = self._parse_all(merged["seeds"], self._seed)
        scopes = self._parse_all(merged["scopes"], lambda e: self._scope(e, refs))
        dimensions = self._parse_all(merged["dimensions"], lambda e: self._dimension(e, refs))
        refs = replace(refs, multiplier=tuple(d.id for d in dimensions if d.multiplier))
        mistakes = self._parse_all(merged["mistakes"], lambda e: self._mistake(e, refs))
        prompts = self._parse_all(merged["prompts"], lambda e: self._prompt(e, refs))
        nudges = self._parse_all(merged["nudges"], lambda e: self._nudge(e, refs))
        reframes = self._parse_all(merged["reframes"], lambda e: self._reframe(e, refs))
        elements = self._parse_all(merged["elements"], lambda e: self._element(e, refs))

        self._check_keywords_unique(merged["dimensions"], dimensions, "dimension")
        self._check_keywords_unique(merged["scopes"], scopes, "scope")
        self._check_triggers_unique(merged["reframes"], reframes)
        self._check_prompt_texts_unique(merged["prompts"], prompts)
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
        )

    def _parse_all(self, raws: Iterable[_Raw], parse: Callable[[_Entry], _T | None]) -> list[_T]:
        parsed: list[_T] = []
        for raw in raws:
            entry = _Entry(raw.data, raw.where, self.problems)
            item = parse(entry)
            entry.finish()
            if item is not None and entry.ok:
                parsed.append(item)
        return parsed

    def _seed(self, e: _Entry) -> Seed:
        file = e.text("file")
        title = e.text("title", max_len=_SHORT_TEXT_LEN)
        summary = e.opt_text("summary", max_len=1500)
        e.opt_text("url", max_len=500)
        return Seed(file=file, title=title, summary=summary or "")

    def _scope(self, e: _Entry, refs: _Refs) -> Scope:
        return Scope(
            id=e.ident("id", _SNAKE_ID, max_len=16, shape="snake_case"),
            name=e.text("name", max_len=_NAME_LEN),
            emoji=e.emoji("emoji", required=False),
            description=e.text("description", max_len=_SHORT_TEXT_LEN),
            weight=e.number("weight", minimum=0, exclusive=True),
            keywords=e.keywords("keywords", required=False),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.opt_text("seed_quote", max_len=300),
        )

    def _dimension(self, e: _Entry, refs: _Refs) -> Dimension:
        return Dimension(
            id=e.ident("id", _SNAKE_ID, max_len=32, shape="snake_case"),
            name=e.text("name", max_len=_NAME_LEN),
            emoji=e.emoji("emoji") or "",
            description=e.text("description", max_len=_LONG_TEXT_LEN),
            hashtags=e.hashtags("hashtags"),
            keywords=e.keywords("keywords", required=True),
            multiplier=e.boolean("multiplier"),
            written_artefact=e.boolean("written_artefact", required=False),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.text("seed_quote", max_len=300),
            activities=e.keywords("activities", required=False),
            default_scope=e.opt_ref("default_scope", refs.scopes, "scope"),
        )

    def _mistake(self, e: _Entry, refs: _Refs) -> Mistake:
        return Mistake(
            id=e.ident("id", _KEBAB_ID, max_len=64, shape="kebab-case"),
            name=e.text("name", max_len=_NAME_LEN),
            why=e.text("why", max_len=_SHORT_TEXT_LEN),
            instead=e.text("instead", max_len=_SHORT_TEXT_LEN),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.opt_text("seed_quote", max_len=300),
        )

    def _prompt(self, e: _Entry, refs: _Refs) -> Prompt:
        return Prompt(
            id=e.ident("id", _KEBAB_ID, max_len=64, shape="kebab-case"),
            dimension=e.ref("dimension", refs.dimensions, "dimension"),
            text=e.text("text", max_len=_SHORT_TEXT_LEN),
            follow_ups=e.text_list("follow_ups", min_items=2, max_items=3, max_len=_SHORT_TEXT_LEN),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.opt_text("seed_quote", max_len=300),
        )

    def _nudge(self, e: _Entry, refs: _Refs) -> Nudge | None:
        nudge_id = e.ident("id", _KEBAB_ID, max_len=64, shape="kebab-case")
        mistake = e.ref("mistake", refs.mistakes, "mistake")
        rule_entry = e.mapping("rule")
        rule = _parse_rule(rule_entry, refs) if rule_entry is not None else None
        template = e.text("message", max_len=_LONG_TEXT_LEN)
        suggestion = e.text("suggestion", max_len=_LONG_TEXT_LEN)
        priority = e.integer("priority", minimum=1, maximum=1000)
        seed = e.ref("seed", refs.seeds, "seed file")
        seed_quote = e.opt_text("seed_quote", max_len=300)
        if rule is None:
            return None
        message = e.render("message", template, rule) if template else ""
        return Nudge(
            nudge_id, mistake, rule, message, suggestion, priority, seed, seed_quote, template
        )

    def _reframe(self, e: _Entry, refs: _Refs) -> Reframe:
        return Reframe(
            id=e.ident("id", _KEBAB_ID, max_len=64, shape="kebab-case"),
            triggers=e.keywords("triggers", required=True),
            unless=e.keywords("unless", required=False),
            glue=e.text("glue", max_len=_SHORT_TEXT_LEN),
            staff=e.text("staff", max_len=_LONG_TEXT_LEN),
            dimension=e.ref("dimension", refs.dimensions, "dimension"),
            scope=e.ref("scope", refs.scopes, "scope"),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.opt_text("seed_quote", max_len=300),
            acknowledge=e.text("acknowledge", max_len=_SHORT_TEXT_LEN),
            glue_dimensions=e.ref_list("glue_dimensions", refs.dimensions, "dimension"),
        )

    def _element(self, e: _Entry, refs: _Refs) -> PromotionElement:
        element = PromotionElement(
            id=e.ident("id", _KEBAB_ID, max_len=64, shape="kebab-case"),
            name=e.text("name", max_len=_NAME_LEN),
            description=e.text("description", max_len=_LONG_TEXT_LEN),
            guidance=e.text("guidance", max_len=1000),
            manual=e.boolean("manual", required=False),
            questions=e.text_list(
                "questions", min_items=0, max_items=5, max_len=_SHORT_TEXT_LEN, required=False
            ),
            seed=e.ref("seed", refs.seeds, "seed file"),
            seed_quote=e.opt_text("seed_quote", max_len=300),
        )
        feeds = e.mapping("feeds", required=False)
        if feeds is not None:
            element = replace(
                element,
                dimensions=feeds.ref_list("dimensions", refs.dimensions, "dimension"),
                scopes=feeds.ref_list("scopes", refs.scopes, "scope"),
                sources=feeds.ref_list("sources", set(EVIDENCE_SOURCES), "source"),
            )
            feeds.finish()
        if e.ok and (feeds is None or feeds.ok) and not element.has_feeds and not element.manual:
            e.problem(
                "needs 'feeds' listing dimensions, scopes or sources, or 'manual: true' when"
                " no logged evidence can feed it"
            )
        return element

    # -- whole-library checks --------------------------------------------------------------

    def _where(self, raws: Sequence[_Raw], key: str) -> str:
        return next(raw.where for raw in raws if raw.key == key)

    def _check_keywords_unique(
        self, raws: Sequence[_Raw], items: Sequence[Dimension] | Sequence[Scope], what: str
    ) -> None:
        owner: dict[str, str] = {}
        for item in items:
            for keyword in (*getattr(item, "activities", ()), *item.keywords):
                folded = keyword.rstrip("*")
                if folded in owner and owner[folded] != item.id:
                    self.problems.append(
                        f"{self._where(raws, item.id)}: keyword '{keyword}' is also a keyword"
                        f" of {what} '{owner[folded]}'; a keyword may belong to one {what} only"
                    )
                owner.setdefault(folded, item.id)

    def _check_triggers_unique(self, raws: Sequence[_Raw], reframes: Sequence[Reframe]) -> None:
        owner: dict[str, str] = {}
        for item in reframes:
            for trigger in item.triggers:
                if trigger in owner and owner[trigger] != item.id:
                    self.problems.append(
                        f"{self._where(raws, item.id)}: trigger '{trigger}' is also a trigger"
                        f" of reframe '{owner[trigger]}'"
                    )
                owner.setdefault(trigger, item.id)

    def _check_prompt_texts_unique(self, raws: Sequence[_Raw], prompts: Sequence[Prompt]) -> None:
        owner: dict[str, str] = {}
        for item in prompts:
            folded = textmatch.normalise(item.text)
            if folded in owner:
                self.problems.append(
                    f"{self._where(raws, item.id)}: field 'text' repeats the text of prompt"
                    f" '{owner[folded]}'"
                )
            owner.setdefault(folded, item.id)

    def _hashtag_index(
        self, raws: Sequence[_Raw], dimensions: Sequence[Dimension]
    ) -> dict[str, str]:
        index: dict[str, str] = {}
        for item in dimensions:
            for tag in item.hashtags:
                if tag in index and index[tag] != item.id:
                    self.problems.append(
                        f"{self._where(raws, item.id)}: hashtag '{tag}' already stands for"
                        f" dimension '{index[tag]}'"
                    )
                index.setdefault(tag, item.id)
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


@dataclass(frozen=True)
class _Refs:
    """The ids other entries may refer to; None when their file could not be read."""

    seeds: set[str] | None
    dimensions: set[str] | None
    scopes: set[str] | None
    mistakes: set[str] | None
    multiplier: tuple[str, ...] = ()


def _parse_rule(e: _Entry, refs: _Refs) -> Rule | None:
    kind = e.text("kind")
    if kind and kind not in RULE_KINDS:
        e.problem(
            f"field '{e.field_name('kind')}' names unknown rule kind '{kind}'"
            f"{_did_you_mean(kind, RULE_KINDS)} (known kinds: {', '.join(RULE_KINDS)})"
        )
        e.finish(check_unknown=False)
        return None
    rule: Rule | None = None
    if kind:
        weeks = e.integer("weeks", minimum=1, maximum=MAX_WEEKS)
        rule = _RULE_PARSERS[kind](e, refs, weeks)
    e.finish()
    return rule if e.ok else None


def _absent_for_weeks(e: _Entry, refs: _Refs, weeks: int) -> Rule:
    rule = AbsentForWeeks(
        weeks=weeks,
        dimensions=e.ref_list("dimensions", refs.dimensions, "dimension"),
        scopes=e.ref_list("scopes", refs.scopes, "scope"),
        min_entries=e.integer("min_entries", minimum=1, required=False, default=1),
    )
    if e.ok and not rule.dimensions and not rule.scopes:
        e.problem(f"rule kind '{rule.kind}' needs 'dimensions', 'scopes' or both")
    return rule


def _dimension_list(e: _Entry, refs: _Refs, name: str) -> tuple[str, ...]:
    """A list of dimension ids, or `multiplier`: every multiplier dimension."""
    if e.data.get(name) == MULTIPLIER_DIMENSIONS:
        e._read.add(name)
        return refs.multiplier
    return e.ref_list(name, refs.dimensions, "dimension", required=True)


def _ratio_above(e: _Entry, refs: _Refs, weeks: int) -> Rule:
    rule = RatioAbove(
        numerator=_dimension_list(e, refs, "numerator"),
        denominator=_dimension_list(e, refs, "denominator"),
        ratio=e.number("ratio", minimum=0, exclusive=True),
        min_numerator=e.integer("min_numerator", minimum=1),
        weeks=weeks,
    )
    if set(rule.numerator) & set(rule.denominator):
        e.problem(
            f"fields '{e.field_name('numerator')}' and '{e.field_name('denominator')}'"
            " must not share a dimension"
        )
    return rule


def _no_written_artefact(e: _Entry, refs: _Refs, weeks: int) -> Rule:
    del refs
    min_entries = e.integer("min_entries", minimum=1, required=False, default=1)
    return NoWrittenArtefactForWeeks(weeks=weeks, min_entries=min_entries)


def _scope_share_below(e: _Entry, refs: _Refs, weeks: int) -> Rule:
    return ScopeShareBelow(
        scopes=e.ref_list("scopes", refs.scopes, "scope", required=True),
        share=e.number("share", minimum=0, exclusive=True, maximum=1),
        weeks=weeks,
        min_entries=e.integer("min_entries", minimum=1),
    )


_RULE_PARSERS: Mapping[str, Callable[[_Entry, _Refs, int], Rule]] = MappingProxyType(
    {
        AbsentForWeeks.kind: _absent_for_weeks,
        RatioAbove.kind: _ratio_above,
        NoWrittenArtefactForWeeks.kind: _no_written_artefact,
        ScopeShareBelow.kind: _scope_share_below,
    }
)


_MISSING: Any = object()


class _Entry:
    """Reads one entry's fields, recording a problem for each field that is wrong.

    Readers always return a value of the declared type (an empty placeholder when the
    field is wrong) so entries can be built unconditionally; `ok` says whether to keep it.
    """

    def __init__(
        self, data: Mapping[str, Any], where: str, problems: list[str], prefix: str = ""
    ) -> None:
        self.data = data
        self.where = where
        self.problems = problems
        self.prefix = prefix
        self.ok = True
        self._read: set[str] = set() if prefix else {"disabled"}
        self._children: list[_Entry] = []
        self._finished = False

    def field_name(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def problem(self, message: str) -> None:
        self.ok = False
        self.problems.append(f"{self.where}: {message}")

    def _get(self, name: str, *, required: bool) -> Any:
        self._read.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                state = "is missing" if value is _MISSING else "is empty"
                self.problem(f"field '{self.field_name(name)}' {state}")
            return _MISSING
        return value

    # -- text --------------------------------------------------------------------------------

    def text(self, name: str, *, max_len: int | None = None) -> str:
        value = self._get(name, required=True)
        if value is _MISSING:
            return ""
        return self._check_text(self.field_name(name), value, max_len) or ""

    def opt_text(self, name: str, *, max_len: int | None = None) -> str | None:
        value = self._get(name, required=False)
        if value is _MISSING:
            return None
        return self._check_text(self.field_name(name), value, max_len)

    def _check_text(self, label: str, value: Any, max_len: int | None) -> str | None:
        if not isinstance(value, str):
            self.problem(f"field '{label}' must be text, not {_type_name(value)}")
            return None
        cleaned = " ".join(value.split())
        if not cleaned:
            self.problem(f"field '{label}' is empty")
            return None
        if max_len is not None and len(cleaned) > max_len:
            self.problem(
                f"field '{label}' is {len(cleaned)} characters long; the limit is {max_len}"
            )
            return None
        if _SLACK_CONTROL.search(cleaned):
            self.problem(
                f"field '{label}' must not contain Slack control sequences such as"
                " '<!channel>' or '<@U…>'"
            )
            return None
        return cleaned

    def ident(self, name: str, pattern: re.Pattern[str], *, max_len: int, shape: str) -> str:
        value = self.text(name)
        if value and (not pattern.fullmatch(value) or len(value) > max_len):
            self.problem(
                f"field '{self.field_name(name)}' must be {shape} (at most {max_len} characters),"
                f" got '{value}'"
            )
        return value

    def emoji(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name) if required else self.opt_text(name)
        if value and not _EMOJI.fullmatch(value):
            self.problem(
                f"field '{self.field_name(name)}' must be a Slack emoji shortcode such as"
                f" ':memo:', got '{value}'"
            )
        return value

    def render(self, name: str, template: str, rule: Rule) -> str:
        params = rule.params()
        try:
            return template.format(**params)
        except (KeyError, IndexError) as exc:
            self.problem(
                f"field '{self.field_name(name)}' uses {{{exc.args[0]}}}, which rule kind"
                f" '{rule.kind}' does not have (available: "
                + ", ".join("{" + key + "}" for key in params)
                + "; write {{ or }} for a literal brace)"
            )
        except ValueError as exc:
            self.problem(
                f"field '{self.field_name(name)}' has a malformed {{…}} placeholder: {exc}"
            )
        return template

    # -- scalars -----------------------------------------------------------------------------

    def boolean(self, name: str, *, required: bool = True) -> bool:
        value = self._get(name, required=required)
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.problem(f"field '{self.field_name(name)}' must be true or false, got {value!r}")
            return False
        return value

    def integer(
        self,
        name: str,
        *,
        minimum: int,
        maximum: int | None = None,
        required: bool = True,
        default: int = 0,
    ) -> int:
        value = self._get(name, required=required)
        if value is _MISSING:
            return default
        limits = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        valid = isinstance(value, int) and not isinstance(value, bool)
        if not valid or value < minimum or (maximum is not None and value > maximum):
            self.problem(
                f"field '{self.field_name(name)}' must be a whole number {limits}, got {value!r}"
            )
            return default
        return int(value)

    def number(
        self, name: str, *, minimum: float, exclusive: bool, maximum: float | None = None
    ) -> float:
        value = self._get(name, required=True)
        if value is _MISSING:
            return 0.0
        low = f"greater than {minimum:g}" if exclusive else f"at least {minimum:g}"
        limits = low if maximum is None else f"{low} and at most {maximum:g}"
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        valid = valid and math.isfinite(value)
        if valid:
            too_low = value <= minimum if exclusive else value < minimum
            valid = not too_low and (maximum is None or value <= maximum)
        if not valid:
            self.problem(
                f"field '{self.field_name(name)}' must be a number {limits}, got {value!r}"
            )
            return 0.0
        return float(value)

    # -- lists -------------------------------------------------------------------------------

    def _list(self, name: str, *, required: bool, what: str) -> list[Any]:
        value = self._get(name, required=required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(f"field '{self.field_name(name)}' must be a list, not {_type_name(value)}")
            return []
        if required and not value:
            self.problem(f"field '{self.field_name(name)}' needs at least one {what}")
        return value

    def text_list(
        self, name: str, *, min_items: int, max_items: int, max_len: int, required: bool = True
    ) -> tuple[str, ...]:
        items = self._list(name, required=required, what="item")
        label = self.field_name(name)
        if items and not min_items <= len(items) <= max_items:
            self.problem(
                f"field '{label}' needs {min_items} to {max_items} items, it has {len(items)}"
            )
            return ()
        checked = [
            self._check_text(f"{label}[{n}]", item, max_len) for n, item in enumerate(items, 1)
        ]
        return tuple(item for item in checked if item is not None)

    def keywords(self, name: str, *, required: bool) -> tuple[str, ...]:
        items = self._list(name, required=required, what="keyword")
        label = self.field_name(name)
        result: list[str] = []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, str):
                self.problem(
                    f"field '{label}' item #{number} must be text, not {_type_name(item)}"
                    " (quote words YAML reads as something else, such as yes, no, on, off)"
                )
                continue
            issue = textmatch.keyword_problem(item)
            if issue:
                self.problem(f"field '{label}' item #{number} '{item}' {issue}")
            elif item in result:
                self.problem(f"field '{label}' lists '{item}' twice")
            else:
                result.append(item)
        return tuple(result)

    def hashtags(self, name: str) -> tuple[str, ...]:
        items = self._list(name, required=True, what="hashtag")
        label = self.field_name(name)
        result: list[str] = []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, str):
                self.problem(
                    f"field '{label}' item #{number} must be text, not {_type_name(item)}"
                    ' (an unquoted # starts a YAML comment: write "#tag" or tag)'
                )
                continue
            body = textmatch.normalise(item.strip()).removeprefix("#")
            if not _HASHTAG_BODY.fullmatch(body):
                self.problem(
                    f"field '{label}' item #{number} '{item}' is not a hashtag: it must start"
                    " with a letter, then letters, digits, - or _"
                )
            elif f"#{body}" in result:
                self.problem(f"field '{label}' lists '#{body}' twice")
            else:
                result.append(f"#{body}")
        return tuple(result)

    def ref(self, name: str, known: set[str] | None, what: str) -> str:
        value = self.text(name)
        if value and known is not None and value not in known:
            self.problem(
                f"field '{self.field_name(name)}' names unknown {what} '{value}'"
                f"{_did_you_mean(value, known)}"
            )
        return value

    def opt_ref(self, name: str, known: set[str] | None, what: str) -> str | None:
        value = self.opt_text(name)
        if value and known is not None and value not in known:
            self.problem(
                f"field '{self.field_name(name)}' names unknown {what} '{value}'"
                f"{_did_you_mean(value, known)}"
            )
        return value

    def ref_list(
        self, name: str, known: set[str] | None, what: str, *, required: bool = False
    ) -> tuple[str, ...]:
        items = self._list(name, required=required, what=what)
        label = self.field_name(name)
        result: list[str] = []
        for item in items:
            if not isinstance(item, str) or (known is not None and item not in known):
                hint = _did_you_mean(item, known or ()) if isinstance(item, str) else ""
                self.problem(f"field '{label}' names unknown {what} {item!r}{hint}")
            elif item in result:
                self.problem(f"field '{label}' lists '{item}' twice")
            else:
                result.append(item)
        return tuple(result)

    # -- nesting -----------------------------------------------------------------------------

    def mapping(self, name: str, *, required: bool = True) -> _Entry | None:
        value = self._get(name, required=required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.problem(
                f"field '{self.field_name(name)}' must be a mapping of fields,"
                f" not {_type_name(value)}"
            )
            return None
        child = _Entry(value, self.where, self.problems, prefix=f"{self.field_name(name)}.")
        self._children.append(child)
        return child

    def finish(self, *, check_unknown: bool = True) -> None:
        if self._finished:
            return
        self._finished = True
        for child in self._children:
            child.finish()
            self.ok = self.ok and child.ok
        if check_unknown:
            for key in self.data:
                if key not in self._read:
                    self.problem(
                        f"unknown field '{self.field_name(str(key))}'"
                        f"{_did_you_mean(str(key), self._read)}"
                    )


def _did_you_mean(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


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
