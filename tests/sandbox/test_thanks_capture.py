"""The sandbox's :post reaches the app when it is in the channel: a thanks becomes a suggestion."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import EvidenceEntry, ThanksSuggestion
from tests.sandbox.conftest import Session


def test_a_thanks_posted_in_a_channel_the_app_is_in_is_suggested(session: Session) -> None:
    """carol allows capture and adds a digest to #team (the app joins); bob opts in; alice's
    thanks in #team brings bob a suggestion DM, and Log it keeps it as bob's evidence."""
    session.feed(
        ":as carol\n/multiplier capture workspace on\n/multiplier digest add #team\n"
        ":as bob\n/multiplier capture on\n"
    )
    out = session.feed(":as alice\n:post #team thanks @bob for the quick review!\n")
    assert "[multiplier → bob · DM]" in out
    with session.sandbox.database.session() as db:
        (row,) = db.scalars(select(ThanksSuggestion)).all()
        assert (row.thanker_slack_user_id, row.channel_id) == ("UALICE", "C0TEAM")
    session.feed(":as bob\n:dm\n:press Log it\n")
    with session.sandbox.database.session() as db:
        (entry,) = db.scalars(select(EvidenceEntry)).all()
    assert entry.source == "thanks" and entry.permalink


def test_a_post_where_the_app_is_not_is_not_sent_to_it(session: Session) -> None:
    """Without the app in #team, :post stays between people: no event, no suggestion."""
    session.feed(":as carol\n/multiplier capture workspace on\n:as bob\n/multiplier capture on\n")
    session.feed(":as alice\n:post #team thanks @bob for the quick review!\n")
    with session.sandbox.database.session() as db:
        assert db.scalars(select(ThanksSuggestion)).all() == []
