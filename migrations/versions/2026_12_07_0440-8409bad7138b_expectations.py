"""a person's staff expectations (issue 17): the expectations table

Revision ID: 8409bad7138b
Revises: c3e5a7b9d1f2
Create Date: 2026-12-07 04:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8409bad7138b"
down_revision: str | Sequence[str] | None = "c3e5a7b9d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expectations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_expectations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_expectations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expectations")),
    )
    with op.batch_alter_table("expectations", schema=None) as batch_op:
        batch_op.create_index("ix_expectations_user_id", ["user_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("expectations", schema=None) as batch_op:
        batch_op.drop_index("ix_expectations_user_id")
    op.drop_table("expectations")
