"""The signed-request simulator, checked against a tiny local server that verifies signatures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from standin.signing import Input, SlackClientSimulator
from standin.webapi import SlackStandIn

SECRET = "test-signing-secret"
TOKEN = "xoxb-standin"

Responder = Callable[["Received"], tuple[int, str]]


@dataclass
class Received:
    """One request the verifying server got."""

    headers: dict[str, str]
    body: bytes
    valid: bool
    client_port: int

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def payload(self) -> dict[str, Any]:
        if self.content_type == "application/json":
            return json.loads(self.body)
        return json.loads(self.form()["payload"])


class VerifyingApp:
    """A local HTTP server that checks Slack signatures like an app would, and records."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.responder: Responder = lambda _: (200, "")
        self.close_every: int | None = None
        self._lock = threading.Lock()
        verifier = SignatureVerifier(SECRET)
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                valid = verifier.is_valid_request(body, headers)
                received = Received(headers, body, valid, self.client_address[1])
                with app._lock:
                    app.received.append(received)
                    count = len(app.received)
                status, text = app.responder(received) if valid else (401, "invalid signature")
                data = text.encode()
                self.send_response(status)
                kind = "application/json" if text.startswith("{") else "text/plain"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                if app.close_every and count % app.close_every == 0:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            # Twenty clients connect at once: socketserver's default backlog of 5 overflows
            # under load, and the kernel then resets a connection the client thinks is open.
            request_queue_size = 64
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        yield server


@pytest.fixture
def app() -> Iterator[VerifyingApp]:
    verifying = VerifyingApp()
    yield verifying
    verifying.stop()


@pytest.fixture
def slack(app: VerifyingApp, standin: SlackStandIn) -> Iterator[SlackClientSimulator]:
    with SlackClientSimulator(app.url, SECRET, standin=standin) as simulator:
        yield simulator


def test_every_request_kind_is_signed_and_shaped_like_slack(
    app: VerifyingApp, slack: SlackClientSimulator
) -> None:
    """Commands are form fields, interactivity a form `payload`, events JSON; all verify."""
    slack.slash_command("/brag", "shipped it", user_id="UALICE")
    slack.event({"type": "reaction_added", "user": "UALICE"})
    slack.dm_message("hello", user_id="UALICE")
    slack.block_action("answer", user_id="UALICE", value="1")
    slack.view_submission("log", user_id="UALICE", values={"b": {"a": Input.plain_text("x")}})
    slack.view_closed("log", user_id="UALICE")
    slack.message_shortcut("log_message", user_id="UALICE", message={"ts": "1.2", "text": "t"})
    slack.global_shortcut("new_entry", user_id="UALICE")
    slack.app_home_opened("UALICE")
    slack.user_change(user_id="UALICE")
    slack.tokens_revoked(["UALICE"], [])
    slack.app_uninstalled()
    slack.url_verification("abc")
    assert all(r.valid for r in app.received)
    assert len(app.received) == 13

    command = app.received[0].form()
    assert command["command"] == "/brag"
    assert command["text"] == "shipped it"
    assert (command["user_id"], command["team_id"], command["user_name"]) == (
        "UALICE",
        "T0001",
        "alice",
    )
    assert command["response_url"].startswith("http://127.0.0.1:")
    kinds = [r.payload()["type"] for r in app.received[3:8]]
    assert kinds == [
        "block_actions",
        "view_submission",
        "view_closed",
        "message_action",
        "shortcut",
    ]
    events = [r.payload() for r in (app.received[1], app.received[2], *app.received[8:12])]
    assert all(e["type"] == "event_callback" for e in events)
    assert all(e["authorizations"][0]["user_id"] == "UBOT" for e in events)
    event_types = [e["event"]["type"] for e in events]
    assert event_types == [
        "reaction_added",
        "message",
        "app_home_opened",
        "user_change",
        "tokens_revoked",
        "app_uninstalled",
    ]
    assert len({e["event_id"] for e in events}) == 6
    dm = events[1]["event"]
    assert (dm["channel"], dm["channel_type"], dm["text"]) == ("DUALICE", "im", "hello")
    assert app.received[12].payload() == {
        "token": "legacy-verification-token",
        "challenge": "abc",
        "type": "url_verification",
    }


