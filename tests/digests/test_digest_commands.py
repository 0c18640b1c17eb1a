"""`/multiplier digest add|list|remove`: admins only, clear usage, nothing stored on refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.db.models import DigestChannel, DigestChannelMember, User
from tests.support.apps import RunningApp


def _reply(app: RunningApp, text: str, user_id: str) -> dict:
    before = len(app.standin.calls_to("response_url"))
    app.slack.slash_command("/multiplier", text, user_id=user_id)
    calls = app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    return calls[-1].params


def _digests(app: RunningApp) -> list[DigestChannel]:
    with app.database.session() as session:
        return list(session.scalars(select(DigestChannel).order_by(DigestChannel.id)))


@pytest.fixture
def team_channel(running_app: RunningApp) -> str:
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOB", "UCAROL", "UBOT"])
    return "<#CTEAM|team-payments>"


def test_admin_adds_a_digest_with_the_default_schedule(
    running_app: RunningApp, team_channel: str
) -> None:
    """An admin's `digest add #channel` stores Monday 09:00 in their zone and the team."""
    reply = _reply(running_app, f"digest add {team_channel}", "UCAROL")
    assert reply["response_type"] == "ephemeral"
    assert "Mondays 09:00 (Asia/Kolkata)" in reply["text"]
    (digest,) = _digests(running_app)
    assert (digest.channel_id, digest.channel_name) == ("CTEAM", "team-payments")
    assert (digest.weekday, digest.minute_of_day, digest.tz) == (0, 540, "Asia/Kolkata")
    assert digest.active and digest.next_post_at is not None
    assert digest.next_post_at > datetime.now(UTC)
    with running_app.database.session() as session:
        members = set(session.scalars(select(DigestChannelMember.slack_user_id)))
        carol = session.scalars(select(User).where(User.slack_user_id == "UCAROL")).one()
        assert carol.is_admin
    assert members == {"UALICE", "UBOB", "UCAROL"}  # the team: its people, not the app
    assert running_app.standin.calls_to("chat.postMessage") == []  # no announcement, no broadcast


def test_admin_sets_a_schedule_and_zone(running_app: RunningApp, team_channel: str) -> None:
    """`weekly fri 16:30 Europe/Berlin` sets day, time and zone; re-adding reschedules."""
    _reply(running_app, f"digest add {team_channel} weekly fri 16:30 Europe/Berlin", "UCAROL")
    _reply(running_app, f"digest add {team_channel} weekly Tuesday 08:00", "UCAROL")
    (digest,) = _digests(running_app)
    assert (digest.weekday, digest.minute_of_day, digest.tz) == (1, 480, "Asia/Kolkata")


@pytest.mark.parametrize(
    ("typed", "minute"),
    [("4pm", 960), ("4:30pm", 990), ("4.30pm", 990), ("9am", 540), ("4 pm", 960), ("16:00", 960)],
)
def test_digest_times_read_like_every_other_time(
    running_app: RunningApp, team_channel: str, typed: str, minute: int
) -> None:
    """`digest add … weekly fri 4pm` reads times as the check-in commands do (failed before:
    only HH:MM)."""
    _reply(running_app, f"digest add {team_channel} weekly fri {typed}", "UCAROL")
    (digest,) = _digests(running_app)
    assert (digest.weekday, digest.minute_of_day) == (4, minute)


def test_list_and_remove(running_app: RunningApp, team_channel: str) -> None:
    """`digest list` shows the channel and schedule; `digest remove` stops it and forgets the team.
    The team is the channel's people: the app, a member since it joined, is not one of them
    (failed before: "team of 4" for alice, bob, carol and the app)."""
    _reply(running_app, f"digest add {team_channel}", "UCAROL")
    listed = _reply(running_app, "digest list", "UALICE")
    assert "<#CTEAM>" in str(listed["blocks"]) and "team of 3 people" in str(listed["blocks"])
    removed = _reply(running_app, f"digest remove {team_channel}", "UCAROL")
    assert "No more digests" in removed["text"]
    (digest,) = _digests(running_app)
    assert not digest.active and digest.next_post_at is None
    with running_app.database.session() as session:
        assert session.scalars(select(DigestChannelMember)).all() == []
    again = _reply(running_app, f"digest remove {team_channel}", "UCAROL")
    assert "has no digest" in again["text"]
    assert "No team digests yet" in _reply(running_app, "digest list", "UBOB")["text"]


