"""`jobs run checkins` under sustained 429s does not pretend it finished: it exits non-zero
and says how to finish; run again once Slack answers, everyone gets exactly one (issue 12
item 7)."""

from __future__ import annotations

from pathlib import Path

from bot.db.engine import Database
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, checkins, posts_per_user
from tests.checkins.test_workers import NOW, worker_env
from tests.support.process import run_cli

ARGS = ("jobs", "run", "checkins", "--now", "2026-11-20T15:00:00Z")


def test_sustained_429s_exit_non_zero_and_say_how_to_finish(
    database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """Slack answers every post with 429: the run gives up on the workspace, exits 3 and says
    what is left and the exact command to finish; the rerun sends each check-in once."""
    ids = [f"U{i:03d}" for i in range(20)]
    add_users(database, ids, now=NOW, standin=standin)
    standin.rate_limit_next("chat.postMessage", retry_after=0, times=100_000)
    env = worker_env(database, standin, SLACK_SEND_THREADS="1")
    result = run_cli(*ARGS, cwd=tmp_path, timeout=120, **env)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "left for later 20" in result.stdout
    told = result.stderr
    assert "not finished: 20 check-ins due but not sent" in told
    assert "run `python -m bot jobs run checkins --now 2026-11-20T15:00:00+00:00` again" in told
    assert "CHECKIN_GRACE_HOURS" in told and "Traceback" not in told
    assert posts_per_user(standin) == {}
    assert {row.status for row in checkins(database)} == {"pending"}

    standin.clear_faults()  # Slack answers again: the command it gave finishes the job
    again = run_cli(*ARGS, cwd=tmp_path, timeout=120, **env)
    assert again.returncode == 0, again.stderr
    assert "sent 20" in again.stdout and "not finished" not in again.stderr
    counts = posts_per_user(standin)
    assert len(counts) == 20 and set(counts.values()) == {1}
