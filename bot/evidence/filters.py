"""`/multiplier evidence [last N | this quarter | #dimension]`: read the filter, and carry it
in a button value (normalised ids and numbers only, never the typed text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.coaching.library import CoachingLibrary
from bot.evidence.periods import PeriodError, parse_period
from bot.evidence.service import EntryFilter
from bot.ui.text import readable
from bot.values import parse_int, parse_timestamp

MAX_LAST = 500
_LAST_N = re.compile(r"^(?:last|latest|newest)\s+(\d{1,6})$", re.IGNORECASE)
_N = re.compile(r"^\d{1,6}$")
_SPEC = re.compile(r"^([a-z_]{0,32})\|([0-9]{0,12})\|([0-9]{0,12})\|([0-9]{0,6})\|([0-9]{1,6})$")

FILTER_HELP = (
    "`last 20`, `last week`, `december`, `this quarter`, `2026-Q3`, `last 90 days`, `#writing` "
    "(or a mix)"
)

# The label of a list with no filter: everything, newest first.
UNFILTERED_LABEL = "newest first"


class FilterError(ValueError):
    """The filter could not be read."""


@dataclass(frozen=True)
class ListRequest:
    """A filter, the label people see for it, and the page offset."""

    where: EntryFilter
    label: str
    offset: int = 0


def _dimension_for(word: str, library: CoachingLibrary) -> str | None:
    tag = word.lower()
    if not tag.startswith("#"):
        tag = "#" + tag
    if tag in library.hashtag_index:
        return library.hashtag_index[tag]
    bare = tag[1:].replace("-", "_")
    return bare if bare in library.dimension_ids else None


def parse_filter(
    args: str, *, library: CoachingLibrary, now: datetime, tz: str | None
) -> ListRequest:
    """Read `last N`, a period and/or a #dimension from the typed arguments."""
    words = args.split()
    dimension: str | None = None
    rest: list[str] = []
    for word in words:
        if word.startswith("#"):
            found = _dimension_for(word, library)
            if found is None:
                raise FilterError(f"I don't know the dimension {readable(word)}.")
            dimension = found
        else:
            rest.append(word)
    remaining = " ".join(rest)
    limit: int | None = None
    start = end = None
    labels: list[str] = []
    if m := _LAST_N.match(remaining) or _N.match(remaining):
        limit = int(m.group(1) if m.re is _LAST_N else m.group(0))
        if not 1 <= limit <= MAX_LAST:
            raise FilterError(f"Ask for between 1 and {MAX_LAST} entries.")
        labels.append(f"your last {limit}")
    elif remaining:
        if dimension is None and _dimension_for(remaining, library):
            dimension = _dimension_for(remaining, library)
        else:
            try:
                period = parse_period(remaining, now=now, tz=tz)
            except PeriodError as error:
                raise FilterError(str(error)) from None
            start, end = period.start, period.end
            labels.append(period.label)
    if dimension is not None:
        labels.append(library.dimension(dimension).name.lower())
    label = ", ".join(labels) if labels else UNFILTERED_LABEL
    return ListRequest(EntryFilter(dimension=dimension, start=start, end=end, limit=limit), label)


def encode(request: ListRequest, offset: int) -> str:
    """The filter and an offset as a short button value (ids and numbers only)."""
    where = request.where
    start = str(int(where.start.timestamp())) if where.start else ""
    end = str(int(where.end.timestamp())) if where.end else ""
    limit = str(where.limit) if where.limit else ""
    return f"{where.dimension or ''}|{start}|{end}|{limit}|{max(0, offset)}"


def decode(value: str, *, library: CoachingLibrary, label: str = "") -> ListRequest | None:
    """A filter read back from a button value; None when it was tampered with."""
    m = _SPEC.match(value or "")
    if m is None:
        return None
    dimension = m.group(1) or None
    if dimension is not None and dimension not in library.dimension_ids:
        return None
    start = parse_timestamp(m.group(2)) if m.group(2) else None
    end = parse_timestamp(m.group(3)) if m.group(3) else None
    if (m.group(2) and start is None) or (m.group(3) and end is None):
        return None  # no date holds it: written by someone else
    limit = parse_int(m.group(4), low=1, high=MAX_LAST) if m.group(4) else None
    if m.group(4) and limit is None:
        return None
    offset = parse_int(m.group(5))
    if offset is None:
        return None
    where = EntryFilter(dimension=dimension, start=start, end=end, limit=limit)
    return ListRequest(where, label or describe(where, library), offset)


def describe(where: EntryFilter, library: CoachingLibrary) -> str:
    """A label for a filter read back from a button (the typed words are not kept)."""
    labels: list[str] = []
    if where.limit:
        labels.append(f"your last {where.limit}")
    if where.start or where.end:
        first = where.start.date().isoformat() if where.start else "the start"
        last = (where.end - timedelta(seconds=1)).date().isoformat() if where.end else "now"
        labels.append(f"{first} to {last}")
    if where.dimension:
        labels.append(library.dimension(where.dimension).name.lower())
    return ", ".join(labels) if labels else UNFILTERED_LABEL
