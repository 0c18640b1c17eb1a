"""A week nobody was asked to reflect on is named for what happened to it: its check-in was
skipped, check-ins were paused, its check-in fell on a public holiday, the person was away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from bot.summaries import metrics
from bot.summaries import service as summaries
from bot.ui.summary import paused_week_text, trend_line
from tests.support import logbook

LIB = default_library()
# Friday 1 Jan 2027, New Year's Day (a US public holiday), 15:00 in New York.
NEW_YEAR_3PM = datetime(2027, 1, 1, 20, 0, tzinfo=UTC)
# Wednesday 6 Jan 2027, noon in New York: the week after, in progress.
NEXT_WEEK = datetime(2027, 1, 6, 17, 0, tzinfo=UTC)


def _alice(session: Session, **fields: object) -> User:
    """alice (New York), check-ins on Fridays, one entry a week before the new year."""
    alice = logbook.user(
        session,
        "UALICE",
        checkins_enabled=True,
        created_at=NEW_YEAR_3PM - timedelta(weeks=6),
        **fields,
    )
    for weeks in range(1, 5):
        logbook.entry(session, alice, NEW_YEAR_3PM - timedelta(weeks=weeks))
    return alice


def _checkin(session: Session, user: User, status: str) -> None:
    session.add(
        CheckIn(
            workspace_id=user.workspace_id,
            user_id=user.id,
            period_key="2026-W53",
            slot_at=NEW_YEAR_3PM,
            status=status,
        )
    )
    session.flush()


def _summaries(session: Session, user: User) -> tuple[metrics.MultiplierSummary, ...]:
    """The summary of the new year's week, and the week after's so far (the Home's)."""
    week = summaries.current_week(user, NEW_YEAR_3PM)
    ended = summaries.build_summary(session=session, user=user, week=week, library=LIB)
    going = summaries.build_summary(
        session=session,
        user=user,
        week=summaries.current_week(user, NEXT_WEEK),
        library=LIB,
        in_progress=True,
    )
    return ended, going


@pytest.mark.parametrize(
    ("status", "fields", "this_week", "last_week"),
    [
        (
            "cancelled",
            {"holiday_calendar": "US"},
            "This week's check-in fell on a public holiday, so no reflection was expected.",
            "Last week's check-in fell on a public holiday: no trend to read from it.",
        ),
        (
            "skipped",
            {"holiday_calendar": "US"},
            "You skipped this week's check-in, so no reflection was expected.",
            "You skipped last week's check-in: no trend to read from it.",
        ),
        (
            "cancelled",
            {
                "away_from": NEW_YEAR_3PM - timedelta(days=2),
                "away_until": NEW_YEAR_3PM + timedelta(days=2),
                "away_why": 'status says "OOO"',
            },
            "You were away this week, so no reflection was expected.",
            "You were away last week: no trend to read from it.",
        ),
    ],
    ids=["holiday", "skipped", "away"],
)
def test_a_quiet_week_says_what_happened(
    database: Database,
    status: str,
    fields: dict[str, object],
    this_week: str,
    last_week: str,
) -> None:
    """New Year's week with nothing logged: its summary and the next week's trend say the
    check-in fell on a public holiday, was skipped (the person's choice says most, holiday
    or not), or that alice was away (failed before: "Check-ins were paused or skipped this
    week", and after a skipped week "Last week was paused or you were away")."""
    with database.session() as session:
        alice = _alice(session, **fields)
        _checkin(session, alice, status)
        ended, going = _summaries(session, alice)
    assert ended.paused
    assert paused_week_text(ended).startswith(this_week)
    assert trend_line(going) == last_week


def test_a_week_of_public_holidays_is_named_so(database: Database) -> None:
    """Every work day of alice's a public holiday (she works Fridays only; 1 Jan is one),
    with check-ins off: the week was holidays, not "paused"."""
    with database.session() as session:
        alice = _alice(session, holiday_calendar="US", workdays=0b0010000)
        alice.checkins_enabled = False
        ended, going = _summaries(session, alice)
    assert ended.paused_why == "holidays"
    assert paused_week_text(ended).startswith("Your work days this week were public holidays")
    assert trend_line(going) == (
        "Last week's work days were public holidays: no trend to read from it."
    )
