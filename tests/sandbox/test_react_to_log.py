"""React to log (issue 18) in the sandbox: `:react` puts an emoji reaction on a message shown,
as a person does in Slack, and the app is told (`reaction_added`) when it is in the channel;
`:unreact` takes it off (within a minute that undoes the capture)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import EvidenceEntry
from tests.sandbox.conftest import Session

TEAM_SETUP = ":as carol\n/multiplier digest add #team\n:as alice\n"


def _entries(session: Session) -> list[EvidenceEntry]:
    with session.sandbox.database.session() as db:
        found = list(db.scalars(select(EvidenceEntry).order_by(EvidenceEntry.id)))
        db.expunge_all()
        return found


def test_a_trophy_on_your_own_message_logs_it(session: Session) -> None:
    """alice posts in #team (the app is in it) and `:react` (the capture emoji, on the
    message shown last) logs it: the app's confirmation DM is shown."""
    session.feed(TEAM_SETUP)
    session.feed(":post #team Led the incident review for the payments outage\n")
    out = session.feed(":react\n")
    assert "(alice reacted :trophy: to you in #team: Led the incident review" in out, out
    assert "[multiplier → alice · DM" in out, out
    (entry,) = _entries(session)
    assert (entry.source, entry.source_channel_id) == ("reaction", "C0TEAM")
    assert entry.text == "Led the incident review for the payments outage"
    # Taken off at once: the capture is undone.
    out = session.feed(":unreact\n")
    assert "(alice removed :trophy: from you in #team" in out, out
    assert _entries(session) == []


def test_a_trophy_on_a_colleagues_message_offers_the_choice(session: Session) -> None:
    """On bob's message, `:react 1 trophy` (message 1 of those listed) brings the DM
    offering Log it / Send kudos / Dismiss, with buttons to press."""
    session.feed(TEAM_SETUP)
    session.feed(":as bob\n:post #team Wrote the on-call runbook for the new hires\n:as alice\n")
    out = session.feed(":react 1 :trophy:\n")
    assert "(alice reacted :trophy: to bob in #team: Wrote the on-call runbook" in out, out
    assert "Log it" in out and "kudos" in out.lower(), out
    out = session.feed(":press Log it\n")
    (entry,) = _entries(session)
    assert entry.people == ["UBOB"] and entry.source == "reaction"


def test_react_says_what_it_needs(session: Session) -> None:
    """With nothing shown there is nothing to react to; in a channel the app is not in the
    reaction is kept but Slack does not tell the app (and the sandbox says so); another
    emoji than the capture one reaches the app and logs nothing."""
    assert "No message is shown that you can see" in session.feed(":react\n")
    session.feed(":post #general Led the incident review\n")
    out = session.feed(":react\n")
    assert "the app is not in #general, so Slack does not tell it" in out, out
    assert _entries(session) == []
    session.feed(TEAM_SETUP + ":post #team Led the incident review\n")
    out = session.feed(":react eyes\n")
    assert "(alice reacted :eyes: to you in #team" in out and "only :trophy: logs" in out, out
    assert _entries(session) == []
    assert "✗ a message number from 1 to" in session.feed(":react 9\n")
    assert "you have not reacted" in session.feed(":unreact 1 tada\n")


def test_help_says_when_the_app_sees_a_channel_post(session: Session) -> None:
    """:help says what :post and :react reach: the app is told only in a channel it is in
    (failed before: ":post … the bot only sees it when someone runs a shortcut on it",
    untrue since the app hears channels it is in)."""
    out = session.feed(":help\n")
    assert "only sees it when someone runs a shortcut" not in out
    assert "the app is told only in a channel it is in" in out, out
    assert ":react [n] [emoji]" in out and ":unreact" in out
