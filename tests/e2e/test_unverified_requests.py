"""A request whose Slack signature could not be verified never acts (issue 12, item 1).

Every surface (command, block action, shortcut, view submission, event) is sent with each
broken header shape. Before the fix, a malformed timestamp made Bolt's verifier raise; the
error handler then treated the unverified body as genuine and posted an apology to its
response_url (wherever it pointed) or DMed the user id it named.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.db.models import EvidenceEntry, ProcessedEvent
from bot.slack.verification import signature_problem, trusted_response_url
from tests.support.apps import SIGNING_SECRET, RunningApp


class Sink:
    """An HTTP server that records every request: where an attacker's response_url points."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    yield server
    server.close()


def _form(fields: dict[str, object]) -> tuple[bytes, str]:
    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


def _payload(payload: dict[str, object]) -> tuple[bytes, str]:
    return _form({"payload": json.dumps(payload)})


def surface_body(surface: str, response_url: str) -> tuple[bytes, str]:
    """A real-shaped body of each surface, naming a real user and an attacker's URL."""
    user = {"id": "UALICE", "username": "alice", "team_id": "T0001"}
    team = {"id": "T0001", "domain": "acme"}
    if surface == "command":
        return _form(
            {
                "command": "/brag",
                "text": "forged entry",
                "user_id": "UALICE",
                "team_id": "T0001",
                "channel_id": "C0GENERAL",
                "response_url": response_url,
                "trigger_id": "1.2.3",
            }
        )
    if surface == "block_action":
        return _payload(
            {
                "type": "block_actions",
                "user": user,
                "team": team,
                "api_app_id": "A0001",
                "trigger_id": "1.2.3",
                "response_url": response_url,
                "container": {"type": "message", "channel_id": "D0ALICE", "message_ts": "1.1"},
                "channel": {"id": "D0ALICE"},
                "actions": [
                    {
                        "type": "button",
                        "action_id": "evidence_delete",
                        "block_id": "b",
                        "value": "1",
                        "action_ts": "1.2",
                    }
                ],
            }
        )
    if surface == "shortcut":
        return _payload(
            {
                "type": "message_action",
                "callback_id": "log_as_evidence",
                "user": user,
                "team": team,
                "channel": {"id": "C0GENERAL", "name": "general"},
                "message": {"type": "message", "user": "UBOB", "text": "hi", "ts": "1.1"},
                "trigger_id": "1.2.3",
                "response_url": response_url,
            }
        )
    if surface == "view_submission":
        return _payload(
            {
                "type": "view_submission",
                "user": user,
                "team": team,
                "trigger_id": "1.2.3",
                "view": {
                    "id": "V1",
                    "type": "modal",
                    "callback_id": "evidence_entry",
                    "private_metadata": "",
                    "state": {"values": {}},
                },
                "response_urls": [
                    {
                        "block_id": "b",
                        "action_id": "a",
                        "channel_id": "C1",
                        "response_url": response_url,
                    }
                ],
            }
        )
    assert surface == "event"
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event_id": "Ev0FORGED",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": "D0ALICE",
                "user": "UALICE",
                "text": "forged reflection",
                "ts": f"{time.time():.6f}",
            },
        }
    ).encode(), "application/json"


SURFACES = ["command", "block_action", "shortcut", "view_submission", "event"]

# (timestamp, signature) shapes: None sends no header, "" an empty one, "SIGN" a signature
# computed over the body with that timestamp (valid but for the timestamp itself).
HEADER_SHAPES = {
    "timestamp_letters": ("abc", "SIGN"),
    "timestamp_exponent": ("1e3", "SIGN"),
    "timestamp_empty": ("", "SIGN"),
    "timestamp_missing": (None, "SIGN"),
    "timestamp_float": ("NOW.5", "SIGN"),
    "timestamp_signed": ("+NOW", "SIGN"),
    "timestamp_spaces": (" NOW ", "SIGN"),
    "timestamp_fullwidth_digits": ("FULLWIDTH", "SIGN"),
    "timestamp_huge": ("9" * 40, "SIGN"),
    "timestamp_stale": ("STALE", "SIGN"),
    "signature_missing": ("NOW", None),
    "signature_empty": ("NOW", ""),
    "signature_wrong": ("NOW", "v0=" + "0" * 64),
    "signature_other_version": ("NOW", "v1=" + "0" * 64),
    "signature_not_hex": ("NOW", "v0=" + "z" * 64),
}


def _timestamp(shape: str | None) -> str | None:
    if shape is None:
        return None
    now = str(int(time.time()))
    fullwidth = now.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    stale = str(int(time.time()) - 6 * 60)
    return shape.replace("FULLWIDTH", fullwidth).replace("STALE", stale).replace("NOW", now)


