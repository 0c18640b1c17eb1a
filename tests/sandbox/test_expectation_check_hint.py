"""The monthly expectations check's fast-forward hint skips nothing: held by quiet hours with
its check-in, it comes in the check-in's minute (the month's sponsor DM came with an earlier
one), hinted as minute by minute; with no expectations entered, no instant at all. While the
check and the quarter's story wait because the sponsor DM rode the check-in (one periodic DM
a check-in), their hints do not name every minute of the window."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.checkins import service as checkin_service
from bot.db.models import CheckIn, Expectation, SponsorPost, User
from bot.delivery.status import CheckInStatus, DeliveryStatus
from bot.expectations.jobs import next_expectation_checks_due
from tests.sandbox.conftest import Session
from tests.sandbox.test_hints import (
    NEW_YORK,
    _arrivals,
    _both_ways,
    _ctx,
    _friday_afternoon_new_york,
    _only_jobs,
)


def _a_month_ago(session: Session, start: datetime, days: int = 40) -> None:
    """Alice entered expectations, and had a check-in, in an earlier month (so her check-in
    today is not her first, which would wait for a week she was here for)."""
    long_ago = start - timedelta(days=days)
    with session.sandbox.database.session() as db:
        alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice.created_at = min(alice.created_at, long_ago)  # here since then
        db.add(
            CheckIn(
                workspace_id=alice.workspace_id,
                user_id=alice.id,
                period_key=f"earlier-{days}",
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
        checkin_service.reschedule(session=db, user=alice, now=clock.now())


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
            # The month's sponsor DM came with an earlier check-in: this one is free.
            db.add(
                SponsorPost(
                    workspace_id=alice.workspace_id,
                    user_id=alice.id,
                    month=start.astimezone(NEW_YORK).strftime("%Y-%m"),
                    channel_id="DALICE",
                    status=DeliveryStatus.SENT,
                    message_ts="2.000001",
                    sent_at=start - timedelta(days=1),
                    created_at=start - timedelta(days=1),
                )
            )

    fast, slow = _both_ways(tmp_path, start, scenario, start + timedelta(hours=3))
    assert _arrivals(fast) == _arrivals(slow)
    at_1520 = r"\[multiplier → alice · DM · Fri \d\d \w{3} 15:20 alice's time\]\n  (.*)"
    firsts = re.findall(at_1520, fast)
    assert [line.split(":")[0] for line in firsts] == [
        "Weekly reflection",
        "🧭 Your monthly expectations check",
    ], fast


def _runs(transcript: str, job: str) -> int:
    """How many times the :time jump ran `job` (its "Jobs run:" line)."""
    (count,) = re.findall(rf"{job} ×(\d+)", transcript)
    return int(count)


@pytest.mark.slow
def test_dms_waiting_for_the_next_checkin_are_not_hinted_every_minute(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sponsor DM rides the check-in; the check and the story wait for the next
    check-ins of their month and quarter. Through the whole window after the check-in (12 h)
    the hinted jump delivers what the minute-by-minute one does, and runs the waiting jobs a
    few times, not every minute."""
    _only_jobs(monkeypatch, "checkins", "sponsor-dms", "expectation-checks", "story-dms")
    start = _friday_afternoon_new_york()

    def scenario(session: Session) -> None:
        session.feed("/multiplier checkins on fri 15:00\n")
        _a_month_ago(session, start)
        _a_month_ago(session, start, days=100)  # a check-in in an earlier quarter too
        with session.sandbox.database.session() as db:
            alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
            alice.quiet_start_minute, alice.quiet_end_minute = 14 * 60 + 50, 15 * 60 + 20

    target = start + timedelta(hours=15)  # the window closes 12 h after the 15:00 slot
    fast, slow = _both_ways(tmp_path, start, scenario, target)
    assert _arrivals(fast) == _arrivals(slow)
    dms = re.findall(r"\[multiplier → alice · DM · \w{3} \d\d \w{3} (.*)\]\n  (.*)", fast)
    assert [(when, line.split(":")[0]) for when, line in dms] == [
        ("15:20 alice's time", "Weekly reflection"),
        ("15:20 alice's time", "Your monthly sponsor check"),
    ], fast
    assert _runs(slow, "expectation-checks") == _runs(slow, "story-dms") > 800
    assert _runs(fast, "expectation-checks") < 10, fast
    assert _runs(fast, "story-dms") < 10, fast


def test_no_hint_without_expectations(sandbox) -> None:  # type: ignore[no-untyped-def]
    after = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert next_expectation_checks_due(_ctx(sandbox), after) is None
