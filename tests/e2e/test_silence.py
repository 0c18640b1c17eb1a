"""Someone who never answers: after three check-ins in a row without a response the coach
stops reminding, and the next check-in says once that it noticed, with the choices the app
already has (a calmer cadence, a pause, keep as is). Any response ends the silence.

Check-ins every Friday 15:00 in New York; a reminder due on Saturday comes Monday 15:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.checkins import silence
from bot.db.models import CheckIn, User
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.ui import checkins as ui
from tests.checkins.support import add_users, checkin_messages, checkins, dispatcher, user, utc
from tests.support.apps import RunningApp

FIRST = utc(2026, 11, 6, 20)  # Friday 6 Nov, 15:00 in New York
REMINDER_EVENT = "multiplier_reminder"


def _friday(week: int) -> datetime:
    return FIRST + timedelta(weeks=week)


def _start(app: RunningApp) -> None:
    add_users(
        app.database, ["UALICE"], now=FIRST - timedelta(hours=1), tz="America/New_York",
        standin=app.standin, created_at=FIRST - timedelta(days=30),
    )  # fmt: skip


def _week(app: RunningApp, week: int) -> None:
    """Week `week`'s check-in at its Friday slot, then its Monday, when a reminder is due."""
    dispatcher(app.standin, app.database).run(_friday(week))
    _reminders(app, _friday(week) + timedelta(days=3, minutes=1))


def _reminders(app: RunningApp, now: datetime) -> None:
    ctx = JobContext(database=app.database, settings=app.app.settings, worker_id="t")
    run_job("checkin-reminders", ctx, now)


def _reminded(app: RunningApp) -> int:
    return sum(
        1
        for m in app.standin.dm_messages("UALICE")
        if (m.get("metadata") or {}).get("event_type") == REMINDER_EVENT
    )


def _silence_block(message: dict[str, Any]) -> dict[str, Any] | None:
    return next((b for b in message["blocks"] if b.get("block_id") == ui.SILENCE_BLOCK), None)


def _action_ids(block: dict[str, Any]) -> list[str]:
    return [element["action_id"] for element in block["elements"]]


def _notes(message: dict[str, Any]) -> list[str]:
    """The lines under the check-in's divider: notes on what was done with it."""
    blocks = message["blocks"]
    divider = max(i for i, b in enumerate(blocks) if b["type"] == "divider")
    return [b["elements"][0]["text"] for b in blocks[divider:] if b["type"] == "context"]


def _latest(app: RunningApp) -> dict[str, Any]:
    """The newest check-in message as the stand-in holds it now (redrawn if it was)."""
    return checkin_messages(app.standin, "UALICE")[-1]


def test_three_unanswered_checkins_stop_the_reminders_and_the_next_says_so_once(
    running_app: RunningApp,
) -> None:
    """Reminders for the first two; none for the third nor later; the fourth check-in alone
    carries the line that noticed, with Every two weeks, Pause for 4 weeks and Keep as is
    (failed before: a check-in and a reminder every week, forever)."""
    _start(running_app)
    reminded = []
    for week in range(5):
        _week(running_app, week)
        reminded.append(_reminded(running_app))
    assert reminded == [1, 2, 2, 2, 2]
    messages = checkin_messages(running_app.standin, "UALICE")
    assert len(messages) == 5
    blocks = [_silence_block(m) for m in messages]
    assert [b is not None for b in blocks] == [False, False, False, True, False]
    fourth = messages[3]["blocks"]
    choices = blocks[3]
    assert choices is not None
    line = fourth[fourth.index(choices) - 1]
    assert line["type"] == "section" and line["text"]["text"].startswith("I noticed the last")
    assert _action_ids(choices) == [ui.SILENCE_CADENCE, ui.PAUSE, ui.SILENCE_KEEP]
    assert [e["text"]["text"] for e in choices["elements"]] == [
        "Every two weeks",
        "Pause for 4 weeks",
        "Keep as is",
    ]


def _silent_three_weeks_then_the_fourth(app: RunningApp) -> dict[str, Any]:
    _start(app)
    for week in range(3):
        _week(app, week)
    dispatcher(app.standin, app.database).run(_friday(3))
    message = _latest(app)
    assert _silence_block(message) is not None
    return message


