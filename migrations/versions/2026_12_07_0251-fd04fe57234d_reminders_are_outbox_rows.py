"""reminders are outbox rows: a check-in's one reminder goes pending → claimed → sent / failed /
unknown like every other delivery (checkins.reminded_at now says it was queued)

Revision ID: fd04fe57234d
Revises: 7d3e1a9c4b20
Create Date: 2026-12-07 02:51:23.009070+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fd04fe57234d"
down_revision: str | Sequence[str] | None = "7d3e1a9c4b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'unknown', 'skipped')",
            name=op.f("ck_reminder_posts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_reminder_posts_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_posts")),
        sa.UniqueConstraint("checkin_id", name=op.f("uq_reminder_posts_checkin_id")),
    )
    with op.batch_alter_table("reminder_posts", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_posts_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_posts_status")

    op.drop_table("reminder_posts")