def test_triggers_and_response_urls_come_from_the_standin(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """A command's trigger_id opens a modal in the stand-in; its response_url records posts."""
    slack.slash_command("/brag", "", user_id="UALICE")
    form = app.received[0].form()
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    view = MODAL
    assert client.views_open(trigger_id=form["trigger_id"], view=view)["ok"]
    assert standin.open_views("UALICE")
    assert form["response_url"].startswith(standin.root_url + "respond/")


@pytest.mark.parametrize(
    ("kwargs", "header_present"),
    [
        ({"signature": "v0=" + "0" * 64}, True),
        ({"timestamp": int(time.time()) - 6 * 60}, True),
        ({"signature": ""}, False),
    ],
    ids=["wrong_signature", "six_minutes_old", "unsigned"],
)
def test_forged_requests_fail_verification(
    app: VerifyingApp, slack: SlackClientSimulator, kwargs: dict[str, Any], header_present: bool
) -> None:
    """raw() sends wrong, stale and missing signatures that a verifier rejects."""
    reply = slack.raw(
        b"command=%2Fbrag", content_type="application/x-www-form-urlencoded", **kwargs
    )
    assert reply.status == 401
    (received,) = app.received
    assert not received.valid
    assert ("X-Slack-Signature" in received.headers) is header_present
    assert (
        slack.raw(b"command=%2Fbrag", content_type="application/x-www-form-urlencoded").status
        == 200
    )


def test_event_retries_carry_headers_and_the_same_event_id(
    app: VerifyingApp, slack: SlackClientSimulator
) -> None:
    """event() sends X-Slack-Retry-Num/Reason when asked and reports the event_id it used."""
    first = slack.event({"type": "app_mention", "text": "hi"})
    retry = slack.event(
        {"type": "app_mention", "text": "hi"},
        event_id=first.event_id,
        retry_num=1,
        retry_reason="http_timeout",
    )
    assert first.event_id and retry.event_id == first.event_id
    assert "X-Slack-Retry-Num" not in app.received[0].headers
    assert app.received[1].headers["X-Slack-Retry-Num"] == "1"
    assert app.received[1].headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert app.received[1].payload()["event_id"] == first.event_id


def test_keep_alive_connections_serve_concurrent_threads(
    app: VerifyingApp, slack: SlackClientSimulator
) -> None:
    """Twenty threads send 500 signed requests over one keep-alive connection each."""

    def send(n: int) -> int:
        return slack.event({"type": "app_mention", "text": str(n)}).status

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(send, range(500)))
    assert statuses == [200] * 500
    assert all(r.valid for r in app.received)
    assert len({r.client_port for r in app.received}) <= 20


def test_reconnects_when_the_app_closes_connections(
    app: VerifyingApp, slack: SlackClientSimulator
) -> None:
    """When the app closes the connection after some responses, the next request reconnects."""
    app.close_every = 3
    statuses = [slack.global_shortcut("s", user_id="UALICE").status for _ in range(10)]
    assert statuses == [200] * 10
    assert len({r.client_port for r in app.received}) >= 4


MODAL = {
    "type": "modal",
    "callback_id": "log_evidence",
    "private_metadata": "entry-7",
    "title": {"type": "plain_text", "text": "Log evidence"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        },
        {
            "type": "input",
            "block_id": "scope",
            "label": {"type": "plain_text", "text": "Scope"},
            "element": {
                "type": "static_select",
                "action_id": "scope",
                "options": [
                    {"text": {"type": "plain_text", "text": "Cross-team"}, "value": "cross_team"}
                ],
            },
        },
    ],
}


def _open_modal(standin: SlackStandIn) -> dict[str, Any]:
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    trigger = standin.issue_trigger_id("UALICE")
    return client.views_open(trigger_id=trigger, view=MODAL)["view"]


