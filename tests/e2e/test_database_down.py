"""When the database cannot be reached, users get a short 'try again' and nothing crashes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from bot.db.engine import Database
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings, start_app

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1"


def test_command_with_database_down_says_try_again(standin: SlackStandIn, tmp_path: Path) -> None:
    """/brag while the database is unreachable acks, then tells the user to try again."""
    database = Database(UNREACHABLE)
    settings = make_settings(standin=standin, database_url=UNREACHABLE)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        reply = running.slack.slash_command("/brag", "keep this", user_id="UALICE")
        assert reply.status == 200
        (call,) = standin.wait_for("response_url")
        assert "can't reach its database" in call.params["text"]
        assert "Traceback" not in json.dumps(call.params)
        try:
            urllib.request.urlopen(f"{running.url}/healthz", timeout=5)  # noqa: S310
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
            body = json.loads(error.read())
            assert body["database"] == "unreachable"
        assert status == 503
    finally:
        running.stop()
        database.dispose()
