"""The evidence and privacy flows ask Slack only once their unit of work is committed.

Issue 12 item 5: no connection (on SQLite, the write lock) is held while Slack answers. The
Slack calls arrive as callables; each records whether the session was in a transaction when
it was called.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.evidence import flows
from bot.evidence import service as evidence
from bot.evidence.periods import parse_period
from bot.privacy import flows as privacy_flows
from bot.workspaces import service as workspaces

LIBRARY = default_library()
NOW = datetime(2026, 8, 14, 15, 0, tzinfo=UTC)


class SlackCalls:
    """A stand-in for one Slack call: what it was asked, and whether a transaction was open."""

    def __init__(self, session: Session, answer: object) -> None:
        self.session = session
        self.answer = answer
        self.asked: list[object] = []
        self.in_transaction: list[bool] = []

    def __call__(self, *args: object) -> object:
        self.asked.append(args)
        self.in_transaction.append(self.session.in_transaction())
        return self.answer


def test_kudos_reads_profiles_with_no_transaction_open(database: Database) -> None:
    with database.session() as session:
        giver = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UGIVER")
        profile = SlackCalls(session, {"id": "UBOB", "team_id": "T0001", "tz": "UTC"})
        outcome = flows.give_kudos_asking_slack(
            session=session,
            giver=giver,
            profile_of=profile,
            team_id="T0001",
            recipients=["UBOB", "UGIVER"],
            unresolved=[],
            text="<@UBOB> <@UGIVER> shipped the RFC",
            library=LIBRARY,
            daily_cap=5,
            now=NOW,
        )
        assert profile.asked == [("UBOB",)]  # never the giver themself
        assert profile.in_transaction == [False]
        assert [g.recipient.slack_user_id for g in outcome.given] == ["UBOB"]
        assert not session.in_transaction()  # nothing held while the confirmation goes out


def test_exports_look_names_up_and_open_the_dm_after_the_commit(database: Database) -> None:
    with database.session() as session:
        user = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        evidence.log_text(
            session=session, user=user, text="paired with <@UBOB>", source="brag", library=LIBRARY
        )
        session.commit()
        names = SlackCalls(session, {"UBOB": "Bob"})
        file = privacy_flows.json_export(session=session, user=user, look_up_names=names, now=NOW)
        assert names.in_transaction == [False]
        assert names.asked == [(["UBOB"],)]
        assert "paired with @Bob" in file.content

        packet_names = SlackCalls(session, {"UALICE": "Alice", "UBOB": "Bob"})
        period = parse_period("", now=datetime.now(UTC), tz="UTC")  # the last six months
        packet = flows.packet_file(
            session=session,
            user=user,
            period=period,
            library=LIBRARY,
            look_up_names=packet_names,
            now=NOW,
        )
        assert packet is not None and "Alice" in packet.content
        assert packet_names.in_transaction == [False]

        open_dm = SlackCalls(session, "D0001")
        upload = SlackCalls(session, None)
        sent = privacy_flows.send_to_dm(
            session=session, user=user, file=packet, open_dm=open_dm, upload=upload
        )
        assert sent == packet.filename
        assert open_dm.in_transaction == [False]
        assert upload.asked == [("D0001", packet)]
        assert upload.in_transaction == [False]  # the remembered channel was committed first
        session.expire_all()
        assert user.dm_channel_id == "D0001"
