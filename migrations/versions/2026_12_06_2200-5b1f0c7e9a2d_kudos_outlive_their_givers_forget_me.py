"""kudos outlive their giver's forget-me (giver_id nullable, ON DELETE SET NULL)

Revision ID: 5b1f0c7e9a2d
Revises: a66d807abeb5
Create Date: 2026-12-06 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1f0c7e9a2d"
down_revision: str | Sequence[str] | None = "a66d807abeb5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_constraint("fk_kudos_giver_id_users", type_="foreignkey")
        batch_op.alter_column("giver_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            "fk_kudos_giver_id_users", "users", ["giver_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    # Kudos whose giver is gone cannot name one again: they go, as forget-me did before.
    op.execute("DELETE FROM kudos WHERE giver_id IS NULL")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_constraint("fk_kudos_giver_id_users", type_="foreignkey")
        batch_op.alter_column("giver_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_kudos_giver_id_users", "users", ["giver_id"], ["id"], ondelete="CASCADE"
        )
