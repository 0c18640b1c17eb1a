"""Honest numbers: golden text of the weekly summary and the Home tab for fixed logs.

Kudos someone gave you count as kudos received, never as your own entries; a streak counts
only weeks you logged or reflected in; the Home trend compares complete weeks; "teams
reached" names only teams other than your own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import User
from bot.home import data as home_data
from bot.summaries import service as summaries
from bot.ui.home import home_view
from bot.ui.messages import CommandNames
from bot.ui.summary import weekly_summary_message
from sandbox.render import Names, render_message, render_view
from tests.support import logbook

LIB = default_library()
NAMES = Names.of({"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UDAN": "dan"}, {})
# Alice lives in New York. The week under test is Mon 16 – Sun 22 Nov 2026 there.
MONDAY_16 = datetime(2026, 11, 16, 5, tzinfo=UTC)  # 00:00 in New York
MONDAY_23_MORNING = datetime(2026, 11, 23, 13, tzinfo=UTC)  # 08:00 in New York


def day(n: int, hour: int = 15) -> datetime:
    """Noon-ish UTC on a day of November 2026."""
    return datetime(2026, 11, n, hour, tzinfo=UTC)


def received(session: Session, giver: User, recipient: User, when: datetime, **entry) -> None:
    """A kudos as /kudos stores it: the kudos row and the entry on the recipient's log."""
    logbook.kudos(session, giver, recipient, when, text=entry.get("text", "Thanks!"))
    logbook.entry(session, recipient, when, source="kudos", people=[giver.slack_user_id], **entry)


def summary_lines(database: Database, *, week_of: datetime) -> list[str]:
    """The weekly summary DM about the week containing `week_of`, as alice sees it."""
    with database.session() as session:
        alice = session.query(User).filter_by(slack_user_id="UALICE").one()
        week = summaries.current_week(alice, week_of)
        summary = summaries.build_summary(session=session, user=alice, week=week, library=LIB)
    message = weekly_summary_message(summary, LIB, multiplier_command="/multiplier")
    return render_message(message, NAMES)


