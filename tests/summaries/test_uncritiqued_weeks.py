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


def test_the_trend_after_time_off_names_the_week_it_compares_with() -> None:
    """Three entries, then a week away with nothing, then one: the trend compares with the
    last week before the time off and says so (failed before: "↓ 1 multiplier entry against
    your previous week of 3 (-67%)", the week two weeks back called the previous one)."""
    weeks = periods.weeks_ending_with(THIS_WEEK, 4, UTCZ)
    first, away, last = weeks[1], weeks[2], weeks[3]
    entries = [
        EntryRow(id=n, occurred_at=first.start + timedelta(days=1), dimension="unblocking")
        for n in range(3)
    ]
    entries.append(
        EntryRow(id=9, occurred_at=last.start + timedelta(days=1), dimension="decisions")
    )
    summary = metrics.summarise(
        Activity(
            slack_user_id="UALICE",
            entries=entries,
            paused_weeks=frozenset({away.monday}),
            paused_why={away.monday: "away"},
        ),
        weeks=weeks,
        streak_weeks=periods.weeks_ending_with(THIS_WEEK, 52, UTCZ),
        library=LIB,
    )
    assert (summary.trend_gap, summary.trend_gap_why) == (1, "away")
    assert trend_line(summary) == (
        "↓ 1 multiplier entry against 3 in your last week before your time off (-67%)."
    )


def test_a_late_answer_for_a_week_whose_summary_was_skipped_is_told_in_the_next(
    database: Database, standin: SlackStandIn
) -> None:
    """Bob answers Friday 18 Dec's check-in on Tuesday 22 Dec, after the summary of 14–20 Dec
    was skipped (nothing to say on Monday): the next summary lists it under "Logged after
    last week's summary" (failed before: no summary ever told it; with nothing else in
    21–27 Dec there was no DM at all)."""
    tz = ZoneInfo("America/New_York")
    with database.session() as session:
        bob = logbook.user(
            session, "UBOB", checkins_enabled=True, created_at=datetime(2026, 11, 2, tzinfo=UTC)
        )
        early = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
        logbook.entry(session, bob, early, text="Earlier work", created_at=early)
        session.add(
            SummaryPost(
                workspace_id=bob.workspace_id,
                user_id=bob.id,
                period_key="2026-W51",
                status="skipped",
                created_at=datetime(2026, 12, 21, 14, 0, tzinfo=UTC),
            )
        )
        logbook.entry(
            session,
            bob,
            datetime(2026, 12, 20, 12, 0, tzinfo=tz),
            text="Unblocked alice on the deploy pipeline",
            source="checkin",
            created_at=datetime(2026, 12, 22, 15, 0, tzinfo=UTC),
        )
    standin.add_user("UBOB", name="bob", tz="America/New_York")
    run_job("summaries", _ctx(database, standin), datetime(2026, 12, 28, 14, 0, tzinfo=UTC))
    (blocks,) = _posts(standin)
    texts = [
        b.get("text", {}).get("text") or b.get("elements", [{}])[0].get("text") for b in blocks
    ]
    # Sent for the late answer: the empty week itself is not critiqued.
    assert texts[1] == "Nothing logged this week.", texts
    heading = [i for i, t in enumerate(texts) if t and t.startswith("*Logged after last week")]
    assert heading, texts
    assert texts[heading[0]] == (
        "*Logged after last week's summary* (1 entry, each counted for the week it is about)"
    )
    assert texts[heading[0] + 1] == "• Sun 20 Dec: Unblocked alice on the deploy pipeline"
    assert "Earlier work" not in str(texts)
