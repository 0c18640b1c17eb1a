"""`/multiplier bets` (also `judgment`): the calls awaiting a verdict with the day each is
asked about, the answered ones with their verdict, and help names it (failed before: "is
not a command I know"). Signed requests → app → DB."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import clock
from bot.db.models import JudgmentCall, User
from tests.checkins.support import add_users
from tests.e2e.test_evidence_data import multiplier
from tests.support import logbook
from tests.support.apps import RunningApp


def _sections(reply: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]


def test_bets_lists_awaiting_and_answered_calls(running_app: RunningApp) -> None:
    """A decision logged a week ago awaits its verdict, asked about 90 days after it was
    logged; an answered call shows its verdict; an unblocking entry is no call."""
    app = running_app
    now = clock.now()
    add_users(app.database, ["UALICE"], now=now, tz="UTC", standin=app.standin)
    with app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        logged = now - timedelta(days=7)
        logbook.entry(
            session, alice, logged, text="Argued for one event bus", dimension="decisions"
        )
        logbook.entry(session, alice, logged, text="Unblocked the deploy", dimension="unblocking")
        old = logbook.entry(
            session,
            alice,
            now - timedelta(days=100),
            text="Split the monolith",
            dimension="long_horizon",
        )
        session.add(
            JudgmentCall(
                workspace_id=alice.workspace_id,
                user_id=alice.id,
                entry_id=old.id,
                outcome="Right call: deploys halved",
                answered_at=now - timedelta(days=2),
            )
        )
    reply = multiplier(app, "bets")
    head, awaiting, answered = _sections(reply)
    assert head == "🔮 *Your judgment calls*: 1 judgment call awaiting a verdict, 1 answered"
    due = (logged.replace(second=0, microsecond=0) + timedelta(days=90)).astimezone(
        clock.now().tzinfo
    )
    assert awaiting.splitlines()[0] == "*Awaiting a verdict*"
    assert awaiting.splitlines()[1].startswith("• “Argued for one event bus” — logged ")
    assert awaiting.endswith(f"I'll ask on {due:%a} {due.day} {due:%b} {due.year}")
    assert answered.splitlines()[1].startswith(
        "• “Split the monolith” — Right call: deploys halved"
    )
    assert "Unblocked the deploy" not in awaiting + answered

    again = multiplier(app, "judgment", n=2)
    assert _sections(again) == [head, awaiting, answered]
    helped = multiplier(app, "help", n=3)
    assert "`/multiplier bets` — your judgment calls" in helped["blocks"][0]["text"]["text"]


def test_bets_with_no_calls_says_how_they_come(running_app: RunningApp) -> None:
    """No call on the log: one line on what becomes a judgment call and how to mark a bet."""
    reply = multiplier(running_app, "bets")
    text = _sections(reply)[0]  # (someone's first command: the welcome follows)
    assert text.startswith("🔮 No judgment calls on your log yet.")
