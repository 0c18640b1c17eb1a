"""A listener that fails right after acking still acks (Bolt would otherwise drop the ack)."""

from __future__ import annotations

from bot.db.engine import Database
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings, start_app

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1"


def test_every_command_acks_when_its_work_fails_at_once(standin: SlackStandIn) -> None:
    """Ten /brag in a row with the database down: ten fast 200 acks, ten 'try again' replies."""
    database = Database(UNREACHABLE)
    settings = make_settings(standin=standin, database_url=UNREACHABLE)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        for n in range(10):
            reply = running.slack.slash_command("/brag", f"attempt {n}", user_id="UALICE")
            assert reply.status == 200 and reply.elapsed < 1.0, (n, reply)
        calls = standin.wait_for("response_url", count=10)
        assert all("can't reach its database" in c.params["text"] for c in calls)
    finally:
        running.stop()
        database.dispose()
