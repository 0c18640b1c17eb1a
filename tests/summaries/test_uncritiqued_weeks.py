"""Weeks that are not critiqued: a paused week before this one (the Home's trend), a person
who never opted in to reflection, a person who joined after the week's work was done."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import SummaryPost
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.summaries import metrics, periods
from bot.summaries.metrics import Activity, EntryRow
from bot.ui.summary import PAUSED_TREND, trend_line
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

LIB = default_library()
UTCZ = ZoneInfo("UTC")
THIS_WEEK = periods.week_of_monday(date(2026, 12, 21), UTCZ)
# Monday 23 Nov 2026, 09:00 in New York.
MONDAY_9_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def test_the_home_trend_does_not_read_a_paused_week_as_a_fall() -> None:
    """Entries every week, then a paused week with none: the Home says last week was paused
    (failed before: "Last week: ↓ 0 multiplier entries against … (-100%)")."""
    weeks = periods.weeks_ending_with(THIS_WEEK, 6, UTCZ)
    entries = [
        EntryRow(id=n, occurred_at=week.start + timedelta(days=1), dimension="unblocking")
        for n, week in enumerate(weeks[:-2])
    ]
    summary = metrics.summarise(
        Activity(
            slack_user_id="UALICE", entries=entries, paused_weeks=frozenset({weeks[-2].monday})
        ),
        weeks=weeks,
        streak_weeks=periods.weeks_ending_with(THIS_WEEK, 52, UTCZ),
        library=LIB,
        in_progress=True,
    )
    assert trend_line(summary) == PAUSED_TREND


def _ctx(database: Database, standin: SlackStandIn) -> JobContext:
    settings = make_settings(standin=standin, database_url=database.url)
    return JobContext(database=database, settings=settings, worker_id="test")


def _posts(standin: SlackStandIn) -> list[list[dict]]:
    return [
        list(c.params["blocks"])
        for c in standin.calls_to("chat.postMessage")
        if c.params.get("metadata")
    ]


def test_kudos_only_with_check_ins_off_is_told_the_kudos_without_critique(
    database: Database, standin: SlackStandIn
) -> None:
    """Check-ins off, nothing of their own, one kudos received: the DM tells the kudos and
    nothing else about the week (failed before: "Nothing logged this week. A week without
    evidence is usually…", a trend and a streak line for someone who never asked for them)."""
    with database.session() as session:
        bob = logbook.user(session, "UBOB", created_at=LAST_WEEK - timedelta(weeks=3))
        carol = logbook.user(session, "UCAROL", created_at=LAST_WEEK - timedelta(weeks=3))
        logbook.kudos(session, bob, carol, LAST_WEEK, text="thanks")
        logbook.entry(session, carol, LAST_WEEK, text="thanks", source="kudos", dimension=None)
    standin.add_user("UCAROL", name="carol", tz="America/New_York")
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    (blocks,) = _posts(standin)
    texts = [
        b.get("text", {}).get("text") or b.get("elements", [{}])[0].get("text") for b in blocks
    ]
    assert texts[1] == "Nothing logged by you this week."
    assert texts[2] == ":tada: 1 kudos received — on your log as peer recognition."
    assert [b["type"] for b in blocks] == ["header", "section", "context", "context"]


def test_no_summary_critiques_a_week_the_person_joined_on_its_sunday(
    database: Database, standin: SlackStandIn
) -> None:
    """Check-ins on from Sunday 22:35: Monday's summary does not critique a week they barely
    saw, so with nothing in it there is no DM (failed before: "Nothing logged this week. A
    week without evidence is usually…")."""
    sunday = datetime(2026, 11, 23, 3, 35, tzinfo=UTC)  # Sun 22 Nov 22:35 in New York
    with database.session() as session:
        logbook.user(session, "ULATE", checkins_enabled=True, created_at=sunday)
    standin.add_user("ULATE", name="late", tz="America/New_York")
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    assert _posts(standin) == []
    with database.session() as session:
        assert [p.status for p in session.query(SummaryPost)] in ([], ["skipped"])


def test_a_paused_week_does_not_lower_the_average_the_trend_compares_with() -> None:
    """One entry a week, with a paused empty week among the earlier ones: last week is level
    with the three weeks that were not paused (failed before: "↑ … against your 4-week
    average of 0.75 (+33%)", the paused week read as a week of nothing)."""
    weeks = periods.weeks_ending_with(THIS_WEEK, 6, UTCZ)
    paused = weeks[3]
    entries = [
        EntryRow(id=n, occurred_at=week.start + timedelta(days=1), dimension="unblocking")
        for n, week in enumerate(weeks[:-1])
        if week is not paused
    ]
    summary = metrics.summarise(
        Activity(slack_user_id="UALICE", entries=entries, paused_weeks=frozenset({paused.monday})),
        weeks=weeks,
        streak_weeks=periods.weeks_ending_with(THIS_WEEK, 52, UTCZ),
        library=LIB,
        in_progress=True,
    )
    assert summary.trend is not None
    assert (summary.trend.direction, summary.trend.periods) == ("flat", 3)
    assert summary.trend.average_multiplier == 1
