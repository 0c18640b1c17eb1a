"""users: holiday_calendar and the away span of a Slack status (time off, issue 18)

Revision ID: 9b1f3c7a2e64
Revises: 9a3c5e7b2d41
Create Date: 2026-12-07 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b1f3c7a2e64"
down_revision: str | Sequence[str] | None = "9a3c5e7b2d41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("holiday_calendar", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("away_from", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("away_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("away_why", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("away_why")
        batch.drop_column("away_until")
        batch.drop_column("away_from")
        batch.drop_column("holiday_calendar")
