"""Measure the classifier against labelled sentences (`tests/coaching/corpus/`).

A labelled file has one sentence per line, ``dimension | scope | text``: each label is the
right id, then acceptable alternatives after ``/``; ``-`` means none. ``#`` starts a comment.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.coaching.classify import NO_EXAMPLES, Classification, ExampleIndex, classify
from bot.coaching.library import CoachingLibrary

NONE = "-"


@dataclass(frozen=True)
class Label:
    """The right answer and the acceptable ones; `right` None means "none"."""

    right: str | None
    acceptable: tuple[str, ...] = ()

    @classmethod
    def parse(cls, field_text: str) -> Label:
        ids = [part.strip() for part in field_text.split("/") if part.strip()]
        if not ids:
            raise ValueError("empty label")
        right = None if ids[0] == NONE else ids[0]
        return cls(right, tuple(i for i in ids[1:] if i != NONE))

    def grade(self, predicted: str | None) -> str:
        """ "exact", "acceptable" or "wrong"."""
        if predicted == self.right:
            return "exact"
        if predicted is not None and predicted in self.acceptable:
            return "acceptable"
        return "wrong"


@dataclass(frozen=True)
class LabelledText:
    text: str
    dimension: Label
    scope: Label
    where: str


def read_labelled(path: Path) -> list[LabelledText]:
    """The labelled sentences of one file; ValueError naming the line when one is malformed."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3 or not parts[2].strip():
            raise ValueError(f"{path}:{number}: expected 'dimension | scope | text'")
        try:
            dimension, scope = Label.parse(parts[0]), Label.parse(parts[1])
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
        found.append(LabelledText(parts[2].strip(), dimension, scope, f"{path.name}:{number}"))
    return found


@dataclass
class Tally:
    """Counts for one label (dimension or scope) over a set of sentences."""

    total: int = 0
    exact: int = 0
    acceptable: int = 0
    none_predicted: int = 0
    none_when_labelled: int = 0
    labelled: int = 0

    def add(self, label: Label, predicted: str | None) -> str:
        grade = label.grade(predicted)
        self.total += 1
        self.exact += grade == "exact"
        self.acceptable += grade == "acceptable"
        self.none_predicted += predicted is None
        if label.right is not None:
            self.labelled += 1
            self.none_when_labelled += predicted is None
        return grade

    def share(self, count: int, of: int | None = None) -> float:
        whole = self.total if of is None else of
        return count / whole if whole else 0.0

    @property
    def exact_share(self) -> float:
        return self.share(self.exact)

    @property
    def right_or_acceptable_share(self) -> float:
        return self.share(self.exact + self.acceptable)

    @property
    def none_when_labelled_share(self) -> float:
        return self.share(self.none_when_labelled, self.labelled)

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.exact_share:.1%} exact, {self.right_or_acceptable_share:.1%} right or"
            f" acceptable, none on {self.none_when_labelled}/{self.labelled} labelled"
            f" ({self.none_when_labelled_share:.1%}), {self.none_predicted} none in all"
        )


@dataclass
class Report:
    """How the classifier did on a set of labelled sentences."""

    dimension: Tally = field(default_factory=Tally)
    scope: Tally = field(default_factory=Tally)
    misses: list[tuple[LabelledText, Classification, str, str]] = field(default_factory=list)
    seconds: float = 0.0
    median_seconds: float = 0.0
    cpu_seconds: float = 0.0

    @property
    def per_text_ms(self) -> float:
        """Milliseconds per text in the fastest pass."""
        return 1000 * self.seconds / self.dimension.total if self.dimension.total else 0.0

    @property
    def cpu_per_text_ms(self) -> float:
        """CPU milliseconds per text (median pass)."""
        return 1000 * self.cpu_seconds / self.dimension.total if self.dimension.total else 0.0

    @property
    def median_per_text_ms(self) -> float:
        """Milliseconds per text in the median pass."""
        return 1000 * self.median_seconds / self.dimension.total if self.dimension.total else 0.0


def evaluate(
    items: Sequence[LabelledText],
    library: CoachingLibrary,
    examples: ExampleIndex = NO_EXAMPLES,
    *,
    repeat: int = 1,
) -> Report:
    """Classify every sentence (timed over `repeat` passes) and grade the last pass."""
    report = Report()
    results: list[Classification] = []
    passes = []
    cpu = []
    for _ in range(max(1, repeat)):
        started, cpu_started = time.perf_counter(), time.process_time()
        results = [classify(item.text, library, examples) for item in items]
        passes.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    # The fastest pass: on a shared machine the others measure the neighbours as well.
    report.seconds = min(passes)
    report.median_seconds = statistics.median(passes)
    # CPU time is what a text costs this process, whoever else wants the machine.
    report.cpu_seconds = statistics.median(cpu)
    for item, result in zip(items, results, strict=True):
        dimension = report.dimension.add(item.dimension, result.dimension_id)
        scope = report.scope.add(item.scope, result.scope_id)
        if dimension == "wrong" or scope == "wrong":
            report.misses.append((item, result, dimension, scope))
    return report


def describe(report: Report, *, label: str, misses: bool = False) -> Iterable[str]:
    """Lines of a human-readable report."""
    yield (
        f"{label}: {report.dimension.total} sentences; per text {report.cpu_per_text_ms:.3f} ms"
        f" of CPU, {report.per_text_ms:.3f} ms wall clock in the fastest pass"
        f" ({report.median_per_text_ms:.3f} ms in the median pass)"
    )
    yield "  " + report.dimension.line("dimension")
    yield "  " + report.scope.line("scope")
    if misses:
        for item, result, dimension, scope in report.misses:
            wanted = (
                "/".join([item.dimension.right or NONE, *item.dimension.acceptable])
                + " | "
                + "/".join([item.scope.right or NONE, *item.scope.acceptable])
            )
            got = f"{result.dimension_id or NONE} | {result.scope_id or NONE}"
            flags = ("D" if dimension == "wrong" else "-") + ("S" if scope == "wrong" else "-")
            yield f"  {flags} {item.where}: want {wanted}, got {got}: {item.text}"
            yield f"       why: {result.why}"
