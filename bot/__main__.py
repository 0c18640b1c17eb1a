"""Command line: `python -m bot` (or `multiplier`) starts the app; subcommands run its parts."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bot import clock
from bot.config import Settings, SettingsError, get_settings
from bot.ui.text import noun

logger = logging.getLogger("bot")

EXIT_USAGE = 2
# `jobs run` left due work undone (Slack kept refusing): it says what, and how to finish.
EXIT_UNFINISHED = 3
# What a shell reports for a process ended by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130

SANDBOX_NOTICE = """\
No Slack settings found, so this is the local sandbox: the real app with a stand-in for Slack
and sample users, in this terminal (:help inside; :quit or Ctrl-C leaves). To connect to real Slack,
create the app from manifest.yml and set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (plus
SLACK_APP_TOKEN for Socket Mode) in .env: README, "Create the Slack app".
"""


class CliError(Exception):
    """A problem the operator can fix; printed as one sentence, no traceback."""


def _parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO-8601 instant such as 2026-11-20T15:00:00Z"
        ) from None
    # An instant without an offset is read as UTC, so back-fills are reproducible anywhere.
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1-65535)")
    return port


def build_parser() -> argparse.ArgumentParser:
    from bot.scheduling.catalog import JOBS

    parser = argparse.ArgumentParser(
        prog="multiplier",
        description="Multiplier: a Slack app that coaches engineers toward staff-level impact. "
        "With no command it starts the app: connected to Slack when Slack settings are present, "
        "otherwise the local sandbox (a stand-in Slack workspace in the terminal).",
    )
    # With no command, the sandbox's options start the sandbox that way (no Slack settings).
    _sandbox_arguments(parser.add_argument_group("with no command, in the sandbox"), start=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve Slack requests (Socket Mode or HTTP)",
        description="Serve Slack requests. Default: Socket Mode when SLACK_APP_TOKEN is set, "
        "otherwise HTTP on PORT (what the Procfile's web process runs).",
    )
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help="HTTP mode: Slack posts to /slack/events")
    mode.add_argument("--socket", action="store_true", help="Socket Mode: no public URL needed")
    serve.add_argument("--port", type=_port, help="HTTP port (default: PORT, else 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")  # noqa: S104

    sandbox = commands.add_parser(
        "sandbox",
        help="try the app in the terminal, with no Slack workspace",
        description="Start the local sandbox: the real app over HTTP, a local stand-in for "
        "Slack with sample users (alice, bob, carol) and a terminal chat. Type /brag, /kudos, "
        "/multiplier or a DM; :help lists the rest. Reads a script from standard input when it "
        "is not a terminal.",
    )
    _sandbox_arguments(sandbox)

    commands.add_parser(
        "migrate",
        help="bring the database schema up to date",
        description="Apply every pending Alembic migration to DATABASE_URL (the release phase).",
    )
    commands.add_parser(
        "worker",
        help="run the scheduler (check-ins, summaries, digests)",
        description="Tick once a minute and run every scheduled job for that minute. Several "
        "workers may share one PostgreSQL database; each delivery still happens once.",
    )

    commands.add_parser(
        "generate-key",
        help="print a new TOKEN_ENCRYPTION_KEY",
        description="Print a new random Fernet key for TOKEN_ENCRYPTION_KEY (multi-workspace "
        "mode stores each workspace's tokens encrypted with it). Keep it secret; losing it "
        "means every workspace must install the app again.",
    )

    jobs = commands.add_parser(
        "jobs", help="run one scheduled job by hand", description="Operate scheduled jobs by hand."
    )
    job_commands = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    job_commands.add_parser("list", help="list the jobs", description="List the jobs.")
    run = job_commands.add_parser(
        "run",
        help="run one job once for an instant",
        description="Run one job once, as the worker would at the instant --now (default: now). "
        "Idempotent: running it again for the same instant sends nothing twice. Exits "
        f"{EXIT_UNFINISHED} when due work is left undone (Slack kept refusing), saying how to "
        "finish.",
    )
    run.add_argument("job", choices=sorted(JOBS), help="the job to run")
    run.add_argument(
        "--now",
        type=_parse_instant,
        help="the instant to run for, ISO-8601 (e.g. 2026-11-20T15:00:00Z); no offset means UTC",
    )
    return parser


SANDBOX_DB = Path("sandbox.db")
SANDBOX_USER = "alice"


def _sandbox_arguments(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, *, start: bool = False
) -> None:
    """--db, --fresh, --as; for the bare command (`start`) unset unless given."""
    parser.add_argument(
        "--db",
        type=Path,
        default=None if start else SANDBOX_DB,
        metavar="PATH",
        help="the sandbox's SQLite file (default: sandbox.db here); its data is kept",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="delete the sandbox's data first and start over"
    )
    parser.add_argument(
        "--as",
        dest="user",
        default=None if start else SANDBOX_USER,
        choices=("alice", "bob", "carol"),
        help="who you are at first (default: alice)",
    )


def _open_database(
    settings: Settings, *, migrate_sqlite: bool = True, process: Literal["web", "worker"] = "worker"
):
    from sqlalchemy.exc import OperationalError

    from bot.db.engine import Database
    from bot.db.migrate import pending_migrations, upgrade

    pool = settings.database_pool(process)
    database = Database(
        settings.database_url,
        connect_timeout=settings.database_connect_timeout,
        statement_timeout=settings.database_statement_timeout,
        # An in-memory SQLite database is one connection per thread: nothing to size.
        **({} if _in_memory(settings.database_url) else pool.engine_kwargs),
    )
    if not database.is_sqlite:
        logger.info(
            "database: at most %d connections from this process (%d kept open)",
            pool.most,
            pool.kept,
        )
    try:
        database.ping()
        if pending_migrations(database.engine):
            if not (database.is_sqlite and migrate_sqlite):
                raise CliError(
                    "The database schema is out of date: run `python -m bot migrate` "
                    "(the Procfile's release phase does this on deploy)."
                )
            # The embedded SQLite database needs no set-up: bring it up to date ourselves.
            upgrade(database.engine)
    except OperationalError as error:
        raise CliError(_database_unreachable(settings, error)) from None
    return database


def _in_memory(url: str) -> bool:
    return url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") == "sqlite:")


def _database_unreachable(settings: Settings, error: Exception) -> str:
    from sqlalchemy.engine import make_url

    where = make_url(settings.database_url).render_as_string(hide_password=True)
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
    return (
        f"Cannot reach the database at {where} ({reason}). Check that it is running and "
        "that DATABASE_URL is right."
    )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import create_app

    socket_mode = args.socket or (not args.http and bool(settings.slack_app_token))
    settings.require_slack(socket_mode=socket_mode)
    _load_coaching(settings)
    database = _open_database(settings, process="web")
    try:
        app = create_app(settings=settings, database=database, socket_mode=socket_mode)
    except Exception as error:  # Bolt checks the token with auth.test at start-up
        raise CliError(
            f"Slack did not accept the bot token ({error}). Check SLACK_BOT_TOKEN."
        ) from None
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        logger.info("serving Slack over Socket Mode")
        SocketModeHandler(app.bolt, settings.slack_app_token).start()
        return 0
    from bot.web import WebServer

    settle_memory()
    port = args.port or settings.port
    server = WebServer(app, host=args.host, port=port, threads=settings.web_threads).start()
    logger.info("serving Slack over HTTP on port %s (POST /slack/events, GET /healthz)", port)
    try:
        wait_for_stop(while_true=lambda: server.running)
    finally:
        # Heroku sends SIGTERM on every deploy and daily restart: answer the requests in
        # hand, then let every acked request's listener finish its work, before exiting.
        logger.info("stopping: finishing requests in hand and the work they acked")
        server.stop()
        app.close()
    return 0


def wait_for_stop(*, while_true: Callable[[], bool] = lambda: True) -> None:
    """Block until SIGTERM or Ctrl-C, or for as long as `while_true()` holds."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5) and while_true():
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def settle_memory() -> None:
    """Move everything built at start-up out of the garbage collector's sight.

    A long-running process keeps its modules, app and coaching content for life, yet each
    full collection walks them all again: about 40 ms with every request thread stopped,
    which with 20 requests in flight is the slowest 1 % of acks. Frozen, a full collection
    walks only what was made since.
    """
    import gc

    gc.collect()
    gc.freeze()


