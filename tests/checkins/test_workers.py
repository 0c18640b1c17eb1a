"""Worker processes: SIGKILL mid fan-out, two workers on one PostgreSQL, a broken prompt file."""

from __future__ import annotations

import os
import re
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.coaching.library import LibraryError
from bot.config import load_settings
from bot.db.engine import Database
from bot.db.models import CheckIn
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, posts_per_user, utc
from tests.support.process import free_port, run_cli, start_cli

NOW = utc(2026, 11, 20, 15)


def worker_env(database: Database, standin: SlackStandIn, **extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": database.url,
        "SLACK_API_URL": standin.base_url,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SEND_RATE_PER_MINUTE": "100000",
        "SLACK_SEND_CHANNEL_PER_SECOND": "100",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def assert_exactly_one_each(database: Database, standin: SlackStandIn, ids: list[str]) -> None:
    counts = posts_per_user(standin)
    assert {channel.removeprefix("D") for channel in counts} == set(ids)
    duplicates = {c: n for c, n in counts.items() if n != 1}
    assert duplicates == {}
    by_channel = {m["channel"]: m["ts"] for m in standin.messages() if m.get("metadata")}
    with database.session() as session:
        rows = session.scalars(select(CheckIn)).all()
    assert len(rows) == len(ids)
    assert {r.status for r in rows} == {"sent"}
    assert all(by_channel[r.channel_id] == r.message_ts for r in rows)


@pytest.mark.slow
def test_sigkill_while_sending_then_restart_sends_each_user_exactly_once(
    database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """A worker killed with SIGKILL mid fan-out to 500 users, then rerun: exactly one check-in each."""
    ids = [f"U{i:04d}" for i in range(500)]
    add_users(database, ids, now=NOW - timedelta(days=1), standin=standin)
    standin.set_delay("chat.postMessage", 0.02)
    env = worker_env(database, standin, SLACK_SEND_THREADS="4")
    args = ("jobs", "run", "checkins", "--now", NOW.isoformat())
    worker = start_cli(*args, cwd=tmp_path, **env)
    try:
        standin.wait_for("chat.postMessage", count=150, timeout=90)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    sent_before_restart = len(standin.calls_to("chat.postMessage"))
    assert sent_before_restart < len(ids)
    with database.session() as session:
        in_doubt = session.scalars(select(CheckIn).where(CheckIn.status == "claimed")).all()
    assert in_doubt, "the kill should leave claimed rows whose outcome is unknown"
    standin.set_delay("chat.postMessage", 0)
    result = run_cli(*args, cwd=tmp_path, timeout=180, **env)
    assert result.returncode == 0, result.stderr
    found = int(re.search(r"already posted: (\d+)", result.stdout).group(1))
    assert found >= 1, result.stdout  # posted before the kill, found by metadata, not resent
    assert standin.calls_to("conversations.history")
    assert_exactly_one_each(database, standin, ids)


@pytest.mark.slow
@pytest.mark.postgres_only
def test_two_workers_on_one_postgres_share_2000_users_without_duplicates(
    database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """Two worker processes on one PostgreSQL, 2,000 due users: none missing, none twice."""
    ids = [f"U{i:05d}" for i in range(2000)]
    add_users(database, ids, now=NOW - timedelta(days=1), standin=standin)
    standin.set_delay("chat.postMessage", 0.004)
    env = worker_env(database, standin, SLACK_SEND_THREADS="2")
    args = ("jobs", "run", "checkins", "--now", NOW.isoformat())
    workers = [start_cli(*args, cwd=tmp_path, **env) for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert_exactly_one_each(database, standin, ids)
    with database.session() as session:
        owners = set(session.scalars(select(CheckIn.claimed_by)))
    assert len(owners) == 2, f"both workers should have sent some: {outputs}"


def _broken_prompts(directory: Path) -> Path:
    directory.mkdir()
    (directory / "reflection_prompts.yaml").write_text(
        "version: 1\n"
        "prompts:\n"
        "  - id: my-broken-prompt\n"
        "    dimension: no_such_dimension\n"
        '    text: "What did you unblock?"\n'
        "    follow_ups: [Who?]\n"
        "    seed: 000_2b2af25af9349d96.txt\n"
    )
    return directory


def test_a_broken_prompt_file_stops_start_up_naming_the_file_and_entry(tmp_path: Path) -> None:
    """create_app, `serve`, `worker` and `jobs run` refuse to start on a broken prompt file."""
    prompts = _broken_prompts(tmp_path / "team-prompts")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        database_url=url,
        prompts_dir=prompts,
    )
    with pytest.raises(LibraryError) as raised:
        create_app(settings=settings, database=Database(url), verify_token=False)
    assert "reflection_prompts.yaml" in str(raised.value)
    assert "my-broken-prompt" in str(raised.value)
    env = {
        "DATABASE_URL": url,
        "PROMPTS_DIR": str(prompts),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
    }
    for args in (
        ("jobs", "run", "checkins"),
        ("worker",),
        ("serve", "--http", "--port", str(free_port())),
    ):
        result = run_cli(*args, cwd=tmp_path, timeout=60, **env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "team-prompts/reflection_prompts.yaml" in result.stderr
        assert "'my-broken-prompt'" in result.stderr and "no_such_dimension" in result.stderr
        assert "Traceback" not in result.stderr
