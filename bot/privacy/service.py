"""Data rights: export everything stored about a user, and forget them completely.

Both walk the tables in `Base.metadata` rather than a hand-written list, so a table added
later is covered without touching this module:

- a table with a foreign key to `users` holds rows about the user (their entries, answers,
  check-ins, kudos given and received, DMs, summary posts, …);
- forgetting deletes those rows, and recursively the rows that depend on them, except where
  the foreign key says `ON DELETE SET NULL` (e.g. a digest channel the user set up keeps
  working, with `created_by_id` cleared);
- the user's Slack id is also removed from JSON lists in their workspace (another person's
  entry naming them among "people helped") and from any other `…user_id` text column.

Text other people wrote stays theirs: a teammate's entry that says "paired with <@U1>" keeps
its words, without the structured reference. Kudos the user gave stay on the recipients'
logs as the recipients' evidence, with the giver removed (see `forget_user`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    cast,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.db.base import Base, rowcount, utcnow
from bot.db.models import User, Workspace
from bot.ui.text import NO_NAMES, mentioned_ids, readable

EXPORT_FORMAT = "multiplier-export"
# 2: text columns as typed, the stored form under `as_stored` (1: stored, `readable` beside).
EXPORT_VERSION = 2
USERS_TABLE = "users"
_MAX_DEPTH = 8


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def user_foreign_keys(table: Table) -> list[ForeignKey]:
    """Foreign keys in `table` that point at a user row."""
    return [fk for fk in table.foreign_keys if fk.column.table.name == USERS_TABLE]


def referencing(target: Table) -> list[tuple[Table, ForeignKey]]:
    """Every (table, foreign key) that points at `target`."""
    return [
        (table, fk) for table in _tables() for fk in table.foreign_keys if fk.column.table is target
    ]


def slack_id_columns(table: Table) -> list[Column[Any]]:
    """Text columns that hold a Slack user id by name (…user_id) and are not foreign keys."""
    return [
        column
        for column in table.columns
        if column.name.endswith("user_id")
        and not column.foreign_keys
        and not column.primary_key
        and isinstance(column.type, String | Text)
    ]


def json_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if isinstance(column.type, JSON)]


# ── Export ────────────────────────────────────────────────────────────────────────────────


def encode_value(column: Column[Any], value: Any) -> Any:
    """A column value as JSON (instants and dates in ISO 8601, bytes in base64)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _is_instant(column: Column[Any]) -> bool:
    impl = getattr(column.type, "impl", None)
    return isinstance(column.type, DateTime) or isinstance(impl, DateTime)


def decode_value(column: Column[Any], value: Any) -> Any:
    """The inverse of `encode_value`, driven by the column's type."""
    if value is None:
        return None
    if _is_instant(column):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def encode_row(table: Table, row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {column.name: encode_value(column, mapping[column]) for column in table.columns}


def decode_row(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    """A row dict read back from an export, with Python types restored."""
    return {column.name: decode_value(column, data.get(column.name)) for column in table.columns}


def _about_user(table: Table, user_id: int) -> ColumnElement[bool] | None:
    keys = user_foreign_keys(table)
    if table.name == USERS_TABLE:
        return table.c.id == user_id
    if not keys:
        return None
    condition: ColumnElement[bool] = keys[0].parent == user_id
    for fk in keys[1:]:
        condition = condition | (fk.parent == user_id)
    return condition


def export_user_data(*, session: Session, user: User) -> dict[str, Any]:
    """Everything stored about the user, table by table, ready for json.dumps."""
    session.flush()
    workspace = session.get(Workspace, user.workspace_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    user_row: dict[str, Any] = {}
    for table in _tables():
        condition = _about_user(table, user.id)
        if condition is None:
            continue
        primary = list(table.primary_key.columns)
        rows = session.execute(select(table).where(condition).order_by(*primary)).all()
        encoded = [encode_row(table, row) for row in rows]
        if table.name == USERS_TABLE:
            user_row = encoded[0] if encoded else {}
        else:
            tables[table.name] = encoded
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
        "workspace": {
            "team_id": workspace.team_id if workspace else None,
            "name": workspace.name if workspace else None,
        },
        "user": user_row,
        # Rows per table, e.g. how many corrections ("classifier_examples") taught the
        # workspace's classifier: the file says what it holds before anyone reads the rows.
        "counts": {name: len(rows) for name, rows in tables.items()},
        "tables": add_readable_fields(tables),
    }


# Columns that hold text as Slack sent it (`&amp;`, `<@U1|bob>`): the export shows each as
# the person typed it (`Q&A`, `@bob`), and keeps the stored form, where it differs, under
# `"as_stored": {column: stored text}` beside it, so that nothing is lost.
SLACK_TEXT_COLUMNS = (
    "text",
    "impact",
    "note",
    "sponsor_text",
    "next_step",
    "outcome",
    "draft",
    "story",
)
STORED_KEY = "as_stored"


def _stored(row: Mapping[str, Any], column: str) -> Any:
    """A text column's value as stored, whether or not the row was made readable yet."""
    return (row.get(STORED_KEY) or {}).get(column, row.get(column))


def add_readable_fields(
    tables: dict[str, list[dict[str, Any]]], names: Mapping[str, str] = NO_NAMES
) -> dict[str, list[dict[str, Any]]]:
    """Put every exported row's Slack text as typed (`@bob`, `Q&A`), in place, the stored
    form under `as_stored` where it differs; again with `names`, it starts from the stored
    form. `rows_from_export` reads back the rows as stored.
    """
    for rows in tables.values():
        for row in rows:
            kept: dict[str, str] = {}
            for column in SLACK_TEXT_COLUMNS:
                stored = _stored(row, column)
                if not isinstance(stored, str):
                    continue
                row[column] = readable(stored, names)
                if row[column] != stored:
                    kept[column] = stored
            row.pop(STORED_KEY, None)
            if kept:
                row[STORED_KEY] = kept
    return tables


def row_noun(table_name: str) -> str:
    """What one row of a table is, for people: `evidence entry`, `check-in`, `kudos`."""
    words = table_name.replace("checkin", "check-in").split("_")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and last != "kudos":
        last = last[:-1]
    return " ".join([*words[:-1], last])


def unnamed_in_export(data: dict[str, Any]) -> list[str]:
    """Ids the export's Slack text mentions without a name (`<@U1>`), to look them up."""
    texts = [
        _stored(row, column)
        for rows in data.get("tables", {}).values()
        for row in rows
        for column in SLACK_TEXT_COLUMNS
        if isinstance(_stored(row, column), str)
    ]
    return mentioned_ids(*texts, unnamed_only=True)


def rows_from_export(data: dict[str, Any], table_name: str) -> list[dict[str, Any]]:
    """Rows of one table read back from an export, with Python types restored."""
    table = Base.metadata.tables[table_name]
    if table_name == USERS_TABLE:
        return [decode_row(table, data["user"])] if data.get("user") else []
    return [
        decode_row(table, {**row, **(row.get(STORED_KEY) or {})})
        for row in data.get("tables", {}).get(table_name, [])
    ]


# ── Forget ────────────────────────────────────────────────────────────────────────────────


@dataclass
class ForgetReport:
    """What forgetting removed or cleared, per table."""

    deleted: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)

    def add(self, bucket: dict[str, int], table: str, count: int) -> None:
        if count:
            bucket[table] = bucket.get(table, 0) + count

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())


