"""Sending many messages within Slack's limits, and knowing what happened to each.

- One pacing schedule per workspace (GCRA, the "virtual scheduling" form of a token bucket):
  at most `rate_per_minute` messages per minute, with a small catch-up tolerance so that
  thread scheduling jitter does not slow the average rate. A 429 pauses the whole workspace
  for its Retry-After, not just one thread. On PostgreSQL the schedule is shared by every
  worker replica (bot/delivery/budget.py); on SQLite (one worker) by the process's threads.
- One slot per channel per `channel_per_second`, so a DM never gets two messages in a second.
- 5xx answers and dropped connections are retried with bounded exponential backoff. They are
  *ambiguous* — Slack may have posted the message before failing — so before every retry the
  caller's `check` looks for the message (e.g. in the DM's history) instead of guessing.
- Permanent errors end after ONE attempt: the recipient's (deactivated, not found, a bot, a
  channel archived or left) or the workspace's (token revoked or invalid, workspace deleted),
  so the caller can mark them inactive and stop. The classification is bot/delivery/errors.py.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.delivery.budget import ChannelGaps, Pacing, shared_budget
from bot.delivery.errors import Outcome, classify
from bot.slack.client import build_web_client

__all__ = ["Outcome", "RateLimiter", "Result", "Sender", "default_pacing", "shared_limiter"]

logger = logging.getLogger(__name__)

MAX_RATE_LIMITED_RETRIES = 8
# How far a workspace's schedule may fall behind and then catch up in a burst, in seconds.
CATCH_UP_SECONDS = 0.5


@dataclass
class Result:
    outcome: Outcome
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    attempts: int = 0
    # True when `check` found the message already posted by an earlier attempt.
    found: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


class _Pacer:
    """GCRA pacing for one workspace, plus a pause set by Retry-After."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = 0.0
        self.paused_until = 0.0


class RateLimiter:
    """Per-workspace pacing and per-channel spacing, shared by the threads of a process."""

    def __init__(
        self,
        *,
        per_minute: float,
        channel_per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self.channel_gap = 1.0 / channel_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pacers: dict[str, _Pacer] = {}
        self._channels = ChannelGaps()

    def acquire(self, key: str, channel: str | None = None) -> None:
        """Wait for this workspace's (and channel's) next free slot, then take it."""
        with self._lock:
            now = self._monotonic()
            pacer = self._pacers.setdefault(key, _Pacer(self.interval))
            start = max(pacer.next_at, now - CATCH_UP_SECONDS, pacer.paused_until)
            if channel is not None:
                start = max(start, self._channels.get((key, channel), 0.0))
                # The channel's clock runs from when the message really goes out.
                self._channels[(key, channel)] = max(start, now) + self.channel_gap
                self._channels.prune(now)
            pacer.next_at = start + self.interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)

    def pause(self, key: str, seconds: float) -> None:
        """Send nothing more to this workspace for `seconds` (Slack's Retry-After)."""
        with self._lock:
            pacer = self._pacers.setdefault(key, _Pacer(self.interval))
            until = self._monotonic() + seconds
            pacer.paused_until = max(pacer.paused_until, until)
            pacer.next_at = max(pacer.next_at, until)


