"""evidence_entries.mapped_by_hand: whether the person chose the entry's expectations (an edit
of its text then keeps their choice; otherwise the coach's suggestion follows the new words)

Entries with an expectation the person chose (`entry_expectations.suggested` false) are marked
chosen by hand. One whose suggestions the person cleared to none left no row to tell by, so it
stays unmarked: its next edit suggests again from its words.

Revision ID: a28d4e5f6b07
Revises: f27c3d4e5a06
Create Date: 2026-12-07 09:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a28d4e5f6b07"
down_revision: str | Sequence[str] | None = "f27c3d4e5a06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mapped_by_hand", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        sa.text(
            "UPDATE evidence_entries SET mapped_by_hand = :yes WHERE id IN "
            "(SELECT entry_id FROM entry_expectations WHERE suggested = :no)"
        ).bindparams(yes=True, no=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("evidence_entries", schema=None) as batch_op:
        batch_op.drop_column("mapped_by_hand")