def yield_cpu_to_requests(niceness: int) -> None:
    """Lower this process's CPU priority, so that a web process beside it acks first."""
    if niceness <= 0 or not hasattr(os, "nice"):
        return
    try:
        os.nice(niceness)
    except OSError as error:  # not allowed here: run at the priority we have
        logger.warning("could not lower the worker's priority (%s)", error)


def _slack_configured(settings: Settings) -> bool:
    """Whether any Slack setting is present (a partial set gets a message naming the gap)."""
    return any(
        (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_id,
            settings.slack_client_secret,
        )
    )


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """The README's run command: serve Slack when configured, else the local sandbox."""
    if _slack_configured(settings):
        given = [
            option
            for option, value in (("--db", args.db), ("--fresh", args.fresh), ("--as", args.user))
            if value
        ]
        if given:
            raise CliError(
                f"{' and '.join(given)} {noun(len(given), 'is', 'are')} for the local "
                "sandbox, but Slack settings are present, so this would serve Slack. "
                "`python -m bot sandbox` starts the sandbox anyway."
            )
        args.http = args.socket = False
        args.port = None
        args.host = "0.0.0.0"  # noqa: S104
        return cmd_serve(args, settings)
    print(SANDBOX_NOTICE, file=sys.stderr, flush=True)
    args.db = args.db or SANDBOX_DB
    args.user = args.user or SANDBOX_USER
    return cmd_sandbox(args, settings)


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    """The local sandbox: the app against a stand-in Slack, in this terminal."""
    from sandbox import SandboxStartError, run_sandbox

    try:
        return run_sandbox(db_path=args.db, fresh=args.fresh, user=args.user, settings=settings)
    except SandboxStartError as error:
        raise CliError(
            f"The sandbox could not start ({error}). `python -m bot sandbox --fresh` starts over "
            f"with a new {args.db}."
        ) from None


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import OperationalError

    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    # A migration may rewrite a big table: no statement timeout here.
    database = Database(
        settings.database_url,
        connect_timeout=settings.database_connect_timeout,
        statement_timeout=None,
    )
    try:
        upgrade(database.engine)
    except OperationalError as error:
        raise CliError(_database_unreachable(settings, error)) from None
    finally:
        database.dispose()
    print("Database schema is up to date.")
    return 0


