"""thanks become suggestions (issue 18): users.capture_thanks, the thanks_suggestions table
(ids only: the thanked message's text is read when its owner logs it)

Revision ID: 9b7d5e3a1c42
Revises: b7c41e9d2a63
Create Date: 2026-12-07 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b7d5e3a1c42"
down_revision: str | Sequence[str] | None = "b7c41e9d2a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("capture_thanks", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "thanks_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thanker_slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_entries.id"],
            name=op.f("fk_thanks_suggestions_evidence_id_evidence_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_thanks_suggestions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_thanks_suggestions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thanks_suggestions")),
        sa.UniqueConstraint(
            "user_id",
            "channel_id",
            "message_ts",
            name=op.f("uq_thanks_suggestions_user_id_channel_id_message_ts"),
        ),
    )
    with op.batch_alter_table("thanks_suggestions", schema=None) as batch_op:
        batch_op.create_index("ix_thanks_suggestions_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("thanks_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_thanks_suggestions_expires_at")
    op.drop_table("thanks_suggestions")
    if op.get_bind().dialect.name == "sqlite":
        # A batch operation would copy `users` and drop the old table, and with foreign keys
        # on, dropping it deletes every row that cascades from a user. SQLite 3.35+ drops a
        # column in place.
        op.execute("ALTER TABLE users DROP COLUMN capture_thanks")
    else:
        op.drop_column("users", "capture_thanks")
