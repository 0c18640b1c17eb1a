"""evidence mapped to expectations (issue 17): the entry_expectations table

Revision ID: a17c1e2f3a01
Revises: c17e3f4a5b03
Create Date: 2026-12-07 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a17c1e2f3a01"
down_revision: str | Sequence[str] | None = "c17e3f4a5b03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_expectations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("expectation_id", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_entry_expectations_entry_id_evidence_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expectation_id"],
            ["expectations.id"],
            name=op.f("fk_entry_expectations_expectation_id_expectations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_entry_expectations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_entry_expectations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_expectations")),
        sa.UniqueConstraint(
            "entry_id",
            "expectation_id",
            name=op.f("uq_entry_expectations_entry_id_expectation_id"),
        ),
    )
    with op.batch_alter_table("entry_expectations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_entry_expectations_expectation_id", ["expectation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("entry_expectations", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_expectations_expectation_id")
    op.drop_table("entry_expectations")
