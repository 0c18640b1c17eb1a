"""Fan-out benchmark: N due users, one `python -m bot jobs run checkins` worker, the stand-in.

    python bench/checkins_fanout.py                      # 5,000 users, 3,000/min + 1/s/channel
    python bench/checkins_fanout.py --unlimited          # no limits: the pipeline's messages/s
    python bench/checkins_fanout.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
    python bench/checkins_fanout.py --replicas 2 --users 10000 --database-url …  # scale-out
    python bench/checkins_fanout.py --replicas 2 --workspaces 4 --per-minute 1000 …  # 4 teams

The stand-in enforces Slack-like limits (sliding windows: per workspace per minute for
chat.postMessage, and per channel per second) and answers 429 with Retry-After beyond them.
The worker runs as a subprocess (`bench/fanout_replica.py`), as in production long before
the fan-out: it starts up as `python -m bot jobs run` does (imports, the coaching library,
the database), runs one idle check-ins tick a minute before the slot, and reports ready.
Once every replica is ready the check-ins become due (DUE_AFTER_READY later, the same
instant for all); completion time is measured from that instant to the last replica's exit
(it runs the job to the end, as `jobs run checkins --now …` does) and compared with the
ideal, N / limit-per-minute (100 s for 5,000 at 3,000/min). Every user must end up with
exactly one check-in. With `--ticks` the replicas run as the worker does, a tick a minute
with the worker's per-tick budget (the last message's time is then the measure: a replica
exits after the tick that finds everything sent). `--cold-start` measures as before
2026-12-07 instead: the replicas are `jobs run checkins` processes started at the clock's
start, start-up included.

With `--replicas N`, N workers run against the same database (as N worker dynos would);
completion runs until the last one exits, and 429s show how far their sum leans on
Slack's limit. On PostgreSQL the replicas share each workspace's send budget
(bot/delivery/budget.py); on SQLite each paces itself.

With `--workspaces K`, the users are dealt round-robin into K workspaces, each installed
through multi-workspace (OAuth) mode with a bot token of its own; the stand-in's limits apply
to each workspace, and the ideal is the largest workspace's users / limit-per-minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.db.engine import Database  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import CheckIn, User, Workspace  # noqa: E402
from bot.slack.oauth import installation_store  # noqa: E402
from bot.ui.checkins import METADATA_EVENT  # noqa: E402
from standin.webapi import SlackStandIn  # noqa: E402

NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)
# The check-ins become due this long after the last replica reported ready.
DUE_AFTER_READY = 1.0


def prepare_database(url: str | None, workdir: Path) -> tuple[str, callable]:
    """A migrated, empty database: a SQLite file, or a fresh schema on the given PostgreSQL."""
    if not url:
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options={quote(f'-csearch_path={schema}')}"

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return scoped, drop


CLIENT_ID = "1111.2222"
CLIENT_SECRET = "bench-client-secret"  # noqa: S105  (the stand-in's, throw-away)
# A fixed Fernet key for the benchmark's throw-away installations (never used anywhere real).
ENCRYPTION_KEY = "YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktISE="


def team_ids(workspaces: int) -> list[str]:
    return [f"T{i + 1:04d}" for i in range(workspaces)]


def seed(database: Database, count: int, workspaces: int) -> dict[str, str]:
    """`workspaces` workspaces and `count` opted-in users dealt round-robin into them, all
    due at NOW (bulk insert); each user's team."""
    teams = team_ids(workspaces)
    users = {f"U{i:06d}": teams[i % workspaces] for i in range(count)}
    with database.session() as session:
        rows = [Workspace(team_id=team, name=f"Bench {team}", settings={}) for team in teams]
        session.add_all(rows)
        session.flush()
        ids = {row.team_id: row.id for row in rows}
        session.execute(
            insert(User),
            [
                {
                    "workspace_id": ids[team],
                    "slack_user_id": slack_id,
                    "tz": "UTC",
                    "checkins_enabled": True,
                    "next_checkin_at": NOW,
                }
                for slack_id, team in users.items()
            ],
        )
    return users


