"""The monthly expectations check stays its owner's: never in a team digest (no digest module
reads it, and a digest run over people with answered checks says nothing of them)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.engine import Database
from bot.db.models import ExpectationCheck
from bot.delivery.status import DeliveryStatus
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

ROOT = Path(__file__).resolve().parents[2]
SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
IN_PERIOD = SLOT - timedelta(days=3)
MEMBERS = ["UALICE", "UBOB", "UCAROL"]


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_digest_module_reads_expectation_checks() -> None:
    paths = sorted((ROOT / "bot" / "digests").glob("*.py"))
    assert paths
    for path in paths:
        imported = _imported_names(path)
        assert not {n for n in imported if n.startswith("bot.expectations")}, path
        assert "bot.db.models.ExpectationCheck" not in imported, path


def test_answered_checks_never_reach_a_team_digest(
    database: Database, standin: SlackStandIn
) -> None:
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UBOT"])
    with database.session() as session:
        people = [logbook.user(session, m) for m in MEMBERS]
        logbook.digest_channel(session, "CTEAM", "team-payments", MEMBERS, next_post_at=SLOT)
        for person in people:
            logbook.entry(session, person, IN_PERIOD, text="Shared: RFC", visibility="team")
            for month, answer in (("2026-10", "no"), ("2026-11", "no")):
                session.add(
                    ExpectationCheck(
                        workspace_id=person.workspace_id,
                        user_id=person.id,
                        month=month,
                        channel_id=person.slack_user_id,
                        status=DeliveryStatus.SENT,
                        message_ts="1.000001",
                        answer=answer,
                        answered_at=IN_PERIOD,
                        advised_at=IN_PERIOD if month == "2026-11" else None,
                    )
                )
    settings = make_settings(standin=standin, database_url=database.url)
    run_job("digests", JobContext(database=database, settings=settings, worker_id="t"), SLOT)
    (post,) = [
        c.params for c in standin.calls_to("chat.postMessage") if c.params["channel"] == "CTEAM"
    ]
    blob = (str(post["blocks"]) + post["text"]).lower()
    assert "shared: rfc" in blob
    for leak in ("expectation", "mapped", "not yet", "red flag", "2026-10", "manager"):
        assert leak not in blob, leak
