"""checkins.period_kind/period_first/period_last: the days a check-in asks about, fixed when
it is created (a later change of cadence no longer rewrites one already sent)

Revision ID: b3a9c0d1e2f3
Revises: c19e8f9a0b08
Create Date: 2026-12-07 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3a9c0d1e2f3"
down_revision: str | Sequence[str] | None = "c19e8f9a0b08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("period_first", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_last", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("period_last")
        batch_op.drop_column("period_first")
        batch_op.drop_column("period_kind")
