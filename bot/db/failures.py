"""What a database failure means for the person waiting: busy (try again now) or down.

A healthy database that is merely full (no free pooled connection within
DATABASE_CONNECT_TIMEOUT, SQLite's write lock held past its busy timeout, PostgreSQL out of
connection slots, a statement or lock wait cancelled by its timeout) is *busy*: the next try
in a few seconds will likely work. One that cannot be reached, or does not answer at all, is
*unreachable*. Anything else is not a database availability problem.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

Availability = Literal["busy", "unreachable"]

# PostgreSQL SQLSTATEs of a server that answered but had no room or time for us:
# too_many_connections, query_canceled (statement_timeout), lock_not_available.
_BUSY_SQLSTATES = {"53300", "57014", "55P03"}
_SQLITE_BUSY = ("database is locked", "database table is locked")


def availability(error: BaseException) -> Availability | None:
    """Busy, unreachable, or None when `error` is not about the database being there."""
    if isinstance(error, PoolTimeout):
        return "busy"
    if not isinstance(error, OperationalError):
        return None
    original = error.orig
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return "busy"
    if any(text in str(original) for text in _SQLITE_BUSY):
        return "busy"
    return "unreachable"