def install(database: Database, standin: SlackStandIn, teams: list[str]) -> dict[str, str]:
    """Multi-workspace mode: each team in the stand-in with a bot token of its own, and its
    installation stored as the OAuth redirect would; the worker's settings."""
    store = installation_store(
        load_settings(
            _env_file=None,
            database_url=database.url,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            token_encryption_key=ENCRYPTION_KEY,
        ),
        database,
    )
    for number, team in enumerate(teams):
        token, bot_user = f"xoxb-bench-{team}", f"UBOT{number:04d}"
        standin.add_team(team, f"Bench {team}", token, bot_user)
        store.save(
            Installation(
                app_id=standin.app_id,
                team_id=team,
                team_name=f"Bench {team}",
                bot_token=token,
                bot_id=f"BBOT{number:04d}",
                bot_user_id=bot_user,
                bot_scopes="chat:write,commands,im:history,users:read",
                user_id="UINSTALLER",
                installed_at=time.time(),
            )
        )
    return {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "TOKEN_ENCRYPTION_KEY": ENCRYPTION_KEY,
    }


def launch(
    args: argparse.Namespace, workdir: Path, env: dict[str, str]
) -> tuple[list[subprocess.Popen], float, float | None, list[float] | None]:
    """Start the replicas; with them ready (unless --cold-start), make the check-ins due.

    Returns the replicas, the instant (monotonic) completion is measured from, how long the
    replicas took to be ready, and the load average at the due instant.
    """
    profile = ["-m", "cProfile", "-o", str(Path(args.profile).resolve())] if args.profile else []
    go = workdir / "go"
    if args.cold_start:
        command = [sys.executable, *profile, "-m", "bot", "jobs", "run", "checkins"]
        commands = [[*command, "--now", NOW.isoformat()] for _ in range(args.replicas)]
    else:
        replica = str(ROOT / "bench" / "fanout_replica.py")
        commands = [
            [
                sys.executable,
                *profile,
                replica,
                str(workdir / f"ready-{n}"),
                str(go),
                NOW.isoformat(),
                *([str(args.users)] if args.ticks else []),
            ]
            for n in range(args.replicas)
        ]
    launched = time.monotonic()
    replicas = [
        subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    if args.cold_start:
        return replicas, launched, None, None
    # Every replica started up and ran its idle tick: now the check-ins become due.
    ready_files = [workdir / f"ready-{n}" for n in range(args.replicas)]
    while not all(f.exists() for f in ready_files):
        if any(r.poll() is not None for r in replicas):
            break
        time.sleep(0.05)
    ready_after = round(time.monotonic() - launched, 2)
    due = time.time() + DUE_AFTER_READY
    started = time.monotonic() + DUE_AFTER_READY
    (workdir / "go.tmp").write_text(repr(due))
    (workdir / "go.tmp").rename(go)
    return replicas, started, ready_after, [round(x, 2) for x in os.getloadavg()]


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="checkins-bench-"))
    url, cleanup = prepare_database(args.database_url, workdir)
    database = Database(url)
    upgrade(database.engine)
    users = seed(database, args.users, args.workspaces)
    # slack_sdk's model validation in the stand-in costs it more CPU per message than the
    # worker spends; --no-sdk-validation keeps the stand-in's own Block Kit limit checks only.
    standin = SlackStandIn(sdk_validation=not args.no_sdk_validation).start()
    auth = (
        install(database, standin, team_ids(args.workspaces))
        if args.workspaces > 1
        else {"SLACK_BOT_TOKEN": standin.bot_token}
    )
    for slack_id, team in users.items():
        standin.add_user(slack_id, name=slack_id.lower(), tz="UTC", team_id=team)
    if not args.unlimited:
        standin.set_rate_limits(
            {"chat.postMessage": args.per_minute}, per_second_per_channel=args.per_channel
        )
    send_rate = args.send_rate or (100_000 if args.unlimited else int(args.per_minute * 0.98))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "PROMPTS_DIR"))
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "SLACK_API_URL": standin.base_url,
            **auth,
            "SLACK_SEND_RATE_PER_MINUTE": str(send_rate),
            "SLACK_SEND_CHANNEL_PER_SECOND": "100" if args.unlimited else str(args.per_channel),
            "SLACK_SEND_THREADS": str(args.threads),
            "LOG_LEVEL": "WARNING",
        }
    )
    load_before = [round(x, 2) for x in os.getloadavg()]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    replicas, started, ready_after, load_at_due = launch(args, workdir, env)
    outputs = [replica.communicate() for replica in replicas]
    elapsed = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    calls = standin.calls_to("chat.postMessage")
    ok_calls = [c for c in calls if c.ok]
    per_channel = Counter(
        m["channel"]
        for m in standin.messages()
        if (m.get("metadata") or {}).get("event_type") == METADATA_EVENT
    )
    with database.session() as session:
        sent_rows = session.scalar(
            select(text("count(*)")).select_from(CheckIn).where(CheckIn.status == "sent")
        )
    first, last = (ok_calls[0].received_at, ok_calls[-1].received_at) if ok_calls else (0, 0)
    largest = max(Counter(users.values()).values())
    ideal = largest / args.per_minute * 60
    result = {
        "users": args.users,
        "limits": "none"
        if args.unlimited
        else f"{args.per_minute}/min/workspace, {args.per_channel}/s/channel",
        "worker_send_rate_per_minute": send_rate,
        "threads": args.threads,
        "standin_sdk_validation": not args.no_sdk_validation,
        "database": "postgresql" if args.database_url else "sqlite",
        "replicas": args.replicas,
        "workspaces": args.workspaces,
        "worker_exit": max(replica.returncode for replica in replicas),
        "worker_summary": [out.strip() for out, _err in outputs],
        "start": "cold (replicas start at the clock's start)"
        if args.cold_start
        else f"ready, then due {DUE_AFTER_READY} s later"
        + (", worker ticks each minute" if args.ticks else ""),
        "replicas_ready_after_seconds": ready_after,
        "completion_seconds": round(elapsed, 2),
        "first_to_last_message_seconds": round(last - first, 2),
        # Start-up (imports, first claims) and wind-down, outside the paced sending.
        "first_message_after_seconds": round(first - started, 2) if ok_calls else None,
        "exit_after_last_message_seconds": round(started + elapsed - last, 2) if ok_calls else None,
        "messages_per_second": round(len(ok_calls) / elapsed, 1) if elapsed else None,
        "worker_cpu_seconds": round(worker_cpu, 1),  # all replicas together
        "worker_cpu_ms_per_message": round(worker_cpu / max(len(ok_calls), 1) * 1000, 2),
        "delivered_users": len(per_channel),
        "duplicates": sum(n - 1 for n in per_channel.values() if n > 1),
        "missing": args.users - len(per_channel),
        "messages_sent": len(ok_calls),
        "rows_sent": sent_rows,
        "http_429": sum(c.status == 429 for c in calls),
        # Sends paced by a worker's own pacer because the shared budget was unreachable.
        "budget_fallbacks": sum(
            err.count("shared send budget unavailable") for _out, err in outputs
        ),
        "http_429_percent": round(
            100 * sum(c.status == 429 for c in calls) / max(len(calls), 1), 2
        ),
        "load_average_before": load_before,
        "load_average_at_due": None if args.cold_start else load_at_due,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }
    if not args.unlimited:
        result["ideal_seconds"] = round(ideal, 1)
        result["ratio_to_ideal"] = round(elapsed / ideal, 3)
        # What the last person waited for: from the due instant to the last check-in received.
        if ok_calls:
            result["due_to_last_message_seconds"] = round(last - started, 2)
            result["ratio_to_ideal_last_message"] = round((last - started) / ideal, 3)
    standin.stop()
    database.dispose()
    cleanup()
    for replica, (_out, err) in zip(replicas, outputs, strict=True):
        if replica.returncode != 0:
            print(err, file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--per-minute", type=int, default=3000, help="stand-in workspace limit")
    parser.add_argument("--per-channel", type=float, default=1.0, help="stand-in channel limit")
    parser.add_argument(
        "--send-rate",
        type=int,
        help="the worker's SLACK_SEND_RATE_PER_MINUTE (default: 98%% of --per-minute)",
    )
    parser.add_argument("--threads", type=int, default=8, help="SLACK_SEND_THREADS")
    parser.add_argument(
        "--replicas", type=int, default=1, help="workers started at once (default 1)"
    )
    parser.add_argument(
        "--workspaces",
        type=int,
        default=1,
        help="workspaces the users are dealt into (>1: multi-workspace OAuth mode)",
    )
    parser.add_argument("--unlimited", action="store_true", help="no limits at the stand-in")
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="start the replicas as `jobs run checkins` at the clock's start (the measure "
        "before 2026-12-07: start-up inside the completion time)",
    )
    parser.add_argument(
        "--ticks",
        action="store_true",
        help="the replicas run as the worker does: a tick each minute from the due instant, "
        "each run with the worker's per-tick budget, until every check-in is sent",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument(
        "--no-sdk-validation",
        action="store_true",
        help="skip the stand-in's slack_sdk model validation (its bottleneck when unlimited)",
    )
    parser.add_argument("--profile", help="write the worker's cProfile stats to this file")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    ok = result["duplicates"] == 0 and result["missing"] == 0 and result["worker_exit"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
