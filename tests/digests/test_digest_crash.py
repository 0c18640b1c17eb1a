"""A worker killed with SIGKILL in the middle of a digest run posts each digest once after restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import DigestPost
from bot.digests.service import STALE_CLAIM
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings
from tests.support.databases import MigratedDatabase
from tests.support.process import start_cli

SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
MEMBERS = ["UALICE", "UBOB", "UCAROL"]
CHANNELS = [f"CDIGEST{n:02d}" for n in range(12)]


def _digest_posts(standin: SlackStandIn) -> dict[str, int]:
    """How many digests each channel received at the stand-in (successful posts only)."""
    counts = dict.fromkeys(CHANNELS, 0)
    for call in standin.calls_to("chat.postMessage"):
        channel = call.params.get("channel")
        if channel in counts and call.ok:
            counts[channel] += 1
    return counts


@pytest.mark.slow
def test_killed_digest_run_posts_each_digest_once_after_restart(
    test_database: MigratedDatabase, database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """SIGKILL mid-run (one post possibly sent but unrecorded), then a later run: one post each."""
    with database.session() as session:
        people = [logbook.user(session, member) for member in MEMBERS]
        for channel in CHANNELS:
            standin.add_channel(channel, channel.lower(), [*MEMBERS, "UBOT"])
            logbook.digest_channel(session, channel, channel.lower(), MEMBERS, next_post_at=SLOT)
        # Something to report (a week with nothing posts nothing).
        logbook.entry(session, people[0], SLOT - timedelta(days=1), visibility="team")
    # Slow posts, so the kill lands while the run is sending.
    standin.set_delay("chat.postMessage", 0.3)
    worker = start_cli(
        "jobs",
        "run",
        "digests",
        "--now",
        SLOT.isoformat(),
        cwd=tmp_path,
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_SIGNING_SECRET="unused",
        SLACK_API_URL=standin.base_url,
        DATABASE_URL=test_database.url,
    )
    try:
        standin.wait_for(
            "chat.postMessage",
            count=4,
            timeout=60,
            predicate=lambda call: call.params.get("channel") in CHANNELS,
        )
        worker.kill()  # SIGKILL: no clean-up, claims left behind
        worker.wait(timeout=10)
    except AssertionError:
        worker.kill()
        pytest.fail(f"the worker sent nothing; it said:\n{worker.stdout.read()}")
    finally:
        if worker.poll() is None:
            worker.kill()
    before = _digest_posts(standin)
    assert 0 < sum(before.values()) < len(CHANNELS), "the kill must land mid-run"

    # The restarted worker ticks later: stale claims are settled against the channel's history.
    standin.set_delay("chat.postMessage", 0)
    settings = make_settings(standin=standin, database_url=database.url)
    ctx = JobContext(database=database, settings=settings, worker_id="restarted")
    run_job("digests", ctx, SLOT + STALE_CLAIM + STALE_CLAIM)
    run_job("digests", ctx, SLOT + STALE_CLAIM + STALE_CLAIM)

    after = _digest_posts(standin)
    assert after == dict.fromkeys(CHANNELS, 1), after
    with database.session() as session:
        posts = session.scalars(select(DigestPost)).all()
        assert len(posts) == len(CHANNELS)
        assert {p.status for p in posts} == {"sent"}
