"""Acceptance: a scripted week in the sandbox, asserted on the rendered transcript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import clock
from bot.config import load_settings
from bot.db.models import CheckIn, EvidenceEntry, SummaryPost, User
from sandbox.workspace import Sandbox
from tests.sandbox.conftest import Session, sections

NEW_YORK = ZoneInfo("America/New_York")


def _next_monday_morning() -> datetime:
    """Next Monday 10:00 in New York (alice's zone), at least a day from now."""
    local = (clock.now() + timedelta(days=1)).astimezone(NEW_YORK)
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
def monday(tmp_path: Path) -> Iterator[Session]:
    """A fresh sandbox whose clock starts on a Monday at 10:00 for alice."""
    settings = load_settings(_env_file=None)
    sandbox = Sandbox(
        db_path=tmp_path / "sandbox.db", settings=settings, start_at=_next_monday_morning()
    )
    with sandbox:
        yield Session(sandbox)
        assert sandbox.standin.violations == [], sandbox.standin.violations


def _alice(sandbox: Sandbox) -> User:
    with sandbox.database.session() as session:
        return session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()


def test_scripted_week_evidence_time_and_home(monday: Session) -> None:
    """What exists without check-ins: /brag, /kudos from bob, :time +7d, then :home renders."""
    out = monday.feed(
        "/brag Wrote the caching RFC that unblocked @bob's team #writing\n"
        ":as bob\n"
        "/kudos @alice thanks for the fast review of the deploy fix\n"
        ":as alice\n"
        ":time +7d\n"
        ":home\n"
    )
    assert "alice> /brag Wrote the caching RFC" in out
    assert "Logged to your private evidence" in out
    assert "bob> /kudos @alice thanks for the fast review" in out
    assert "[multiplier → bob · only visible to you]" in out
    kudos = [
        body
        for header, body in sections(out)
        if header.startswith("[multiplier → alice · DM") and "thanks for the fast review" in body
    ]
    assert kudos, "the kudos from bob never reached alice"
    assert re.search(r"Now Mon \d\d \w{3} 10:00 for alice", out)
    home = out.split("alice> :home", 1)[1]
    assert "[Home tab · alice]" in home
    assert "Wrote the caching RFC" in home
    assert "⚠" not in out, out
    with monday.sandbox.database.session() as session:
        texts = session.scalars(select(EvidenceEntry.text)).all()
    assert any("Wrote the caching RFC" in text for text in texts)


def test_scripted_week(monday: Session) -> None:
    """Opt in, /brag, kudos from bob, :time +7d: the check-in comes Fri 15:00 alice's time and
    is answered, the weekly summary arrives Monday 09:00, and :home renders the week."""
    out = monday.feed(
        "/multiplier checkins on fri 15:00\n"
        "/brag Wrote the caching RFC that unblocked @bob's team #writing\n"
        ":as bob\n"
        "/kudos @alice thanks for the fast review of the deploy fix\n"
        ":as alice\n"
        ":time +7d\n"
    )
    checkin = re.search(r"\[multiplier → alice · DM · Fri \d\d \w{3} 15:00 alice's time\]", out)
    assert checkin, out
    summary = re.search(r"\[multiplier → alice · DM · Mon \d\d \w{3} 09:00 alice's time\]", out)
    assert summary, out
    assert checkin.start() < summary.start()
    kudos = [
        body
        for header, body in sections(out)
        if header.startswith("[multiplier → alice · DM") and "thanks for the fast review" in body
    ]
    assert kudos, "the kudos from bob never reached alice"

    answered = monday.feed(
        ":press Answer\nPaired with bob on the flaky deploy; his team ships again\n:submit\n"
    )
    assert "[modal · " in answered, answered
    assert "sent.)" in answered
    assert "✗" not in answered

    home = monday.feed(":home\n")
    assert "[Home tab · alice]" in home
    assert "Wrote the caching RFC" in home
    assert "⚠" not in out + answered + home

    alice = _alice(monday.sandbox)
    with monday.sandbox.database.session() as session:
        checkins = session.scalars(select(CheckIn).where(CheckIn.user_id == alice.id)).all()
        summaries = session.scalars(
            select(SummaryPost).where(SummaryPost.user_id == alice.id)
        ).all()
    assert [c.status for c in checkins] == ["answered"]
    slot = checkins[0].slot_at.astimezone(NEW_YORK)
    assert (slot.weekday(), slot.hour, slot.minute) == (4, 15, 0)
    # The summary of the scripted week went out (opting in on the Monday also makes the week
    # before eligible, so an empty summary of it came at the first minute: the app's rule).
    week = monday.sandbox.start_at.astimezone(NEW_YORK).isocalendar()  # type: ignore[union-attr]
    sent = {s.period_key for s in summaries if s.status == "sent"}
    assert f"{week.year}-W{week.week:02d}" in sent, sent
    body = dict(sections(out))[summary.group(0)]
    assert "kudos received" in body
