"""Opting in and out, settings, pause/resume, the welcome and time zones, end to end."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.checkins import schedule
from bot.db.models import User
from bot.listeners.commands.checkins import Unparsed, parse_on, parse_pause
from bot.timetext import parse_time_of_day
from standin.signing import Input
from tests.checkins.support import user
from tests.support.apps import RunningApp


def command(app: RunningApp, text: str, user_id: str = "UALICE") -> dict:
    """Run `/multiplier <text>` and return the ephemeral answer it got."""
    before = len(app.standin.calls_to("response_url"))
    app.slack.slash_command("/multiplier", text, user_id=user_id)
    calls = app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    return calls[-1].params


def test_checkins_on_with_day_and_time_uses_the_slack_time_zone(running_app: RunningApp) -> None:
    """`checkins on tue 09:30` opts in, reads the zone from users.info, and says when the next one is."""
    reply = command(running_app, "checkins on tue 09:30")
    assert reply["response_type"] == "ephemeral"
    assert "every Tuesday at 09:30 (America/New_York)" in reply["text"]
    who = user(running_app.database, "UALICE")
    assert who.checkins_enabled and who.tz == "America/New_York"
    assert (who.checkin_weekday, who.checkin_minute, who.cadence) == (1, 570, "weekly")
    local = who.next_checkin_at.astimezone(schedule.zone_for("America/New_York"))
    assert local.strftime("%a %H:%M") == "Tue 09:30"
    assert who.next_checkin_at > clock.now()
    assert running_app.standin.calls_to("users.info")


def test_checkins_on_two_days_sets_twice_weekly(running_app: RunningApp) -> None:
    """`checkins on tue fri 10:00` (two days named) means twice a week on those days (failed
    before: refused as unreadable, though the settings modal offers twice a week)."""
    reply = command(running_app, "checkins on tue fri 10:00")
    assert "every Tuesday and Friday at 10:00 (America/New_York)" in reply["text"]
    who = user(running_app.database, "UALICE")
    assert who.checkins_enabled and who.cadence == "twice_weekly"
    assert (who.checkin_weekday, who.second_weekday, who.checkin_minute) == (1, 4, 600)
    local = who.next_checkin_at.astimezone(schedule.zone_for("America/New_York"))
    assert local.strftime("%a %H:%M") in ("Tue 10:00", "Fri 10:00")
    # One day again: back to every week, on that day.
    reply = command(running_app, "checkins on wed")
    assert "every Wednesday at 10:00" in reply["text"]
    assert user(running_app.database, "UALICE").cadence == "weekly"


def test_checkins_on_three_days_says_what_it_accepts(running_app: RunningApp) -> None:
    """More than two days is refused with what works: one day, or two for twice a week."""
    reply = command(running_app, "checkins on mon wed fri 10:00")
    text = str(reply["blocks"])
    assert "checkins on tue fri 10:00" in text and "twice a week" in text
    assert not user(running_app.database, "UALICE").checkins_enabled


def test_checkins_on_defaults_to_friday_1500_and_off_stops(running_app: RunningApp) -> None:
    """`checkins on` alone means Friday 15:00; `checkins off` stops and clears the schedule."""
    reply = command(running_app, "checkins on")
    assert "every Friday at 15:00" in reply["text"]
    reply = command(running_app, "checkins off")
    assert "off" in reply["text"]
    who = user(running_app.database, "UALICE")
    assert not who.checkins_enabled and who.next_checkin_at is None


@pytest.mark.parametrize(
    "text", ["checkins on someday", "checkins on 25:00", "checkins maybe", "checkins on fri fri"]
)
def test_malformed_checkins_input_gets_usage_with_the_text_echoed(
    running_app: RunningApp, text: str
) -> None:
    """Unreadable day/time input is answered with usage and the typed text; nothing changes."""
    reply = command(running_app, text)
    assert "checkins on fri 15:00" in reply["text"]
    assert text in str(reply["blocks"])
    with running_app.database.session() as session:
        enabled = session.scalars(select(User.checkins_enabled)).all()
    assert True not in enabled


@pytest.mark.parametrize(
    ("typed", "day", "time"),
    [("every two weeks", "4", "15:00"), ("every other friday", "4", "15:00"),
     ("biweekly tue 10:00", "1", "10:00")],
)  # fmt: skip
def test_every_two_weeks_opens_the_settings_with_that_cadence(
    running_app: RunningApp, typed: str, day: str, time: str
) -> None:
    """`checkins on every two weeks` (or `every other friday`) opens the settings with
    Every two weeks chosen and the day and time typed (failed before: "I couldn't read a
    day and time there"); nothing changes until the person saves."""
    reply = command(running_app, f"checkins on {typed}")
    assert "Every two weeks" in reply["text"] and "settings" in reply["text"]
    (opened,) = running_app.standin.wait_for("views.open")
    view = opened.data["view"]
    assert view["callback_id"] == "checkin_settings"
    chosen = {
        block["block_id"]: block["element"].get("initial_option", {}).get("value")
        or block["element"].get("initial_time")
        for block in view["blocks"]
        if block["type"] == "input"
    }
    assert (chosen["cadence"], chosen["day"], chosen["time"]) == ("biweekly", day, time)
    assert not user(running_app.database, "UALICE").checkins_enabled


def test_pause_and_resume(running_app: RunningApp) -> None:
    """`pause 2 weeks` / `pause until DATE` move the next check-in past the pause; `resume` undoes it."""
    command(running_app, "checkins on fri 15:00")
    before = user(running_app.database, "UALICE").next_checkin_at
    reply = command(running_app, "pause 2 weeks")
    who = user(running_app.database, "UALICE")
    assert who.paused_until is not None and who.next_checkin_at >= before + timedelta(days=14)
    assert "paused through" in reply["text"]
    target = (clock.now() + timedelta(days=40)).date()
    command(running_app, f"pause until {target.isoformat()}")
    who = user(running_app.database, "UALICE")
    assert who.paused_until == target
    local = who.next_checkin_at.astimezone(schedule.zone_for(who.tz)).date()
    assert local >= target
    command(running_app, "resume")
    who = user(running_app.database, "UALICE")
    assert who.paused_until is None and who.next_checkin_at == before
    reply = command(running_app, "pause until 2001-01-01")
    assert "after today" in reply["text"]


def test_pause_error_suggests_a_future_date(running_app: RunningApp) -> None:
    """The pause usage error's example date is after today (failed before: a fixed
    2026-12-01, in the past by December 2026)."""
    command(running_app, "checkins on fri 15:00")
    for typed in ("pause until 2001-01-01", "pause forever"):
        reply = command(running_app, typed)
        suggested = re.findall(r"pause until (\d{4}-\d{2}-\d{2})", reply["text"])
        assert suggested, reply["text"]
        assert all(date.fromisoformat(day) > clock.now().date() for day in suggested)


def test_settings_modal_saves_preferences_and_rejects_conflicts(running_app: RunningApp) -> None:
    """The settings modal saves cadence, days, time, quiet hours, reminder, pause; conflicts stay open."""
    running_app.slack.slash_command("/multiplier", "settings", user_id="UBOB")
    (opened,) = running_app.standin.wait_for("views.open")
    assert opened.data["view"]["callback_id"] == "checkin_settings"
    values = {
        "cadence": {"cadence": Input.static_select("twice_weekly")},
        "day": {"day": Input.static_select("4")},
        "second_day": {"second_day": Input.static_select("0")},
        "time": {"time": Input.timepicker("16:30")},
        "quiet_start": {"quiet_start": Input.timepicker("16:00")},
        "quiet_end": {"quiet_end": Input.timepicker("17:00")},
        "reminder": {"reminder": Input.checkboxes([])},
    }
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    assert reply.json()["response_action"] == "errors"
    assert "quiet hours" in reply.json()["errors"]["time"]
    values["quiet_start"] = {"quiet_start": Input.timepicker("22:00")}
    values["quiet_end"] = {"quiet_end": Input.timepicker("07:00")}
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    assert reply.status == 200 and reply.body == ""
    confirmation = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Check-ins:" in str(c.params.get("text"))
    )
    assert "Monday and Friday at 16:30 (Europe/Berlin)" in confirmation[0].params["text"]
    running_app.wait_idle()
    who = user(running_app.database, "UBOB")
    assert (who.cadence, who.checkin_weekday, who.second_weekday) == ("twice_weekly", 4, 0)
    assert (who.checkin_minute, who.quiet_start_minute, who.quiet_end_minute) == (990, 1320, 420)
    assert who.reminder_enabled is False and who.checkins_enabled
    local = who.next_checkin_at.astimezone(schedule.zone_for("Europe/Berlin"))
    assert local.strftime("%a %H:%M") in ("Mon 16:30", "Fri 16:30")