def test_view_submission_uses_the_open_modal_and_follows_the_ack(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """Submitting the open modal sends its id and metadata; errors keep it, update and close."""
    view = _open_modal(standin)
    values = {"what": {"text": Input.plain_text("Ran the RFC review")}}
    values["scope"] = {"scope": Input.static_select("cross_team")}

    app.responder = lambda _: (200, json.dumps({"response_action": "errors", "errors": {}}))
    slack.view_submission("log_evidence", user_id="UALICE", values=values)
    submitted = app.received[-1].payload()["view"]
    assert (submitted["id"], submitted["private_metadata"]) == (view["id"], "entry-7")
    option = submitted["state"]["values"]["scope"]["scope"]["selected_option"]
    assert option["text"]["text"] == "Cross-team"
    assert len(standin.open_views("UALICE")) == 1

    updated = {**MODAL, "private_metadata": "entry-8"}
    app.responder = lambda _: (200, json.dumps({"response_action": "update", "view": updated}))
    slack.view_submission("log_evidence", user_id="UALICE", values=values)
    assert standin.open_views("UALICE")[0]["private_metadata"] == "entry-8"

    app.responder = lambda _: (200, "")
    slack.view_submission("log_evidence", user_id="UALICE", values=values)
    assert standin.open_views("UALICE") == []
    assert standin.violations == []


def test_view_submission_refuses_inputs_the_modal_lacks(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """Values for a block/action or option the open modal lacks fail the test early."""
    _open_modal(standin)
    with pytest.raises(AssertionError, match="has no input what/nope"):
        slack.view_submission(
            "log_evidence", user_id="UALICE", values={"what": {"nope": Input.plain_text("x")}}
        )
    with pytest.raises(AssertionError, match="has no option 'org'"):
        slack.view_submission(
            "log_evidence",
            user_id="UALICE",
            values={"scope": {"scope": Input.static_select("org")}},
        )


def test_block_action_takes_the_element_from_the_message(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """Pressing a button in a stored message sends its block_id, value and message container."""
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    blocks = [
        {
            "type": "actions",
            "block_id": "checkin:42",
            "elements": [
                {
                    "type": "button",
                    "action_id": "snooze",
                    "text": {"type": "plain_text", "text": "Snooze"},
                    "value": "checkin-42",
                }
            ],
        }
    ]
    client.chat_postMessage(channel="UALICE", text="Check-in", blocks=blocks)
    (message,) = standin.dm_messages("UALICE")
    slack.block_action("snooze", user_id="UALICE", message=message)
    payload = app.received[-1].payload()
    (action,) = payload["actions"]
    assert (action["block_id"], action["value"], action["type"]) == (
        "checkin:42",
        "checkin-42",
        "button",
    )
    assert payload["container"]["message_ts"] == message["ts"]
    assert payload["channel"]["id"] == "DUALICE"
    assert payload["response_url"].startswith(standin.root_url)
    with pytest.raises(AssertionError, match="no element with action_id 'missing'"):
        slack.block_action("missing", user_id="UALICE", message=message)


def test_dm_messages_and_edits_are_kept_in_the_standin(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """dm_message stores the user's message (its ts is the event's); edits update it."""
    reply = slack.dm_message("Mentored <@UBOB> on <https://x.io|the RFC>", user_id="UALICE")
    assert reply.status == 200
    event = app.received[-1].payload()["event"]
    (stored,) = standin.dm_messages("UALICE")
    assert stored["ts"] == event["ts"] and stored["user"] == "UALICE"
    kinds = [e["type"] for e in event["blocks"][0]["elements"][0]["elements"]]
    assert kinds == ["text", "user", "text", "link"]
    slack.message_changed(user_id="UALICE", ts=stored["ts"], text="Mentored bob")
    changed = app.received[-1].payload()["event"]
    assert changed["subtype"] == "message_changed"
    assert changed["previous_message"]["text"] == "Mentored <@UBOB> on <https://x.io|the RFC>"
    assert standin.dm_messages("UALICE")[0]["text"] == "Mentored bob"


def test_ack_bodies_are_audited(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """A broadcast mention in an ack body is recorded as a stand-in violation."""
    app.responder = lambda _: (200, json.dumps({"text": "done <!channel>"}))
    slack.slash_command("/brag", "x", user_id="UALICE")
    (violation,) = standin.violations
    assert violation.startswith("ack:/brag: broadcast mention '<!channel>'")


def test_uninstall_and_token_revocation_reach_the_standin(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """app_uninstalled revokes the team's tokens in the stand-in before the event is sent."""
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    assert client.auth_test()["ok"]
    slack.app_uninstalled()
    with pytest.raises(SlackApiError) as exc:
        client.auth_test()
    assert exc.value.response["error"] == "token_revoked"
