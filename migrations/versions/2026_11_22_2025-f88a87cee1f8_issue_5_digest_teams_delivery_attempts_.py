"""issue 5: digest teams, delivery attempts, kudos received index

Revision ID: f88a87cee1f8
Revises: 4ac31217afd4
Create Date: 2026-11-22 20:25:38.220023+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f88a87cee1f8"
down_revision: str | Sequence[str] | None = "4ac31217afd4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_channel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("digest_channel_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_channel_id"],
            ["digest_channels.id"],
            name=op.f("fk_digest_channel_members_digest_channel_id_digest_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_digest_channel_members_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_channel_members")),
        sa.UniqueConstraint(
            "digest_channel_id",
            "slack_user_id",
            name=op.f("uq_digest_channel_members_digest_channel_id_slack_user_id"),
        ),
    )
    with op.batch_alter_table("digest_channel_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_digest_channel_members_workspace_user",
            ["workspace_id", "slack_user_id"],
            unique=False,
        )

    with op.batch_alter_table("digest_channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("members_refreshed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("digest_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.String(length=255), nullable=True))

    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_recipient_created", ["recipient_id", "created_at"], unique=False
        )

    with op.batch_alter_table("summary_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_error", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("nudge_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_summary_posts_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("summary_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_summary_posts_status")
        batch_op.drop_column("nudge_id")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_recipient_created")

    with op.batch_alter_table("digest_posts", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("digest_channels", schema=None) as batch_op:
        batch_op.drop_column("members_refreshed_at")
        batch_op.drop_column("channel_name")

    with op.batch_alter_table("digest_channel_members", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_channel_members_workspace_user")

    op.drop_table("digest_channel_members")
