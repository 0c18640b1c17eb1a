"""A snoozed check-in brought back as a new message: the first copy keeps no buttons.

Check-ins every Friday 15:00 in New York; a snooze brings one back the next work day after
the click (the app's own clock), at 15:00.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.ui import checkins as ui
from tests.checkins.support import add_users, checkin_messages, checkins, dispatcher, utc
from tests.support.apps import RunningApp

FRIDAY = utc(2026, 11, 6, 20)  # Friday 6 Nov, 15:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


def _buttons(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_the_first_copy_of_a_snoozed_checkin_loses_its_buttons_when_it_comes_back(
    running_app: RunningApp,
) -> None:
    """Snoozed, posted again the next work day: the first copy is redrawn without buttons,
    saying where the live one is; the new one has them all (failed before: both copies kept
    live Answer buttons)."""
    add_users(
        running_app.database, ["UALICE"], now=FRIDAY - timedelta(hours=1),
        tz="America/New_York", standin=running_app.standin,
        created_at=FRIDAY - timedelta(days=30),
    )  # fmt: skip
    dispatcher(running_app.standin, running_app.database).run(FRIDAY)
    (first,) = checkin_messages(running_app.standin, "UALICE")
    running_app.slack.block_action(
        ui.SNOOZE, user_id="UALICE", message=first, block_id="checkin_controls"
    )
    running_app.wait_idle()
    snoozed = checkins(running_app.database, "UALICE")[-1]
    assert snoozed.status == "snoozed" and snoozed.snoozed_until is not None
    assert ui.ANSWER in _buttons(checkin_messages(running_app.standin, "UALICE")[0])
    back = snoozed.snoozed_until  # the next work day after the click, at 15:00
    dispatcher(running_app.standin, running_app.database).run(back + timedelta(minutes=1))
    old, new = checkin_messages(running_app.standin, "UALICE")
    assert old["ts"] == first["ts"] and new["ts"] != first["ts"]
    assert _buttons(old) == []
    assert old["blocks"][0]["text"]["text"] == "Weekly reflection"
    day = back.astimezone(NEW_YORK)
    assert old["blocks"][-1]["elements"][0]["text"] == (
        f":zzz: Snoozed — brought back below, {day:%a} {day.day} {day:%b}."
    )
    assert ui.ANSWER in _buttons(new) and ui.SNOOZE in _buttons(new)
