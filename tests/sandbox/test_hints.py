"""The jobs' fast-forward hints: exact where they name an instant, and never skipping work.

A hint (`next_due`) lets the sandbox jump over minutes where a job has nothing to do. The
proof that it skips nothing: the same scenario fast-forwarded with hints and run at every
minute, as the worker would, delivers the same messages at the same minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import clock
from bot.checkins import service as checkin_service
from bot.config import load_settings
from bot.db.models import DigestChannel, DigestPost, SummaryPost, User, Workspace
from bot.digests.jobs import next_digest_due
from bot.scheduling.catalog import JOBS
from bot.scheduling.jobs import JobContext
from bot.summaries.jobs import next_summary_due
from sandbox.workspace import Sandbox
from tests.sandbox.conftest import Session, sections

NEW_YORK = ZoneInfo("America/New_York")


def _sunday_noon_utc() -> datetime:
    """Next Sunday 12:00 UTC, at least a day away."""
    day = (clock.now() + timedelta(days=1)).date()
    day += timedelta(days=(6 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _open(tmp_path: Path, name: str, start: datetime, **settings: object) -> Sandbox:
    config = load_settings(_env_file=None, **settings)
    return Sandbox(db_path=tmp_path / f"{name}.db", settings=config, start_at=start).start()


def _arrivals(transcript: str) -> list[str]:
    """What was delivered, in order (Home refreshes are coalesced on a timer: left out)."""
    return [
        header
        for header, _ in sections(transcript)
        if header.startswith("[multiplier") and "Home tab" not in header
    ]


def _both_ways(
    tmp_path: Path,
    start: datetime,
    scenario: Callable[[Session], None],
    target: datetime,
    **settings: object,
) -> tuple[str, str]:
    """The :time transcript to `target` with hints, then (in a twin sandbox) minute by minute.

    The two sandboxes run one after the other: they share the app's one clock.
    """
    transcripts = []
    for name, flag in (("hinted", ""), ("every-minute", " --every-minute")):
        session = Session(_open(tmp_path, name, start, **settings))
        try:
            scenario(session)
            transcripts.append(session.feed(f":time {target:%Y-%m-%d %H:%M} UTC{flag}\n"))
        finally:
            session.sandbox.close()
    return transcripts[0], transcripts[1]


def _only_jobs(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Keep just these jobs registered (minute-by-minute runs of the others cost time)."""
    for name in [n for n in JOBS if n not in names]:
        monkeypatch.delitem(JOBS, name)


@pytest.mark.slow
def test_summary_and_digest_hints_skip_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Summaries and the digest arrive at the same minutes with hints as minute by minute."""
    _only_jobs(monkeypatch, "summaries", "digests")
    start = _sunday_noon_utc()

    def scenario(session: Session) -> None:
        session.feed(
            ":as carol\n/multiplier digest add #team\n:as alice\n"
            "/brag Unblocked the payments team on the rate limiter #unblocking\n"
            ":as bob\n/brag Reviewed the caching RFC and caught the stampede #review\n"
            ":as carol\n/brag Mentored bob on the plan\n"
            f":time {start + timedelta(hours=14):%Y-%m-%d %H:%M} UTC\n"  # Monday 02:00 UTC
        )

    # Monday 02:00-09:00 UTC: carol's digest and summary (09:00 in Kolkata), bob's (Berlin).
    # The digest is added on Friday: a new digest's first covers at least a day.
    fast, slow = _both_ways(
        tmp_path, start - timedelta(days=2), scenario, start + timedelta(hours=21)
    )
    assert _arrivals(fast) == _arrivals(slow)
    assert any("in #team" in header for header in _arrivals(fast)), fast
    assert sum("· DM ·" in header for header in _arrivals(fast)) >= 2, fast
    assert "at 420 instants" in slow  # every minute of the 7 hours


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


@pytest.mark.slow
def test_checkin_hints_skip_nothing_the_worker_would_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check-in held by quiet hours, then its reminder, come at the same minutes either way."""
    _only_jobs(monkeypatch, "checkins", "checkin-reminders")
    start = _friday_afternoon_new_york()

    def scenario(session: Session) -> None:
        session.feed("/multiplier checkins on fri 15:00\n")
        with session.sandbox.database.session() as db:
            alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
            alice.quiet_start_minute, alice.quiet_end_minute = 14 * 60 + 50, 15 * 60 + 20
            # Here since last week: a first check-in an hour after joining would not come.
            alice.created_at -= timedelta(weeks=1)
            checkin_service.reschedule(session=db, user=alice, now=clock.now())

    fast, slow = _both_ways(
        tmp_path, start, scenario, start + timedelta(hours=5, minutes=30), checkin_reminder_hours=2
    )
    assert _arrivals(fast) == _arrivals(slow)
    assert re.search(r"→ alice · DM · Fri \d\d \w{3} 15:20 alice's time", fast), fast
    assert re.search(r"→ alice · DM · Fri \d\d \w{3} 17:00 alice's time", fast), fast


def test_purge_and_refresh_hints(sandbox: Sandbox) -> None:
    """Purge wakes at the earliest purge_after; single-workspace tokens never need a refresh."""
    from bot.workspaces.jobs import next_purge_due, next_refresh_due

    ctx = _ctx(sandbox)
    after = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert next_purge_due(ctx, after) is None
    assert next_refresh_due(ctx, after) is None
    later = after + timedelta(days=30)
    with sandbox.database.session() as session:
        session.add(Workspace(team_id="T0GONE", settings={}, active=False, purge_after=later))
    assert next_purge_due(ctx, after) == later
    assert next_purge_due(ctx, later + timedelta(hours=1)) == later + timedelta(hours=1, minutes=1)


def test_every_job_has_a_hint() -> None:
    """A job without one runs every sandbox minute of a `:time +90d` jump (129,600 runs)."""
    from sandbox.hints import NEXT_DUE

    assert set(JOBS) - set(NEXT_DUE) == set()


def test_suggestions_are_forgotten_once_a_day(sandbox: Sandbox) -> None:
    """Expired thanks suggestions are forgotten at the next midnight (UTC), not each minute."""
    from sandbox.hints import NEXT_DUE

    after = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
    assert NEXT_DUE["expire-suggestions"](_ctx(sandbox), after) == datetime(2026, 12, 8, tzinfo=UTC)


def test_a_dms_messages_at_different_sandbox_instants_do_not_wait_a_real_second() -> None:
    """Hours of the sandbox's clock pass in milliseconds: a check-in and its reminder six
    (sandbox) hours later went out a real second apart, Slack's spacing for one channel, and a
    90-day jump spent most of its 40 s asleep in the pacer. The sandbox does not space them."""
    from bot.delivery.sender import RateLimiter
    from sandbox.workspace import sandbox_settings

    settings = sandbox_settings(
        None, api_url="http://127.0.0.1:1/api/", bot_token="xoxb-1", secret="s", db_url="sqlite://"
    )
    slept: list[float] = []
    limiter = RateLimiter(
        per_minute=settings.slack_send_rate_per_minute,
        channel_per_second=settings.slack_send_channel_per_second,
        monotonic=lambda: 100.0,
        sleep=slept.append,
    )
    limiter.acquire("T1", "D1")  # the check-in
    limiter.acquire("T1", "D1")  # its reminder, the next instant the sandbox runs
    assert sum(slept) < 0.2, slept
