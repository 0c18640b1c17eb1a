"""Operations: structured logs carry workspace, user and request id, never tokens or user text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.db.engine import Database
from bot.logs import build_handler, redact
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, start_app
from tests.support.oauth import install, make_oauth_settings

SECRET_TEXT = "Zanzibar-unicorn-7731 told nobody"
LEAKED_TOKEN = "xoxb-9999-8888-leakedtoken"
BOT_TOKEN = "xoxb-logs-workspace-bot-token"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above, through the production handler (JSON lines)."""
    stream = io.StringIO()
    handler = build_handler(stream, json_output=True)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_brag_logs_context_but_no_text_or_token(
    database: Database, standin: SlackStandIn, captured: io.StringIO
) -> None:
    """A /brag in a multi-workspace install logs JSON lines with team, user and request id only."""
    settings = make_oauth_settings(standin=standin, database_url=database.url)
    running: RunningApp = start_app(settings=settings, database=database, standin=standin)
    try:
        install(running, team_id="T0LOG", team_name="Log", bot_token=BOT_TOKEN, bot_user_id="UBL")
        standin.add_user("ULOGGER", name="logger", team_id="T0LOG")
        running.slack.slash_command(
            "/brag", f"{SECRET_TEXT} {LEAKED_TOKEN}", user_id="ULOGGER", team_id="T0LOG"
        )
        standin.wait_for("response_url")
        running.slack.app_home_opened(user_id="ULOGGER", team_id="T0LOG")
        standin.wait_for("views.publish")
        running.wait_idle()
    finally:
        running.stop()
    output = captured.getvalue()
    assert "Zanzibar" not in output
    assert LEAKED_TOKEN not in output and BOT_TOKEN not in output and "xoxb-" not in output
    lines = _lines(captured)
    brag = [line for line in lines if line.get("request") == "command /brag"]
    assert brag, lines
    assert {line["team_id"] for line in brag} == {"T0LOG"}
    assert {line["user_id"] for line in brag} == {"ULOGGER"}
    assert len({line["request_id"] for line in brag}) == 1
    home = [line for line in lines if line.get("request") == "event app_home_opened"]
    assert home and home[0]["request_id"] != brag[0]["request_id"]


def test_listener_failure_log_has_context_not_text(
    running_app: RunningApp, captured: io.StringIO
) -> None:
    """A failing listener's error line carries the request context (from its thread), no text."""
    running_app.standin.fail_next("chat.postMessage", error="internal_error")
    running_app.slack.dm_message(SECRET_TEXT, user_id="UALICE")
    running_app.standin.wait_for("chat.postEphemeral")
    running_app.wait_idle()
    errors = [line for line in _lines(captured) if line["level"] == "ERROR"]
    assert errors
    assert errors[0]["user_id"] == "UALICE" and errors[0]["request_id"]
    assert "Zanzibar" not in captured.getvalue()


def test_redact_masks_slack_tokens() -> None:
    """Anything shaped like a Slack token is masked, whatever its kind."""
    for token in ("xoxb-1-2-abc", "xoxp-12-ab", "xapp-1-A1-2-ff", "xoxe.xoxb-1-abc", "xoxe-1-ab"):
        assert redact(f"token={token} end") == "token=[redacted-token] end"
    assert redact("no tokens here") == "no tokens here"
