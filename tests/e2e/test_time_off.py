"""Time off end to end (issue 18 item 5): an away Slack status and a public holiday on the
person's chosen calendar skip that day's check-in and reminder; the week is not criticised
and does not break a streak. Signed requests → app → DB; the app's clock moved, the jobs
run with an explicit `now`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.capture import timeoff
from bot.checkins.reminders import send_reminders
from bot.coaching.library import default_library
from bot.db.models import ReminderPost, User
from bot.summaries import service as summaries
from standin.signing import Input
from tests.checkins.support import (
    add_users,
    checkin_messages,
    checkins,
    dispatcher,
    settings_for,
    user,
    utc,
)
from tests.support import logbook
from tests.support.apps import RunningApp

LIB = default_library()
NEW_YORK = "America/New_York"
# Alice (New York) goes on vacation on Sunday 15 Nov 2026; her status ends Saturday 21.
SUNDAY_15 = utc(2026, 11, 15, 15)
BACK = utc(2026, 11, 21, 15)
FRIDAY_20_SLOT = utc(2026, 11, 20, 20)  # Friday 15:00 in New York

MoveClock = Callable[[datetime], None]


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    """Move the app's clock (bot.clock, as the sandbox does) to an instant; reset after."""

    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def vacation_status(slack_id: str, *, until: datetime) -> dict:
    """A users.info / user_change user object whose status says vacation until `until`."""
    return {
        "id": slack_id,
        "team_id": "T0001",
        "tz": NEW_YORK,
        "deleted": False,
        "profile": {
            "status_text": "Vacationing",
            "status_emoji": ":palm_tree:",
            "status_expiration": int(until.timestamp()),
        },
    }


def go_on_vacation(app: RunningApp, move_clock: MoveClock, slack_id: str) -> None:
    move_clock(SUNDAY_15)
    reply = app.slack.user_change(vacation_status(slack_id, until=BACK))
    assert reply.status == 200
    app.wait_idle()


