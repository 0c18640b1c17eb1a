"""Reads of plain columns that skip the ORM's per-statement machinery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVarTuple, overload

from sqlalchemy import CursorResult, Executable
from sqlalchemy.sql.selectable import TypedReturnsRows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_Ts = TypeVarTuple("_Ts")


@overload
def read_rows(
    session: Session,
    statement: TypedReturnsRows[*_Ts],
    params: dict[str, Any] | None = None,
) -> CursorResult[*_Ts]: ...


@overload
def read_rows(
    session: Session, statement: Executable, params: dict[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]: ...


def read_rows(
    session: Session, statement: Executable, params: dict[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """Run a SELECT of plain columns (no ORM entities) on the session's connection.

    The ORM's per-statement machinery (its compile state, execution options, result
    set-up) buys nothing for rows that are not entities, and cost about a third of a Home
    build's CPU (six such statements per Home, on every open, click and refresh). Pending
    changes are flushed first, as the session's autoflush would.
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params or {})
