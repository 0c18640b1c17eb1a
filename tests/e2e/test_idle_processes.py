"""An idle app sleeps: the worker and the web process, real processes with nothing to do,
use almost no CPU (measured from /proc, as an operator's `top` would)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from standin.webapi import SlackStandIn
from tests.e2e.test_http_process import _wait_healthy
from tests.e2e.test_procfile import _env, _stop
from tests.support.databases import MigratedDatabase
from tests.support.process import free_port, start_cli

MEASURED_SECONDS = 10.0
# Of one core.
MOST_PERCENT = 3.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_line(process: subprocess.Popen[str], text: str) -> None:
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"the process ended before saying {text!r}:\n{''.join(seen)}")


def test_an_idle_worker_and_an_idle_web_process_start_quietly_and_sleep(
    test_database: MigratedDatabase, standin: SlackStandIn, tmp_path: Path
) -> None:
    """Started as an operator starts them (settings in the environment), `worker` and
    `serve` log no warning, and left alone for 10 s each use under 3 % of a core."""
    env = _env(standin, test_database.url)
    port = free_port()
    worker = start_cli("worker", cwd=tmp_path, **env)
    web = start_cli(
        "serve", "--http", "--port", str(port), "--host", "127.0.0.1", cwd=tmp_path, **env
    )
    try:
        _wait_for_line(worker, "started")
        _wait_healthy(f"http://127.0.0.1:{port}", web)
        # Start-up is over (imports, migrations check, the worker's first tick) once both
        # answer; what follows is the idle process.
        processes = {"worker": worker, "serve": web}
        before = {name: cpu_seconds(p.pid) for name, p in processes.items()}
        started = time.monotonic()
        time.sleep(MEASURED_SECONDS)  # the measurement window: nothing happens in it
        elapsed = time.monotonic() - started
        percent = {
            name: 100 * (cpu_seconds(p.pid) - before[name]) / elapsed
            for name, p in processes.items()
        }
        assert all(p.poll() is None for p in processes.values())
    finally:
        _stop(worker)
        _stop(web)
    assert percent["worker"] < MOST_PERCENT, percent
    assert percent["serve"] < MOST_PERCENT, percent
    for name, process in processes.items():
        logged = process.stdout.read()
        warnings = [line for line in logged.splitlines() if '"level": "WARNING"' in line]
        assert warnings == [], f"{name}:\n{logged}"
