"""When a "Not yet" brings the red flag: the second in a row of months answered (an unanswered
month or a skip neither breaks nor extends a row, a yes ends it), once per row; and someone
else's check is never answered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.db.engine import Database
from bot.db.models import ExpectationCheck, User
from bot.expectations import check_flows, checks
from bot.expectations.checks import Answer
from tests.support import logbook

NOW = datetime(2027, 6, 1, 15, tzinfo=UTC)


def _check(session: Session, owner: User, month: str) -> ExpectationCheck:
    check = ExpectationCheck(
        workspace_id=owner.workspace_id, user_id=owner.id, month=month, channel_id="D1"
    )
    session.add(check)
    session.flush()
    return check


def _red_flags(database: Database, answers: list[str | None]) -> list[bool]:
    """Answer month after month ("yes", "no", "skip", or None: left unanswered); which
    answers brought the red flag."""
    flags = []
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        for number, given in enumerate(answers, 1):
            check = _check(session, alice, f"2027-{number:02d}")
            if given is not None:
                answered = checks.answer(session=session, check=check, given=Answer(given), now=NOW)
                flags.append(answered.red_flag)
            else:
                flags.append(False)
    return flags


@pytest.mark.parametrize(
    ("answers", "flags"),
    [
        (["no", "no", "no", "no"], [False, True, False, False]),
        (["no", None, "no"], [False, False, True]),
        (["no", "skip", "no"], [False, False, True]),
        (["no", "yes", "no", "no"], [False, False, False, True]),
        (["no", "no", "yes", "no", "no"], [False, True, False, False, True]),
        (["yes", "no", "yes", "no"], [False, False, False, False]),
        (["skip", "skip", "no"], [False, False, False]),
    ],
)
def test_the_red_flag_comes_on_the_second_no_of_a_row(
    database: Database, answers: list[str | None], flags: list[bool]
) -> None:
    assert _red_flags(database, answers) == flags


def test_a_stored_answer_stands(database: Database) -> None:
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        first, second = _check(session, alice, "2027-01"), _check(session, alice, "2027-02")
        checks.answer(session=session, check=first, given=Answer.NO, now=NOW)
        flagged = checks.answer(session=session, check=second, given=Answer.NO, now=NOW)
        again = checks.answer(session=session, check=second, given=Answer.YES, now=NOW)
    assert flagged.red_flag and flagged.new
    assert again == checks.Answered(second.id, "2027-02", Answer.NO, red_flag=True, new=False)


def test_someone_elses_check_is_not_answered(database: Database) -> None:
    with database.session() as session:
        alice, bob = logbook.user(session, "UALICE"), logbook.user(session, "UBOB")
        alices = _check(session, alice, "2027-01").id
    with database.session() as session:
        bob = session.get_one(User, bob.id)
        for check_id in (alices, None, alices + 1000):
            refused = check_flows.answer(
                session=session, user=bob, check_id=check_id, given=Answer.NO, now=NOW
            )
            assert refused is None
    with database.session() as session:
        assert session.get_one(ExpectationCheck, alices).answer is None
