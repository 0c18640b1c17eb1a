"""What the App Home shows for one person: read from the database, no Slack, no Block Kit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.checkins.schedule import Preferences, is_paused
from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceEntry, User
from bot.db.reads import read_rows
from bot.summaries import metrics
from bot.summaries import service as summaries

RECENT_ENTRIES = 10

# Built once (bound parameter user_id): a Home is built for every open, click and change,
# and building the statement and its cache key each time cost more CPU than running it.
_RECENT_ENTRIES = (
    select(
        EvidenceEntry.id,
        EvidenceEntry.occurred_at,
        EvidenceEntry.dimension,
        EvidenceEntry.scope,
        EvidenceEntry.text,
        EvidenceEntry.source,
        EvidenceEntry.visibility,
    )
    .where(EvidenceEntry.user_id == bindparam("user_id"))
    .order_by(EvidenceEntry.occurred_at.desc(), EvidenceEntry.id.desc())
    .limit(RECENT_ENTRIES)
)


@dataclass(frozen=True)
class HomeSettings:
    summary_enabled: bool
    checkins_enabled: bool
    cadence: str
    checkin_weekday: int
    checkin_minute: int
    tz: str
    # Only while the pause lasts on the person's local today (None once it has ended).
    paused_until: date | None
    # The weekdays with a check-in (both, twice a week); empty means `checkin_weekday`.
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows for one person."""

    summary: metrics.MultiplierSummary
    recent: Sequence[metrics.EntryRow]
    settings: HomeSettings
    # The owner's Slack id: a kudos on their log that starts by naming them is shown
    # without those names.
    owner: str = ""


def load_home(
    *,
    session: Session,
    user: User,
    now: datetime,
    library: CoachingLibrary,
    default_calendar: str | None = None,
) -> HomeData:
    """This week so far, the trend, the current nudge, recent entries and settings
    (`default_calendar`: the workspace's public holidays, for people who chose none, as in
    the weekly summary)."""
    week = summaries.current_week(user, now)
    summary = summaries.build_summary(
        session=session,
        user=user,
        week=week,
        library=library,
        in_progress=True,
        default_calendar=default_calendar,
    )
    rows = read_rows(session, _RECENT_ENTRIES, {"user_id": user.id}).all()
    recent = [
        metrics.EntryRow(
            id=r[0],
            occurred_at=r[1],
            dimension=r[2],
            scope=r[3],
            text=r[4],
            source=r[5],
            visibility=r[6],
        )
        for r in rows
    ]
    prefs = Preferences.of(user)
    paused = is_paused(prefs, now.astimezone(prefs.zone).date())
    return HomeData(
        summary=summary,
        recent=recent,
        settings=HomeSettings(
            summary_enabled=user.summary_enabled,
            checkins_enabled=user.checkins_enabled,
            cadence=user.cadence,
            checkin_weekday=user.checkin_weekday,
            checkin_minute=user.checkin_minute,
            tz=user.tz,
            paused_until=user.paused_until if paused else None,
            weekdays=prefs.weekdays,
        ),
        owner=user.slack_user_id,
    )
