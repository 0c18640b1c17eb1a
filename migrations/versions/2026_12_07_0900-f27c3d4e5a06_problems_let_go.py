"""staff_problems.closed_how: "let_go" apart from "cleared", under a CHECK constraint

"Let it go" on the stall question used to store "cleared", like the person's own reset. Rows
already closed that way stay "cleared": nothing stored tells the two apart (a problem cleared
from the Home while the stall question was pending looks the same), and calling a reset a
judgment call would claim more than happened.

Revision ID: f27c3d4e5a06
Revises: b17d2e3f4a02
Create Date: 2026-12-07 09:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f27c3d4e5a06"
down_revision: str | Sequence[str] | None = "b17d2e3f4a02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONDITION = "closed_how IN ('cleared', 'let_go', 'replaced')"


def upgrade() -> None:
    with op.batch_alter_table("staff_problems", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_staff_problems_closed_how"), CONDITION)


def downgrade() -> None:
    op.execute("UPDATE staff_problems SET closed_how = 'cleared' WHERE closed_how = 'let_go'")
    with op.batch_alter_table("staff_problems", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_problems_closed_how"), type_="check")
