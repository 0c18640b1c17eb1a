"""A plain Bolt app driven end to end by the simulator against the stand-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from standin.signing import Input, SlackClientSimulator
from standin.webapi import SlackStandIn

SECRET = "bolt-signing-secret"

MODAL = {
    "type": "modal",
    "callback_id": "log_evidence",
    "title": {"type": "plain_text", "text": "Log evidence"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}
CHECKIN_BLOCKS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "How did you multiply this week?"}},
    {
        "type": "actions",
        "block_id": "checkin",
        "elements": [
            {
                "type": "button",
                "action_id": "snooze",
                "text": {"type": "plain_text", "text": "Snooze"},
                "value": "c1",
            }
        ],
    },
]


def _build_app(standin: SlackStandIn) -> App:
    client = WebClient(base_url=standin.base_url, token=standin.bot_token)
    app = App(signing_secret=SECRET, token=standin.bot_token, client=client)

    @app.command("/brag")
    def brag(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        respond(text=f"Noted: {body['text']}")
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("log_evidence")
    def save(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        text = body["view"]["state"]["values"]["what"]["text"]["value"]
        client.chat_postMessage(channel=body["user"]["id"], text=f"Logged: {text}")

    @app.event("message")
    def dm(event: dict[str, Any], say: Say) -> None:
        say(text="Thanks!", blocks=CHECKIN_BLOCKS, thread_ts=event["ts"])

    @app.action("snooze")
    def snooze(ack: Ack, respond: Respond) -> None:
        ack()
        respond(replace_original=True, text="Snoozed until tomorrow")

    return app


class _BoltServer:
    """Serves a Bolt app over HTTP on an ephemeral port."""

    def __init__(self, app: App) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): [v] for k, v in self.headers.items()}
                response = app.dispatch(BoltRequest(body=body.decode(), headers=headers))
                data = (response.body or "").encode()
                self.send_response(response.status)
                for name, values in response.headers.items():
                    if name.lower() != "content-length":
                        for value in values:
                            self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        yield server
        assert server.violations == []


@pytest.fixture
def slack(standin: SlackStandIn) -> Iterator[SlackClientSimulator]:
    server = _BoltServer(_build_app(standin))
    with SlackClientSimulator(server.url, SECRET, standin=standin) as simulator:
        yield simulator
    server.stop()


def test_command_modal_and_submission_round_trip(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """/brag acks, responds, opens a modal; submitting it closes the modal and DMs the user."""
    reply = slack.slash_command("/brag", "shipped the cache", user_id="UALICE")
    assert reply.status == 200
    (response,) = standin.wait_for("response_url")
    assert response.params["text"] == "Noted: shipped the cache"
    standin.wait_for("views.open", predicate=lambda c: c.ok)
    assert [v["callback_id"] for v in standin.open_views("UALICE")] == ["log_evidence"]

    values = {"what": {"text": Input.plain_text("Reviewed the RFC")}}
    assert slack.view_submission("log_evidence", user_id="UALICE", values=values).status == 200
    assert standin.open_views("UALICE") == []
    (dm,) = standin.wait_for_dm("UALICE")
    assert dm["text"] == "Logged: Reviewed the RFC"


def test_dm_event_reply_and_button_press(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """A DM event gets a threaded reply; pressing its button responds via the response_url."""
    assert slack.dm_message("hello bot", user_id="UALICE").status == 200
    bot_reply = standin.wait_for_dm("UALICE")[0]
    user_message = standin.dm_messages("UALICE")[0]
    assert bot_reply["thread_ts"] == user_message["ts"]
    assert slack.block_action("snooze", user_id="UALICE", message=bot_reply).status == 200
    (response,) = standin.wait_for("response_url")
    assert response.params == {"replace_original": True, "text": "Snoozed until tomorrow"}


def test_bolt_rejects_forged_requests(slack: SlackClientSimulator) -> None:
    """Bolt's own signature check accepts the simulator and refuses a wrong signature."""
    body = b"command=%2Fbrag&text=x"
    forged = slack.raw(
        body, content_type="application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )
    assert forged.status == 401
