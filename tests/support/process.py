"""Running `python -m bot` as a subprocess, the way an operator or the Procfile does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Variables that would leak the developer's own configuration into a test of the CLI.
_APP_VARIABLES = {
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "LOG_LEVEL",
}


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in _APP_VARIABLES}
    env["PYTHONPATH"] = str(ROOT)
    env.update(values)
    return env


def run_cli(
    *args: str, cwd: Path, timeout: float = 60, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion in `cwd` (away from the repository's .env), `stdin` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_cli(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dev_py_uses_this_venv() -> bool:
    """Whether `dev.py` (with MULTIPLIER_VENV=sys.prefix) would run in this virtualenv as it
    is, without installing first (it reinstalls when pyproject.toml has changed since)."""
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    stamp = Path(sys.prefix) / ".multiplier-install-stamp"
    return stamp.exists() and stamp.read_text() == dev._wanted_stamp()
