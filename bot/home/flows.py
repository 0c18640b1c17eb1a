"""The App Home from a person's clicks: each function owns its unit of work and the
publishing of the Home it changes.

`publish` is the Slack side (views.publish of the view for this user), handed in by the
listener: it runs after the commit, and a refresh the commit queued is dropped once the
Home is fresh.

The Home is built after the commit, from `read_session` (the database's read-only
sessions): on SQLite a unit of work holds the write lock from its first statement, and
every request that writes meanwhile (an event's claim, before its ack) would wait for the
whole build.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import User
from bot.home import service as home
from bot.summaries import service as summaries
from bot.ui.messages import CommandNames

Publish = Callable[[dict[str, Any]], object]
ReadSession = Callable[[], AbstractContextManager[Session]]


def open_home(
    *,
    session: Session,
    read_session: ReadSession,
    user: User,
    now: datetime,
    library: CoachingLibrary,
    names: CommandNames,
    publish: Publish,
    default_calendar: str | None = None,
) -> None:
    """Build the Home from the user's own data and publish it."""
    session.commit()  # meeting the user may have written (first contact)
    _publish_fresh(read_session, user, now, library, names, publish, default_calendar)


def switch_weekly_summary(
    *,
    session: Session,
    read_session: ReadSession,
    user: User,
    enabled: bool,
    now: datetime,
    library: CoachingLibrary,
    names: CommandNames,
    publish: Publish,
    default_calendar: str | None = None,
) -> None:
    """Turn the weekly summary DM on or off from the Home, and publish the Home so changed."""
    summaries.set_summary_enabled(session=session, user=user, enabled=enabled)
    session.commit()
    _publish_fresh(read_session, user, now, library, names, publish, default_calendar)


def _publish_fresh(
    read_session: ReadSession,
    user: User,
    now: datetime,
    library: CoachingLibrary,
    names: CommandNames,
    publish: Publish,
    default_calendar: str | None,
) -> None:
    """Build the Home from what was just committed and publish it.

    The refresh that commit queued would only repeat it: it is dropped before the build, not
    after the publish (on a busy machine its delay could run out mid-build and publish it
    twice); changes after this point queue one again.
    """
    home.cancel_pending_refresh(user_id=user.id)
    with read_session() as reading:
        view = home.home_view_for(
            session=reading,
            user=user,
            now=now,
            library=library,
            names=names,
            default_calendar=default_calendar,
        )
    publish(view)
