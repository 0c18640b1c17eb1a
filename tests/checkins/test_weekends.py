"""Reminders and snoozes never land on a person's weekend (Saturday and Sunday by default).

Every function takes an explicit instant; the people are the sandbox's: alice in New York,
bob in Berlin, carol in Kolkata (+05:30, no daylight saving).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins import answers, schedule
from bot.checkins.reminders import send_reminders
from bot.checkins.schedule import Preferences
from bot.db import models
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from standin.signing import Input
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, dispatcher, settings_for, user, utc
from tests.support.apps import RunningApp

DAY = timedelta(days=1)
PEOPLE = {"UALICE": "America/New_York", "UBOB": "Europe/Berlin", "UCAROL": "Asia/Kolkata"}
MON_TO_SAT = 0b0111111
SUN_TO_THU = 0b1001111


def local(tz: str, when: datetime) -> str:
    return when.astimezone(schedule.zone_for(tz)).strftime("%a %d %b %H:%M")


def at_local(tz: str, *args: int) -> datetime:
    """An instant given as a local wall time in `tz`."""
    return datetime(*args, tzinfo=schedule.zone_for(tz)).astimezone(schedule.zone_for("UTC"))


def test_the_default_work_week_is_monday_to_friday() -> None:
    """The stored default and the schedule's agree: Saturday and Sunday are the weekend."""
    assert schedule.DEFAULT_WORKDAYS == models.MONDAY_TO_FRIDAY
    assert schedule.workday_list(schedule.DEFAULT_WORKDAYS) == [0, 1, 2, 3, 4]
    assert schedule.valid_workdays(0) == schedule.DEFAULT_WORKDAYS  # no day at all: unusable
    assert schedule.valid_workdays(None) == schedule.DEFAULT_WORKDAYS


@pytest.mark.parametrize("tz", PEOPLE.values())
def test_a_friday_reminder_waits_for_monday_at_the_same_time(tz: str) -> None:
    """Friday 15:00 + 24 h is Saturday: the reminder comes Monday 15:00 local instead."""
    prefs = Preferences(tz=tz)
    friday = at_local(tz, 2026, 12, 4, 15)
    assert local(tz, schedule.reminder_due(prefs, friday, DAY)) == "Mon 07 Dec 15:00"
    thursday = at_local(tz, 2026, 12, 3, 15)
    assert local(tz, schedule.reminder_due(prefs, thursday, DAY)) == "Fri 04 Dec 15:00"


@pytest.mark.parametrize("tz", PEOPLE.values())
def test_snooze_on_a_friday_or_a_weekend_day_comes_back_on_monday(tz: str) -> None:
    """ "Until tomorrow" from Friday, Saturday or Sunday means Monday at the check-in time."""
    prefs = Preferences(tz=tz, minute=9 * 60 + 30)
    for day in (4, 5, 6):
        now = at_local(tz, 2026, 12, day, 17)
        assert local(tz, schedule.snooze_until(prefs, now)) == "Mon 07 Dec 09:30"
    wednesday = at_local(tz, 2026, 12, 2, 17)
    assert local(tz, schedule.snooze_until(prefs, wednesday)) == "Thu 03 Dec 09:30"


def test_other_work_weeks() -> None:
    """carol works Monday to Saturday; alice Sunday to Thursday: their weekends are kept."""
    carol = Preferences(tz="Asia/Kolkata", workdays=MON_TO_SAT)
    friday = at_local("Asia/Kolkata", 2026, 12, 4, 15)
    assert local(carol.tz, schedule.reminder_due(carol, friday, DAY)) == "Sat 05 Dec 15:00"
    saturday = at_local("Asia/Kolkata", 2026, 12, 5, 15)
    assert local(carol.tz, schedule.reminder_due(carol, saturday, DAY)) == "Mon 07 Dec 15:00"
    alice = Preferences(tz="America/New_York", workdays=SUN_TO_THU, minute=10 * 60)
    thursday = at_local(alice.tz, 2026, 12, 3, 15)
    assert local(alice.tz, schedule.reminder_due(alice, thursday, DAY)) == "Sun 06 Dec 15:00"
    assert local(alice.tz, schedule.snooze_until(alice, thursday)) == "Sun 06 Dec 10:00"


@pytest.mark.parametrize(
    ("tz", "friday", "monday"),
    [
        # bob: Europe leaves summer time on Sun 25 Oct 2026: 15:00 is 13:00 UTC, then 14:00.
        ("Europe/Berlin", utc(2026, 10, 23, 13), utc(2026, 10, 26, 14)),
        # alice: the US leaves it on Sun 1 Nov 2026: 15:00 is 19:00 UTC, then 20:00.
        ("America/New_York", utc(2026, 10, 30, 19), utc(2026, 11, 2, 20)),
        # alice: and enters it on Sun 8 Mar 2026: 15:00 is 20:00 UTC, then 19:00.
        ("America/New_York", utc(2026, 3, 6, 20), utc(2026, 3, 9, 19)),
    ],
)
def test_a_reminder_moved_over_a_daylight_saving_weekend_keeps_its_wall_time(
    tz: str, friday: datetime, monday: datetime
) -> None:
    """Moved from Saturday to Monday, the reminder is at 15:00 local, whatever the clocks did."""
    assert schedule.reminder_due(Preferences(tz=tz), friday, DAY) == monday


def test_a_wall_time_that_does_not_exist_on_the_next_work_day_moves_forward() -> None:
    """alice works Sunday to Thursday; a Friday 02:30 check-in's reminder lands on Sunday
    8 Mar 2026, when 02:30 does not exist in New York: it comes at 03:30 EDT."""
    prefs = Preferences(tz="America/New_York", workdays=SUN_TO_THU)
    friday = utc(2026, 3, 6, 7, 30)  # Fri 02:30 EST
    assert schedule.reminder_due(prefs, friday, DAY) == utc(2026, 3, 8, 7, 30)
    assert local(prefs.tz, utc(2026, 3, 8, 7, 30)) == "Sun 08 Mar 03:30"


