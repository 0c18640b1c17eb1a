"""What a person does with their weekly summary from `/multiplier summary`: each owns its
unit of work (and, when the Home tab shows what changed, its refresh)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import User
from bot.home.service import request_home_refresh
from bot.summaries import metrics
from bot.summaries import service as summaries


def set_weekly_summary(*, session: Session, user: User, enabled: bool) -> None:
    """Turn the weekly summary DM on or off; the Home tab, which shows the switch, follows."""
    summaries.set_summary_enabled(session=session, user=user, enabled=enabled)
    request_home_refresh(session=session, user=user)
    session.commit()


def summary_now(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    now: datetime,
    last: bool,
    default_calendar: str | None = None,
) -> metrics.MultiplierSummary:
    """This week so far, or the week that ended (`last`), in the person's time zone
    (`default_calendar`: the workspace's public holidays, for people who chose none)."""
    week = summaries.previous_week(user, now) if last else summaries.current_week(user, now)
    summary = summaries.build_summary(
        session=session,
        user=user,
        week=week,
        library=library,
        in_progress=not last,
        default_calendar=default_calendar,
    )
    session.commit()
    return summary
