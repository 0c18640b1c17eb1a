"""judgment_calls and judgment_followup_posts: a judgment call followed up months later
(issue 17 item 4): when to ask, what the person answered, and the one follow-up DM's outbox row

Revision ID: c3e5a7b9d1f2
Revises: 5c2d8e1f7a93
Create Date: 2026-12-07 04:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e5a7b9d1f2"
down_revision: str | Sequence[str] | None = "5c2d8e1f7a93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "judgment_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("bet", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_judgment_calls_entry_id_evidence_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_judgment_calls_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_judgment_calls_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgment_calls")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_judgment_calls_entry_id")),
    )
    op.create_table(
        "judgment_followup_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
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
            name=op.f("ck_judgment_followup_posts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["judgment_calls.id"],
            name=op.f("fk_judgment_followup_posts_call_id_judgment_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgment_followup_posts")),
        sa.UniqueConstraint("call_id", name=op.f("uq_judgment_followup_posts_call_id")),
    )
    with op.batch_alter_table("judgment_followup_posts", schema=None) as batch_op:
        batch_op.create_index("ix_judgment_followup_posts_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("judgment_followup_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_judgment_followup_posts_status")
    op.drop_table("judgment_followup_posts")
    op.drop_table("judgment_calls")
