"""checkins.period_kind/period_first/period_last: the days a check-in asks about, fixed when
it is created (a later change of cadence no longer rewrites one already sent)

Existing rows are filled in from each person's cadence now (as `bot.checkins.schedule.span`
reads it; right for every check-in sent since their last change of cadence), so a check-in
open at the upgrade keeps its days too.

Revision ID: b3a9c0d1e2f3
Revises: c19e8f9a0b08
Create Date: 2026-12-07 10:00:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision: str = "b3a9c0d1e2f3"
down_revision: str | Sequence[str] | None = "c19e8f9a0b08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("period_first", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_last", sa.Date(), nullable=True))
    _backfill()


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(instant: datetime, zone: ZoneInfo) -> datetime:
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(zone)


def _span(
    cadence: str | None, weekday: int, second: int | None, started: date | None, day: date
) -> tuple[str, date, date]:
    """`bot.checkins.schedule.span` as it reads at this revision."""
    days: tuple[int, ...] = (weekday,)
    if cadence == "twice_weekly":
        other = second if second is not None and second != weekday else (weekday - 3) % 7
        days = tuple(sorted({weekday, other}))
    if len(days) > 1:
        earlier = [d for d in days if d < day.weekday()]
        previous = earlier[-1] if earlier else days[-1]
        gap = (day.weekday() - previous) % 7 or 7
        kind, first, last = "since", day - timedelta(days=gap), day
    else:
        monday = day - timedelta(days=day.weekday())
        if day.weekday() in (0, 1):
            monday -= timedelta(weeks=1)
        kind, first, last = "week", monday, monday + timedelta(days=6)
        if cadence == "biweekly":
            kind, first = "two_weeks", monday - timedelta(weeks=1)
    if started is not None and first < started <= min(day, last):
        first = started
    return kind, first, last


def _instant(value: object) -> datetime:
    """A stored UTC instant (SQLite may hand back its text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _backfill() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.slot_at, u.tz, u.cadence, u.checkin_weekday, u.second_weekday, "
            "u.created_at FROM checkins c JOIN users u ON u.id = c.user_id"
        )
    ).all()
    update = sa.text(
        "UPDATE checkins SET period_kind = :kind, period_first = :first, period_last = :last "
        "WHERE id = :id"
    )
    values = []
    for id_, slot_raw, tz, cadence, weekday, second, created_raw in rows:
        zone = _zone(tz)
        started = _local(_instant(created_raw), zone).date() if created_raw is not None else None
        day = _local(_instant(slot_raw), zone).date()
        kind, first, last = _span(cadence, weekday, second, started, day)
        values.append({"id": id_, "kind": kind, "first": first, "last": last})
    if values:
        bind.execute(update, values)


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("period_last")
        batch_op.drop_column("period_first")
        batch_op.drop_column("period_kind")
