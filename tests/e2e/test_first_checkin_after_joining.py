"""A person's first check-in asks about time they were here, end to end.

A weekly Monday check-in the morning someone joins would ask about the week before they
came; a Friday 15:00 one, for someone who joined at 14:00, about a week they saw an hour of.
Neither is sent: the first check-in is the next one. (The weekly summary skips a week its
person came after the same way: bot/summaries/service.py, `_joined_late`.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun import freeze_time

from bot.checkins import schedule
from bot.db.engine import Database
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.checkins.support import checkin_messages, checkins, user, utc
from tests.support.apps import RunningApp

NEW_YORK = schedule.zone_for("America/New_York")


def _opt_in(app: RunningApp, text: str) -> dict[str, Any]:
    before = len(app.standin.calls_to("response_url"))
    app.slack.slash_command("/multiplier", text, user_id="UALICE")
    calls = app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    return calls[-1].params


def _next_local(database: Database) -> datetime:
    due = user(database, "UALICE").next_checkin_at
    assert due is not None
    return due.astimezone(NEW_YORK)


def _intro(message: dict[str, Any]) -> str:
    """The check-in's first section: "Your reflection on …"."""
    sections = [b for b in message["blocks"] if b.get("type") == "section"]
    return str(sections[0]["text"]["text"])


def _run_checkins(app: RunningApp, now: datetime) -> None:
    ctx = JobContext(database=app.database, settings=app.app.settings, worker_id="t")
    run_job("checkins", ctx, now)


def test_a_monday_joiner_is_not_asked_about_the_week_before_they_came(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """alice joins Monday 7 Dec at 07:00 with check-ins on Monday 10:00: her first check-in
    is Monday 14 Dec, about 7–13 Dec (failed before: Monday 7 Dec 10:00 asked about
    "last week (30 Nov–6 Dec)", a week before she came)."""
    with freeze_time(utc(2026, 12, 7, 12), tick=True):  # Monday 07:00 in New York
        reply = _opt_in(running_app, "checkins on mon 10:00")
    assert "Next: Mon 14 Dec 10:00" in reply["text"]
    assert _next_local(database).strftime("%a %d %b %H:%M") == "Mon 14 Dec 10:00"

    _run_checkins(running_app, utc(2026, 12, 7, 15, 1))  # Monday 7 Dec 10:01
    assert checkins(database, "UALICE") == []
    _run_checkins(running_app, utc(2026, 12, 14, 15, 1))  # Monday 14 Dec 10:01
    (row,) = checkins(database, "UALICE")
    assert row.period_key == "2026-W50"
    (message,) = checkin_messages(standin, "UALICE")
    assert _intro(message).startswith("Your reflection on last week (7–13 Dec).")


def test_a_friday_joiner_an_hour_before_the_default_time_starts_next_friday(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """alice joins Friday 11 Dec at 14:00 and turns check-ins on (Friday 15:00): the first
    asks about 14–18 Dec, on Friday 18 Dec (failed before: Friday 11 Dec 15:00 asked about
    "this week (7–13 Dec)", four days of it before she came)."""
    with freeze_time(utc(2026, 12, 11, 19), tick=True):  # Friday 14:00 in New York
        reply = _opt_in(running_app, "checkins on")
    assert "Next: Fri 18 Dec 15:00" in reply["text"]

    _run_checkins(running_app, utc(2026, 12, 11, 20, 1))  # Friday 11 Dec 15:01
    assert checkins(database, "UALICE") == []
    _run_checkins(running_app, utc(2026, 12, 18, 20, 1))  # Friday 18 Dec 15:01
    (message,) = checkin_messages(standin, "UALICE")
    assert _intro(message).startswith("Your reflection on this week (14–20 Dec).")


def test_a_wednesday_joiner_is_asked_about_the_days_since(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Joined Wednesday 9 Dec: here for three of the week's five work days, so Friday's
    check-in comes, naming only the days since (9–13 Dec), never Monday and Tuesday."""
    with freeze_time(utc(2026, 12, 9, 15), tick=True):  # Wednesday 10:00 in New York
        _opt_in(running_app, "checkins on fri 15:00")
    assert _next_local(database).strftime("%a %d %b") == "Fri 11 Dec"
    _run_checkins(running_app, utc(2026, 12, 11, 20, 1))
    (message,) = checkin_messages(standin, "UALICE")
    assert _intro(message).startswith("Your reflection on this week (9–13 Dec).")
