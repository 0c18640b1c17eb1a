"""Quote requests stay their requester's: a requested quote never reaches a team digest (its
digest switch is off: the peer never chose to share it), the request never appears in a
shared packet, and the peer's forget-me deletes the request but leaves the sentence on the
requester's log as kudos from a former colleague."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import Kudos, QuotePost, QuoteRequest, User
from bot.evidence import share_flows
from bot.evidence.periods import default_period
from bot.privacy import service as privacy
from bot.quotes import service
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings
from tests.support.privacy import rows_referring_to

SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC
IN_PERIOD = SLOT - timedelta(days=3)
MEMBERS = ["UALICE", "UBOB", "UCAROL"]
SECRET = "QUOTE-SECRET she rebuilt our deploys"
NOTE = "NOTE-SECRET the deploy RFC"
LIBRARY = default_library()


def _answered(session, requester: User, peer: User) -> QuoteRequest:
    request = service.create(
        session=session,
        requester=requester,
        peer_slack_id=peer.slack_user_id,
        note=NOTE,
        now=IN_PERIOD,
    )
    kudos = service.answer(
        session=session,
        request=request,
        peer=peer,
        stored_text=SECRET,
        library=LIBRARY,
        now=IN_PERIOD,
    )
    assert kudos is not None and kudos.share_in_digest is False
    return request


def _by_slack_id(session, slack_id: str) -> User:
    return session.scalars(select(User).where(User.slack_user_id == slack_id)).one()


def test_a_requested_quote_never_reaches_a_team_digest(
    database: Database, standin: SlackStandIn
) -> None:
    standin.add_channel("CTEAM", "team-payments", [*MEMBERS, "UBOT"])
    with database.session() as session:
        people = [logbook.user(session, m) for m in MEMBERS]
        logbook.digest_channel(session, "CTEAM", "team-payments", MEMBERS, next_post_at=SLOT)
        for person in people:
            logbook.entry(session, person, IN_PERIOD, text="Shared: RFC", visibility="team")
        _answered(session, people[0], people[1])
    settings = make_settings(standin=standin, database_url=database.url)
    run_job("digests", JobContext(database=database, settings=settings, worker_id="t"), SLOT)
    (post,) = [
        c.params for c in standin.calls_to("chat.postMessage") if c.params["channel"] == "CTEAM"
    ]
    blob = str(post["blocks"]) + post["text"]
    assert "Shared: RFC" in blob
    assert "QUOTE-SECRET" not in blob and "NOTE-SECRET" not in blob


def test_a_shared_packet_has_no_request(database: Database) -> None:
    """The note to the peer is never in a packet shared with someone else."""
    with database.session() as session:
        alice, bob = logbook.user(session, "UALICE"), logbook.user(session, "UBOB")
        logbook.entry(session, alice, IN_PERIOD, text="Wrote the RFC")
        _answered(session, alice, bob)
    with database.session() as session:
        shared = share_flows.share_file(
            session=session,
            owner=_by_slack_id(session, "UALICE"),
            kind="packet",
            period=default_period(SLOT, "UTC"),
            library=LIBRARY,
            look_up_names=lambda _ids: {},
            now=SLOT,
        )
    assert shared is not None and "NOTE-SECRET" not in shared.content


def test_the_peers_forget_me_deletes_the_request_and_keeps_the_kudos(database: Database) -> None:
    with database.session() as session:
        alice, bob = logbook.user(session, "UALICE"), logbook.user(session, "UBOB")
        _answered(session, alice, bob)
    with database.session() as session:
        bob = _by_slack_id(session, "UBOB")
        assert "quote_requests" not in {
            name
            for name, rows in privacy.export_user_data(session=session, user=bob)["tables"].items()
            if rows
        }
        privacy.forget_user(session=session, user=bob)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(QuoteRequest)) == 0
        assert session.scalar(select(func.count()).select_from(QuotePost)) == 0
        (kudos,) = session.scalars(select(Kudos))
        assert (kudos.text, kudos.giver_id) == (SECRET, None)
        alice = _by_slack_id(session, "UALICE")
        assert (
            rows_referring_to(
                session=session,
                workspace_id=alice.workspace_id,
                user_id=-1,
                slack_user_id="UBOB",
            )
            == {}
        )