def test_settings_modal_off_turns_checkins_off(running_app: RunningApp) -> None:
    """Choosing "Off" in the settings modal opts out."""
    command(running_app, "checkins on")
    running_app.slack.slash_command("/multiplier", "settings", user_id="UALICE")
    running_app.standin.wait_for("views.open")
    running_app.slack.view_submission(
        "checkin_settings",
        user_id="UALICE",
        values={
            "cadence": {"cadence": Input.static_select("off")},
            "day": {"day": Input.static_select("4")},
            "time": {"time": Input.timepicker("15:00")},
        },
    )
    running_app.standin.wait_for("chat.postMessage", predicate=lambda c: "off" in str(c.params))
    running_app.wait_idle()
    who = user(running_app.database, "UALICE")
    assert not who.checkins_enabled and who.next_checkin_at is None


def test_first_command_brings_a_welcome_with_one_click_start(running_app: RunningApp) -> None:
    """The first command's reply carries the welcome, once; "Start weekly check-ins" opts in."""
    first = command(running_app, "help", user_id="UCAROL")
    assert "/brag" in first["text"]  # the command's own answer is intact
    assert "checkins_start" in str(first["blocks"]) and "Welcome to Multiplier" in str(first)
    second = command(running_app, "help", user_id="UCAROL")
    assert "checkins_start" not in str(second["blocks"])
    assert running_app.standin.calls_to("chat.postMessage") == []
    ephemeral = {"blocks": first["blocks"], "message_ts": "1.000001", "channel": "C0GENERAL"}
    running_app.slack.block_action("checkins_start", user_id="UCAROL", message=ephemeral)
    calls = running_app.standin.wait_for("response_url", count=3)
    running_app.wait_idle()
    assert calls[-1].params["replace_original"] is False  # the help it rode on stays
    assert "every Friday at 15:00 (Asia/Kolkata)" in calls[-1].params["text"]
    who = user(running_app.database, "UCAROL")
    assert who.checkins_enabled and who.welcomed_at is not None and who.tz == "Asia/Kolkata"


