"""How fast Multiplier acks /brag, beside a bare Bolt app, and how much memory it holds.

Starts, each as its own process:
- the Slack Web API stand-in (bench/standin_server.py);
- Multiplier's web process exactly as the Procfile runs it (`python -m bot serve --http`),
  in single-workspace token mode, on SQLite (default) or the PostgreSQL of --database-url;
- a bare Bolt app whose /brag only acks (bench/bare_app.py), on the same waitress settings.

Seeds 10,000 enrolled users, then sends signed /brag requests from those users at the given
concurrency to both apps in alternating rounds, and reports p50/p99/max ack latency and
errors. For Multiplier an error is a non-200 ack, an ack slower than Slack's 3 s, or a /brag
whose after-ack work did not store its entry (e.g. "database is locked"), counted from the
database and from ERROR lines in the web process's log. Finally it measures the resident
memory (VmRSS) of the web process after the load and of `python -m bot worker` after its
first tick over the same 10,000 users.

    .venv/bin/python bench/ack_latency.py                      # SQLite
    .venv/bin/python bench/ack_latency.py --database-url postgresql://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from bot.config import normalise_database_url  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.db.models import EvidenceEntry, User, Workspace  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 - a local run against the stand-in
TEAM_ID = "T0001"
USERS = 10_000
STANDIN_NICE = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(database_url: str, standin: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        SLACK_BOT_TOKEN=standin["bot_token"],
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin["base_url"],
        DATABASE_URL=database_url,
        LOG_LEVEL="INFO",
    )
    return env


def with_schema(url: str, schema: str) -> str:
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def wait_until_serving(port: int, process: subprocess.Popen, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process on port {port} exited early (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers: serving
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing served on port {port} within 60 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def niceness(pid: int) -> int:
    """The nice value a process runs at."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed_users(database_url: str) -> None:
    """10,000 enrolled engineers in one workspace, inserted in bulk."""
    database = Database(database_url)
    with database.session() as session:
        session.execute(text("DELETE FROM evidence_entries"))
        session.execute(text("DELETE FROM users"))
        session.execute(text("DELETE FROM workspaces"))
        workspace = Workspace(team_id=TEAM_ID, name="Bench", settings={})
        session.add(workspace)
        session.flush()
        session.execute(
            insert(User),
            [
                {
                    "workspace_id": workspace.id,
                    "slack_user_id": f"U{n:07d}",
                    "tz": "Europe/Berlin",
                    "checkins_enabled": True,
                }
                for n in range(USERS)
            ],
        )
    database.dispose()


def stored_entries(database_url: str) -> int:
    database = Database(database_url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(EvidenceEntry)) or 0
    finally:
        database.dispose()


def stored_after(database_url: str, sent_at: dict[int, float]) -> dict[str, float]:
    """p50/p99/max of (entry stored - request sent), matched by the request number."""
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(select(EvidenceEntry.text, EvidenceEntry.created_at)).all()
    finally:
        database.dispose()
    delays = [
        created.timestamp() - sent_at[int(text.rsplit(" ", 1)[1])]
        for text, created in rows
        if int(text.rsplit(" ", 1)[1]) in sent_at
    ]
    if not delays:
        return {}
    return {
        "p50_ms": round(percentile(delays, 0.50) * 1000, 1),
        "p99_ms": round(percentile(delays, 0.99) * 1000, 1),
        "max_ms": round(max(delays) * 1000, 1),
    }