def test_an_ooo_status_skips_the_checkin_and_leaves_the_streak_intact(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    database, standin = running_app.database, running_app.standin
    add_users(database, ["UALICE"], now=SUNDAY_15 - timedelta(days=1), tz=NEW_YORK, standin=standin)
    go_on_vacation(running_app, move_clock, "UALICE")
    alice = user(database, "UALICE")
    assert (alice.away_from is not None, alice.away_until) == (True, BACK)
    assert alice.away_from <= clock.now()

    dispatcher(standin, database).run(FRIDAY_20_SLOT)
    assert checkin_messages(standin, "UALICE") == []
    (skipped,) = checkins(database, "UALICE")
    assert (skipped.status, skipped.slot_at) == ("cancelled", FRIDAY_20_SLOT)

    # Back the week after: that week's check-in goes out as usual.
    dispatcher(standin, database).run(FRIDAY_20_SLOT + timedelta(weeks=1))
    assert len(checkin_messages(standin, "UALICE")) == 1

    # Logged in the two weeks before and in the week after: the away week breaks nothing.
    with database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        for day in (utc(2026, 11, 4, 15), utc(2026, 11, 11, 15), utc(2026, 11, 24, 15)):
            logbook.entry(session, owner, day)
    with database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        week = summaries.current_week(owner, utc(2026, 11, 24, 18))
        summary = summaries.build_summary(
            session=session, user=owner, week=week, library=LIB, in_progress=True
        )
    assert summary.streak == 3


def test_the_summary_of_an_away_week_has_no_critique(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Alice and Dan logged the same three weeks of building-it-yourself, then nothing in the
    week of 16 Nov: Dan's summary of that week has the nudge; Alice, on vacation, has none."""
    database, standin = running_app.database, running_app.standin
    add_users(
        database,
        ["UALICE", "UDAN"],
        now=SUNDAY_15 - timedelta(days=1),
        tz=NEW_YORK,
        standin=standin,
    )
    with database.session() as session:
        for slack_id in ("UALICE", "UDAN"):
            owner = session.scalars(select(User).where(User.slack_user_id == slack_id)).one()
            for weeks_back in (1, 2, 3):
                for hours in (0, 2, 4):
                    when = utc(2026, 11, 11, 15 + hours) - timedelta(weeks=weeks_back - 1)
                    logbook.entry(session, owner, when, dimension="delivery", scope="self")
    go_on_vacation(running_app, move_clock, "UALICE")

    def nudge_of(slack_id: str) -> str | None:
        with database.session() as session:
            owner = session.scalars(select(User).where(User.slack_user_id == slack_id)).one()
            week = summaries.current_week(owner, utc(2026, 11, 18, 15))
            summary = summaries.build_summary(session=session, user=owner, week=week, library=LIB)
        return summary.nudge.id if summary.nudge is not None else None

    assert nudge_of("UDAN") == "solving-everything-yourself"
    assert nudge_of("UALICE") is None


def settings_values(calendar: str) -> dict:
    return {
        "cadence": {"cadence": Input.static_select("weekly")},
        "day": {"day": Input.static_select("4")},
        "time": {"time": Input.timepicker("15:00")},
        "reminder": {"reminder": Input.checkboxes(["remind"])},
        "holiday_calendar": {"holiday_calendar": Input.plain_text(calendar)},
    }


def choose_calendar(app: RunningApp, calendar: str) -> dict:
    before = len(app.standin.calls_to("views.open"))
    app.slack.slash_command("/multiplier", "settings", user_id="UALICE")
    opened = app.standin.wait_for("views.open", count=before + 1)[-1]
    blocks = {block.get("block_id") for block in opened.data["view"]["blocks"]}
    assert "holiday_calendar" in blocks
    reply = app.slack.view_submission(
        "checkin_settings", user_id="UALICE", values=settings_values(calendar)
    )
    app.wait_idle()
    return reply.json() if reply.body else {}


def test_settings_choose_a_calendar_and_refuse_an_unknown_one(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    move_clock(utc(2026, 12, 21, 14))  # Monday 21 Dec 2026
    for typed in ("Narnia", "US-ZZ"):
        refused = choose_calendar(running_app, typed)
        assert refused["response_action"] == "errors"
        assert refused["errors"] == {"holiday_calendar": timeoff.calendar_problem(typed)}
    assert user(running_app.database, "UALICE").holiday_calendar is None
    assert choose_calendar(running_app, "us") == {}
    assert user(running_app.database, "UALICE").holiday_calendar == "US"


def test_a_public_holiday_on_the_chosen_calendar_skips_the_checkin(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Friday check-ins, calendar US: none on Christmas Day; the next Friday as usual."""
    database, standin = running_app.database, running_app.standin
    move_clock(utc(2026, 12, 21, 14))
    assert choose_calendar(running_app, "US") == {}
    christmas = utc(2026, 12, 25, 20)  # Friday 15:00 in New York
    dispatcher(standin, database).run(christmas)
    assert checkin_messages(standin, "UALICE") == []
    (skipped,) = checkins(database, "UALICE")
    assert (skipped.status, skipped.slot_at) == ("cancelled", christmas)
    dispatcher(standin, database).run(utc(2027, 1, 8, 20))
    assert len(checkin_messages(standin, "UALICE")) == 1


def test_no_reminder_on_a_public_holiday(running_app: RunningApp, move_clock: MoveClock) -> None:
    """A Thursday check-in left unanswered: its reminder, due on Christmas Day, never comes."""
    database, standin = running_app.database, running_app.standin
    move_clock(utc(2026, 12, 21, 14))
    values = settings_values("US")
    values["day"] = {"day": Input.static_select("3")}
    running_app.slack.slash_command("/multiplier", "settings", user_id="UALICE")
    standin.wait_for("views.open")
    running_app.slack.view_submission("checkin_settings", user_id="UALICE", values=values)
    running_app.wait_idle()
    thursday = utc(2026, 12, 24, 20)
    dispatcher(standin, database).run(thursday)
    assert len(checkin_messages(standin, "UALICE")) == 1
    settings = settings_for(standin, database)
    for hours in (24, 26, 30):  # due on Christmas Day, and within its grace window
        send_reminders(
            database=database,
            settings=settings,
            token_for=lambda _team: standin.bot_token,
            now=thursday + timedelta(hours=hours),
        )
    with database.session() as session:
        assert session.scalars(select(ReminderPost)).all() == []


def test_the_workspace_calendar_applies_unless_the_person_chose_none(
    running_app: RunningApp,
) -> None:
    """HOLIDAY_CALENDAR=US: Alice (no choice) has Christmas off; Dan chose "none"."""
    database, standin = running_app.database, running_app.standin
    add_users(database, ["UALICE", "UDAN"], now=utc(2026, 12, 21, 14), tz=NEW_YORK, standin=standin)
    with database.session() as session:
        dan = session.scalars(select(User).where(User.slack_user_id == "UDAN")).one()
        dan.holiday_calendar = timeoff.NO_CALENDAR
    christmas = utc(2026, 12, 25, 20)
    dispatcher(standin, database, holiday_calendar="US").run(christmas)
    assert checkin_messages(standin, "UALICE") == []
    assert len(checkin_messages(standin, "UDAN")) == 1
