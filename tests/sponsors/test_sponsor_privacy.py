"""The sponsor thread stays its owner's: never in a team digest, never in a packet shared with
someone else (only in the owner's own export)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import User
from bot.evidence import share_flows
from bot.evidence.flows import packet_file
from bot.evidence.periods import default_period
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.sponsors import service
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
IN_PERIOD = SLOT - timedelta(days=3)
MEMBERS = ["UALICE", "UBOB", "UCAROL"]
SECRET = "SPONSOR-SECRET ask the VP for a review"
LIBRARY = default_library()


def _note(session, owner: User) -> None:
    service.record(
        session=session,
        user=owner,
        answer=service.SponsorAnswer("UVP", "VP-SECRET-NAME", date(2026, 11, 2), SECRET),
        now=IN_PERIOD,
    )


def _alice(session) -> User:
    return session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()


def test_sponsor_notes_never_reach_a_team_digest(database: Database, standin: SlackStandIn) -> None:
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UBOT"])
    with database.session() as session:
        people = [logbook.user(session, m) for m in MEMBERS]
        logbook.digest_channel(session, "CTEAM", "team-payments", MEMBERS, next_post_at=SLOT)
        for person in people:
            logbook.entry(session, person, IN_PERIOD, text="Shared: RFC", visibility="team")
            _note(session, person)
    settings = make_settings(standin=standin, database_url=database.url)
    run_job("digests", JobContext(database=database, settings=settings, worker_id="t"), SLOT)
    (post,) = [
        c.params for c in standin.calls_to("chat.postMessage") if c.params["channel"] == "CTEAM"
    ]
    blob = str(post["blocks"]) + post["text"]
    assert "Shared: RFC" in blob
    assert "SPONSOR-SECRET" not in blob and "VP-SECRET-NAME" not in blob and "UVP" not in blob


def test_a_shared_packet_leaves_the_sponsor_note_out(database: Database) -> None:
    """The owner's own packet shows the note; the packet `evidence share` sends does not."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.entry(session, alice, IN_PERIOD, text="Wrote the RFC")
        _note(session, alice)
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
    assert f"- Next step: {SECRET}" in own.content.splitlines()
    assert "SPONSOR-SECRET" not in shared.content and "VP-SECRET-NAME" not in shared.content
    assert "Questions to answer:" in shared.content.split("## 4. A sponsor")[1]
