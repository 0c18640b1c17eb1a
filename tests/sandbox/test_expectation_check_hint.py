"""The monthly expectations check's fast-forward hint skips nothing: held by quiet hours with
its check-in, it comes in the check-in's minute, after the month's sponsor DM, hinted as
minute by minute (the worker's order); with no expectations entered, no instant at all."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, Expectation, User
from bot.delivery.status import CheckInStatus
from bot.expectations.jobs import next_expectation_checks_due
from tests.sandbox.conftest import Session
from tests.sandbox.test_hints import (
    _arrivals,
    _both_ways,
    _ctx,
    _friday_afternoon_new_york,
    _only_jobs,
)


def _a_month_ago(session: Session, start: datetime) -> None:
    """Alice entered expectations, and had a check-in, in an earlier month."""
    long_ago = start - timedelta(days=40)
    with session.sandbox.database.session() as db:
        alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        db.add(
            CheckIn(
                workspace_id=alice.workspace_id,
                user_id=alice.id,
                period_key="earlier",
                slot_at=long_ago,
                status=CheckInStatus.ANSWERED,
                channel_id="DALICE",
                message_ts="1.000001",
                sent_at=long_ago,
            )
        )
        db.add(
            Expectation(
                workspace_id=alice.workspace_id,
                user_id=alice.id,
                position=0,
                text="Sets technical direction across teams",
                created_at=long_ago,
            )
        )


@pytest.mark.slow
def test_the_check_comes_at_the_same_minute_hinted_or_not(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _only_jobs(monkeypatch, "checkins", "sponsor-dms", "expectation-checks")
    start = _friday_afternoon_new_york()

    def scenario(session: Session) -> None:
        session.feed("/multiplier checkins on fri 15:00\n")
        _a_month_ago(session, start)
        with session.sandbox.database.session() as db:
            alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
            alice.quiet_start_minute, alice.quiet_end_minute = 14 * 60 + 50, 15 * 60 + 20

    fast, slow = _both_ways(tmp_path, start, scenario, start + timedelta(hours=3))
    assert _arrivals(fast) == _arrivals(slow)
    at_1520 = r"\[multiplier → alice · DM · Fri \d\d \w{3} 15:20 alice's time\]\n  (.*)"
    firsts = re.findall(at_1520, fast)
    assert [line.split(":")[0] for line in firsts] == [
        "Weekly reflection",
        "Your monthly sponsor check",
        "🧭 Your monthly expectations check",
    ], fast


def test_no_hint_without_expectations(sandbox) -> None:  # type: ignore[no-untyped-def]
    after = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert next_expectation_checks_due(_ctx(sandbox), after) is None
