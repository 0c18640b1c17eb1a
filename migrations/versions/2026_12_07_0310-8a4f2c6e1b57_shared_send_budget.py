"""shared send budget: one sending schedule per (workspace, rate-limit class), shared by every
worker replica on PostgreSQL (send_budgets)

Revision ID: 8a4f2c6e1b57
Revises: 4e8a2c6d1b57
Create Date: 2026-12-07 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a4f2c6e1b57"
down_revision: str | Sequence[str] | None = "4e8a2c6d1b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_budgets",
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Double(), nullable=False),
        sa.Column("paused_until", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "bucket", name=op.f("pk_send_budgets")),
    )


def downgrade() -> None:
    op.drop_table("send_budgets")
