"""Fault injection, rate limits, auth failures, payload rejection and waiting on the stand-in."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from freezegun import freeze_time
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)

from standin.webapi import SlackStandIn

TOKEN = "xoxb-standin"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        server.add_user("UBOB", name="bob")
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(base_url=standin.base_url, token=TOKEN)


def test_rate_limit_next_answers_429_with_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    """rate_limit_next gives HTTP 429, `ratelimited` and the Retry-After slack_sdk reads."""
    standin.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="UALICE", text="hi")
    assert exc.value.response.status_code == 429
    assert exc.value.response["error"] == "ratelimited"
    assert exc.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="UALICE", text="hi")["ok"]
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 200]


def test_rate_limit_retry_handler_retries_through(standin: SlackStandIn) -> None:
    """slack_sdk's RateLimitErrorRetryHandler sees the 429 and succeeds on the retry."""
    client = WebClient(
        base_url=standin.base_url,
        token=TOKEN,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.rate_limit_next("users.info", retry_after=0)
    assert client.users_info(user="UALICE")["user"]["name"] == "alice"
    assert [c.status for c in standin.calls_to("users.info")] == [429, 200]


def test_server_errors_are_injected_and_retried(standin: SlackStandIn) -> None:
    """server_error_next answers 5xx; ServerErrorRetryHandler retries past it."""
    plain = WebClient(base_url=standin.base_url, token=TOKEN)
    standin.server_error_next("auth.test", status=500)
    with pytest.raises(SlackApiError) as exc:
        plain.auth_test()
    assert exc.value.response.status_code == 500
    retrying = WebClient(
        base_url=standin.base_url,
        token=TOKEN,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=2,
                interval_calculator=FixedValueRetryIntervalCalculator(0.01),
            )
        ],
    )
    standin.server_error_next("auth.test", status=503, times=2)
    assert retrying.auth_test()["ok"]
    assert [c.status for c in standin.calls_to("auth.test")] == [500, 503, 503, 200]


def test_fail_next_counts_down_and_carries_extra(standin: SlackStandIn, client: WebClient) -> None:
    """fail_next answers 200 ok:false with the error (and extra) exactly `times` times."""
    standin.fail_next("chat.postMessage", error="fatal_error", times=2, extra={"warning": "w"})
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.chat_postMessage(channel="UALICE", text="x")
        assert exc.value.response.status_code == 200
        assert exc.value.response.data == {"ok": False, "error": "fatal_error", "warning": "w"}
    assert client.chat_postMessage(channel="UALICE", text="x")["ok"]
    assert standin.dm_messages("UALICE")[0]["text"] == "x"


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("xoxb-wrong", "invalid_auth"), ("xoxb-standin", "token_revoked")],
)
def test_missing_invalid_and_revoked_tokens(
    standin: SlackStandIn, token: str | None, error: str
) -> None:
    """No token is not_authed, an unknown one invalid_auth, a revoked one token_revoked."""
    standin.revoke_token("xoxb-standin")
    with pytest.raises(SlackApiError) as exc:
        WebClient(base_url=standin.base_url, token=token).auth_test()
    assert exc.value.response["error"] == error


def test_fail_for_user_is_permanent(standin: SlackStandIn, client: WebClient) -> None:
    """fail_for_user breaks DMs, conversations.open and users.info for that user only."""
    standin.fail_for_user("UBOB", "account_inactive")
    for call in (
        lambda: client.chat_postMessage(channel="UBOB", text="x"),
        lambda: client.chat_postMessage(channel="DUBOB", text="x"),
        lambda: client.conversations_open(users="UBOB"),
        lambda: client.users_info(user="UBOB"),
        lambda: client.chat_postMessage(channel="UBOB", text="again"),
    ):
        with pytest.raises(SlackApiError) as exc:
            call()
        assert exc.value.response["error"] == "account_inactive"
    assert client.chat_postMessage(channel="UALICE", text="fine")["ok"]


def test_deactivated_and_bot_users_cannot_be_messaged(
    standin: SlackStandIn, client: WebClient
) -> None:
    """Deactivated users answer user_disabled and other bots cannot_dm_bot, as in Slack."""
    standin.add_user("UGONE", name="gone", deleted=True)
    standin.add_user("UOTHERBOT", name="otherbot", is_bot=True)
    with pytest.raises(SlackApiError) as exc:
        client.conversations_open(users="UGONE")
    assert exc.value.response["error"] == "user_disabled"
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="UOTHERBOT", text="x")
    assert exc.value.response["error"] == "cannot_dm_bot"


def test_workspace_rate_limit_uses_a_sliding_window(standin: SlackStandIn) -> None:
    """Per-workspace limits answer 429 with a Retry-After in seconds, per team."""
    standin.add_team("T0002", "Globex", "xoxb-globex", "UGLOBEXBOT")
    standin.add_user("UZED", name="zed", team_id="T0002")
    standin.set_rate_limits({"users.info": 3})
    acme = WebClient(base_url=standin.base_url, token=TOKEN)
    globex = WebClient(base_url=standin.base_url, token="xoxb-globex")
    for _ in range(3):
        acme.users_info(user="UALICE")
    with pytest.raises(SlackApiError) as exc:
        acme.users_info(user="UALICE")
    assert exc.value.response.status_code == 429
    assert 55 <= int(exc.value.response.headers["Retry-After"]) <= 60
    assert globex.users_info(user="UZED")["ok"]
    assert acme.auth_test()["ok"]  # other methods are not limited