def _purge(
    session: Session, table: Table, condition: ColumnElement[bool], report: ForgetReport, depth: int
) -> None:
    """Delete rows of `table` matching `condition`, and first whatever depends on them."""
    if depth > _MAX_DEPTH:
        raise RuntimeError(f"foreign keys nest deeper than {_MAX_DEPTH} levels at {table.name}")
    for child, fk in referencing(table):
        target_ids = select(fk.column).where(condition)
        child_condition = fk.parent.in_(target_ids)
        if (fk.ondelete or "").upper() == "SET NULL" and fk.parent.nullable:
            result = session.execute(
                update(child).where(child_condition).values({fk.parent.name: None})
            )
            report.add(report.cleared, child.name, rowcount(result))
        else:
            _purge(session, child, child_condition, report, depth + 1)
    result = session.execute(delete(table).where(condition))
    report.add(report.deleted, table.name, rowcount(result))


def _scrub_slack_id(
    session: Session, workspace_id: int, slack_user_id: str, report: ForgetReport
) -> None:
    """Remove the Slack id from JSON lists and …user_id columns of the workspace's rows."""
    quoted = f'%"{slack_user_id}"%'
    for table in _tables():
        if "workspace_id" not in table.c:
            continue
        in_workspace = table.c.workspace_id == workspace_id
        for column in slack_id_columns(table):
            matching = in_workspace & (column == slack_user_id)
            if column.nullable:
                result = session.execute(update(table).where(matching).values({column.name: None}))
                report.add(report.cleared, table.name, rowcount(result))
            else:
                _purge(session, table, matching, report, 1)
        primary = list(table.primary_key.columns)
        for column in json_columns(table):
            rows = session.execute(
                select(*primary, column).where(in_workspace, cast(column, Text).like(quoted))
            ).all()
            for row in rows:
                value = row[-1]
                if not isinstance(value, list) or slack_user_id not in value:
                    continue
                kept = [item for item in value if item != slack_user_id]
                key = [pk == row[i] for i, pk in enumerate(primary)]
                session.execute(update(table).where(*key).values({column.name: kept}))
                report.add(report.cleared, table.name, 1)


def forget_user(*, session: Session, user: User) -> ForgetReport:
    """Delete everything about the user in every table; the caller commits.

    Kudos they gave are the recipients' evidence: they stay on the recipients' logs with
    the giver removed (`kudos.giver_id` is cleared by its ON DELETE SET NULL, their Slack id
    taken out of the entries' people), credited to "a former colleague". Whether such a
    kudos may be quoted in digests was the giver's choice, so it goes back to "no".
    """
    from bot.db.models import Kudos

    session.flush()
    report = ForgetReport()
    workspace_id, slack_user_id, user_id = user.workspace_id, user.slack_user_id, user.id
    kudos = Base.metadata.tables[Kudos.__tablename__]
    session.execute(
        update(kudos)
        .where(kudos.c.giver_id == user_id, kudos.c.share_in_digest.is_(True))
        .values(share_in_digest=False)
    )
    users = Base.metadata.tables[USERS_TABLE]
    _purge(session, users, users.c.id == user_id, report, 0)
    _scrub_slack_id(session, workspace_id, slack_user_id, report)
    session.expunge_all()
    return report