def test_welcome_rides_along_any_first_command(running_app: RunningApp) -> None:
    """/brag as the very first command: its confirmation comes with the welcome appended."""
    running_app.slack.slash_command("/brag", "Reviewed the on-call RFC", user_id="UBOB")
    (reply,) = running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    assert "Logged" in reply.params["text"] and "checkins_start" in str(reply.params["blocks"])
    assert running_app.standin.calls_to("chat.postMessage") == []


def test_home_tab_shows_the_welcome_while_checkins_are_off(running_app: RunningApp) -> None:
    """App Home: a welcome with "Start weekly check-ins" while off; gone once check-ins are on."""
    running_app.slack.app_home_opened(user_id="UBOB")
    (published,) = running_app.standin.wait_for("views.publish")
    running_app.wait_idle()
    assert "Welcome to Multiplier" in str(published.data["view"])
    assert "checkins_start" in str(published.data["view"])
    home = running_app.standin.home_view("UBOB")
    running_app.slack.block_action("checkins_start", user_id="UBOB", view=home)
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Check-ins:" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert user(running_app.database, "UBOB").checkins_enabled
    running_app.slack.app_home_opened(user_id="UBOB")
    published = running_app.standin.wait_for("views.publish", count=2)[-1]
    assert "checkins_start" not in str(published.data["view"])


