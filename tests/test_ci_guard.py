"""With CI=true the suite refuses to run without PostgreSQL instead of skipping half of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_pytest(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/ui/test_text.py"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ci_fails_when_postgres_is_unreachable() -> None:
    """CI=true with an unreachable PostgreSQL is a failure with a message naming the URL."""
    bad = "postgresql+psycopg://postgres@127.0.0.1:1/test"
    result = _run_pytest(CI="true", TEST_POSTGRES_URL=bad)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stdout + result.stderr
    assert "127.0.0.1:1" in result.stdout + result.stderr


def test_outside_ci_the_sqlite_half_runs_and_says_so() -> None:
    """Without CI, an unreachable PostgreSQL is skipped and the summary says so plainly."""
    bad = "postgresql+psycopg://postgres@127.0.0.1:1/test"
    result = _run_pytest(CI="", TEST_POSTGRES_URL=bad)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ran the SQLite half only" in result.stdout