def test_quiet_hours_that_end_on_a_weekend_day_wait_for_monday() -> None:
    """Quiet 20:00–08:00: a reminder due Friday 21:00 may not come Saturday 08:00 but Monday."""
    prefs = Preferences(tz="Europe/Berlin", quiet_start=20 * 60, quiet_end=8 * 60)
    friday_evening = at_local(prefs.tz, 2026, 12, 3, 21)  # Thursday's check-in, 24 h later
    due = schedule.reminder_due(prefs, friday_evening, DAY)
    assert local(prefs.tz, due) == "Mon 07 Dec 08:00"
    assert not schedule.may_remind(prefs, at_local(prefs.tz, 2026, 12, 5, 12))
    saturday = at_local(prefs.tz, 2026, 12, 5, 12)
    assert local(prefs.tz, schedule.first_moment_to_remind(prefs, saturday)) == "Mon 07 Dec 08:00"


def _remind(database: Database, standin: SlackStandIn, now: datetime) -> int:
    report = send_reminders(
        database=database,
        settings=settings_for(standin, database),
        token_for=lambda _t: standin.bot_token,
        now=now,
    )
    return report.sent


def test_no_reminder_on_the_weekend_in_any_zone(database: Database, standin: SlackStandIn) -> None:
    """Friday 15:00 check-ins for alice, bob and carol: reminded Monday 15:00 local, not Saturday."""
    for slack_id, tz in PEOPLE.items():
        friday = at_local(tz, 2026, 12, 4, 15)
        add_users(database, [slack_id], now=friday - DAY, tz=tz, standin=standin)
        assert dispatcher(standin, database).run(friday).sent == 1
    for tz in PEOPLE.values():
        assert _remind(database, standin, at_local(tz, 2026, 12, 5, 15)) == 0
        assert _remind(database, standin, at_local(tz, 2026, 12, 6, 15)) == 0
    # Monday 15:00 comes first in Kolkata, then Berlin, then New York.
    for tz in sorted(PEOPLE.values(), key=lambda tz: at_local(tz, 2026, 12, 7, 15)):
        assert _remind(database, standin, at_local(tz, 2026, 12, 7, 14, 59)) == 0
        assert _remind(database, standin, at_local(tz, 2026, 12, 7, 15)) == 1
    for slack_id in PEOPLE:
        texts = [m.get("text", "") for m in standin.dm_messages(slack_id)]
        assert sum("gentle nudge" in t for t in texts) == 1, slack_id


def test_a_friday_snooze_is_not_reminded_before_tuesday(
    database: Database, standin: SlackStandIn
) -> None:
    """Snoozed Friday: back Monday 15:00; its reminder is due a day after that, Tuesday."""
    friday = utc(2026, 12, 4, 14)  # 15:00 in Berlin
    add_users(database, ["UBOB"], now=friday - DAY, tz="Europe/Berlin", standin=standin)
    run = dispatcher(standin, database)
    run.run(friday)
    with database.session() as session:
        bob = session.scalars(select(User)).one()
        checkin = session.scalars(select(CheckIn)).one()
        change = answers.snooze(session=session, user=bob, checkin_id=checkin.id, now=friday)
        assert change.until == utc(2026, 12, 7, 14)
    assert run.run(utc(2026, 12, 5, 14)).sent == 0
    assert run.run(utc(2026, 12, 7, 14)).sent == 1
    assert _remind(database, standin, utc(2026, 12, 7, 15)) == 0
    assert _remind(database, standin, utc(2026, 12, 8, 14)) == 1


def test_the_settings_modal_sets_the_work_week(running_app: RunningApp) -> None:
    """Work days show Monday–Friday ticked; Sunday–Thursday is saved; no day at all is refused."""
    running_app.slack.slash_command("/multiplier", "settings", user_id="UBOB")
    (opened,) = running_app.standin.wait_for("views.open")
    blocks = {b.get("block_id"): b for b in opened.params["view"]["blocks"]}
    element = blocks["workdays"]["element"]
    assert element["type"] == "checkboxes"
    assert [o["value"] for o in element["initial_options"]] == ["0", "1", "2", "3", "4"]
    values = {
        "cadence": {"cadence": Input.static_select("weekly")},
        "day": {"day": Input.static_select("3")},
        "time": {"time": Input.timepicker("15:00")},
        "reminder": {"reminder": Input.checkboxes(["remind"])},
        "workdays": {"workdays": Input.checkboxes([])},
    }
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"workdays": "Pick at least one work day."},
    }
    values["workdays"] = {"workdays": Input.checkboxes(["6", "0", "1", "2", "3"])}
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    assert reply.status == 200 and reply.body == ""
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Check-ins:" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert user(running_app.database, "UBOB").workdays == SUN_TO_THU


def test_a_settings_form_opened_before_work_days_existed_keeps_them(
    running_app: RunningApp,
) -> None:
    """A submission without the work-days field (an old open modal) leaves them as stored."""
    running_app.slack.slash_command("/multiplier", "settings", user_id="UBOB")
    running_app.standin.wait_for("views.open")
    values = {
        "cadence": {"cadence": Input.static_select("weekly")},
        "day": {"day": Input.static_select("4")},
        "time": {"time": Input.timepicker("15:00")},
    }
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    assert reply.status == 200
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Check-ins:" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert user(running_app.database, "UBOB").workdays == models.MONDAY_TO_FRIDAY
