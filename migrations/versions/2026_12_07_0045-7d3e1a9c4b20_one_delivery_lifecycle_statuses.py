"""one delivery lifecycle: statuses under CHECK constraints; "posted" and "ambiguous:" become
the shared words (sent, unknown)

Revision ID: 7d3e1a9c4b20
Revises: 7c2e4b9d1f30
Create Date: 2026-12-07 00:45:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d3e1a9c4b20"
down_revision: str | Sequence[str] | None = "7c2e4b9d1f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words at this revision (bot/delivery/status.py), spelled out: a migration must not
# change meaning when the enums do later.
DELIVERY = ("pending", "claimed", "sent", "failed", "unknown", "skipped")
CHECKIN = (*DELIVERY, "snoozed", "answered", "expired", "cancelled")


def _allowed(words: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{word}'" for word in words) + ")"


def upgrade() -> None:
    # One word for done.
    op.execute("UPDATE digest_posts SET status = 'sent' WHERE status = 'posted'")
    # The ambiguous marker was a last_error prefix on a pending row: it is a status now.
    op.execute(
        "UPDATE checkins SET status = 'unknown', last_error = substr(last_error, 12) "
        "WHERE status = 'pending' AND last_error LIKE 'ambiguous:%'"
    )
    for table, words in (
        ("checkins", CHECKIN),
        ("digest_posts", DELIVERY),
        ("summary_posts", DELIVERY),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_status"), _allowed(words))


def downgrade() -> None:
    for table in ("summary_posts", "digest_posts", "checkins"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
    op.execute(
        "UPDATE checkins SET status = 'pending', "
        "last_error = substr('ambiguous: ' || coalesce(last_error, ''), 1, 255) "
        "WHERE status = 'unknown'"
    )
    op.execute("UPDATE digest_posts SET status = 'posted' WHERE status = 'sent'")
