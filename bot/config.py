"""One settings object, read once from the environment and `.env`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from bot.capture.timeoff import AwayRules

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///multiplier.db"


# Listener threads per HTTP thread (bot.app): listeners ack from that pool.
LISTENERS_PER_WEB_THREAD = 4


@dataclass(frozen=True)
class DatabasePool:
    """How many database connections a process keeps open when idle, and opens at most."""

    kept: int
    most: int

    @property
    def engine_kwargs(self) -> dict[str, int]:
        return {"pool_size": self.kept, "max_overflow": self.most - self.kept}


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one plain sentence for the operator."""


class Settings(BaseSettings):
    """Everything the app reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = SLACK_API_URL
    # Multi-workspace OAuth: where Slack sends the installer back (default: derived by Slack
    # from the app's single redirect URL) and the key(s) that encrypt stored tokens.
    slack_redirect_uri: str | None = None
    # Fernet keys, comma-separated: the first encrypts, every one decrypts (key rotation).
    token_encryption_key: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Names of the slash commands, so a workspace that already has a /brag can rename ours.
    command_brag: str = "/brag"
    command_kudos: str = "/kudos"
    command_multiplier: str = "/multiplier"

    # A directory whose YAML files add to or override the shipped coaching content.
    prompts_dir: Path | None = None
    # How long processed Slack event ids are kept for retry de-duplication.
    event_retention_days: int = Field(default=7, ge=1)
    # Threads in the HTTP server; Slack requests are short, Web API work happens after the ack.
    # The listener threads and the database pool are sized from it (see listener_threads and
    # database_pool), so threads never outnumber connections.
    web_threads: int = Field(default=16, ge=1, le=256)
    # Days a workspace's data (or a user's, after tokens_revoked) is kept after uninstall;
    # 0 deletes it at once.
    data_retention_days: int = Field(default=30, ge=0)
    # Seconds to wait for a PostgreSQL connection (or a free pooled one, or a kept one's
    # liveness check) before giving up, so a database outage fails requests fast instead of
    # piling them up. libpq counts at least 2.
    database_connect_timeout: int = Field(default=2, ge=1, le=60)
    # Seconds one PostgreSQL statement may take: the server cancels it then, and the client
    # gives up a second later on a server that does not answer at all (`migrate` is exempt).
    database_statement_timeout: float = Field(default=5.0, gt=0, le=600)
    # Kudos one person may give per day (their local day): keeps kudos meaningful.
    kudos_daily_cap: int = Field(default=5, ge=1, le=1000)
    # React to log (issue 18): the reaction emoji that captures a message as evidence, as a
    # name (`trophy`, `:trophy:`, 🏆), or several separated by commas.
    capture_emoji: str = "trophy"

    # Check-ins (issue 3). A slot missed while the worker was down is still sent this late
    # (never in the user's quiet hours); older slots are not back-filled.
    checkin_grace_hours: float = Field(default=6.0, ge=0, le=72)
    # The one reminder for an unanswered check-in comes this long after its slot.
    checkin_reminder_hours: float = Field(default=24.0, gt=0, le=24 * 7)
    # A claimed check-in whose worker vanished is reconciled after this long (sooner when the
    # claiming process is known dead on this host).
    checkin_claim_lease_seconds: int = Field(default=600, ge=1)
    # Outbound messages the worker sends per minute to one workspace (per process), and per
    # second to one channel. Keep them a little under the limits Slack gives the app.
    slack_send_rate_per_minute: int = Field(default=600, ge=1, le=100_000)
    slack_send_channel_per_second: float = Field(default=1.0, gt=0)
    # Threads sending in parallel, and bounded retries of 5xx/connection failures.
    slack_send_threads: int = Field(default=8, ge=1, le=64)
    slack_send_max_retries: int = Field(default=4, ge=0, le=20)
    slack_send_backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    # The weekly personal summary: sent on this local day and time about the week that ended,
    # or late within the grace window (after downtime), never twice.
    summary_day: str = "monday"
    summary_time: str = "09:00"
    summary_grace_hours: int = Field(default=48, ge=1, le=144)
    # Time off (bot/capture/timeoff.py): a Slack status with one of these words or emoji
    # (comma-separated; unset keeps the built-in lists) makes its person away, and the
    # public holidays of this calendar ("US", "DE-BY"; a person may choose their own in
    # /multiplier settings) are away days for everyone who has not chosen one.
    away_status_words: str | None = None
    away_status_emoji: str | None = None
    holiday_calendar: str | None = None
    # Team digests show aggregates only when at least this many people took part.
    digest_min_group_size: int = Field(default=3, ge=1, le=1000)
    # A digest missed during downtime is still posted within this many hours of its slot.
    digest_grace_hours: int = Field(default=24, ge=1, le=144)
    # The Home tab is republished this long after the last change to a user's data, so a
    # burst of changes publishes once.
    home_refresh_delay_seconds: float = Field(default=2.0, ge=0, le=60)
    # The worker lowers its CPU priority by this much (Unix `nice`, 0-19) so that, where it
    # shares a machine with the web process, acks (due within 3 s) go before scheduled work.
    worker_nice: int = Field(default=10, ge=0, le=19)

    @property
    def listener_threads(self) -> int:
        """Threads running Bolt listeners after their ack: LISTENERS_PER_WEB_THREAD per HTTP
        thread, so that a free one can ack while earlier listeners wait on a slow Web API."""
        return LISTENERS_PER_WEB_THREAD * self.web_threads

    def database_pool(self, process: Literal["web", "worker"]) -> DatabasePool:
        """The connections one process may open: one for every thread that can use the
        database at once, so no thread ever waits on another for a connection.

        web: the HTTP threads and the listener threads, plus the Home refresher. worker: the
        check-in sending threads, plus the scheduler's and the Home refresher's. Connections
        are opened as threads need them; the pool keeps `kept` open when idle and closes the
        others when they are returned.
        """
        if process == "web":
            return DatabasePool(
                kept=self.web_threads, most=self.web_threads + self.listener_threads + 1
            )
        return DatabasePool(kept=2, most=self.slack_send_threads + 2)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("summary_day")
    @classmethod
    def _known_day(cls, value: str) -> str:
        from bot.timetext import parse_weekday, weekday_name

        day = parse_weekday(value)
        if day is None:
            raise ValueError("must be a day of the week such as monday")
        return weekday_name(day).lower()

    @field_validator("holiday_calendar")
    @classmethod
    def _known_calendar(cls, value: str | None) -> str | None:
        from bot.capture.timeoff import NO_CALENDAR, holiday_calendar

        if value is None or not value.strip() or value.strip().lower() == NO_CALENDAR:
            return None
        return holiday_calendar(value).code  # UnknownCalendar (a ValueError) lists choices

    @field_validator("away_status_words", "away_status_emoji")
    @classmethod
    def _usable_away_rules(cls, value: str | None, info: ValidationInfo) -> str | None:
        from bot.capture.timeoff import AwayRules

        if value is not None:  # AwayRulesError (a ValueError) says which entry and why
            if info.field_name == "away_status_words":
                AwayRules.parse(words=value)
            else:
                AwayRules.parse(emoji=value)
        return value

    def away_rules(self) -> AwayRules:
        """The words and emoji of a Slack status that mean "away" (AWAY_STATUS_WORDS/EMOJI)."""
        from bot.capture.timeoff import AwayRules

        return AwayRules.parse(self.away_status_words, self.away_status_emoji)

    @field_validator("summary_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        from bot.timetext import hhmm, parse_time_of_day

        minute = parse_time_of_day(value)
        if minute is None:
            raise ValueError("must be a time of day such as 09:00 or 9am")
        return hhmm(minute)

    @property
    def summary_weekday(self) -> int:
        """Monday is 0."""
        from bot.timetext import parse_weekday

        return parse_weekday(self.summary_day) or 0

    @property
    def summary_minute(self) -> int:
        from bot.timetext import parse_time_of_day

        return parse_time_of_day(self.summary_time) or 0

    @field_validator("token_encryption_key")
    @classmethod
    def _valid_fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        from bot.slack.crypto import parse_keys

        parse_keys(value.get_secret_value())
        return value

    @field_validator("capture_emoji")
    @classmethod
    def _usable_capture_emoji(cls, value: str) -> str:
        from bot.capture.reactions import capture_emoji

        capture_emoji(value)  # CaptureEmojiError (a ValueError) says what is wrong
        return value

    @property
    def capture_emoji_names(self) -> frozenset[str]:
        """The emoji names a capture reaction may use (`trophy` by default)."""
        from bot.capture.reactions import capture_emoji

        return capture_emoji(self.capture_emoji)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def require_bot_token(self) -> None:
        """Raise SettingsError unless the app has a way to call the Web API."""
        if not (self.slack_bot_token or self.oauth_enabled):
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your "
                "Slack app's OAuth & Permissions page into .env (README: 'Create the Slack app')."
            )
        if self.oauth_enabled and self.token_encryption_key is None:
            raise SettingsError(
                "TOKEN_ENCRYPTION_KEY is not set: multi-workspace install stores each workspace's "
                "tokens encrypted. Generate a key with `python -m bot generate-key` and keep it "
                "secret (README: 'Multi-workspace install')."
            )
        if self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            raise SettingsError(
                "SLACK_BOT_TOKEN does not look like a bot token: it should start with 'xoxb-'."
            )

    def require_slack(self, *, socket_mode: bool) -> None:
        """Raise SettingsError naming the first Slack variable a server needs but lacks."""
        self.require_bot_token()
        if socket_mode:
            if not self.slack_app_token:
                raise SettingsError(
                    "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) "
                    "with the connections:write scope, from your app's Basic Information page."
                )
            if not self.slack_app_token.startswith("xapp-"):
                raise SettingsError(
                    "SLACK_APP_TOKEN does not look like an app-level token: it should start "
                    "with 'xapp-'."
                )
        elif not self.slack_signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
                "Basic Information page into .env."
            )


def normalise_database_url(url: str) -> str:
    """Accept Heroku-style `postgres://` URLs and pick the psycopg 3 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    variable = str(first["loc"][0]).upper() if first.get("loc") else "a setting"
    reason = first.get("msg", "is invalid").removeprefix("Value error, ")
    return f"{variable} is invalid ({reason}): fix it in the environment or in .env."


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one SettingsError sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
