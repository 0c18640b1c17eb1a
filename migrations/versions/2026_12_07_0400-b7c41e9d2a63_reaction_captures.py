"""reaction_captures: what a capture-emoji reaction did (React to log, issue 18), so that
removing it within a minute undoes it and a repeated reaction does not log twice

Revision ID: b7c41e9d2a63
Revises: 9b1f3c7a2e64
Create Date: 2026-12-07 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c41e9d2a63"
down_revision: str | Sequence[str] | None = "9b1f3c7a2e64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reaction_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("can_give_kudos", sa.Boolean(), nullable=False),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_reaction_captures_entry_id_evidence_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reaction_captures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_reaction_captures_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction_captures")),
        sa.UniqueConstraint(
            "user_id",
            "channel_id",
            "message_ts",
            name=op.f("uq_reaction_captures_user_id_channel_id_message_ts"),
        ),
    )


def downgrade() -> None:
    op.drop_table("reaction_captures")
