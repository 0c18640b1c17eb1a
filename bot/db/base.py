"""Declarative base with a constraint naming convention and a UTC timestamp type."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, Text
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from bot import clock

# Stable constraint names make Alembic migrations reproducible across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# ── Text people typed ────────────────────────────────────────────────────────────────────
# PostgreSQL's text types cannot hold NUL (U+0000), and SQLite's LIKE and instr() stop at
# one. So user text is stored with NUL written as ESC + U+FDD1 and ESC itself as ESC + ESC,
# where ESC is U+FDD0, on both databases: reading gives back exactly what was typed, and a
# SQL match (`contains`, `==`, binds go through the same type) sees the whole text. Both are
# Unicode noncharacters that Slack never sends and nobody types, so text without NUL is
# stored unchanged, and a search for anything a person can type never matches inside an
# escape. Text stored before (SQLite kept NUL as is) still reads back right.
NUL = "\x00"
NUL_ESCAPE = "\ufdd0"
_ESCAPED_NUL = NUL_ESCAPE + "\ufdd1"
_ESCAPED = re.compile("\ufdd0([\ufdd0\ufdd1])")


def escape_nul(text: str) -> str:
    """`text` without NUL, reversibly (see `unescape_nul`)."""
    if NUL not in text and NUL_ESCAPE not in text:
        return text
    return text.replace(NUL_ESCAPE, NUL_ESCAPE + NUL_ESCAPE).replace(NUL, _ESCAPED_NUL)


def unescape_nul(text: str) -> str:
    """The text `escape_nul` was given. An escape char not followed by a code stays as is."""
    if NUL_ESCAPE not in text:
        return text
    return _ESCAPED.sub(lambda m: NUL if m.group(1) == "\ufdd1" else NUL_ESCAPE, text)


class _NulSafe(TypeDecorator[str]):
    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else escape_nul(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else unescape_nul(value)


class UserText(_NulSafe):
    """Text a person typed (any character, NUL included), kept exactly on both databases."""

    impl = Text
    cache_ok = True


class UserString(_NulSafe):
    """A bounded string a person chose (a display name), kept exactly on both databases."""

    impl = String
    cache_ok = True


def utcnow() -> datetime:
    """The current instant, aware, in UTC, from the app's one clock."""
    return clock.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through `Session.execute` matched.

    The session types every result as a plain `Result`; for those statements it is a
    `CursorResult`, the one that carries the count. Anything else is a caller's mistake.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"a {type(result).__name__} carries no row count")
    return result.rowcount or 0
