"""drop queued_work: /brag is stored by its listener after the ack, no work queue

Revision ID: 7c2e4b9d1f30
Revises: 5b1f0c7e9a2d
Create Date: 2026-12-07 00:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2e4b9d1f30"
down_revision: str | Sequence[str] | None = "5b1f0c7e9a2d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A row still here is a /brag someone was told was taken: never drop it unstored.
    left = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM queued_work")).scalar_one()
    if left:
        raise RuntimeError(
            f"queued_work still holds {left} /brag text(s) not yet stored. Run the previous "
            "version's worker (`python -m bot worker`) until the table is empty, then migrate "
            "again; nothing has been changed."
        )
    with op.batch_alter_table("queued_work", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queued_work_user_id"))
        batch_op.drop_index("ix_queued_work_due")
    op.drop_table("queued_work")


def downgrade() -> None:
    op.create_table(
        "queued_work",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_queued_work_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_queued_work_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_work")),
    )
    with op.batch_alter_table("queued_work", schema=None) as batch_op:
        batch_op.create_index("ix_queued_work_due", ["due_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_queued_work_user_id"), ["user_id"], unique=False)