def send(running_app: RunningApp, body: bytes, content_type: str, shape: str):
    timestamp_shape, signature_shape = HEADER_SHAPES[shape]
    timestamp = _timestamp(timestamp_shape)
    headers: dict[str, Any] = {}
    # A signature computed over the body with that very timestamp string.
    signature = (
        running_app.slack.sign(body, timestamp or "0")
        if signature_shape == "SIGN"
        else signature_shape
    )
    # raw() treats "" as "omit the header"; send absent/empty headers ourselves.
    if timestamp is not None:
        # http.client encodes str headers as Latin-1; fullwidth digits go as UTF-8 bytes.
        headers["X-Slack-Request-Timestamp"] = timestamp.encode()
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    return running_app.slack.raw(
        body, content_type=content_type, timestamp="", signature="", extra_headers=headers
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_unverified_request_gets_401_and_contacts_nobody(
    running_app: RunningApp, sink: Sink, caplog: pytest.LogCaptureFixture, surface: str
) -> None:
    """Any header shape that fails verification gets 401, one warning, no call out, nothing stored."""
    body, content_type = surface_body(surface, sink.url)
    caplog.set_level(logging.INFO)
    running_app.standin.clear()  # the app's own auth.test calls at start-up
    for shape in HEADER_SHAPES:
        caplog.clear()
        reply = send(running_app, body, content_type, shape)
        running_app.wait_idle()
        assert reply.status == 401, (shape, reply.status, reply.body)
        assert sink.hits == [], shape
        assert running_app.standin.calls == [], shape
        app_records = [r for r in caplog.records if r.name.startswith(("bot", "slack_bolt"))]
        assert [r.levelname for r in app_records] == ["WARNING"], (
            shape,
            [r.getMessage() for r in app_records],
        )
        assert app_records[0].exc_info is None, shape
        assert "refused" in app_records[0].getMessage(), shape
    with running_app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(EvidenceEntry)) == 0
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


@pytest.mark.parametrize("surface", ["command", "block_action", "shortcut", "view_submission"])
def test_signed_request_with_a_foreign_response_url_is_refused(
    running_app: RunningApp, sink: Sink, surface: str
) -> None:
    """A correctly signed body whose response_url is not Slack's is refused and never posted to."""
    body, content_type = surface_body(surface, sink.url)
    running_app.standin.clear()  # the app's own auth.test calls at start-up
    reply = running_app.slack.raw(body, content_type=content_type)
    running_app.wait_idle()
    assert reply.status == 400
    assert sink.hits == []
    assert running_app.standin.calls == []


def test_the_signature_check_names_every_failure() -> None:
    """signature_problem gives a reason for each broken shape and None for Slack's own."""
    now = 1_700_000_000
    body = b"token=x&text=hi"
    good = (
        "v0="
        + __import__("hmac")
        .new(SIGNING_SECRET.encode(), b"v0:1700000000:" + body, "sha256")
        .hexdigest()
    )

    def problem(timestamp: str | None, signature: str | None, secret: str = SIGNING_SECRET):
        return signature_problem(
            signing_secret=secret, body=body, timestamp=timestamp, signature=signature, now=now
        )

    assert problem("1700000000", good) is None
    assert problem("1700000000", good, secret="") == "no signing secret configured"
    assert problem(None, good) == "missing timestamp"
    assert problem("", good) == "missing timestamp"
    assert problem("abc", good) == "malformed timestamp"
    assert problem("1e3", good) == "malformed timestamp"
    assert problem("１７００００００００", good) == "malformed timestamp"
    assert problem(str(now - 301), good) == "stale timestamp"
    assert problem(str(now + 301), good) == "stale timestamp"
    assert problem("1700000000", None) == "missing signature"
    assert problem("1700000000", "v0=abc") == "malformed signature"
    assert problem("1700000000", good.upper()) == "malformed signature"
    assert problem("1700000001", good) == "wrong signature"


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://hooks.slack-gov.com/actions/T1/2/abc", True),
        ("https://HOOKS.SLACK.COM/commands/T1/2/abc", True),
        ("http://hooks.slack.com/commands/T1/2/abc", False),
        ("https://hooks.slack.com:8443/commands/x", False),
        ("https://hooks.slack.com.evil.example/commands/x", False),
        ("https://evil.example/?hooks.slack.com", False),
        ("https://user@hooks.slack.com/commands/x", False),
        ("http://127.0.0.1:9999/response/1", True),  # the configured API host (the stand-in)
        ("http://127.0.0.1:9998/response/1", False),
        ("https://127.0.0.1:9999/response/1", False),
        ("", False),
        (None, False),
        ("not a url", False),
        ("http://[::1/broken", False),
    ],
)
def test_only_slack_response_urls_are_trusted(url: object, trusted: bool) -> None:
    """response_url is trusted on Slack's hooks hosts or the configured Web API host only."""
    assert trusted_response_url(url, api_url="http://127.0.0.1:9999/api/") is trusted


@pytest.mark.parametrize("surface", SURFACES)
def test_bolt_dispatch_of_an_unverifiable_request_contacts_nobody(
    running_app: RunningApp, sink: Sink, surface: str
) -> None:
    """Past the HTTP edge too (App.dispatch directly), a timestamp Bolt cannot parse gets 401.

    Bolt's verifier raises on `abc`; the global error handler must not treat that body as
    Slack's (no apology to its response_url, no DM to the user it names).
    """
    from slack_bolt import BoltRequest

    body, content_type = surface_body(surface, sink.url)
    running_app.standin.clear()
    headers = {
        "content-type": [content_type],
        "x-slack-request-timestamp": ["abc"],
        "x-slack-signature": [running_app.slack.sign(body, "abc")],
    }
    response = running_app.app.bolt.dispatch(BoltRequest(body=body.decode(), headers=headers))
    running_app.wait_idle()
    assert response.status == 401
    assert sink.hits == []
    assert running_app.standin.calls == []