def test_channel_rate_limit_is_per_channel(standin: SlackStandIn, client: WebClient) -> None:
    """With 1 message/s per channel a second post to a channel is refused, another channel not."""
    standin.set_rate_limits(per_second_per_channel=1.0)
    client.chat_postMessage(channel="UALICE", text="one")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="DUALICE", text="two")
    assert exc.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="UBOB", text="other channel")["ok"]
    assert [m["text"] for m in standin.dm_messages("UALICE")] == ["one"]


def test_set_delay_slows_only_that_method(standin: SlackStandIn, client: WebClient) -> None:
    """set_delay makes one method answer late and leaves the others fast."""
    standin.set_delay("users.info", 0.3)
    started = time.monotonic()
    client.users_info(user="UALICE")
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started < 0.3


def test_violating_payloads_are_refused_and_recorded(
    standin: SlackStandIn, client: WebClient
) -> None:
    """Over-limit blocks get invalid_blocks, broadcasts broadcast_mention; both are recorded."""
    too_many = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="UALICE", text="x", blocks=too_many)
    assert exc.value.response["error"] == "invalid_blocks"
    assert "51 blocks (limit 50)" in exc.value.response["errors"][0]
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="UALICE", text="hey <!here>")
    assert exc.value.response["error"] == "broadcast_mention"
    assert standin.dm_messages("UALICE") == []
    assert len(standin.violations) == 2
    assert standin.violations[0].startswith("chat.postMessage: ")
    standin.clear_violations()
    assert standin.violations == []


def test_wait_for_times_out_with_a_helpful_message(
    standin: SlackStandIn, client: WebClient
) -> None:
    """wait_for raises AssertionError naming the method and listing what did arrive."""
    client.users_info(user="UALICE")
    with pytest.raises(AssertionError) as exc:
        standin.wait_for("chat.postMessage", timeout=0.2)
    message = str(exc.value)
    assert "waiting for 1 call(s) to chat.postMessage" in message
    assert "got 0" in message
    assert "users.info [ok]" in message


def test_wait_for_wakes_when_another_thread_calls(standin: SlackStandIn) -> None:
    """wait_for blocks on a condition until a call from another thread arrives."""
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    go = threading.Event()

    def post_later() -> None:
        go.wait(5)
        client.chat_postMessage(channel="UALICE", text="from a worker")

    worker = threading.Thread(target=post_later)
    worker.start()
    go.set()
    (call,) = standin.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["text"] == "from a worker"
    )
    worker.join()
    assert call.ok


def test_serves_concurrent_keep_alive_clients(standin: SlackStandIn) -> None:
    """Twenty keep-alive clients get 400 answers quickly and every ts is unique."""
    port = standin.port
    body = json.dumps({"channel": "UALICE", "text": "load"})

    def worker(_: int) -> list[str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        stamps = []
        for _ in range(20):
            conn.request(
                "POST",
                "/api/chat.postMessage",
                body=body,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
            )
            stamps.append(json.loads(conn.getresponse().read())["ts"])
        conn.close()
        return stamps

    started = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        stamps = [ts for batch in pool.map(worker, range(20)) for ts in batch]
    assert len(set(stamps)) == 400
    assert time.monotonic() - started < 5
    assert len(standin.dm_messages("UALICE")) == 400


def test_works_while_time_is_frozen(standin: SlackStandIn, client: WebClient) -> None:
    """Under freezegun ts follow the frozen clock yet stay unique, and waits still time out."""
    with freeze_time("2024-03-01 12:00:00"):
        first = client.chat_postMessage(channel="UALICE", text="a")["ts"]
        second = client.chat_postMessage(channel="UALICE", text="b")["ts"]
        assert first.startswith("1709294400.")
        assert float(second) > float(first)
        with pytest.raises(AssertionError):
            standin.wait_for("chat.delete", timeout=0.1)
        trigger = standin.issue_trigger_id("UALICE")
    assert trigger


def test_wait_until_watches_state(standin: SlackStandIn, client: WebClient) -> None:
    """wait_until returns the first truthy value of a state check, or explains the timeout."""
    client.views_publish(
        user_id="UALICE",
        view={"type": "home", "blocks": [{"type": "divider"}]},
    )
    home = standin.wait_until(lambda: standin.home_view("UALICE"), description="a home tab")
    assert home["type"] == "home"
    with pytest.raises(AssertionError, match="waiting for bob's home tab"):
        standin.wait_until(lambda: standin.home_view("UBOB"), 0.1, "bob's home tab")


def test_stop_hangs_up_on_keep_alive_clients() -> None:
    """After stop() a kept-alive connection is closed instead of being served."""
    standin = SlackStandIn().start()
    conn = http.client.HTTPConnection("127.0.0.1", standin.port, timeout=5)
    conn.request("POST", "/api/api.test", body=b"", headers={"Content-Length": "0"})
    assert json.loads(conn.getresponse().read())["ok"] is True
    standin.stop()

    def ask_again() -> None:
        conn.request("POST", "/api/api.test", body=b"", headers={"Content-Length": "0"})
        conn.getresponse()

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        ask_again()
    conn.close()