def test_every_two_weeks_from_the_line_sets_the_cadence_and_ends_the_silence(
    running_app: RunningApp,
) -> None:
    """ "Every two weeks": the cadence is set as the settings would set it, the line gives
    way to the new schedule, the check-in still names the week it asked about, and, just
    seen, it gets no reminder."""
    message = _silent_three_weeks_then_the_fourth(running_app)
    running_app.slack.block_action(ui.SILENCE_CADENCE, user_id="UALICE", message=message)
    running_app.wait_idle()
    alice = user(running_app.database, "UALICE")
    assert alice.cadence == "biweekly" and alice.checkins_enabled
    fourth = checkins(running_app.database, "UALICE")[-1]
    assert fourth.responded_at is not None and fourth.status == "sent"
    redrawn = _latest(running_app)
    assert _silence_block(redrawn) is None
    assert redrawn["blocks"][0]["text"]["text"] == "Weekly reflection"
    (note,) = _notes(redrawn)
    assert note.startswith(":white_check_mark: Check-ins: every other Friday at 15:00")
    before = _reminded(running_app)
    _reminders(running_app, _friday(3) + timedelta(days=3, minutes=1))
    assert _reminded(running_app) == before
    # A second press changes nothing.
    running_app.slack.block_action(ui.SILENCE_KEEP, user_id="UALICE", message=message)
    running_app.wait_idle()
    assert user(running_app.database, "UALICE").cadence == "biweekly"


def test_a_later_redraw_still_asks_about_the_week_it_was_sent_for(
    running_app: RunningApp,
) -> None:
    """After "Every two weeks", the next click on the same check-in redraws it as the weekly
    one it was sent as: its title, its days and its "Nothing this week" buttons (failed
    before: redrawn as a two-week reflection of 16–29 Nov, overlapping the week before)."""
    message = _silent_three_weeks_then_the_fourth(running_app)
    intro = message["blocks"][1]["text"]["text"]
    assert intro.startswith("Your reflection on this week (23–29 Nov).")
    running_app.slack.block_action(ui.SILENCE_CADENCE, user_id="UALICE", message=message)
    running_app.wait_idle()
    running_app.slack.block_action(
        ui.NOTHING, user_id="UALICE", message=_latest(running_app), block_id=ui.question_block_id(1)
    )
    running_app.wait_idle()
    assert user(running_app.database, "UALICE").cadence == "biweekly"
    redrawn = _latest(running_app)
    assert redrawn["blocks"][0]["text"]["text"] == "Weekly reflection"
    assert redrawn["blocks"][1]["text"]["text"] == intro
    nothing = [
        e["text"]["text"]
        for b in redrawn["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == ui.NOTHING
    ]
    assert nothing and set(nothing) == {"Nothing this week"}


def test_pause_from_the_line_skips_the_checkin_and_pauses(running_app: RunningApp) -> None:
    """ "Pause for 4 weeks" is the check-in menu's pause: skipped, and paused for 4 weeks."""
    message = _silent_three_weeks_then_the_fourth(running_app)
    running_app.slack.block_action(
        ui.PAUSE, user_id="UALICE", message=message, block_id=ui.SILENCE_BLOCK
    )
    running_app.wait_idle()
    fourth = checkins(running_app.database, "UALICE")[-1]
    assert fourth.status == "skipped"
    alice = user(running_app.database, "UALICE")
    assert alice.paused_until is not None
    assert alice.paused_until > (_friday(3) + timedelta(weeks=4)).date()
    assert _silence_block(_latest(running_app)) is None


def test_keep_as_is_keeps_the_schedule_and_ends_the_silence(running_app: RunningApp) -> None:
    """ "Keep as is": nothing about the schedule changes; the silence ends: the check-in,
    just seen, gets no reminder, the next one does, and has no line."""
    message = _silent_three_weeks_then_the_fourth(running_app)
    running_app.slack.block_action(ui.SILENCE_KEEP, user_id="UALICE", message=message)
    running_app.wait_idle()
    alice = user(running_app.database, "UALICE")
    assert alice.cadence == "weekly" and alice.paused_until is None
    (note,) = _notes(_latest(running_app))
    assert note.startswith(":white_check_mark: Kept as they are: every Friday at 15:00")
    before = _reminded(running_app)
    _reminders(running_app, _friday(3) + timedelta(days=3, minutes=1))
    assert _reminded(running_app) == before
    _week(running_app, 4)
    assert _reminded(running_app) == before + 1
    assert _silence_block(_latest(running_app)) is None


def test_any_response_ends_the_silence(running_app: RunningApp) -> None:
    """Silent three weeks, then "Nothing this week" on the fourth: the next ones are reminded
    again, and only three more unanswered make another silence (its line on the eighth)."""
    message = _silent_three_weeks_then_the_fourth(running_app)
    running_app.slack.block_action(
        ui.NOTHING, user_id="UALICE", message=message, block_id=ui.question_block_id(0)
    )
    running_app.wait_idle()
    assert _silence_block(_latest(running_app)) is None
    reminded = []
    lines = []
    for week in range(4, 8):
        before = _reminded(running_app)
        _week(running_app, week)
        reminded.append(_reminded(running_app) - before)
        lines.append(_silence_block(_latest(running_app)) is not None)
    assert reminded == [1, 1, 0, 0]
    assert lines == [False, False, False, True]
    with running_app.database.session() as session:
        last = session.scalars(select(CheckIn).order_by(CheckIn.slot_at.desc())).first()
        assert last is not None and silence.notices(session, last)
        assert session.scalars(select(User)).one().reminder_enabled
