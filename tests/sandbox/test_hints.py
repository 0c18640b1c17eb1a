"""The jobs' fast-forward hints: exact where they name an instant, and never skipping work.

A hint (`next_due`) lets the sandbox jump over minutes where a job has nothing to do. The
proof that it skips nothing: the same scenario fast-forwarded with hints and run at every
minute, as the worker would, delivers the same messages at the same minutes.
"""

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
from bot.db.models import DigestChannel, DigestPost, SummaryPost, User, Workspace
from bot.digests.jobs import next_digest_due
from bot.sandbox.workspace import Sandbox
from bot.scheduling.jobs import JOBS, JobContext
from bot.summaries.jobs import next_summary_due
from tests.sandbox.conftest import Session, sections

NEW_YORK = ZoneInfo("America/New_York")


def _sunday_noon_utc() -> datetime:
    """Next Sunday 12:00 UTC, at least a day away."""
    day = (clock.now() + timedelta(days=1)).date()
    day += timedelta(days=(6 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture
def start() -> datetime:
    return _sunday_noon_utc()


def _open(tmp_path: Path, name: str, start: datetime, **settings: object) -> Sandbox:
    config = load_settings(_env_file=None, **settings)
    return Sandbox(db_path=tmp_path / f"{name}.db", settings=config, start_at=start).start()


@pytest.fixture
def pair(tmp_path: Path, start: datetime) -> Iterator[tuple[Session, Session]]:
    """Two sandboxes with the same start; only one runs at a time (they share the clock)."""
    first = _open(tmp_path, "hinted", start)
    sessions = [Session(first)]
    try:
        yield sessions[0], _Later(tmp_path, start, sessions)  # type: ignore[misc]
    finally:
        for session in sessions:
            session.sandbox.close()


class _Later:
    """The second sandbox, started only when the first is done with the shared clock."""

    def __init__(
        self, tmp_path: Path, start: datetime, sessions: list[Session], **settings: object
    ) -> None:
        self.tmp_path, self.start, self.sessions = tmp_path, start, sessions
        self.settings = settings

    def begin(self) -> Session:
        self.sessions[0].sandbox.close()
        session = Session(_open(self.tmp_path, "every-minute", self.start, **self.settings))
        self.sessions.append(session)
        return session


SCENARIO = (
    "/brag Unblocked the payments team on the rate limiter #unblocking\n"
    ":as bob\n/brag Reviewed the caching RFC and caught the stampede #review\n"
    ":as carol\n/multiplier digest add #team\n/brag Mentored bob on the migration plan\n"
    ":as alice\n:time 2001-01-01 00:00 UTC\n"  # refused (the past): the clock stays put
)


def _arrivals(transcript: str) -> list[str]:
    """What was delivered, in order (Home refreshes are coalesced on a timer: left out)."""
    return [
        header
        for header, _ in sections(transcript)
        if header.startswith("[multiplier") and "Home tab" not in header
    ]


@pytest.mark.skipif(
    not {"summaries", "digests"} <= set(JOBS), reason="needs the summaries and digests jobs"
)
def test_hints_skip_nothing_the_worker_would_do(pair, start: datetime) -> None:
    """Summaries and the digest arrive at the same minutes with hints as minute by minute."""
    hinted, later = pair
    hinted.feed(SCENARIO)
    target = f"{(start + timedelta(hours=22)):%Y-%m-%d %H:%M} UTC"  # Monday 10:00 UTC
    fast = hinted.feed(f":time {target}\n")
    every_minute_session = later.begin()
    every_minute_session.feed(SCENARIO)
    slow = every_minute_session.feed(f":time {target} --every-minute\n")

    assert _arrivals(fast) == _arrivals(slow)
    assert any("in #team" in header for header in _arrivals(fast)), fast
    assert sum("· DM ·" in header for header in _arrivals(fast)) >= 1, fast
    assert "at 1320 instants" in slow  # every minute of the 22 hours


def _ctx(sandbox: Sandbox) -> JobContext:
    return JobContext(database=sandbox.database, settings=sandbox.config, worker_id="test")


def test_summary_hint_names_the_next_local_slot(sandbox: Sandbox) -> None:
    """The summary hint is the earliest Monday 09:00 among eligible people's zones."""
    ctx = _ctx(sandbox)
    after = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # a Sunday
    assert next_summary_due(ctx, after) is None  # nobody yet
    with sandbox.database.session() as session:
        workspace = Workspace(team_id="T0HINT", settings={})
        session.add(workspace)
        session.flush()
        for uid, tz in (("U1", "America/New_York"), ("U2", "Asia/Kolkata"), ("U3", "UTC")):
            session.add(User(workspace_id=workspace.id, slack_user_id=uid, tz=tz))
        session.add(
            User(workspace_id=workspace.id, slack_user_id="U4", tz="Pacific/Auckland", active=False)
        )
    # Monday 09:00 in Kolkata is 03:30 UTC, before UTC's 09:00 and New York's 14:00.
    assert next_summary_due(ctx, after) == datetime(2026, 11, 30, 3, 30, tzinfo=UTC)
    assert next_summary_due(ctx, datetime(2026, 11, 30, 3, 30, tzinfo=UTC)) == datetime(
        2026, 11, 30, 9, 0, tzinfo=UTC
    )
    assert next_summary_due(ctx, datetime(2026, 11, 30, 14, 0, tzinfo=UTC)) == datetime(
        2026, 12, 7, 3, 30, tzinfo=UTC
    )
    with sandbox.database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == "U1")).one()
        session.add(
            SummaryPost(workspace_id=user.workspace_id, user_id=user.id, period_key="2026-W48")
        )
    assert next_summary_due(ctx, after) == after + timedelta(minutes=1)


