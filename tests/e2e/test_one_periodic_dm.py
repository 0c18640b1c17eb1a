"""One periodic DM a check-in, end to end: the first check-in of a quarter brings exactly one
DM besides itself (the month's sponsor DM), the next week's the monthly expectations check,
the week after the quarter's promotion story, and the fourth nothing more. Before, January's
first check-in brought all four in one minute.
Signed requests → app → DB; the worker's jobs run through the catalog (its order decides who
rides first), with an explicit `now` and the app's clock moved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.expectations.monthly import EVENT_TYPE as CHECK
from bot.scheduling.catalog import JOBS, run_job
from bot.scheduling.jobs import JobContext
from bot.sponsors.monthly import EVENT_TYPE as SPONSOR
from bot.stories.quarterly import EVENT_TYPE as STORY
from bot.ui import checkins as ui
from tests.checkins.support import (
    add_users,
    checkin_messages,
    nothing_this_week,
    settings_for,
    utc,
)
from tests.e2e.evidence_helpers import brag
from tests.e2e.test_expectation_check import enter_expectations
from tests.support.apps import RunningApp

CHECKIN = "multiplier_checkin"
MoveClock = Callable[[datetime], None]
# Alice (UTC) opts in on Monday 30 Nov 2026; her check-ins are Thursdays 15:00.
MONDAY_30 = utc(2026, 11, 30, 9)
DEC_3 = utc(2026, 12, 3, 15)  # her very first check-in: no periodic DM in her first month
JAN_7 = utc(2027, 1, 7, 15)  # the first check-in of January and of Q1 2027
WEEK = timedelta(weeks=1)
RIDERS = ("checkins", "sponsor-dms", "expectation-checks", "story-dms")


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def tick(app: RunningApp, now: datetime) -> None:
    """One worker tick of the check-ins and the periodic DMs, in the catalog's order."""
    ctx = JobContext(database=app.database, settings=settings_for(app.standin, app.database))
    for name in [name for name in JOBS if name in RIDERS]:
        run_job(name, ctx, now)


def newest_checkin_blocks(app: RunningApp) -> list[dict[str, object]]:
    """The blocks of Alice's newest check-in."""
    blocks: list[dict[str, object]] = checkin_messages(app.standin, "UALICE")[-1]["blocks"]
    return blocks


def kinds(app: RunningApp) -> list[str | None]:
    """Every DM Alice got, by its metadata's event type."""
    return [(m.get("metadata") or {}).get("event_type") for m in app.standin.dm_messages("UALICE")]


def december(app: RunningApp, move_clock: MoveClock, *, answered: tuple[int, ...]) -> None:
    """Alice opts in; her December check-ins go out (the weeks in `answered` get "Nothing
    this week"); in the first week she logs an entry (her Q4 is not empty) and enters her
    expectations (January's check is due)."""
    move_clock(MONDAY_30)
    add_users(app.database, ["UALICE"], now=MONDAY_30, standin=app.standin, checkin_weekday=3)
    for week in range(5):
        move_clock(DEC_3 + week * WEEK)
        tick(app, DEC_3 + week * WEEK)
        if week == 0:
            move_clock(DEC_3 + timedelta(hours=1))
            n = len(app.standin.calls_to("response_url")) + 1
            brag(app, "Wrote the RFC for one shared API client #rfc", n=n)
            enter_expectations(app, "UALICE")
        if week in answered:
            nothing_this_week(app)


def test_each_checkin_of_a_quarter_brings_one_periodic_dm(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    december(app, move_clock, answered=(4,))
    # December, her first month: no periodic DM (None: the "Saved your expectations" reply).
    assert kinds(app) == [CHECKIN, None, CHECKIN, CHECKIN, CHECKIN, CHECKIN]

    seen = len(kinds(app))
    for week, rider in enumerate((SPONSOR, CHECK, STORY)):
        at = JAN_7 + week * WEEK
        move_clock(at)
        tick(app, at)
        # The rest of the 12 h window: nothing else rides this check-in.
        tick(app, at + timedelta(minutes=1))
        tick(app, at + timedelta(hours=11))
        assert kinds(app)[seen:] == [CHECKIN, rider], (week, kinds(app))
        seen = len(kinds(app))
        nothing_this_week(app)  # she answers her check-ins: never silent

    # The fourth check-in of January: every periodic DM of the month and quarter is out.
    jan_28 = JAN_7 + 3 * WEEK
    move_clock(jan_28)
    tick(app, jan_28)
    assert kinds(app)[seen:] == [CHECKIN]
    nothing_this_week(app)

    # February's first check-in brings its sponsor DM, the next its check; no story.
    feb_4 = utc(2027, 2, 4, 15)
    for at, rider in ((feb_4, SPONSOR), (feb_4 + WEEK, CHECK), (feb_4 + 2 * WEEK, None)):
        seen = len(kinds(app))
        move_clock(at)
        tick(app, at)
        assert kinds(app)[seen:] == [CHECKIN, *([rider] if rider else [])], (at, kinds(app))


def test_no_periodic_dm_while_silent_and_they_come_back_with_a_response(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Alice answered her first two check-ins, then let three go by without a word:
    January's first check-in (the one that notices the silence) brings no sponsor DM, nor
    later in its window; "Nothing this week" on it ends the silence, and the sponsor DM
    follows within the window, then the check and the story with the next check-ins
    (failed before: all three went to someone who had stopped answering)."""
    app = running_app
    december(app, move_clock, answered=(0, 1))
    seen = len(kinds(app))
    move_clock(JAN_7)
    tick(app, JAN_7)
    tick(app, JAN_7 + timedelta(minutes=1))
    tick(app, JAN_7 + timedelta(hours=2))
    assert kinds(app)[seen:] == [CHECKIN]
    assert any(b.get("block_id") == ui.SILENCE_BLOCK for b in newest_checkin_blocks(app))

    move_clock(JAN_7 + timedelta(hours=3))
    nothing_this_week(app)
    tick(app, JAN_7 + timedelta(hours=3, minutes=1))
    assert kinds(app)[seen:] == [CHECKIN, SPONSOR]
    seen = len(kinds(app))
    for week, rider in ((1, CHECK), (2, STORY)):
        at = JAN_7 + week * WEEK
        move_clock(at)
        tick(app, at)
        assert kinds(app)[seen:] == [CHECKIN, rider], (week, kinds(app))
        seen = len(kinds(app))


def test_a_silence_that_lasts_the_month_skips_its_dms(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Silent through January: none of its check-ins brings a periodic DM; a response in
    February brings February's sponsor DM (January's is not sent late) and then the rest."""
    app = running_app
    december(app, move_clock, answered=(0,))
    seen = len(kinds(app))
    for week in range(4):
        at = JAN_7 + week * WEEK
        move_clock(at)
        tick(app, at)
        tick(app, at + timedelta(hours=11))
    assert kinds(app)[seen:] == [CHECKIN] * 4
    seen = len(kinds(app))
    feb_4 = utc(2027, 2, 4, 15)
    move_clock(feb_4)
    tick(app, feb_4)
    assert kinds(app)[seen:] == [CHECKIN]
    move_clock(feb_4 + timedelta(hours=1))
    nothing_this_week(app)
    tick(app, feb_4 + timedelta(hours=1, minutes=1))
    assert kinds(app)[seen:] == [CHECKIN, SPONSOR]
    seen = len(kinds(app))
    for week, rider in ((1, CHECK), (2, STORY)):
        at = feb_4 + week * WEEK
        move_clock(at)
        tick(app, at)
        assert kinds(app)[seen:] == [CHECKIN, rider], (week, kinds(app))
        seen = len(kinds(app))
