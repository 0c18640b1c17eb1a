"""How much CPU an idle worker and an idle web process use: each should sleep.

Starts the Slack Web API stand-in (in this process; it is idle too), migrates a database (a
fresh SQLite file, or a schema of its own on --database-url, dropped afterwards), then two
processes as an operator runs them:

- `python -m bot worker` (the scheduler and the Home refresher);
- `python -m bot serve --http` (waitress, Bolt's listener threads and the Home refresher).

Once both have started and settled (--settle seconds, so that start-up and the worker's
first tick are over), it reads each process's user + system CPU time from /proc/PID/stat
over --seconds (default 10) and prints one line per process, in percent of one core, then
exits 0 when both are under 3 %.

    .venv/bin/python bench/idle_cpu.py                      # SQLite
    .venv/bin/python bench/idle_cpu.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ack_latency import (  # noqa: E402
    cpu_seconds,
    drop_schema,
    free_port,
    wait_until_serving,
    with_schema,
)
from bot.config import normalise_database_url  # noqa: E402
from standin.webapi import SlackStandIn  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 - a local run against the stand-in
TARGET_PERCENT = 3.0


def app_env(database_url: str, standin: SlackStandIn) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.base_url,
        DATABASE_URL=database_url,
    )
    return env


def wait_for_line(log: Path, text: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        if process.poll() is not None:
            raise SystemExit(f"the process exited early (code {process.returncode}): {log}")
        if time.monotonic() > deadline:
            raise SystemExit(f"{text!r} not in {log} within {timeout} s")
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured (default 10)")
    parser.add_argument("--settle", type=float, default=3.0, help="after start-up (default 3)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="multiplier-idle-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'idle.db'}"
    schema = None
    if args.database_url:
        schema = f"bench_idle_{os.getpid()}"
        database_url = with_schema(normalise_database_url(args.database_url), schema)
    processes: list[subprocess.Popen] = []
    standin = SlackStandIn().start()
    try:
        env = app_env(database_url, standin)
        subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            env=env,
            cwd=workdir,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        logs = {"worker": workdir / "worker.log", "serve": workdir / "serve.log"}
        port = free_port()
        commands = {
            "worker": ["worker"],
            "serve": ["serve", "--http", "--port", str(port), "--host", "127.0.0.1"],
        }
        started = {}
        for name, command in commands.items():
            with logs[name].open("w") as log:
                started[name] = subprocess.Popen(
                    [sys.executable, "-m", "bot", *command],
                    env=env,
                    cwd=workdir,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            processes.append(started[name])
        wait_until_serving(port, started["serve"])
        wait_for_line(logs["worker"], "started", started["worker"])
        time.sleep(args.settle)

        before = {name: cpu_seconds(p.pid) for name, p in started.items()}
        t0 = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - t0
        percent = {
            name: 100 * (cpu_seconds(p.pid) - before[name]) / elapsed for name, p in started.items()
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        standin.stop()
        if schema is not None:
            drop_schema(normalise_database_url(args.database_url), schema)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"idle CPU over {elapsed:.1f} s, {backend}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}:"
    )
    for name, value in percent.items():
        print(f"  {name:7} {value:5.2f} % of one core")
    met = all(value < TARGET_PERCENT for value in percent.values())
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
