"""What forget-me leaves behind, read straight from the tables."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Text, cast, select
from sqlalchemy.orm import Session

from bot.db.base import Base
from bot.privacy.service import (
    USERS_TABLE,
    json_columns,
    slack_id_columns,
    user_foreign_keys,
)


def rows_referring_to(
    *, session: Session, workspace_id: int, user_id: int, slack_user_id: str
) -> dict[str, int]:
    """Per table, rows that still refer to a user (by row id, Slack id or in a JSON list)."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        conditions: list[ColumnElement[bool]] = []
        if table.name == USERS_TABLE:
            conditions.append(table.c.id == user_id)
        conditions.extend(fk.parent == user_id for fk in user_foreign_keys(table))
        if "workspace_id" in table.c:
            in_workspace = table.c.workspace_id == workspace_id
            conditions.extend(in_workspace & (c == slack_user_id) for c in slack_id_columns(table))
            conditions.extend(
                in_workspace & cast(c, Text).like(f'%"{slack_user_id}"%')
                for c in json_columns(table)
            )
        count = 0
        for condition in conditions:
            count += len(session.execute(select(table).where(condition)).all())
        if count:
            found[table.name] = count
    return found
