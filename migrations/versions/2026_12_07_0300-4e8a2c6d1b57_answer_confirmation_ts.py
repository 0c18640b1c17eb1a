"""answers.confirmation_ts: the bot's confirmation of a DM answer, redrawn when it is edited

Revision ID: 4e8a2c6d1b57
Revises: fd04fe57234d
Create Date: 2026-12-07 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e8a2c6d1b57"
down_revision: str | Sequence[str] | None = "fd04fe57234d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("confirmation_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("confirmation_ts")
