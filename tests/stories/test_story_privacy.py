"""The promotion story stays its owner's: never in a team digest (no digest module reads it,
and a digest run over a workspace full of stories shows none), never in a packet shared with
someone else (only in the owner's own export)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.coaching.story import Quarter
from bot.db.engine import Database
from bot.db.models import PromotionStory, User
from bot.evidence import share_flows
from bot.evidence.flows import packet_file
from bot.evidence.periods import default_period
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.stories import service
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

ROOT = Path(__file__).resolve().parents[2]
SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
IN_PERIOD = SLOT - timedelta(days=3)
MEMBERS = ["UALICE", "UBOB", "UCAROL"]
SECRET = "STORY-SECRET I moved the ledger"
LIBRARY = default_library()


def _story(session, owner: User) -> None:
    quarter = Quarter.of(IN_PERIOD.date())
    service.assemble(session, owner, quarter, LIBRARY, IN_PERIOD)
    service.save(session, owner, quarter, SECRET, IN_PERIOD)


def _alice(session) -> User:
    return session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()


def test_no_digest_module_reads_promotion_stories() -> None:
    for path in sorted((ROOT / "bot" / "digests").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        assert not {n for n in names if n.startswith("bot.stories")}, path
        assert "bot.db.models.PromotionStory" not in names, path
        assert "bot.db.models.PromotionStoryPost" not in names, path


def test_stories_never_reach_a_team_digest(database: Database, standin: SlackStandIn) -> None:
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UBOT"])
    with database.session() as session:
        people = [logbook.user(session, m) for m in MEMBERS]
        logbook.digest_channel(session, "CTEAM", "team-payments", MEMBERS, next_post_at=SLOT)
        for person in people:
            logbook.entry(session, person, IN_PERIOD, text="Shared: RFC", visibility="team")
            _story(session, person)
    with database.session() as session:
        assert len(session.scalars(select(PromotionStory)).all()) == 3
    settings = make_settings(standin=standin, database_url=database.url)
    run_job("digests", JobContext(database=database, settings=settings, worker_id="t"), SLOT)
    (post,) = [
        c.params for c in standin.calls_to("chat.postMessage") if c.params["channel"] == "CTEAM"
    ]
    blob = str(post["blocks"]) + post["text"]
    assert "Shared: RFC" in blob
    assert "STORY-SECRET" not in blob and "promotion story" not in blob.lower()


def test_a_shared_packet_leaves_the_story_out(database: Database) -> None:
    """The owner's own packet shows the story; the packet `evidence share` sends does not."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.entry(session, alice, IN_PERIOD, text="Wrote the RFC")
        _story(session, alice)
    period = default_period(SLOT, "UTC")
    with database.session() as session:
        own = packet_file(
            session=session,
            user=_alice(session),
            period=period,
            library=LIBRARY,
            look_up_names=lambda _ids: {},
            now=SLOT,
        )
    with database.session() as session:
        shared = share_flows.share_file(
            session=session,
            owner=_alice(session),
            kind="packet",
            period=period,
            library=LIBRARY,
            look_up_names=lambda _ids: {},
            now=SLOT,
        )
    assert own is not None and shared is not None
    assert SECRET in own.content.split("## Your promotion story")[1]
    assert "STORY-SECRET" not in shared.content
    assert "## Your promotion story" not in shared.content