def test_digest_hint_is_the_next_post_or_a_waiting_one(sandbox: Sandbox) -> None:
    """The digest hint is the earliest active channel's next post, or now if one waits."""
    ctx = _ctx(sandbox)
    after = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert next_digest_due(ctx, after) is None
    slot = datetime(2026, 11, 30, 3, 30, tzinfo=UTC)
    with sandbox.database.session() as session:
        workspace = Workspace(team_id="T0HINT", settings={})
        session.add(workspace)
        session.flush()
        session.add(DigestChannel(workspace_id=workspace.id, channel_id="C1", next_post_at=slot))
        session.add(
            DigestChannel(
                workspace_id=workspace.id,
                channel_id="C2",
                next_post_at=after - timedelta(days=1),
                active=False,
            )
        )
    assert next_digest_due(ctx, after) == slot
    assert next_digest_due(ctx, slot + timedelta(hours=1)) == slot + timedelta(hours=1, minutes=1)
    with sandbox.database.session() as session:
        channel = session.scalars(
            select(DigestChannel).where(DigestChannel.channel_id == "C1")
        ).one()
        session.add(
            DigestPost(
                digest_channel_id=channel.id,
                period_key="k",
                period_start=after,
                period_end=slot,
                status="pending",
            )
        )
    assert next_digest_due(ctx, after) == after + timedelta(minutes=1)


def _friday_afternoon_new_york() -> datetime:
    """Next Friday 13:00 in New York, at least a day away."""
    local = (clock.now() + timedelta(days=1)).astimezone(NEW_YORK)
    day = local.date() + timedelta(days=(4 - local.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 13, 0, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.mark.skipif(
    not {"checkins", "checkin-reminders"} <= set(JOBS), reason="waits for issue 3's check-in jobs"
)
def test_checkin_hints_skip_nothing_the_worker_would_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check-in held by quiet hours, then its reminder, come at the same minutes either way."""
    for name in [n for n in JOBS if n not in ("checkins", "checkin-reminders")]:
        monkeypatch.delitem(JOBS, name)
    start = _friday_afternoon_new_york()
    settings = {"checkin_reminder_hours": 2}
    target = f"{(start + timedelta(hours=5, minutes=30)):%Y-%m-%d %H:%M} UTC"  # 18:30 for alice

    def scenario(session: Session) -> str:
        session.feed("/multiplier checkins on fri 15:00\n")
        with session.sandbox.database.session() as db:
            alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
            alice.quiet_start_minute, alice.quiet_end_minute = 14 * 60 + 50, 15 * 60 + 20
        return session.feed(f":time {target}{'' if session is hinted else ' --every-minute'}\n")

    hinted = Session(_open(tmp_path, "hinted", start, **settings))
    try:
        fast = scenario(hinted)
    finally:
        hinted.sandbox.close()
    minute_by_minute = Session(_open(tmp_path, "every-minute", start, **settings))
    try:
        slow = scenario(minute_by_minute)
    finally:
        minute_by_minute.sandbox.close()

    assert _arrivals(fast) == _arrivals(slow)
    assert re.search(r"→ alice · DM · Fri \d\d \w{3} 15:20 alice's time", fast), fast
    assert re.search(r"→ alice · DM · Fri \d\d \w{3} 17:00 alice's time", fast), fast
