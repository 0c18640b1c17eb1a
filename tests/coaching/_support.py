"""Helpers shared by the coaching tests (plain functions, so `--noconftest` works)."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.coaching.library import DEFAULT_PROMPTS_DIR, CoachingLibrary
from bot.coaching.nudges import WeeklyStats

SEEDS_DIR = Path("/work/shared/seeds")
MONDAY = date(2025, 1, 6)


def copy_prompts(tmp_path: Path, name: str = "prompts") -> Path:
    """A writable copy of the shipped `prompts/` directory."""
    target = tmp_path / name
    shutil.copytree(DEFAULT_PROMPTS_DIR, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def read_yaml(path: Path) -> Any:
    """Parse a YAML file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506


def write_yaml(path: Path, data: Any) -> None:
    """Write data as YAML, keeping key order and unicode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


def edit_yaml(path: Path, change: Callable[[Any], None]) -> Any:
    """Load a YAML file, let `change` mutate the data in place, write it back."""
    data = read_yaml(path)
    change(data)
    write_yaml(path, data)
    return data


HEALTHY_DIMENSIONS = {
    "unblocking": 1,
    "reviews": 1,
    "decisions": 1,
    "writing": 1,
    "mentoring": 1,
    "cross_team": 1,
    "long_horizon": 1,
    "problem_framing": 1,
    "business_impact": 1,
    "alignment": 1,
    "delivery": 2,
}
HEALTHY_SCOPES = {"self": 2, "team": 5, "cross_team": 3, "org": 2}


def week(
    offset: int,
    dimensions: dict[str, int] | None = None,
    scopes: dict[str, int] | None = None,
    **extra: Any,
) -> WeeklyStats:
    """Stats for the week `offset` weeks after MONDAY."""
    return WeeklyStats(
        week_start=MONDAY + timedelta(weeks=offset),
        dimension_counts=dict(dimensions or {}),
        scope_counts=dict(scopes or {}),
        **extra,
    )


def history(
    weeks: int,
    dimensions: dict[str, int] | None = None,
    scopes: dict[str, int] | None = None,
    **extra: Any,
) -> list[WeeklyStats]:
    """`weeks` consecutive identical weeks."""
    return [week(n, dimensions, scopes, **extra) for n in range(weeks)]


def healthy_history(weeks: int = 8) -> list[WeeklyStats]:
    """Weeks of balanced multiplier evidence that should trigger no nudge."""
    return history(weeks, HEALTHY_DIMENSIONS, HEALTHY_SCOPES, written_artefacts=1)


def without(counts: dict[str, int], *keys: str) -> dict[str, int]:
    """A copy of `counts` with the given keys removed."""
    return {key: value for key, value in counts.items() if key not in keys}


class EntryFacts(Protocol):
    """What `build_weekly_stats` needs from an evidence entry (e.g. the ORM row)."""

    @property
    def dimension(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def scope(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def source(self) -> str: ...  # pragma: no cover - protocol

    @property
    def people(self) -> Sequence[str]: ...  # pragma: no cover - protocol


KUDOS_SOURCE = "kudos"


def build_weekly_stats(
    *,
    week_start: date,
    entries: Iterable[EntryFacts],
    library: CoachingLibrary,
    checkins_answered: int = 0,
    paused: bool = False,
) -> WeeklyStats:
    """Count one week's own entries by dimension and scope; kudos count as received only."""
    dimensions: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    people: set[str] = set()
    total = kudos = written = 0
    written_dims = {d.id for d in library.dimensions if d.written_artefact}
    for entry in entries:
        if entry.source == KUDOS_SOURCE:
            kudos += 1
            continue
        total += 1
        if entry.dimension:
            dimensions[entry.dimension] += 1
            written += entry.dimension in written_dims
        if entry.scope:
            scopes[entry.scope] += 1
        people.update(entry.people)
    return WeeklyStats(
        week_start=week_start,
        dimension_counts=dict(dimensions),
        scope_counts=dict(scopes),
        written_artefacts=written,
        entries=total,
        kudos_received=kudos,
        people_helped=len(people),
        checkins_answered=checkins_answered,
        paused=paused,
    )
