"""checkins.responded_at: a person who let three check-ins go by answered the line that
noticed it with a new pace or "keep as is" (bot/checkins/silence.py)

Revision ID: f18b6c7d8e06
Revises: a28d4e5f6b07
Create Date: 2026-12-07 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f18b6c7d8e06"
down_revision: str | Sequence[str] | None = "a28d4e5f6b07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("responded_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("responded_at")
