"""promotion_stories and promotion_story_posts: the quarterly promotion story (issue 17.5): a
draft per person and quarter assembled from the log, the story they edited it into, and its
one DM per person and quarter (an outbox table)

Revision ID: d17f4a5b6c04
Revises: 8409bad7138b
Create Date: 2026-12-07 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d17f4a5b6c04"
down_revision: str | Sequence[str] | None = "8409bad7138b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promotion_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("omitted", sa.Integer(), nullable=False),
        sa.Column("story", sa.Text(), nullable=True),
        sa.Column("drafted_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_promotion_stories_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_promotion_stories_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_stories")),
        sa.UniqueConstraint(
            "user_id", "quarter", name=op.f("uq_promotion_stories_user_id_quarter")
        ),
    )
    op.create_table(
        "promotion_story_posts",
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
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'unknown', 'skipped')",
            name=op.f("ck_promotion_story_posts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_promotion_story_posts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_promotion_story_posts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_story_posts")),
        sa.UniqueConstraint(
            "user_id", "quarter", name=op.f("uq_promotion_story_posts_user_id_quarter")
        ),
    )
    op.create_index("ix_promotion_story_posts_status", "promotion_story_posts", ["status"])


def downgrade() -> None:
    op.drop_index("ix_promotion_story_posts_status", table_name="promotion_story_posts")
    op.drop_table("promotion_story_posts")
    op.drop_table("promotion_stories")
