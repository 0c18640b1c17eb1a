"""The SQL statements a summary, the Home tab and a digest issue do not grow with the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import DigestChannel, User
from bot.digests import service as digests
from bot.home import service as home
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.summaries import service as summaries
from bot.ui.messages import CommandNames
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

LIB = default_library()
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
SUNDAY = NOW - timedelta(days=1)
MEMBERS = [f"UM{n:02d}" for n in range(8)]


def _populate(database: Database, *, weeks: int, per_week: int) -> None:
    """Eight team members, each with `weeks` × `per_week` entries, kudos and check-ins."""
    with database.session() as session:
        people = [logbook.user(session, slack_id) for slack_id in MEMBERS]
        logbook.digest_channel(session, "CTEAM", "team", MEMBERS, next_post_at=NOW)
        logbook.digest_channel(session, "COTHER", "other", ["UP1", "UP2", "UP3"])
        # Up to Sunday: the week that just ended (in New York) is the last one with entries.
        logbook.bulk_history(session, people, end=SUNDAY, weeks=weeks, per_week=per_week)
        for week in range(weeks):
            at = SUNDAY - timedelta(weeks=week, days=2)
            logbook.answered_checkin(session, people[0], at)
            logbook.kudos(session, people[1], people[0], at, share=True)
            logbook.kudos(session, people[0], people[2], at)


def _summary_queries(database: Database) -> int:
    with database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == MEMBERS[0])).one()
        week = summaries.previous_week(user, NOW)
        with logbook.count_queries(database) as statements:
            result = summaries.build_summary(session=session, user=user, week=week, library=LIB)
        assert result.current.entries > 0
        return len(statements)


def _home_queries(database: Database) -> int:
    with database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == MEMBERS[0])).one()
        with logbook.count_queries(database) as statements:
            view = home.home_view_for(
                session=session, user=user, now=NOW, library=LIB, names=CommandNames()
            )
        assert len(view["blocks"]) <= 100
        return len(statements)


def _digest_queries(database: Database) -> int:
    with database.session() as session:
        digest = session.scalars(
            select(DigestChannel).where(DigestChannel.channel_id == "CTEAM")
        ).one()
        with logbook.count_queries(database) as statements:
            result = digests.build_digest(
                session=session,
                digest=digest,
                period_start=NOW - timedelta(days=7),
                period_end=NOW,
                library=LIB,
                min_group_size=3,
            )
        assert result.totals is not None
        return len(statements)


def _counts(database: Database) -> tuple[int, int, int]:
    return _summary_queries(database), _home_queries(database), _digest_queries(database)


def test_query_counts_do_not_grow_with_the_amount_of_data(database: Database) -> None:
    """A week of two entries each, then a year of ten a week: the same number of statements."""
    _populate(database, weeks=1, per_week=2)
    small = _counts(database)
    logbook_rows = logbook.bulk_history
    with database.session() as session:
        people = list(session.scalars(select(User).where(User.slack_user_id.in_(MEMBERS))))
        logbook_rows(session, people, end=SUNDAY - timedelta(weeks=1), weeks=51, per_week=10)
    large = _counts(database)
    assert large == small
    summary, home_tab, digest = small
    assert summary <= 6  # the fifth: the week's judgment calls (bot/judgments/records.py);
    # the sixth: coverage per expectation (bot/expectations/mapping.py, one statement
    # without expectations, two with)
    # Its summary includes both, as above; the eighth: the person's open staff problem
    # (bot/problems/service.py, the Home's progress list).
    assert home_tab <= 8
    assert digest <= 4


def test_the_summary_job_issues_a_fixed_number_of_statements_per_person(
    database: Database, standin: SlackStandIn
) -> None:
    """Delivering one person's summary costs the same with a week or a year in their log."""
    for slack_id in MEMBERS:
        standin.add_user(slack_id, name=slack_id.lower(), tz="America/New_York")
    ctx = JobContext(
        database=database, settings=make_settings(standin=standin, database_url=database.url)
    )

    def one_run(now: datetime) -> int:
        with logbook.count_queries(database) as statements:
            run_job("summaries", ctx, now)
        return len(statements)

    _populate(database, weeks=1, per_week=2)
    small = one_run(NOW)
    with database.session() as session:
        people = list(session.scalars(select(User).where(User.slack_user_id.in_(MEMBERS))))
        logbook.bulk_history(
            session, people, end=SUNDAY + timedelta(weeks=1), weeks=52, per_week=10
        )
    large = one_run(NOW + timedelta(weeks=1))
    assert len(standin.uploaded_files()) == 2 * len(MEMBERS)
    # The first run also stores each person's DM channel id (one UPDATE each): never more.
    assert large <= small
    assert small - large <= len(MEMBERS)
