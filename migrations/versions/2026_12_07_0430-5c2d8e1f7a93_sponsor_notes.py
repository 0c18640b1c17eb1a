"""sponsor_notes and sponsor_posts: the monthly sponsor thread (issue 17.2): its answers, kept
per person over time, and its one DM per person and month (an outbox table)

Revision ID: 5c2d8e1f7a93
Revises: 9b7d5e3a1c42
Create Date: 2026-12-07 04:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c2d8e1f7a93"
down_revision: str | Sequence[str] | None = "9b7d5e3a1c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sponsor_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_user_id", sa.String(length=32), nullable=True),
        sa.Column("sponsor_text", sa.Text(), nullable=True),
        sa.Column("last_shown_on", sa.Date(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sponsor_notes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_sponsor_notes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_notes")),
    )
    op.create_index("ix_sponsor_notes_user_created", "sponsor_notes", ["user_id", "created_at"])
    op.create_table(
        "sponsor_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'unknown', 'skipped')",
            name=op.f("ck_sponsor_posts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sponsor_posts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_sponsor_posts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_posts")),
        sa.UniqueConstraint("user_id", "month", name=op.f("uq_sponsor_posts_user_id_month")),
    )
    op.create_index("ix_sponsor_posts_status", "sponsor_posts", ["status"])


def downgrade() -> None:
    op.drop_index("ix_sponsor_posts_status", table_name="sponsor_posts")
    op.drop_table("sponsor_posts")
    op.drop_index("ix_sponsor_notes_user_created", table_name="sponsor_notes")
    op.drop_table("sponsor_notes")