def test_user_change_moves_the_next_checkin_to_the_new_time_zone(running_app: RunningApp) -> None:
    """A new Slack time zone (user_change) re-plans the next check-in at 15:00 in the new zone."""
    command(running_app, "checkins on fri 15:00")
    running_app.standin.update_user("UALICE", tz="Asia/Kolkata")
    running_app.slack.user_change(user_id="UALICE")
    running_app.wait_idle()
    who = user(running_app.database, "UALICE")
    assert who.tz == "Asia/Kolkata"
    local = who.next_checkin_at.astimezone(schedule.zone_for("Asia/Kolkata"))
    assert local.strftime("%a %H:%M") == "Fri 15:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri 15:00", ((4,), 900)),
        ("15:00 fri", ((4,), 900)),
        ("Friday at 3pm", ((4,), 900)),
        ("tue 9:05am", ((1,), 545)),
        ("12am", ((), 0)),
        ("12pm", ((), 720)),
        ("sun", ((6,), None)),
        ("", ((), None)),
        ("wed 3 pm", ((2,), 900)),
        ("thu 4.30pm", ((3,), 990)),
        ("mon 4:30 p.m.", ((0,), 990)),
        ("tues 16:00", ((1,), 960)),
        # Two days: twice a week, in the order typed.
        ("tue fri 10:00", ((1, 4), 600)),
        ("10am on tuesday and friday", ((1, 4), 600)),
        ("fri, tue 10:00", ((4, 1), 600)),
    ],
)
def test_day_and_time_parsing(text: str, expected: tuple) -> None:
    """Days and times read in the usual spellings, in either order."""
    assert parse_on(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "13pm", "fri 15:00 extra", "<!channel>", "fri" * 40, "mon tue wed", "fri fri"]
)
def test_day_and_time_parsing_rejects_nonsense(text: str) -> None:
    """Anything else is refused rather than guessed."""
    with pytest.raises(Unparsed):
        parse_on(text)


def test_pause_parsing() -> None:
    """Pause lengths: default a week, N weeks (the day N weeks away included: check-ins
    resume the day after), until a date; nonsense refused."""
    today = date(2026, 11, 20)
    assert parse_pause("", today) == date(2026, 11, 28)
    assert parse_pause("3", today) == parse_pause("3 weeks", today) == date(2026, 12, 12)
    assert parse_pause("until 2027-01-04", today) == date(2027, 1, 4)
    for bad in ("forever", "0 weeks", "99 weeks", "2027-13-01", "zero weeks"):
        with pytest.raises(Unparsed):
            parse_pause(bad, today)
    assert parse_time_of_day("07:45") == 465 and parse_time_of_day("7") == 420
    assert parse_time_of_day("x") is None


@pytest.mark.parametrize(
    ("typed", "weeks"),
    [("two weeks", 2), ("for two weeks", 2), ("a week", 1), ("one week", 1), ("a fortnight", 2),
     ("Three  Weeks", 3), ("2w", 2), ("twelve weeks", 12)],
)  # fmt: skip
def test_pause_lengths_in_words(typed: str, weeks: int) -> None:
    """`pause two weeks` and friends read as people say them (failed before: only digits)."""
    today = date(2026, 11, 20)
    assert parse_pause(typed, today) == today + timedelta(weeks=weeks, days=1)


def _commands_offered(reply: dict) -> list[str]:
    """The commands the reply's hint line offers, as typed (`/multiplier checkins off`)."""
    hint = reply["blocks"][-1]["elements"][0]["text"]
    return re.findall(r"`([^`]+)`", hint)


def test_with_checkins_off_the_schedule_offers_turning_them_on(running_app: RunningApp) -> None:
    """`checkins off`, then `checkins`: "Check-ins: off." offers `checkins on` and settings,
    not `checkins off` or `pause 2 weeks` (failed before: it offered both, and `pause` then
    answers that check-ins are off, nothing to pause)."""
    command(running_app, "checkins on")
    command(running_app, "checkins off")
    reply = command(running_app, "checkins")
    assert reply["text"] == "Check-ins: off."
    assert _commands_offered(reply) == ["/multiplier checkins on", "/multiplier settings"]
    assert _commands_offered(command(running_app, "checkins on")) == [
        "/multiplier settings",
        "/multiplier pause 2 weeks",
        "/multiplier checkins off",
    ]
