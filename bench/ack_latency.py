"""How fast Multiplier acks, beside a bare Bolt app, and how much memory it holds.

Starts, each as its own process:
- the Slack Web API stand-in (bench/standin_server.py);
- Multiplier's web process exactly as the Procfile runs it (`python -m bot serve --http`),
  in single-workspace token mode, on SQLite (default) or the PostgreSQL of --database-url;
- the Procfile's worker (`python -m bot worker`), running beside it throughout;
- a bare Bolt app whose listeners only ack (bench/bare_app.py), on the same waitress settings.

Seeds 10,000 enrolled users, then measures two ways (--mode, default both):

- open loop (what users feel): requests arrive at a fixed rate (--rate, default 50/s) for
  --seconds, whatever the server's pace: a mix of /brag, a Home button click and
  app_home_opened, Slack-signed, over real HTTP. Reports ack p50/p99 per app (latency from
  each request's scheduled instant, so a stalled server cannot hide its backlog) and, for
  /brag, the time until its confirmation reached the stand-in's response_url;
- closed loop (throughput): signed /brag requests at --concurrency in alternating rounds;
  reports requests per second acked, ack p50/p99/max and errors.

For Multiplier an error is a non-200 ack, an ack slower than Slack's 3 s, or a /brag whose
work after the ack did not store its entry, counted from the database and from ERROR lines
in the logs. Finally it measures the resident memory (VmRSS) of the web process and of the
worker.

    .venv/bin/python bench/ack_latency.py                      # SQLite
    .venv/bin/python bench/ack_latency.py --database-url postgresql://postgres@127.0.0.1/test
    .venv/bin/python bench/ack_latency.py --mode open --rate 50 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import signal
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
# Open loop: each app gets this long at the rate, unmeasured, before its measured run.
WARM_SECONDS = 3


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


class Load:
    """Signed /brag requests over keep-alive connections, one per sending thread."""

    def __init__(self, port: int, urls: list[str]) -> None:
        self.port = port
        self.urls = urls
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._next = 0
        self._lock = threading.Lock()
        # Request number -> wall-clock instant it was sent (to time the work after the ack).
        self.sent_at: dict[int, float] = {}

    def _body(self, n: int) -> bytes:
        with self._lock:
            url = self.urls[self._next % len(self.urls)]
            self._next += 1
        return brag_body(n, url)

    def _request(self, n: int) -> bytes:
        """The whole signed HTTP request for request number n, ready to send."""
        return signed_request(self.port, self._body(n), FORM, self.verifier)

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


def signed_request(port: int, body: bytes, content_type: str, verifier: SignatureVerifier) -> bytes:
    """A whole Slack-signed HTTP request to /slack/events, ready to send."""
    stamp = str(int(time.time()))
    signature = verifier.generate_signature(timestamp=stamp, body=body)
    head = (
        "POST /slack/events HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Slack-Request-Timestamp: {stamp}\r\n"
        f"X-Slack-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + body


def brag_body(n: int, response_url: str) -> bytes:
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
            "response_url": response_url,
            "trigger_id": f"{n}.1.abc",
        }
    ).encode()


CLICK_ACTION = "home_summary_toggle"  # bot/ui/home.py: the Home's weekly summary switch


def click_body(n: int) -> bytes:
    """A click on the Home's weekly-summary switch (stores the choice, republishes the Home)."""
    user = f"U{n % USERS:07d}"
    payload = {
        "type": "block_actions",
        "token": "x",
        "api_app_id": "A0001",
        "team": {"id": TEAM_ID, "domain": "bench"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "is_enterprise_install": False,
        "enterprise": None,
        "container": {"type": "view", "view_id": f"V{n:08d}"},
        "view": {"id": f"V{n:08d}", "type": "home", "blocks": [], "team_id": TEAM_ID},
        "trigger_id": f"{n}.1.click",
        "actions": [
            {
                "action_id": CLICK_ACTION,
                "block_id": "summary",
                "type": "button",
                "value": "off" if n % 2 else "on",
                "text": {"type": "plain_text", "text": "Weekly summary"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def home_opened_body(n: int) -> bytes:
    """The app_home_opened event (builds and publishes the person's Home)."""
    user = f"U{n % USERS:07d}"
    return json.dumps(
        {
            "token": "x",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": f"Ev{os.getpid()}{n:09d}",
            "event_time": int(time.time()),
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": f"D{n % USERS:07d}",
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            },
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    ).encode()


KINDS = ("brag", "click", "home")


class OpenLoop:
    """Requests sent at fixed instants (`rate` a second), whatever the server's pace.

    Each latency is from the request's scheduled instant to its whole response, so time a
    request spent waiting for a free sender counts too (no coordinated omission). Senders
    are many more than the rate needs; requests are built and signed before the clock starts.
    """

    SENDERS = 32

    def __init__(self, port: int, urls: list[str], rate: float, seconds: float, offset: int):
        verifier = SignatureVerifier(SIGNING_SECRET)
        count = int(rate * seconds)
        self.rate = rate
        self.items: list[tuple[str, bytes, str | None]] = []
        for i in range(count):
            n = offset + i
            kind = KINDS[i % len(KINDS)]
            url = None
            if kind == "brag":
                url = urls.pop()
                body = signed_request(port, brag_body(n, url), FORM, verifier)
            elif kind == "click":
                body = signed_request(port, click_body(n), FORM, verifier)
            else:
                body = signed_request(port, home_opened_body(n), "application/json", verifier)
            self.items.append((kind, body, url))
        self.port = port
        # Per kind: latencies; response_url -> scheduled instant (monotonic) of its /brag.
        self.latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.errors = 0
        self.brag_scheduled: dict[str, float] = {}

    def run(self) -> float:
        """Send every request at its instant; returns the seconds the schedule took."""
        work: queue.Queue[tuple[float, str, bytes] | None] = queue.Queue()
        guard = threading.Lock()

        def sender() -> None:
            connection = _Connection(self.port)
            while (item := work.get()) is not None:
                scheduled, kind, request = item
                try:
                    status = connection.exchange(request)
                except OSError:
                    connection.close()
                    connection = _Connection(self.port)
                    status = 0
                latency = time.monotonic() - scheduled
                with guard:
                    self.latencies[kind].append(latency)
                    if status != 200 or latency >= 3.0:
                        self.errors += 1
            connection.close()

        threads = [threading.Thread(target=sender) for _ in range(self.SENDERS)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        for i, (kind, request, url) in enumerate(self.items):
            scheduled = started + i / self.rate
            pause = scheduled - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if url is not None:
                self.brag_scheduled[url.rsplit("/", 1)[1]] = scheduled
            work.put((scheduled, kind, request))
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
        return time.monotonic() - started

    @classmethod
    def merged(cls, runs: list[OpenLoop]) -> OpenLoop:
        """One OpenLoop's results holding every run's (for pooled percentiles)."""
        whole = cls.__new__(cls)
        whole.items = [item for run in runs for item in run.items]
        whole.latencies = {kind: [] for kind in KINDS}
        whole.errors = sum(run.errors for run in runs)
        whole.brag_scheduled = {}
        for run in runs:
            for kind, values in run.latencies.items():
                whole.latencies[kind].extend(values)
            whole.brag_scheduled.update(run.brag_scheduled)
        return whole

    def summary(self) -> dict[str, object]:
        every = [latency for kinds in self.latencies.values() for latency in kinds]
        result: dict[str, object] = summary(every, self.errors)
        result["by_kind_p99_ms"] = {
            kind: round(percentile(values, 0.99) * 1000, 1)
            for kind, values in self.latencies.items()
            if values
        }
        return result


FORM = "application/x-www-form-urlencoded"


def confirmations(standin_pid: int, standin_file: Path, wanted: set[str]) -> dict[str, float]:
    """url id -> instant (monotonic) the stand-in received the first post to it.

    The stand-in writes what its response_urls received when sent SIGUSR1
    (bench/standin_server.py); asked again until every wanted url has its post, or 60 s.
    """
    dump = standin_file.with_suffix(".responses.json")
    deadline = time.monotonic() + 60
    received: dict[str, float] = {}
    while True:
        dump.unlink(missing_ok=True)
        os.kill(standin_pid, signal.SIGUSR1)
        while not dump.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if dump.exists():
            received = {}
            for url_id, at, status in json.loads(dump.read_text()):
                if status == 200 and url_id not in received:
                    received[url_id] = at
        if wanted <= received.keys() or time.monotonic() > deadline:
            return received
        time.sleep(0.5)


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
    parser.add_argument(
        "--mode", choices=("open", "closed", "both"), default="both", help="default: both"
    )
    parser.add_argument("--rate", type=float, default=50, help="open loop: requests/s (50)")
    parser.add_argument(
        "--open-rounds",
        type=int,
        default=1,
        help="open loop: rounds, each running both apps for --seconds, alternating which "
        "goes first; the target holds the median of the rounds' p99 ratios (default 1)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="open loop: per app (60)")
    parser.add_argument("--requests", type=int, default=2000, help="closed loop: per app (2000)")
    parser.add_argument("--concurrency", type=int, default=20, help="closed loop (20)")
    parser.add_argument("--rounds", type=int, default=4, help="closed loop: rounds per app")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=None,
        help="the worker's WORKER_NICE (default: the app's own default, 10)",
    )
    args = parser.parse_args()
    open_loop = args.mode in ("open", "both")
    closed_loop = args.mode in ("closed", "both")

    workdir = Path(tempfile.mkdtemp(prefix="multiplier-bench-"))
    print(f"working in {workdir}", file=sys.stderr)
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    schema = None
    if args.database_url:
        # A schema of its own on the shared server, dropped at the end.
        schema = f"bench_{os.getpid()}"
        database_url = with_schema(normalise_database_url(args.database_url), schema)
    processes: list[subprocess.Popen] = []
    load_before = os.getloadavg()
    try:
        standin_file = workdir / "standin.json"
        # Each closed-loop response_url takes five posts; each open-loop /brag gets its own
        # (for both apps, with a warm-up each), so its confirmation can be timed.
        open_brags = (
            int(args.rate * (args.seconds + WARM_SECONDS)) * 2 * args.open_rounds // len(KINDS)
            + 10 * args.open_rounds
        )
        url_count = args.requests * 2 // 5 + 500 + (open_brags if open_loop else 0)
        # The stand-in plays Slack's servers, which are not on the machine under test: it
        # yields the cores to the processes measured (its work is answering the app's posts).
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
                sys.executable, "-m", "bot", "serve", "--http",
                "--port", str(web_port), "--host", "127.0.0.1",
            ],
            env=env,
            cwd=workdir,
            stderr=web_log,
            stdout=web_log,
        )  # fmt: skip
        processes.append(web)
        # The Procfile's worker runs beside the web process, its scheduler ticking. It
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

        report: dict[str, object] = {
            "database": "postgresql" if args.database_url else "sqlite",
            "users": USERS,
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            ),
            "load_average_before": [round(x, 2) for x in load_before],
        }
        ok = True
        sent = 0  # /brag requests sent to Multiplier, all of which must end up stored
        ports = {"multiplier": web_port, "bare": bare_port}

        if open_loop:
            urls = list(standin["urls"][:open_brags])
            standin["urls"] = standin["urls"][open_brags:]
            pids = {"multiplier": web.pid, "bare": bare.pid}
            runs: dict[str, list[OpenLoop]] = {name: [] for name in ports}
            cpu = dict.fromkeys(ports, 0.0)
            rounds = []
            offset = 1_000_000
            for number in range(args.open_rounds):
                # Alternating which app goes first, so each meets much the same neighbours.
                order = list(ports) if number % 2 == 0 else list(reversed(ports))
                this_round: dict[str, dict] = {}
                for name in order:
                    port = ports[name]
                    warm = OpenLoop(port, urls, args.rate, WARM_SECONDS, offset)
                    warm.run()
                    offset += len(warm.items)
                    run = OpenLoop(port, urls, args.rate, args.seconds, offset)
                    offset += len(run.items)
                    cpu_before = cpu_seconds(pids[name])
                    run.run()
                    cpu[name] += cpu_seconds(pids[name]) - cpu_before
                    runs[name].append(run)
                    if name == "multiplier":
                        sent += len(warm.brag_scheduled) + len(run.brag_scheduled)
                    this_round[name] = run.summary()
                rounds.append(
                    {
                        "first": order[0],
                        "load_average_1min": round(os.getloadavg()[0], 2),
                        "multiplier_p99_ms": this_round["multiplier"]["p99_ms"],
                        "bare_p99_ms": this_round["bare"]["p99_ms"],
                        "p99_ratio": round(
                            this_round["multiplier"]["p99_ms"] / this_round["bare"]["p99_ms"], 2
                        ),
                        "multiplier_by_kind_p99_ms": this_round["multiplier"]["by_kind_p99_ms"],
                    }
                )
                print(json.dumps(rounds[-1]), file=sys.stderr)
            mine = OpenLoop.merged(runs["multiplier"])
            received = confirmations(standin_process.pid, standin_file, set(mine.brag_scheduled))
            delays = [
                received[url_id] - scheduled
                for url_id, scheduled in mine.brag_scheduled.items()
                if url_id in received
            ]
            multiplier_open = mine.summary()
            bare_open = OpenLoop.merged(runs["bare"]).summary()
            confirmation = {
                "brags": len(mine.brag_scheduled),
                "missing": len(mine.brag_scheduled) - len(delays),
            }
            if delays:
                confirmation.update(
                    p50_ms=round(percentile(delays, 0.50) * 1000, 1),
                    p99_ms=round(percentile(delays, 0.99) * 1000, 1),
                    max_ms=round(max(delays) * 1000, 1),
                )
            median_ratio = statistics.median(r["p99_ratio"] for r in rounds)
            report["open_loop"] = {
                "rate_per_second": args.rate,
                "seconds_per_app": args.seconds,
                "rounds": rounds,
                "mix": "1/3 each: /brag, Home button click, app_home_opened",
                "multiplier": multiplier_open,
                "bare_bolt": bare_open,
                "p99_ratio": round(multiplier_open["p99_ms"] / bare_open["p99_ms"], 2),
                "p99_ratio_median_of_rounds": round(median_ratio, 2),
                "brag_confirmation": confirmation,
                "cpu_ms_per_request": {
                    name: round(cpu[name] * 1000 / sum(len(r.items) for r in runs[name]), 2)
                    for name in ports
                },
            }
            ok = ok and (
                multiplier_open["errors"] == 0
                and multiplier_open["p99_ms"] < 100
                and median_ratio <= 1.5
                and confirmation["missing"] == 0
                and confirmation.get("p99_ms", float("inf")) < 1000
            )

        if closed_loop:
            loads = {name: Load(port, standin["urls"]) for name, port in ports.items()}
            warm = max(100, args.concurrency * 5)
            offset = 0
            for load in loads.values():
                load.run(warm, args.concurrency, offset)
            offset += warm
            sent += warm
            results: dict[str, tuple[list[float], int]] = {name: ([], 0) for name in loads}
            seconds = dict.fromkeys(loads, 0.0)
            per_round = args.requests // args.rounds
            for _ in range(args.rounds):
                for name, load in loads.items():
                    started = time.monotonic()
                    latencies, errors = load.run(per_round, args.concurrency, offset)
                    seconds[name] += time.monotonic() - started
                    offset += per_round
                    if name == "multiplier":
                        sent += per_round
                    results[name] = (results[name][0] + latencies, results[name][1] + errors)
            closed = {name: summary(*results[name]) for name in loads}
            for name in loads:
                closed[name]["acks_per_second"] = round(len(results[name][0]) / seconds[name])
            report["closed_loop"] = {
                "concurrency": args.concurrency,
                "requests_per_app": per_round * args.rounds,
                "multiplier": closed["multiplier"],
                "bare_bolt": closed["bare"],
            }
            ok = ok and closed["multiplier"]["errors"] == 0

        # Every /brag sent to Multiplier (warm-ups included) must end up stored.
        load_done = time.monotonic()
        deadline = load_done + 120
        stored = stored_entries(database_url)
        while stored < sent and time.monotonic() < deadline:
            time.sleep(0.2)
            stored = stored_entries(database_url)
        web_log.flush()
        worker_log.flush()
        log_text = (workdir / "web.log").read_text() + (workdir / "worker.log").read_text()
        error_lines = [line for line in log_text.splitlines() if '"level": "ERROR"' in line]
        report["after_ack"] = {
            "brags_sent": sent,
            "stored": stored,
            "all_stored_after_load_seconds": round(time.monotonic() - load_done, 1),
            "error_lines": len(error_lines),
            "database_is_locked": log_text.count("database is locked"),
        }
        ok = ok and stored == sent and not error_lines
        report["rss_mib"] = {
            "web": round(rss_mib(web.pid), 1),
            "worker": round(rss_mib(worker.pid), 1),
        }
        report["worker_nice"] = niceness(worker.pid)
        report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(report, indent=2))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2))
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
