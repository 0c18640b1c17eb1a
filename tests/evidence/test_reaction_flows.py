"""React to log's flows on a real database: the steps of an add and a removal interleaved as
Slack's events and the listener's Web API calls can interleave them."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.capture.reactions import CaptureAction, Reaction
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import EvidenceEntry, ReactionCapture
from bot.evidence import reaction_flows as flows
from bot.workspaces import service as workspaces

LIBRARY = default_library()
EMOJI = frozenset({"trophy"})


def _reaction(kind: str, event_ts: str) -> Reaction:
    reaction = Reaction.from_event(
        {
            "type": kind,
            "user": "UALICE",
            "reaction": "trophy",
            "item_user": "UALICE",
            "item": {"type": "message", "channel": "C0GENERAL", "ts": "1765000000.000100"},
            "event_ts": event_ts,
        }
    )
    assert reaction is not None
    return reaction


def test_a_removal_while_the_add_waits_on_slack_stops_the_log(database: Database) -> None:
    """The add was decided, then (while it read the message from Slack) its removal came:
    the add logs nothing, and nothing is left open."""
    added = _reaction("reaction_added", "1765000010.000000")
    removed = _reaction("reaction_removed", "1765000015.000000")
    with database.session() as session:
        alice = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        session.commit()
        decision = flows.decide(
            session=session, user=alice, reaction=added, emoji=EMOJI, app_user="UBOT"
        )
        assert decision.action is CaptureAction.LOG_OWN
        undone = flows.undo(
            session=session, user=alice, reaction=removed, emoji=EMOJI, app_user="UBOT"
        )
        assert undone is None  # nothing to undo yet: the removal is remembered
        logged = flows.log_message(
            session=session,
            user=alice,
            reaction=added,
            text="Led the incident review",
            author="UALICE",
            permalink=None,
            library=LIBRARY,
        )
        assert logged is None and not session.in_transaction()
        assert session.scalar(select(func.count()).select_from(EvidenceEntry)) == 0
        (row,) = session.scalars(select(ReactionCapture))
        assert row.status == "removed" and row.entry_id is None


def test_undo_then_a_later_add_logs_again(database: Database) -> None:
    """Undone within the minute; a new reaction afterwards logs the message again."""
    with database.session() as session:
        alice = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        session.commit()
        first = flows.log_message(
            session=session, user=alice, reaction=_reaction("reaction_added", "1765000010.0"),
            text="Led the incident review", author="UALICE", permalink=None, library=LIBRARY,
        )  # fmt: skip
        assert first is not None
        undone = flows.undo(
            session=session,
            user=alice,
            reaction=_reaction("reaction_removed", "1765000020.0"),
            emoji=EMOJI,
            app_user="UBOT",
        )
        assert undone is not None and undone.was == "logged"
        again = flows.log_message(
            session=session, user=alice, reaction=_reaction("reaction_added", "1765000090.0"),
            text="Led the incident review", author="UALICE", permalink=None, library=LIBRARY,
        )  # fmt: skip
        assert again is not None
        assert session.scalar(select(func.count()).select_from(EvidenceEntry)) == 1
