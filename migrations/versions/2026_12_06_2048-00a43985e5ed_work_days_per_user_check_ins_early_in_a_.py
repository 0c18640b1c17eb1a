"""work days per user; check-ins early in a week are about the week that ended

Revision ID: 00a43985e5ed
Revises: d1647d20c3d1
Create Date: 2026-12-06 20:48:26.106031+00:00

`users.workdays` (a bit mask, Monday is bit 0; Monday to Friday by default) keeps reminders
and snoozes off a person's weekend.

A check-in's `period_key` now names the week it asks about: for a slot on a Monday or
Tuesday (local time), the week that ended. Existing rows of such slots are re-keyed the
same way, so next Monday's check-in (about this week) does not meet this Monday's row
(keyed to this week under the old rule) and get dropped as a duplicate. A row whose new key
is already taken (the person moved their day) keeps its old one.
"""

from collections.abc import Sequence
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision: str = "00a43985e5ed"
down_revision: str | Sequence[str] | None = "d1647d20c3d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


EARLY_WEEKDAYS = (0, 1)  # Monday, Tuesday


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _week_key(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def _rekey_early_week_checkins(*, up: bool) -> None:
    """Key Monday and Tuesday check-ins by the week before their own (up) or back (down).

    Only rows keyed as the other rule would key them move, so a row left alone on the way
    up (its new key was taken) is left alone on the way down too.
    """
    checkins = sa.table(
        "checkins",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("period_key", sa.String),
        sa.column("slot_at", sa.DateTime),
    )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("tz", sa.String))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            checkins.c.id, checkins.c.user_id, checkins.c.period_key, checkins.c.slot_at, users.c.tz
        )
        .join(users, users.c.id == checkins.c.user_id)
        .order_by(checkins.c.slot_at, checkins.c.id)
    ).all()
    taken = {(row.user_id, row.period_key) for row in rows}
    # Earliest first on the way up (latest first on the way down), so that each row's new
    # key has already been vacated by the row that held it.
    for row in rows if up else reversed(rows):
        local: date = row.slot_at.replace(tzinfo=UTC).astimezone(_zone(row.tz)).date()
        if local.weekday() not in EARLY_WEEKDAYS:
            continue
        own = _week_key(local)
        previous = _week_key(local - timedelta(weeks=1))
        old, new = (own, previous) if up else (previous, own)
        week, dot, suffix = row.period_key.partition(".")
        if week != old or (row.user_id, new + dot + suffix) in taken:
            continue
        bind.execute(
            checkins.update().where(checkins.c.id == row.id).values(period_key=new + dot + suffix)
        )
        taken.discard((row.user_id, row.period_key))
        taken.add((row.user_id, new + dot + suffix))


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("workdays", sa.SmallInteger(), server_default="31", nullable=False)
        )
    _rekey_early_week_checkins(up=True)


def downgrade() -> None:
    _rekey_early_week_checkins(up=False)
    if op.get_bind().dialect.name == "sqlite":
        # A batch operation would copy `users` to a new table and drop the old one, and with
        # foreign keys on, dropping it deletes every row that cascades from a user (check-ins,
        # entries…). SQLite 3.35+ drops a column in place.
        op.execute("ALTER TABLE users DROP COLUMN workdays")
    else:
        op.drop_column("users", "workdays")