_limiters: dict[tuple[float, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(per_minute: float, channel_per_second: float) -> RateLimiter:
    """The process-wide limiter for these limits: every sender in the process shares it."""
    with _limiters_lock:
        key = (per_minute, channel_per_second)
        if key not in _limiters:
            _limiters[key] = RateLimiter(
                per_minute=per_minute, channel_per_second=channel_per_second
            )
        return _limiters[key]


def default_pacing(settings: Settings) -> Pacing:
    """The send budget for these settings: shared by every replica on PostgreSQL, the
    process's own on SQLite."""
    local = shared_limiter(
        settings.slack_send_rate_per_minute, settings.slack_send_channel_per_second
    )
    if settings.database_url.startswith("sqlite"):
        return local
    return shared_budget(
        settings.database_url,
        per_minute=settings.slack_send_rate_per_minute,
        channel_per_second=settings.slack_send_channel_per_second,
        fallback=local,
    )


def _retry_after(error: SlackApiError) -> float:
    headers = error.response.headers or {}
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            try:
                return max(float(value), 0.0)
            except ValueError:
                break
    return 1.0


class Sender:
    """Calls the Web API for bulk sends with pacing, retries and error classification."""

    def __init__(
        self,
        settings: Settings,
        *,
        limiter: Pacing | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.limiter = limiter or default_pacing(settings)
        self.max_retries = settings.slack_send_max_retries
        self.backoff = settings.slack_send_backoff_seconds
        self._sleep = sleep
        self._clients: dict[str | None, WebClient] = {}
        self._clients_lock = threading.Lock()

    def client(self, token: str | None) -> WebClient:
        """A client for this token without slack_sdk's own retries: this class decides."""
        with self._clients_lock:
            if token not in self._clients:
                self._clients[token] = build_web_client(
                    self.settings, token=token, retry_handlers=[]
                )
            return self._clients[token]

    def call(
        self,
        request: Callable[[], Any],
        *,
        workspace: str,
        channel: str | None = None,
        paced: bool = True,
        check: Callable[[], dict[str, Any] | None] | None = None,
        retries: int | None = None,
        rate_limited_retries: int = MAX_RATE_LIMITED_RETRIES,
    ) -> Result:
        """Run one Web API request until it succeeds, fails for good, or retries run out.

        `paced` requests wait for the workspace's sending schedule (and the channel's, when
        given). `check`, called before any retry that follows an ambiguous failure, returns
        the already-posted message's data (then nothing is sent again) or None.
        `retries` (default: SLACK_SEND_MAX_RETRIES) bounds the retries after ambiguous
        failures; 0 leaves the retry, and the look before it, to a later run.
        `rate_limited_retries` bounds the waits for Retry-After; 0 fails a throttled look-up
        at once (conversations.history may allow one call a minute: a later run retries).
        """
        max_retries = self.max_retries if retries is None else retries
        attempts = ambiguous_failures = rate_limited = 0
        ambiguous = False
        while True:
            if ambiguous and check is not None:
                found = self._check(check)
                if found is not None:
                    return found
            if paced:
                self.limiter.acquire(workspace, channel)
            attempts += 1
            try:
                response = request()
            # OSError: connection refused/reset, timeouts (URLError is one).
            except (SlackApiError, SlackClientError, OSError) as error:
                kind, code = classify(error)
                if kind is Outcome.RATE_LIMITED and isinstance(error, SlackApiError):
                    rate_limited += 1
                    if rate_limited > rate_limited_retries:
                        return Result(Outcome.RATE_LIMITED, error=code, attempts=attempts)
                    self._wait_out(error, workspace, paced=paced)
                    continue
                if kind is not Outcome.AMBIGUOUS:
                    return Result(kind, error=code, attempts=attempts)
            else:
                return Result(Outcome.OK, dict(response.data), attempts=attempts)
            ambiguous = True
            ambiguous_failures += 1
            if ambiguous_failures > max_retries:
                return Result(Outcome.AMBIGUOUS, error=code, attempts=attempts)
            delay = self.backoff * (2 ** (ambiguous_failures - 1))
            logger.info("retrying after %s in %.2fs", code, delay, extra={"workspace": workspace})
            self._sleep(delay)

    def _wait_out(self, error: SlackApiError, workspace: str, *, paced: bool) -> None:
        """Honour Retry-After: paced sends pause the whole workspace, every thread."""
        if paced:
            self.limiter.pause(workspace, _retry_after(error))
        else:  # read methods have limits of their own
            self._sleep(_retry_after(error))

    @staticmethod
    def _check(check: Callable[[], dict[str, Any] | None]) -> Result | None:
        """Look for an earlier attempt's message; a failed look counts as ambiguous."""
        try:
            found = check()
        except Exception as error:  # cannot tell whether it was posted: do not resend
            logger.warning("could not check for an earlier attempt: %s", type(error).__name__)
            return Result(Outcome.AMBIGUOUS, error="check_failed")
        if found is None:
            return None
        return Result(Outcome.OK, found, found=True)
