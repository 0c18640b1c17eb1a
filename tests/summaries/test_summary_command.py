"""`/multiplier summary [last | on | off]`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.base import utcnow
from bot.db.models import User
from tests.support import logbook
from tests.support.apps import RunningApp


def _reply(app: RunningApp, text: str, user_id: str = "UALICE") -> dict:
    before = len(app.standin.calls_to("response_url"))
    app.slack.slash_command("/multiplier", text, user_id=user_id)
    calls = app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    return calls[-1].params


def test_summary_shows_this_week_so_far(running_app: RunningApp) -> None:
    """`/multiplier summary` answers ephemerally with this week's numbers and streak."""
    with running_app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.entry(session, alice, utcnow() - timedelta(minutes=1), people=["UBOB", "UCAROL"])
    reply = _reply(running_app, "summary")
    blob = str(reply["blocks"])
    assert reply["response_type"] == "ephemeral"
    assert "This week so far" in blob
    assert "*1* multiplier entry" in blob
    assert "*2* people helped" in blob
    assert "1-week streak" in blob


def test_summary_last_is_the_week_that_ended(running_app: RunningApp) -> None:
    """`/multiplier summary last` shows the previous week."""
    with running_app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.entry(session, alice, utcnow() - timedelta(days=7), dimension="writing")
    blob = str(_reply(running_app, "summary last")["blocks"])
    assert "Your multiplier week" in blob
    assert "*1* written artefact" in blob


def test_summary_off_and_on(running_app: RunningApp) -> None:
    """`summary off` stops the weekly DM, `summary on` brings it back."""
    off = _reply(running_app, "summary off")
    assert "*off*" in off["text"]
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert alice.summary_enabled is False
    on = _reply(running_app, "summary ON")
    assert "*on*" in on["text"] and "Mondays 09:00" in on["text"]
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert alice.summary_enabled is True


@pytest.mark.parametrize(
    "typed", ["summary sometimes", "summary <!channel>", "summary <@UBOB>", "summary " + "ß" * 4000]
)
def test_malformed_summary_gets_usage(running_app: RunningApp, typed: str) -> None:
    """Anything else is answered with usage and the typed text echoed safely."""
    reply = _reply(running_app, typed)
    assert "Usage" in reply["text"]
    assert "You typed" in str(reply["blocks"])
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one_or_none()
        assert alice is None or alice.summary_enabled is True
