"""staff_problems: the staff-shaped problem a person took on and seed 001's path through it
(issue 17 item 3), one open problem per person

Revision ID: c17e3f4a5b03
Revises: e17a5b6c7d05
Create Date: 2026-12-07 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c17e3f4a5b03"
down_revision: str | Sequence[str] | None = "e17a5b6c7d05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("steps_done", sa.JSON(), nullable=False),
        sa.Column("stall_checkin_id", sa.Integer(), nullable=True),
        sa.Column("stall_asked_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_how", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_staff_problems_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_staff_problems_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_problems")),
    )
    op.create_index(
        "ux_staff_problems_open",
        "staff_problems",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_staff_problems_open", table_name="staff_problems")
    op.drop_table("staff_problems")
