"""The summary flows commit what they change and bring the Home tab along."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import User
from bot.home import service as home
from bot.summaries import flows
from bot.workspaces.service import ensure_user

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def test_weekly_summary_switch_is_stored_and_refreshes_the_home(database: Database) -> None:
    """Turning the weekly DM off is committed, and that person's Home is republished."""
    published: list[int] = []
    refresher = home.HomeRefresher(published.append, delay=0)
    home.install_refresher(database, refresher)
    try:
        with database.session_factory() as session:
            user = ensure_user(session=session, team_id="T1", slack_user_id="U1")
            session.commit()
            user_id = user.id
            assert refresher.wait_idle(5)
            published.clear()
            flows.set_weekly_summary(session=session, user=user, enabled=False)
        assert refresher.wait_idle(5)
        assert published == [user_id]
        with database.session() as other:
            assert other.get(User, user_id).summary_enabled is False
    finally:
        refresher.close()
        home.uninstall_refresher(database, refresher)


def test_summary_now_is_this_week_in_progress_or_last_week_done(database: Database) -> None:
    """`summary` is the week so far (in progress); `summary last` the week that ended."""
    library = default_library(None)
    with database.session_factory() as session:
        user = ensure_user(session=session, team_id="T1", slack_user_id="U1")
        now = flows.summary_now(session=session, user=user, library=library, now=NOW, last=False)
        last = flows.summary_now(session=session, user=user, library=library, now=NOW, last=True)
    assert now.in_progress and not last.in_progress
    assert last.week.end <= now.week.start
