"""digest_channels.stopped_reason, stopped_at, stop_told_at: a digest Slack stopped (the bot
removed from its channel, the channel archived or deleted) says why, and its admin is told
once; covers_from: a new digest's first post covers from `digest add` to its first slot

Revision ID: c19e8f9a0b08
Revises: f18b6c7d8e06
Create Date: 2026-12-07 09:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c19e8f9a0b08"
down_revision: str | Sequence[str] | None = "f18b6c7d8e06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_channels") as batch:
        batch.add_column(sa.Column("stopped_reason", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("stopped_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("stop_told_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("covers_from", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_channels") as batch:
        batch.drop_column("covers_from")
        batch.drop_column("stop_told_at")
        batch.drop_column("stopped_at")
        batch.drop_column("stopped_reason")
