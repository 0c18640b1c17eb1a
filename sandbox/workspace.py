"""The sandbox's world in one process: the Slack stand-in, the real app over HTTP, a clock.

Everything reaches the app as Slack-signed HTTP requests sent by `SlackClientSimulator`, and
the app's Web API calls go to the local `SlackStandIn` (SLACK_API_URL points at it), with a
bot token and signing secret generated for this run: never the user's own.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import clock
from bot.config import Settings, load_settings
from sandbox.render import Names

logger = logging.getLogger(__name__)

# Characters kept in the names of shared files written to disk.
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

TEAM_ID = "T0SANDBOX"
TEAM_NAME = "Sandbox"
BOT_USER_ID = "UMULTIPLIER"


@dataclass(frozen=True)
class SampleUser:
    """A member of the sample workspace."""

    id: str
    name: str
    tz: str
    is_admin: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)


SAMPLE_USERS = (
    SampleUser("UALICE", "alice", "America/New_York"),
    SampleUser("UBOB", "bob", "Europe/Berlin"),
    SampleUser("UCAROL", "carol", "Asia/Kolkata", is_admin=True),
)
# (id, name, members): #general holds everyone (the stand-in adds each user to it).
SAMPLE_CHANNELS = (("C0TEAM", "team", ("UALICE", "UBOB", "UCAROL")),)


class _SandboxTime:
    """The `time` module as the stand-in sees it: wall time follows the app's clock.

    Message timestamps, schedule checks and tz fields then agree with what the app believes
    the time is after `:time`; monotonic clocks (rate windows, trigger expiry) stay real.
    """

    def __init__(self, real: Any) -> None:
        self._real = real

    def time(self) -> float:
        return clock.now().timestamp()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Alerts(logging.Handler):
    """Keeps the app's warnings and errors so the chat can mention them after each step."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self._records: list[logging.LogRecord] = []
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_records:
            self._records.append(record)

    def take(self) -> list[logging.LogRecord]:
        with self._lock_records:
            records, self._records = self._records, []
        return records


def sandbox_settings(
    base: Settings | None, *, api_url: str, bot_token: str, secret: str, db_url: str
) -> Settings:
    """The user's settings with every Slack credential replaced by the sandbox's own."""
    base = base or load_settings(_env_file=None)
    return base.model_copy(
        update={
            "slack_bot_token": bot_token,
            "slack_signing_secret": secret,
            "slack_app_token": None,
            "slack_client_id": None,
            "slack_client_secret": None,
            "slack_redirect_uri": None,
            "token_encryption_key": None,
            "slack_api_url": api_url,
            "database_url": db_url,
            "web_threads": min(base.web_threads, 8),
            # Slack spaces a channel's messages a second apart in real time; here hours of the
            # sandbox's clock pass in milliseconds, so a check-in's reminder (six hours later on
            # that clock) would wait a real second behind it: a 90-day jump spent most of its
            # time asleep. The stand-in sets no limits in the sandbox.
            "slack_send_channel_per_second": 1000.0,
        }
    )