@pytest.mark.parametrize("action", ["add", "remove"])
def test_a_non_admin_is_refused_politely_naming_the_admins(
    running_app: RunningApp, team_channel: str, action: str
) -> None:
    """Alice (not an admin) cannot add or remove; the reply names Carol, who can."""
    if action == "remove":
        _reply(running_app, f"digest add {team_channel}", "UCAROL")
    before = [(d.id, d.active, d.next_post_at) for d in _digests(running_app)]
    reply = _reply(running_app, f"digest {action} {team_channel}", "UALICE")
    assert reply["response_type"] == "ephemeral"
    assert "Only workspace admins and owners" in reply["text"]
    assert "<@UCAROL>" in reply["text"]
    assert [(d.id, d.active, d.next_post_at) for d in _digests(running_app)] == before


def test_refusal_finds_admins_through_slack_when_none_is_known(
    running_app: RunningApp, team_channel: str
) -> None:
    """With no admin in our database yet, users.list names one."""
    reply = _reply(running_app, f"digest add {team_channel}", "UBOB")
    assert "<@UCAROL>" in reply["text"]
    assert _digests(running_app) == []


def test_admin_rights_are_checked_fresh(running_app: RunningApp, team_channel: str) -> None:
    """An admin who lost the role in Slack is refused, whatever we stored before."""
    _reply(running_app, f"digest add {team_channel}", "UCAROL")
    running_app.standin.update_user("UCAROL", is_admin=False)
    running_app.standin.update_user("UALICE", is_owner=True)
    reply = _reply(running_app, f"digest remove {team_channel}", "UCAROL")
    assert "Only workspace admins" in reply["text"]
    assert _digests(running_app)[0].active


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("digest", "Usage"),
        ("digest frobnicate", "I don't know"),
        ("digest add", "Which channel?"),
        ("digest add team-payments", "Pick the channel with #"),
        ("digest add <!channel>", "Pick the channel with #"),
        ("digest add <@UBOB|bob>", "Pick the channel with #"),
        ("digest add <#CTEAM|team-payments> daily 09:00", "weekly <day>"),
        ("digest add <#CTEAM|team-payments> weekly someday 09:00", "not a day"),
        ("digest add <#CTEAM|team-payments> weekly mon 25:00", "time of day"),
        ("digest add <#CTEAM|team-payments> weekly mon 09:00 Mars/Base", "time zone"),
        ("digest remove <#CTEAM|team-payments> now", "just the channel"),
        ("digest add <#CTEAM|team-payments> " + "ü" * 5000, "weekly <day>"),
    ],
)
def test_malformed_input_gets_usage_and_stores_nothing(
    running_app: RunningApp, team_channel: str, typed: str, expected: str
) -> None:
    """Bad input is answered with usage, the typed text echoed safely; nothing is stored."""
    reply = _reply(running_app, typed, "UCAROL")
    assert expected in reply["text"]
    assert "You typed" in str(reply["blocks"])
    assert "<!channel>" not in str(reply["blocks"])
    assert _digests(running_app) == []


def test_a_private_channel_without_the_bot_is_explained(running_app: RunningApp) -> None:
    """The bot must be invited to a private channel before it can post there."""
    running_app.standin.add_channel("GSECRET", "secret", ["UALICE"], is_private=True)
    reply = _reply(running_app, "digest add <#GSECRET|secret>", "UCAROL")
    assert "/invite @Multiplier" in reply["text"]
    assert _digests(running_app) == []


def test_an_unknown_channel_is_explained(running_app: RunningApp) -> None:
    """A channel Slack does not know gets a clear answer."""
    reply = _reply(running_app, "digest add <#CNOPE|nope>", "UCAROL")
    assert "can't see that channel" in reply["text"]
    assert _digests(running_app) == []
