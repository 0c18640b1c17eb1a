"""`:status` sets your Slack status as a person does in Slack: the app is told with a
`user_change` event and reads an away status as time off (issue 18: Slack status pauses
check-ins), which could not be tried in the sandbox before."""

from __future__ import annotations

from sqlalchemy import select

from bot import clock
from bot.db.models import User
from tests.sandbox.conftest import Session


def _alice(session: Session) -> User:
    with session.sandbox.database.session() as db:
        user = db.scalar(select(User).where(User.slack_user_id == "UALICE"))
        assert user is not None
        db.expunge(user)
        return user


def test_an_away_status_until_a_day_is_read_as_time_off_and_cleared(session: Session) -> None:
    session.feed("/multiplier checkins on fri 15:00\n")
    out = session.feed(":status :palm_tree: Vacationing until +3d\n")
    assert "(alice's Slack status: :palm_tree: Vacationing, until " in out, out
    assert "The app reads it as away until " in out, out
    alice = _alice(session)
    assert alice.away_from is not None and alice.away_until is not None
    assert (alice.away_why or "").startswith('status says "vacationing", until ')
    out = session.feed(":status clear\n")
    assert "(alice's Slack status is cleared) The app does not read it as away." in out, out
    cleared = _alice(session)
    assert cleared.away_until is not None and cleared.away_until <= clock.now()


def test_a_status_that_does_not_say_away_is_only_a_status(session: Session) -> None:
    session.feed("/multiplier checkins on fri 15:00\n")
    out = session.feed(":status :coffee: Deep work\n")
    assert "(alice's Slack status: :coffee: Deep work) The app does not read it as away." in out
    assert _alice(session).away_from is None


def test_status_says_how_to_use_it(session: Session) -> None:
    assert "Usage: :status [emoji] <text> [until <when>]" in session.feed(":status\n")
    out = session.feed(":status OOO until someday\n")
    assert "'someday' is not a time I understand." in out, out
