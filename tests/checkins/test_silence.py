"""What counts as silence: posted check-ins with no response at all, in a row; check-ins
never posted are passed over; any response (an answer, a snooze, a skip, a choice on a
check-in's buttons such as a staff-problem step ticked) ends it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.checkins import silence
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from bot.delivery.status import CheckInStatus
from bot.problems import flows as problem_flows
from bot.problems import service as problems
from bot.ui import problems as problems_ui
from tests.checkins.support import utc
from tests.support import logbook

FRIDAY = utc(2026, 11, 6, 20)
SILENT: dict[str, Any] = {"status": CheckInStatus.SENT}


def _row(session: Session, owner: User, week: int, **fields: Any) -> CheckIn:
    slot = FRIDAY + timedelta(weeks=week)
    values: dict[str, Any] = {"status": CheckInStatus.SENT, "message_ts": f"{week + 1}.0"}
    values.update(fields)
    row = CheckIn(
        workspace_id=owner.workspace_id,
        user_id=owner.id,
        period_key=f"{slot:%G-W%V}",
        slot_at=slot,
        sent_at=slot if values.get("message_ts") else None,
        **values,
    )
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize(
    ("before", "notices", "stops", "silent"),
    [
        # Three posted and unanswered before the fourth: it says so; it gets no reminder;
        # the person is silent (no periodic DM rides it).
        ([SILENT, SILENT, SILENT], True, True, True),
        # Two: not yet a silence, but the third in a row already gets no reminder.
        ([SILENT, SILENT], False, True, False),
        ([SILENT], False, False, False),
        # Four: said on the fourth already, not again; still silent.
        ([SILENT, SILENT, SILENT, SILENT], False, True, True),
        # A response three back ends the run before it.
        ([{"status": CheckInStatus.ANSWERED}, SILENT, SILENT, SILENT], True, True, True),
        # Snoozed (and back), skipped, answered, or a choice on a button: responses.
        ([SILENT, {"snoozed_until": FRIDAY}, SILENT], False, False, False),
        ([SILENT, SILENT, {"status": CheckInStatus.SKIPPED}], False, False, False),
        ([SILENT, SILENT, {"answered_at": FRIDAY}], False, False, False),
        ([SILENT, SILENT, {"responded_at": FRIDAY}], False, False, False),
        ([SILENT, SILENT, SILENT, {"responded_at": FRIDAY}], False, False, False),
        # Never posted (cancelled while away, expired unsent): passed over.
        (
            [SILENT, {"status": CheckInStatus.CANCELLED, "message_ts": None}, SILENT, SILENT],
            True,
            True,
            True,
        ),
    ],
)
def test_silence_is_read_from_the_checkins(
    database: Database, before: list[dict[str, Any]], notices: bool, stops: bool, silent: bool
) -> None:
    """Whether the next check-in says it noticed, whether it gets no reminder, and whether
    the person is silent as of it."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE", checkins_enabled=True)
        for week, fields in enumerate(before):
            _row(session, alice, week, **fields)
        latest = _row(session, alice, len(before))
        assert silence.notices(session, latest) is notices
        assert silence.stop_reminding(session, latest) is stops
        assert silence.silent(session, latest) is silent


def test_a_response_to_the_latest_checkin_ends_the_silence(database: Database) -> None:
    """Three unanswered, and the fourth answered (or a button pressed on it): not silent."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE", checkins_enabled=True)
        for week in range(3):
            _row(session, alice, week)
        latest = _row(session, alice, 3)
        assert silence.silent(session, latest)
        latest.responded_at = FRIDAY + timedelta(weeks=3, hours=1)
        assert not silence.silent(session, latest)


def test_the_line_is_not_said_once_the_checkin_itself_was_responded_to(
    database: Database,
) -> None:
    """Snoozed and back, the fourth check-in is posted again without the line."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE", checkins_enabled=True)
        for week in range(3):
            _row(session, alice, week)
        fourth = _row(session, alice, 3, snoozed_until=FRIDAY + timedelta(weeks=3, days=3))
        assert not silence.notices(session, fourth)
        assert not silence.stop_reminding(session, fourth)


def test_a_staff_problem_step_ticked_on_a_checkin_is_a_response(database: Database) -> None:
    """ "Done: written plan" on a check-in answers it, in a way: no silence counts it
    (failed before: the scripted quarter's alice ticked her plan on a check-in, and three
    weeks later was told the last three went by unanswered)."""
    library = default_library()
    now = FRIDAY + timedelta(weeks=1, hours=1)
    with database.session() as session:
        alice = logbook.user(session, "UALICE", checkins_enabled=True)
        first, second = _row(session, alice, 0), _row(session, alice, 1)
        problem, _ = problems.name(session=session, user=alice, text="Unify the pipelines", now=now)
        step = library.problem_steps[0]
        value = problems_ui.done_value(problem.id, step, second.id)
        session.commit()
        problem_flows.tick_button(
            session=session, user=alice, library=library, value=value, now=now
        )
    with database.session() as session:
        ticked = session.get_one(CheckIn, second.id)
        assert ticked.responded_at is not None
        assert not silence.unanswered(ticked)
        third = _row(session, session.get_one(User, first.user_id), 2)
        assert not silence.stop_reminding(session, third)
