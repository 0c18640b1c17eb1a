"""Pausing for N weeks means the same from the check-in's menu and from `/multiplier pause`.

N weeks from today, that day included: a check-in due on the day N weeks away is paused too,
so pausing a week on a Friday after its check-in skips next Friday's (before, "Pause for 1
week" on the check-in only skipped that check-in, and `/multiplier pause 1 week` on a Friday
paused nothing at all: the next check-in came as if there were no pause).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.checkins import answers, service
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from bot.listeners.commands.checkins import parse_pause
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, dispatcher, utc

FRIDAY_AFTER = utc(2026, 12, 11, 20, 5)  # Fri 11 Dec, 15:05 in New York: the check-in is out
MONDAY = utc(2026, 12, 7, 14)  # Mon 7 Dec, 09:00 in New York: this Friday's still to come


def _alice(database: Database, standin: SlackStandIn) -> None:
    add_users(database, ["UALICE"], now=utc(2026, 12, 1), tz="America/New_York", standin=standin)


@pytest.mark.parametrize(
    ("now", "weeks", "next_checkin"),
    [
        (FRIDAY_AFTER, 1, utc(2026, 12, 25, 20)),  # next Friday's skipped
        (FRIDAY_AFTER, 2, utc(2027, 1, 1, 20)),
        (MONDAY, 1, utc(2026, 12, 18, 20)),  # this Friday's skipped
    ],
)
def test_the_command_pauses_as_many_weeks_as_it_says(
    database: Database, standin: SlackStandIn, now, weeks: int, next_checkin
) -> None:
    _alice(database, standin)
    with database.session() as session:
        alice = session.scalars(select(User)).one()
        until = parse_pause(f"{weeks} weeks", service.local_today(alice, now))
        described = service.pause(session=session, user=alice, until=until, now=now)
        assert alice.next_checkin_at == next_checkin
        last = until - timedelta(days=1)
        assert described.description.endswith(f", paused through {last:%a} {last.day} {last:%b}")


def test_the_button_and_the_command_mean_the_same(
    database: Database, standin: SlackStandIn
) -> None:
    """Friday's check-in is out; alice pauses a week from its menu; bob, the same Friday, with
    the command: both are paused through next Friday and next hear from the bot on the 25th
    (alice's check-in is skipped too, as the menu on it says)."""
    add_users(database, ["UALICE", "UBOB"], now=utc(2026, 12, 1), tz="America/New_York",
              standin=standin)  # fmt: skip
    assert dispatcher(standin, database).run(utc(2026, 12, 11, 20)).sent == 2
    with database.session() as session:
        alice, bob = session.scalars(select(User).order_by(User.slack_user_id)).all()
        checkin = session.scalars(select(CheckIn).where(CheckIn.user_id == alice.id)).one()
        answers.pause_from_checkin(
            session=session, user=alice, checkin_id=checkin.id, weeks=1, now=FRIDAY_AFTER
        )
        until = parse_pause("1 week", service.local_today(bob, FRIDAY_AFTER))
        service.pause(session=session, user=bob, until=until, now=FRIDAY_AFTER)
        assert alice.paused_until == bob.paused_until == date(2026, 12, 19)
        assert alice.next_checkin_at == bob.next_checkin_at == utc(2026, 12, 25, 20)
        assert checkin.status == "skipped"


def test_a_pause_that_has_ended_is_not_described(database: Database, standin: SlackStandIn) -> None:
    """`/multiplier checkins` a week after a pause ended says no "paused through Mon 14 Dec"
    (failed before: the schedule kept naming a pause long over); during it, it does."""
    _alice(database, standin)
    with database.session() as session:
        user = session.scalars(select(User)).one()
        service.pause(session=session, user=user, until=date(2026, 12, 15), now=MONDAY)
        during = service.describe(user, now=MONDAY).description
        after = service.describe(user, now=utc(2026, 12, 21, 15)).description
    assert during.endswith(", paused through Mon 14 Dec")
    assert "paused" not in after