def home_this_week(database: Database, *, now: datetime) -> list[str]:
    """The "This week so far" section of alice's Home tab at `now`, as she sees it."""
    with database.session() as session:
        alice = session.query(User).filter_by(slack_user_id="UALICE").one()
        data = home_data.load_home(session=session, user=alice, now=now, library=LIB)
    lines = render_view(home_view(data, library=LIB, names=CommandNames()), NAMES)
    start = next(i for i, line in enumerate(lines) if line.startswith("This week so far"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("─"))
    return lines[start:end]


def test_kudos_received_are_counted_as_kudos_never_as_own_entries(database: Database) -> None:
    """One own entry and two kudos received: 1 multiplier entry, 2 kudos received, 1 given."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        carol = logbook.user(session, "UCAROL")
        logbook.entry(
            session, alice, day(17), text="Unblocked <@UBOB|bob> on the deploy", people=["UBOB"]
        )
        received(session, bob, alice, day(18), dimension="reviews", scope="org")
        received(session, carol, alice, day(19), dimension="writing", scope="cross_team")
        logbook.kudos(session, alice, bob, day(20))
    lines = summary_lines(database, week_of=day(17))
    assert lines[:5] == [
        "Your multiplier week · 16–22 Nov 2026",
        "═════════════════════════════════════",
        "1 multiplier entry · 1 person helped · 0 written artefacts · 2 kudos received, 1 given",
        "  No trend yet: it starts once two weeks hold entries of your own. · 🔥 1-week streak "
        "of reflecting or logging.",
        "  🔓 Unblocking people 1",
    ]
    assert lines[5] == "  Scope: 1 my team"


def test_a_week_with_only_kudos_received_says_nothing_was_logged(database: Database) -> None:
    """Kudos alone make no active week: "nothing logged" by them, the kudos named. With
    check-ins off and no log of their own the person never asked for reflection: no critique,
    trend or streak line (tests/summaries/test_uncritiqued_weeks.py)."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        received(session, bob, alice, day(18), dimension="delivery", scope="self")
    lines = summary_lines(database, week_of=day(17))
    assert lines[2:4] == [
        "Nothing logged by you this week.",
        "  🎉 1 kudos received — on your log as peer recognition.",
    ]
    assert lines[4].startswith("  Private to you.")


def test_a_streak_counts_only_weeks_you_logged_or_reflected_in(database: Database) -> None:
    """Own entries on 2 and 16 Nov, only a kudos received on 9 Nov: a 1-week streak.

    An answered check-in (even "nothing this week") in the week of 9 Nov is reflecting: then
    the three weeks make a 3-week streak.
    """
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        logbook.entry(session, alice, day(3))
        received(session, bob, alice, day(10))
        logbook.entry(session, alice, day(17))
    assert (
        "🔥 1-week streak of reflecting or logging." in summary_lines(database, week_of=day(17))[3]
    )
    with database.session() as session:
        alice = session.query(User).filter_by(slack_user_id="UALICE").one()
        logbook.answered_checkin(session, alice, day(13))  # a Friday check-in, answered
    assert (
        "🔥 3-week streak of reflecting or logging." in summary_lines(database, week_of=day(17))[3]
    )


def test_a_log_of_kudos_received_triggers_no_nudge_about_your_behaviour(
    database: Database,
) -> None:
    """Six weeks of kudos for delivery work, nothing of your own: no trend, no nudge."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        for weeks_back in range(6):
            for hours in (0, 5, 10):
                when = day(18) - timedelta(weeks=weeks_back, hours=hours)
                received(session, bob, alice, when, dimension="delivery", scope="self")
    with database.session() as session:
        alice = session.query(User).filter_by(slack_user_id="UALICE").one()
        week = summaries.current_week(alice, day(17))
        summary = summaries.build_summary(session=session, user=alice, week=week, library=LIB)
    assert summary.nudge is None
    assert summary.trend is None
    assert summary.current.kudos_received == 3
    assert summary.current.entries == 0


def test_home_on_monday_morning_compares_last_week_not_an_empty_day(database: Database) -> None:
    """Monday 08:00, nothing yet: the trend is last week's 3 against 1, 1, 1, 2 (+140%)."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        for weeks_back, count in ((4, 1), (3, 1), (2, 1), (1, 2), (0, 3)):
            for n in range(count):
                logbook.entry(session, alice, day(17) - timedelta(weeks=weeks_back, hours=n))
    assert home_this_week(database, now=MONDAY_23_MORNING) == [
        "This week so far · 23–29 Nov 2026",
        "═════════════════════════════════",
        "Nothing logged yet this week.",
        "  Last week: ↑ 3 multiplier entries against your 4-week average of 1.25 (+140%). · "
        "🔥 5-week streak of reflecting or logging.",
    ]


def test_home_trend_waits_for_two_complete_weeks(database: Database) -> None:
    """A newcomer's first Monday: no trend yet, and no fall from last week to this morning."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.entry(session, alice, day(17))
    lines = home_this_week(database, now=MONDAY_23_MORNING)
    assert lines[3] == (
        "  The trend compares complete weeks: it starts once two are on your log. · "
        "🔥 1-week streak of reflecting or logging."
    )


def test_teams_reached_names_only_teams_other_than_your_own(database: Database) -> None:
    """Helping bob (alice's own #team) reaches no team; helping dan too names #infra only."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.digest_channel(session, "CTEAM", "team", ["UALICE", "UBOB"])
        logbook.digest_channel(session, "CINFRA", "infra", ["UDAN"])
        logbook.entry(session, alice, day(17), people=["UBOB"])
    assert summary_lines(database, week_of=day(17))[2] == (
        "1 multiplier entry · 1 person helped · 0 written artefacts · 0 kudos received, 0 given"
    )
    with database.session() as session:
        alice = session.query(User).filter_by(slack_user_id="UALICE").one()
        logbook.entry(session, alice, day(18), people=["UDAN"])
    assert summary_lines(database, week_of=day(17))[2] == (
        "2 multiplier entries · 2 people helped · 1 team reached (#infra) · 0 written artefacts "
        "· 0 kudos received, 0 given"
    )


def test_home_with_only_kudos_received_does_not_say_nothing_was_logged(
    database: Database,
) -> None:
    """Two kudos this week and nothing of one's own: the Home says nothing was logged *by
    you* and counts the kudos (failed before: "Nothing logged yet this week." above "🎉 2
    kudos received" and a Recent entries list holding them)."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        for hours in (0, 5):
            received(session, bob, alice, day(23) + timedelta(hours=hours))
    lines = home_this_week(database, now=day(23) + timedelta(hours=12))
    assert lines[2] == "Nothing logged by you yet this week."
    assert "2 kudos received" in lines[3]
