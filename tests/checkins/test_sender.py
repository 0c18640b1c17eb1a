"""The sender's pacing, Retry-After handling, retries and error classification."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient

from bot.delivery.sender import Outcome, RateLimiter, Sender
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += max(seconds, 0)


def test_pacing_spreads_sends_evenly_per_workspace() -> None:
    """600/min means one send every 0.1 s per workspace; another workspace is not slowed."""
    clock = FakeClock()
    limiter = RateLimiter(
        per_minute=600, channel_per_second=1, monotonic=clock.monotonic, sleep=clock.sleep
    )
    started = clock.now
    for i in range(10):
        limiter.acquire("T1", f"U{i}")
    assert clock.now - started == pytest.approx(0.9 - 0.5, abs=1e-9)  # 0.5 s catch-up credit
    before = clock.now
    limiter.acquire("T2", "U0")
    assert clock.now == before


def test_one_channel_gets_at_most_one_message_per_second() -> None:
    """Two sends to one DM are a second apart even when the workspace rate allows more."""
    clock = FakeClock()
    limiter = RateLimiter(
        per_minute=60_000, channel_per_second=1, monotonic=clock.monotonic, sleep=clock.sleep
    )
    limiter.acquire("T1", "U1")
    start = clock.now
    limiter.acquire("T1", "U1")
    assert clock.now - start == pytest.approx(1.0)


def test_retry_after_pauses_the_whole_workspace() -> None:
    """After a 429 with Retry-After: 3 no thread sends to that workspace for 3 seconds."""
    clock = FakeClock()
    limiter = RateLimiter(
        per_minute=60_000, channel_per_second=100, monotonic=clock.monotonic, sleep=clock.sleep
    )
    limiter.pause("T1", 3)
    start = clock.now
    limiter.acquire("T1", "U9")
    assert clock.now - start == pytest.approx(3.0)


@pytest.fixture
def sender_and_client(standin: SlackStandIn, tmp_path) -> tuple[Sender, WebClient, list[float]]:
    settings = make_settings(
        standin=standin,
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        slack_send_rate_per_minute=60_000,
        slack_send_channel_per_second=1000,
        slack_send_max_retries=2,
        slack_send_backoff_seconds=0.25,
    )
    slept: list[float] = []
    clock = FakeClock()
    limiter = RateLimiter(
        per_minute=60_000, channel_per_second=1000, monotonic=clock.monotonic, sleep=clock.sleep
    )
    sender = Sender(settings, limiter=limiter, sleep=slept.append)
    return sender, sender.client(standin.bot_token), slept


def post(client: WebClient, channel: str = "UALICE"):
    return lambda: client.chat_postMessage(channel=channel, text="hi")


def test_5xx_is_retried_with_backoff_and_checked_first(sender_and_client, standin) -> None:
    """Two 503s then success: backoff doubles, and `check` runs before each retry."""
    sender, client, slept = sender_and_client
    standin.server_error_next("chat.postMessage", times=2)
    checks: list[int] = []
    result = sender.call(post(client), workspace="T0001", check=lambda: checks.append(1))
    assert result.ok and result.attempts == 3
    assert slept == [0.25, 0.5] and len(checks) == 2


def test_check_that_finds_the_message_stops_the_retry(sender_and_client, standin) -> None:
    """If the earlier attempt was posted after all, it is not posted again."""
    sender, client, _ = sender_and_client
    standin.server_error_next("chat.postMessage", times=1)
    result = sender.call(post(client), workspace="T0001", check=lambda: {"ts": "1.0"})
    assert result.ok and result.found and result.data == {"ts": "1.0"}
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_retries_are_bounded(sender_and_client, standin) -> None:
    """Persistent 5xx: max_retries + 1 attempts, then AMBIGUOUS (maybe posted)."""
    sender, client, _ = sender_and_client
    standin.server_error_next("chat.postMessage", times=10)
    result = sender.call(post(client), workspace="T0001")
    assert result.outcome is Outcome.AMBIGUOUS and result.attempts == 3


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        ("user_not_found", Outcome.USER_GONE),
        ("user_disabled", Outcome.USER_GONE),
        ("cannot_dm_bot", Outcome.USER_GONE),
        ("channel_not_found", Outcome.USER_GONE),
        ("account_inactive", Outcome.WORKSPACE_GONE),
        ("token_revoked", Outcome.WORKSPACE_GONE),
        ("invalid_auth", Outcome.WORKSPACE_GONE),
        ("not_authed", Outcome.WORKSPACE_GONE),
        ("invalid_blocks", Outcome.REJECTED),
    ],
)
def test_permanent_errors_stop_after_one_attempt(
    sender_and_client, standin, error: str, outcome: Outcome
) -> None:
    """Permanent errors are classified (user or workspace) and never retried."""
    sender, client, slept = sender_and_client
    standin.fail_next("chat.postMessage", error=error, times=5)
    result = sender.call(post(client), workspace="T0001")
    assert result.outcome is outcome and result.attempts == 1 and result.error == error
    assert len(standin.calls_to("chat.postMessage")) == 1 and slept == []


def test_429_is_retried_after_retry_after(sender_and_client, standin) -> None:
    """A 429 is not ambiguous: retried after the pause, without a check."""
    sender, client, _ = sender_and_client
    standin.rate_limit_next("chat.postMessage", retry_after=2, times=2)
    checks: list[int] = []
    result = sender.call(post(client), workspace="T0001", check=lambda: checks.append(1))
    assert result.ok and result.attempts == 3 and checks == []
