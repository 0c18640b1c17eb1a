"""The command line: help on every command, the start command's guidance, jobs and migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.support.process import ROOT, run_cli


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["serve"],
        ["sandbox"],
        ["migrate"],
        ["worker"],
        ["jobs"],
        ["jobs", "run"],
        ["jobs", "list"],
    ],
)
def test_every_command_has_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` works on every command and subcommand and exits 0 (in this process: the
    parser answers before anything else runs; other tests start the CLI as a process)."""
    with pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    assert "usage: multiplier" in capsys.readouterr().out


def test_start_without_credentials_starts_the_sandbox(tmp_path: Path) -> None:
    """With no Slack settings, the README's run command starts the local sandbox.

    It says first that this is the sandbox and how to connect to real Slack, then chats with
    the real app: a scripted `/multiplier help` is answered, and `:quit` exits 0.
    """
    result = run_cli(cwd=tmp_path, stdin="/multiplier help\n:quit\n/brag never read\n")
    assert result.returncode == 0, result.stderr
    assert "local sandbox" in result.stderr
    assert "manifest.yml" in result.stderr
    for variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        assert variable in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Multiplier local sandbox" in result.stdout
    assert "alice> /multiplier help" in result.stdout
    assert "/kudos @someone" in result.stdout
    assert "never read" not in result.stdout
    assert (tmp_path / "sandbox.db").exists()


def test_readme_run_command_is_python_m_bot() -> None:
    """The README's run command is `python3 dev.py start`, which runs `python -m bot`."""
    readme = (ROOT / "README.md").read_text()
    assert "python3 dev.py start" in readme
    dev = (ROOT / "dev.py").read_text()
    assert 'args = [str(PYTHON), "-m", "bot", *rest]' in dev


def test_sandbox_reads_a_script_and_exits_at_its_end(tmp_path: Path) -> None:
    """`sandbox` with a piped script echoes each line, runs it, and exits 0 at end of input."""
    script = "/brag Wrote the caching RFC\n:home\n"
    result = run_cli("sandbox", "--db", "week.db", cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "alice> /brag Wrote the caching RFC" in result.stdout
    assert "Logged to your private evidence" in result.stdout
    assert "[Home tab · alice]" in result.stdout
    assert result.stdout.rstrip().endswith("--fresh starts over.)")
    assert (tmp_path / "week.db").exists()
    again = run_cli("sandbox", "--db", "week.db", "--fresh", cwd=tmp_path, stdin=":home\n")
    assert "Wrote the caching RFC" not in again.stdout


def test_partial_slack_settings_name_what_is_missing(tmp_path: Path) -> None:
    """A bot token without a signing secret is a mistake to point out, not a sandbox."""
    result = run_cli(cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1-2-3")
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_sandbox_options_with_slack_settings_are_refused(tmp_path: Path) -> None:
    """With Slack settings present, `--fresh` is pointed out as a sandbox option instead of
    being ignored by a server that starts anyway."""
    result = run_cli(
        "--fresh", "--as", "bob", cwd=tmp_path, SLACK_BOT_TOKEN="xoxb-1-2-3",
        SLACK_SIGNING_SECRET="s",
    )  # fmt: skip
    assert result.returncode == 2
    assert "--fresh and --as are for the local sandbox" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_sqlite_schema(tmp_path: Path) -> None:
    """`migrate` brings a new SQLite file to the newest revision, and is idempotent."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    for _ in range(2):
        result = run_cli("migrate", cwd=tmp_path, DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert "up to date" in result.stdout
    with sqlite3.connect(tmp_path / "app.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"workspaces", "users", "evidence_entries", "alembic_version"} <= tables


def test_jobs_run_is_repeatable(tmp_path: Path) -> None:
    """`jobs run <job> --now T` runs once for that instant, and again with the same outcome."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    outputs = [
        run_cli(
            "jobs",
            "run",
            "prune-events",
            "--now",
            "2026-11-20T15:00:00Z",
            cwd=tmp_path,
            DATABASE_URL=url,
        )
        for _ in range(2)
    ]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        assert "prune-events at 2026-11-20T15:00:00+00:00" in result.stdout


def test_jobs_run_rejects_a_bad_instant(tmp_path: Path) -> None:
    """A malformed --now is refused with an example of the expected form."""
    result = run_cli("jobs", "run", "prune-events", "--now", "next friday", cwd=tmp_path)
    assert result.returncode == 2
    assert "ISO-8601" in result.stderr


def test_jobs_list_names_the_jobs(tmp_path: Path) -> None:
    """`jobs list` names each job with a description."""
    result = run_cli("jobs", "list", cwd=tmp_path)
    assert result.returncode == 0
    assert "prune-events" in result.stdout


def test_unreachable_database_is_one_clear_sentence(tmp_path: Path) -> None:
    """A database that cannot be reached gives a plain message naming DATABASE_URL, no traceback."""
    result = run_cli(
        "jobs",
        "run",
        "prune-events",
        cwd=tmp_path,
        DATABASE_URL="postgresql://postgres:secret@127.0.0.1:1/nowhere",
    )
    assert result.returncode == 2
    assert "Cannot reach the database" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_sandbox_on_a_broken_file_suggests_fresh(tmp_path: Path) -> None:
    """A sandbox database that is not SQLite is one clear sentence pointing at --fresh."""
    (tmp_path / "sandbox.db").write_text("not a database")
    result = run_cli("sandbox", cwd=tmp_path, stdin=":quit\n")
    assert result.returncode == 2
    assert "The sandbox could not start" in result.stderr
    assert "--fresh" in result.stderr
    assert "Traceback" not in result.stderr


def test_worker_ticks_and_stops(tmp_path: Path, standin) -> None:
    """`worker` migrates nothing it should not, runs every job on its first tick, and stops on SIGTERM."""
    from tests.support.process import start_cli

    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_cli("migrate", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    process = start_cli(
        "worker",
        cwd=tmp_path,
        DATABASE_URL=url,
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_API_URL=standin.base_url,
        LOG_LEVEL="INFO",
    )
    try:
        seen = []
        for line in process.stdout:  # blocks until the worker writes: no sleeping
            seen.append(line)
            if "prune-events:" in line:
                break
        assert any("prune-events:" in line for line in seen), "".join(seen)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_worker_without_token_exits_2(tmp_path: Path) -> None:
    """The worker needs a bot token to send anything; without one it says so and exits 2."""
    result = run_cli("worker", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr


def _python(code: str) -> str:
    """Run `code` in a fresh interpreter (process-wide changes stay there); its stdout."""
    import subprocess
    import sys

    from tests.support.process import clean_env

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_worker_lowers_its_own_cpu_priority() -> None:
    """WORKER_NICE is added to the worker's niceness (capped at 19, as Unix does)."""
    moved = _python(
        "import os; from bot.__main__ import yield_cpu_to_requests; before = os.nice(0); "
        "yield_cpu_to_requests(7); print(before, os.nice(0))"
    )
    before, after = map(int, moved.split())
    assert after == min(19, before + 7)
    unmoved = _python(
        "import os; from bot.__main__ import yield_cpu_to_requests; before = os.nice(0); "
        "yield_cpu_to_requests(0); print(os.nice(0) - before)"
    )
    assert unmoved == "0"


def test_start_up_objects_are_frozen_out_of_the_collectors_sight() -> None:
    """After settle_memory, full collections skip what start-up built (gc.freeze)."""
    frozen = _python(
        "import gc; import bot.app; from bot.__main__ import settle_memory; "
        "settle_memory(); print(gc.get_freeze_count())"
    )
    assert int(frozen) > 10_000
