"""expectation_checks: the monthly expectations check (issue 17): one DM per person and local
month (an outbox table) and its answer, with when a second "not yet" brought the red flag

Revision ID: b17d2e3f4a02
Revises: a17c1e2f3a01
Create Date: 2026-12-07 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b17d2e3f4a02"
down_revision: str | Sequence[str] | None = "a17c1e2f3a01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expectation_checks",
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
        sa.Column("answer", sa.String(length=8), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("advised_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'unknown', 'skipped')",
            name=op.f("ck_expectation_checks_status"),
        ),
        sa.CheckConstraint(
            "answer IN ('yes', 'no', 'skip')", name=op.f("ck_expectation_checks_answer")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_expectation_checks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_expectation_checks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expectation_checks")),
        sa.UniqueConstraint("user_id", "month", name=op.f("uq_expectation_checks_user_id_month")),
    )
    op.create_index("ix_expectation_checks_status", "expectation_checks", ["status"])


def downgrade() -> None:
    op.drop_index("ix_expectation_checks_status", table_name="expectation_checks")
    op.drop_table("expectation_checks")