class Load:
    """Signed /brag requests over keep-alive connections, one per sending thread."""

    def __init__(self, port: int, urls: list[str]) -> None:
        self.port = port
        self.urls = urls
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._next = 0
        self._lock = threading.Lock()
        # Request number -> wall-clock instant it was sent (to time the queued work).
        self.sent_at: dict[int, float] = {}

    def _body(self, n: int) -> bytes:
        with self._lock:
            url = self.urls[self._next % len(self.urls)]
            self._next += 1
        user = f"U{n % USERS:07d}"
        return urlencode(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "team_domain": "bench",
                "channel_id": "C0GENERAL",
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/brag",
                "text": f"Unblocked the platform team on the rate limiter, request {n}",
                "api_app_id": "A0001",
                "is_enterprise_install": "false",
                "response_url": url,
                "trigger_id": f"{n}.1.abc",
            }
        ).encode()

    def _request(self, n: int) -> bytes:
        """The whole signed HTTP request for request number n, ready to send."""
        body = self._body(n)
        stamp = str(int(time.time()))
        signature = self.verifier.generate_signature(timestamp=stamp, body=body)
        head = (
            "POST /slack/events HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"X-Slack-Request-Timestamp: {stamp}\r\n"
            f"X-Slack-Signature: {signature}\r\n\r\n"
        )
        return head.encode() + body

    def run(self, requests: int, concurrency: int, offset: int) -> tuple[list[float], int]:
        """Send `requests` requests, `concurrency` at a time; (latencies, errors).

        Every request is built and signed before the clock starts, and the client reads
        responses with a minimal HTTP/1.1 parser: the load generator shares the machine's
        two cores and one GIL, and with http.client and signing inside the loop its own CPU
        showed up in the measured latencies, the more so the faster the server answered.
        """
        prepared = [(n, self._request(n)) for n in range(offset, offset + requests)]
        latencies: list[float] = []
        errors = 0
        guard = threading.Lock()
        queue = iter(prepared)

        def worker() -> None:
            nonlocal errors
            connection = _Connection(self.port)
            while True:
                with guard:
                    item = next(queue, None)
                if item is None:
                    break
                n, request = item
                self.sent_at[n] = time.time()
                started = time.perf_counter()
                try:
                    status = connection.exchange(request)
                except OSError:
                    connection.close()
                    connection = _Connection(self.port)
                    status = 0
                elapsed = time.perf_counter() - started
                with guard:
                    latencies.append(elapsed)
                    if status != 200 or elapsed >= 3.0:
                        errors += 1
            connection.close()

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies, errors


class _Connection:
    """One keep-alive HTTP/1.1 connection: send a prepared request, read one response."""

    def __init__(self, port: int) -> None:
        self._socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = b""

    def exchange(self, request: bytes) -> int:
        """Send the request; return the response's status once all of it has arrived."""
        self._socket.sendall(request)
        while b"\r\n\r\n" not in self._buffer:
            self._receive()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._receive_more()
        self._buffer = rest[length:]
        return status

    def _receive(self) -> None:
        self._buffer += self._receive_more()

    def _receive_more(self) -> bytes:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def close(self) -> None:
        self._socket.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(latencies: list[float], errors: int) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "errors": errors,
    }