class Sandbox:
    """The stand-in, the app behind its HTTP server, the simulator, and the sample users."""

    def __init__(
        self,
        *,
        db_path: Path,
        fresh: bool = False,
        settings: Settings | None = None,
        log_path: Path | None = None,
        start_at: datetime | None = None,
    ) -> None:
        self.db_path = db_path
        self.start_at = start_at
        self.fresh = fresh
        self.base_settings = settings
        self.log_path = log_path or db_path.with_suffix(".log")
        self.users = list(SAMPLE_USERS)
        # Who is reading now (`:as`): Slack shows `<!date^…>` times in their zone.
        self.viewer: SampleUser | None = None
        self.alerts = _Alerts()
        self._seen = 0
        self._closers: list[Callable[[], None]] = []
        self.standin: Any = None
        self.slack: Any = None
        self.app: Any = None
        self.server: Any = None
        self.database: Any = None
        self.settings: Settings | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def config(self) -> Settings:
        """The settings the app runs with (the sandbox's own Slack credentials)."""
        if self.settings is None:
            raise RuntimeError("the sandbox is not started")
        return self.settings

    @property
    def clock_path(self) -> Path:
        return Path(str(self.db_path) + ".clock")

    @property
    def history_path(self) -> Path:
        """The conversations (DMs, channels) as the stand-in held them, kept for next time."""
        return Path(str(self.db_path) + ".history")

    @property
    def files_dir(self) -> Path:
        """Where the files the app shares are written (beside the database)."""
        return self.db_path.parent / "sandbox-files"

    def save_file(self, filename: str, content: bytes) -> Path:
        """Write a shared file under `files_dir`, never over an earlier one; its path."""
        name = _SAFE_NAME.sub("_", Path(filename).name).strip("._") or "file"
        stem, suffix = Path(name).stem, Path(name).suffix
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / name
        n = 1
        while path.exists():
            n += 1
            path = self.files_dir / f"{stem}-{n}{suffix}"
        path.write_bytes(content)
        return path

    def start(self) -> Sandbox:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        from bot.app import create_app
        from bot.db.engine import Database
        from bot.db.migrate import pending_migrations, upgrade
        from bot.web import WebServer
        from standin import webapi
        from standin.signing import SlackClientSimulator
        from standin.webapi import SlackStandIn

        if self.fresh:
            for path in (
                self.db_path,
                self.clock_path,
                self.history_path,
                *self._sqlite_sidecars(),
            ):
                path.unlink(missing_ok=True)
        self._capture_logs()
        self._restore_clock()

        real_time = webapi.time
        webapi.time = _SandboxTime(real_time)  # type: ignore[assignment]
        self._closers.append(lambda: setattr(webapi, "time", real_time))

        bot_token = f"xoxb-sandbox-{secrets.token_hex(12)}"
        signing_secret = secrets.token_hex(16)
        standin = SlackStandIn(
            team_id=TEAM_ID, team_name=TEAM_NAME, bot_token=bot_token, bot_user_id=BOT_USER_ID
        )
        standin.start()
        self._closers.append(standin.stop)
        self.standin = standin
        for user in self.users:
            standin.add_user(user.id, name=user.name, tz=user.tz, is_admin=user.is_admin)
        for channel_id, name, members in SAMPLE_CHANNELS:
            standin.add_channel(channel_id, name, members=list(members))
        self._restore_history()

        db_url = f"sqlite:///{self.db_path.resolve()}"
        self.settings = sandbox_settings(
            self.base_settings,
            api_url=standin.base_url,
            bot_token=bot_token,
            secret=signing_secret,
            db_url=db_url,
        )
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        database = Database(db_url)
        self._closers.append(database.dispose)
        self.database = database
        if pending_migrations(database.engine):
            upgrade(database.engine)

        app = create_app(settings=self.settings, database=database)
        self._closers.append(app.close)
        self.app = app
        server = WebServer(app, host="127.0.0.1", port=0, threads=self.settings.web_threads)
        server.start()
        self._closers.append(server.stop)
        self.server = server
        self.slack = SlackClientSimulator(
            f"{server.url}/slack/events", signing_secret, standin=standin, team_id=TEAM_ID
        )
        self._closers.append(self.slack.close)
        self._seen = len(standin.calls)

    def _sqlite_sidecars(self) -> list[Path]:
        return [Path(str(self.db_path) + suffix) for suffix in ("-wal", "-shm", "-journal")]

    def _capture_logs(self) -> None:
        root = logging.getLogger()
        saved_handlers, saved_level = root.handlers[:], root.level
        from bot.logs import ContextFormatter

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(self.log_path, encoding="utf-8")
        file_handler.setFormatter(
            ContextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
        )
        level = self.base_settings.log_level if self.base_settings else "INFO"
        root.handlers[:] = [file_handler, self.alerts]
        root.setLevel(level)
        # waitress says "Serving on …" at INFO: the log file is the place for it.
        logging.getLogger("waitress").setLevel(logging.WARNING)

        def restore() -> None:
            root.handlers[:] = saved_handlers
            root.setLevel(saved_level)
            file_handler.close()

        self._closers.append(restore)

    def _restore_clock(self) -> None:
        """Resume where the last session's clock stood (or at `start_at`, if later).

        The clock never goes back: data stored in an earlier session is never in the future.
        """
        clock.reset()
        for instant in (self._saved_clock(), self.start_at):
            if instant is not None and instant > clock.now():
                clock.shift(instant - clock.now())
        # Closers run newest first: the clock is saved, then put back (the other order saved
        # the wall clock, and a restarted sandbox lost the time it had been moved to).
        self._closers.append(clock.reset)
        self._closers.append(self.save_clock)

    def _saved_clock(self) -> datetime | None:
        try:
            data = json.loads(self.clock_path.read_text(encoding="utf-8"))
            saved = datetime.fromisoformat(data["now"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return saved if saved.tzinfo else saved.replace(tzinfo=UTC)

    def save_clock(self) -> None:
        if not self.db_path.exists():
            return
        try:
            self.clock_path.write_text(
                json.dumps({"now": clock.now().isoformat()}), encoding="utf-8"
            )
        except OSError:
            logger.warning("could not save the sandbox clock to %s", self.clock_path)

    def _restore_history(self) -> None:
        """Bring back the conversations of the last session (saved when it closed), like
        the clock: the app's database remembers them, so the chat should too."""
        try:
            saved = json.loads(self.history_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            saved = None
        except (OSError, ValueError):
            logger.warning("could not read the sandbox history in %s", self.history_path)
            saved = None
        if isinstance(saved, dict):
            self.standin.restore_conversation_history(saved)
        self._closers.append(self.save_history)

    def save_history(self) -> None:
        if self.standin is None or not self.db_path.exists():
            return
        try:
            text = json.dumps(self.standin.conversation_history(), ensure_ascii=False)
            partial = self.history_path.with_name(self.history_path.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(self.history_path)
        except (OSError, TypeError, ValueError):
            logger.warning("could not save the sandbox history to %s", self.history_path)

    def close(self) -> None:
        """Stop everything started, newest first (idempotent)."""
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            try:
                closer()
            except Exception:  # keep closing the rest; nothing here is worth a traceback
                logger.debug("sandbox: a closer failed", exc_info=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the workspace

    def user(self, name_or_id: str) -> SampleUser | None:
        """A sample user by name (`alice`, `@alice`) or id."""
        wanted = name_or_id.strip().lstrip("@").lower()
        for user in self.users:
            if wanted in (user.name, user.id.lower()):
                return user
        return None

    def user_by_id(self, user_id: str | None) -> SampleUser | None:
        return next((u for u in self.users if u.id == user_id), None)

    def channels(self) -> dict[str, str]:
        """Channel id → name for the public channels of the workspace."""
        names = {"C0GENERAL": "general"}
        names.update({channel_id: name for channel_id, name, _ in SAMPLE_CHANNELS})
        return names

    def channel(self, name_or_id: str) -> str | None:
        wanted = name_or_id.strip().lstrip("#").lower()
        for channel_id, name in self.channels().items():
            if wanted in (name, channel_id.lower()):
                return channel_id
        return None

    def names(self) -> Names:
        def user_name(user_id: str) -> str | None:
            if user_id == BOT_USER_ID:
                return "multiplier"
            known = self.user_by_id(user_id)
            if known:
                return known.name
            profile = self.standin.user(user_id) if self.standin else None
            return profile.get("name") if profile else None

        def channel_name(channel_id: str) -> str | None:
            if channel_id.startswith("D"):
                owner = self.user_by_id(channel_id[1:])
                return f"dm-{owner.name}" if owner else None
            return self.channels().get(channel_id)

        return Names(
            user=user_name, channel=channel_name, tz=self.viewer.tz if self.viewer else None
        )

    def dm_channel(self, user: SampleUser) -> str:
        return str(self.standin.dm_channel_for(user.id))

    # ------------------------------------------------------------------ stepping

    def settle(self, timeout: float = 15.0) -> bool:
        """Wait until the app has finished what the last request set off; False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            idle = self.app.wait_idle(max(deadline - time.monotonic(), 0.01))
            before = len(self.standin.calls)
            # A listener may hand work to another thread of the pool just as it finishes.
            time.sleep(0.02)
            if idle and self.app.wait_idle(0) and len(self.standin.calls) == before:
                return True
            if time.monotonic() > deadline:
                return False

    def new_calls(self) -> list[Any]:
        """Web API calls (and response_url posts) the app made since the last look."""
        calls = self.standin.calls
        fresh, self._seen = calls[self._seen :], len(calls)
        return fresh

    @contextmanager
    def at(self, instant: datetime) -> Iterator[None]:
        """Run with the app's clock at `instant` (it keeps ticking from there)."""
        clock.shift(instant - clock.now())
        yield


def local_label(user: SampleUser, instant: datetime) -> str:
    """`Fri 04 Dec 15:00` in the user's own time zone."""
    return f"{user.local(instant):%a %d %b %H:%M}"


def minute(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(second=0, microsecond=0)


def ceil_minute(instant: datetime) -> datetime:
    floor = minute(instant)
    return floor if floor == instant.astimezone(UTC) else floor + timedelta(minutes=1)