def _load_coaching(settings: Settings) -> None:
    """Load and validate the coaching content; a broken file names itself and its entry."""
    from bot.coaching.library import LibraryError, default_library

    try:
        default_library(settings.prompts_dir)
    except LibraryError as error:
        where = f" (PROMPTS_DIR={settings.prompts_dir})" if settings.prompts_dir else ""
        raise CliError(f"the coaching content is invalid{where}: {error}") from None


def _job_context(settings: Settings, worker: str):
    from bot.scheduling.jobs import JobContext

    _load_coaching(settings)
    return JobContext(database=_open_database(settings), settings=settings, worker_id=worker)


def cmd_worker(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.scheduling.worker import run_worker, worker_id

    settings.require_bot_token()
    ctx = _job_context(settings, worker_id())
    yield_cpu_to_requests(settings.worker_nice)
    settle_memory()
    # SIGTERM ends the worker as Ctrl-C does: the job in hand finishes, then it exits.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    run_worker(ctx, stop)
    return 0


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    from bot.scheduling.catalog import JOBS, run_job

    if args.jobs_command == "list":
        for spec in JOBS.values():
            print(f"{spec.name:16} {spec.description}")
        return 0
    now = args.now or clock.now()
    result = run_job(args.job, _job_context(settings, "cli"), now)
    print(f"{result.name} at {now.isoformat()}: {result.summary}")
    if result.unfinished:
        again = f"python -m bot jobs run {result.name} --now {now.isoformat()}"
        told = result.unfinished.replace("{again}", again)
        print(f"multiplier: not finished: {told}", file=sys.stderr)
        return EXIT_UNFINISHED
    return 0


def cmd_generate_key(_args: argparse.Namespace, _settings: Settings) -> int:
    from bot.slack.crypto import generate_key

    print(generate_key())
    return 0


HANDLERS = {
    None: cmd_start,
    "serve": cmd_serve,
    "sandbox": cmd_sandbox,
    "migrate": cmd_migrate,
    "worker": cmd_worker,
    "jobs": cmd_jobs,
    "generate-key": cmd_generate_key,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        from bot.logs import configure_logging

        configure_logging(settings.log_level)
        return HANDLERS[args.command](args, settings)
    except (SettingsError, CliError) as error:
        print(f"multiplier: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # Ctrl-C before a command's own handling of it (during start-up): no traceback.
        print("\nmultiplier: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