def main() -> int:  # noqa: PLR0912, PLR0915 - one linear script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per app (default 2000)")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per app")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=None,
        help="the worker's WORKER_NICE (default: the app's own default, 10)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="multiplier-bench-"))
    print(f"working in {workdir}", file=sys.stderr)
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    schema = None
    if args.database_url:
        # A schema of its own on the shared server, dropped at the end.
        schema = f"bench_{os.getpid()}"
        database_url = with_schema(normalise_database_url(args.database_url), schema)
    processes: list[subprocess.Popen] = []
    try:
        standin_file = workdir / "standin.json"
        url_count = args.requests * 2 // 5 + 500  # each response_url takes five posts
        # The stand-in plays Slack's servers, which are not on the machine under test: it
        # yields the cores to the processes measured (its work is the worker's posts).
        standin_process = subprocess.Popen(
            [
                "nice",
                "-n",
                str(STANDIN_NICE),
                sys.executable,
                str(ROOT / "bench" / "standin_server.py"),
                str(standin_file),
                str(url_count),
                str(USERS),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        processes.append(standin_process)
        while not standin_file.exists() or not standin_file.read_text():
            time.sleep(0.05)
        time.sleep(0.1)
        standin = json.loads(standin_file.read_text())
        env = env_for(database_url, standin)

        subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            env=env,
            cwd=workdir,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seed_users(database_url)

        web_port, bare_port = free_port(), free_port()
        web_log = (workdir / "web.log").open("w")
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--http",
                "--port",
                str(web_port),
                "--host",
                "127.0.0.1",
                "--defer-to-worker",
            ],
            env=env,
            cwd=workdir,
            stderr=web_log,
            stdout=web_log,
        )
        processes.append(web)
        # The Procfile's worker does the queued work (storing each /brag, answering it). It
        # lowers its own priority (WORKER_NICE) so that, sharing these cores, acks go first.
        worker_log = (workdir / "worker.log").open("w")
        worker_command = [sys.executable, "-m", "bot", "worker"]
        worker_env = dict(env)
        if args.worker_nice is not None:
            worker_env["WORKER_NICE"] = str(args.worker_nice)
        worker = subprocess.Popen(
            worker_command, env=worker_env, cwd=workdir, stderr=worker_log, stdout=worker_log
        )
        processes.append(worker)
        bare = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bare_app.py"), "--port", str(bare_port)],
            env=env,
            cwd=workdir,
            stderr=subprocess.DEVNULL,
        )
        processes.append(bare)
        wait_until_serving(web_port, web)
        wait_until_serving(bare_port, bare, "/slack/events")
        # The worker's first tick (jobs over the 10,000 users) is over before the load starts.
        deadline = time.monotonic() + 60
        while (
            time.monotonic() < deadline
            and "refresh-tokens" not in (workdir / "worker.log").read_text()
        ):
            time.sleep(0.2)

        loads = {
            "multiplier": Load(web_port, standin["urls"]),
            "bare": Load(bare_port, standin["urls"]),
        }
        warm = max(100, args.concurrency * 5)
        for load in loads.values():
            load.run(warm, args.concurrency, 0)
        results: dict[str, tuple[list[float], int]] = {name: ([], 0) for name in loads}
        cpu_before = {
            "multiplier": cpu_seconds(web.pid),
            "bare": cpu_seconds(bare.pid),
            "worker": cpu_seconds(worker.pid),
            "standin": cpu_seconds(standin_process.pid),
        }
        load_started = time.monotonic()
        per_round = args.requests // args.rounds
        offset = warm
        for _ in range(args.rounds):
            for name, load in loads.items():
                latencies, errors = load.run(per_round, args.concurrency, offset)
                offset += per_round
                results[name] = (results[name][0] + latencies, results[name][1] + errors)
        sent = warm + per_round * args.rounds
        load_seconds = time.monotonic() - load_started

        # Wait for the worker to store every /brag, then count what it stored.
        deadline = time.monotonic() + 300
        stored = stored_entries(database_url)
        while stored < sent and time.monotonic() < deadline:
            time.sleep(0.2)
            stored = stored_entries(database_url)
        drained_after = time.monotonic() - load_started
        web_rss = rss_mib(web.pid)
        measured = per_round * args.rounds
        cpu_ms = {
            name: round((cpu_seconds(process.pid) - cpu_before[name]) * 1000 / measured, 2)
            for name, process in (
                ("multiplier", web),
                ("bare", bare),
                ("worker", worker),
                ("standin", standin_process),
            )
        }
        web_log.flush()
        worker_log.flush()
        log_text = (workdir / "web.log").read_text() + (workdir / "worker.log").read_text()
        error_lines = [line for line in log_text.splitlines() if '"level": "ERROR"' in line]
        locked = log_text.count("database is locked")
        stored_delays = stored_after(database_url, loads["multiplier"].sent_at)
        latencies, ack_errors = results["multiplier"]
        multiplier = summary(latencies, ack_errors)
        multiplier["after_ack_failures"] = (sent - stored) + len(error_lines)
        multiplier["database_is_locked"] = locked
        multiplier["errors"] = ack_errors + multiplier["after_ack_failures"]
        bare_summary = summary(*results["bare"])

        worker_rss = rss_mib(worker.pid)

        report = {
            "database": "postgresql" if args.database_url else "sqlite",
            "requests_per_app": len(latencies),
            "concurrency": args.concurrency,
            "multiplier": multiplier,
            "bare_bolt": bare_summary,
            "p99_ratio": round(multiplier["p99_ms"] / bare_summary["p99_ms"], 2),
            "rss_mib": {"web": round(web_rss, 1), "worker": round(worker_rss, 1)},
            # From sending a /brag to the worker's commit of its entry (the confirmation is
            # posted right after): the queue's delay, over every request of the run.
            "stored_after_ms": stored_delays,
            "load_seconds": round(load_seconds, 1),
            "queue_drained_after_seconds": round(drained_after, 1),
            "worker_nice": niceness(worker.pid),
            "server_cpu_ms_per_request": cpu_ms,
            "users": USERS,
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            ),
        }
        print(json.dumps(report, indent=2))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
        ok = (
            multiplier["errors"] == 0
            and multiplier["p99_ms"] < 50
            and multiplier["p99_ms"] <= 1.5 * bare_summary["p99_ms"]
        )
        print("targets met" if ok else "targets NOT met", file=sys.stderr)
        return 0 if ok else 1
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if schema is not None:
            drop_schema(normalise_database_url(args.database_url), schema)


if __name__ == "__main__":
    sys.exit(main())
