"""work days per user

Revision ID: 00a43985e5ed
Revises: d1647d20c3d1
Create Date: 2026-12-06 20:48:26.106031+00:00

`users.workdays` (a bit mask, Monday is bit 0; Monday to Friday by default) keeps reminders
and snoozes off a person's weekend.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "00a43985e5ed"
down_revision: str | Sequence[str] | None = "d1647d20c3d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("workdays", sa.SmallInteger(), server_default="31", nullable=False)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A batch operation would copy `users` to a new table and drop the old one, and with
        # foreign keys on, dropping it deletes every row that cascades from a user (check-ins,
        # entries…). SQLite 3.35+ drops a column in place.
        op.execute("ALTER TABLE users DROP COLUMN workdays")
    else:
        op.drop_column("users", "workdays")
