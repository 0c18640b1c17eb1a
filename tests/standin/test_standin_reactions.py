"""The simulator's reaction events, in Slack's shape, and the stand-in's message reactions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from standin.signing import SlackClientSimulator
from standin.webapi import SlackApiFailure, SlackStandIn
from tests.standin.test_standin_signing import SECRET, TOKEN, VerifyingApp

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        server.add_user("UBOB", name="bob")
        server.add_channel("C0GENERAL", "general", members=["UALICE", "UBOB", "UBOT"])
        yield server


@pytest.fixture
def app() -> Iterator[VerifyingApp]:
    verifying = VerifyingApp()
    yield verifying
    verifying.stop()


@pytest.fixture
def slack(app: VerifyingApp, standin: SlackStandIn) -> Iterator[SlackClientSimulator]:
    with SlackClientSimulator(app.url, SECRET, standin=standin) as simulator:
        yield simulator


def test_reaction_events_have_slacks_shape(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """reaction_added / reaction_removed carry exactly the keys of Slack's documented event
    (and of the fixture copied from it): user, reaction, item_user, item, event_ts."""
    ts = standin.add_message("C0GENERAL", user="UBOB", text="shipped it")["ts"]
    slack.reaction_added(user_id="UALICE", channel_id="C0GENERAL", ts=ts, event_ts="1.000100")
    added = app.received[-1].payload()["event"]
    documented = json.loads((FIXTURES / "event_reaction_added.json").read_text())["event"]
    assert set(added) == set(documented)
    assert set(added["item"]) == set(documented["item"])
    assert added == {
        "type": "reaction_added",
        "user": "UALICE",
        "reaction": "trophy",
        "item_user": "UBOB",
        "item": {"type": "message", "channel": "C0GENERAL", "ts": ts},
        "event_ts": "1.000100",
    }
    assert standin.message("C0GENERAL", ts)["reactions"] == [
        {"name": "trophy", "users": ["UALICE"], "count": 1}
    ]
    slack.reaction_removed(user_id="UALICE", channel_id="C0GENERAL", ts=ts)
    removed = app.received[-1].payload()["event"]
    assert removed["type"] == "reaction_removed" and removed["item_user"] == "UBOB"
    assert "reactions" not in standin.message("C0GENERAL", ts)


def test_a_message_no_user_wrote_has_no_item_user(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """Like an incoming webhook's message: Slack leaves item_user out."""
    ts = standin.add_message("C0GENERAL", user="", text="build passed")["ts"]
    slack.reaction_added(user_id="UALICE", channel_id="C0GENERAL", ts=ts)
    assert "item_user" not in app.received[-1].payload()["event"]


def test_one_reaction_per_person_and_name(standin: SlackStandIn) -> None:
    """A second identical reaction is already_reacted; removing one never added, no_reaction."""
    ts = standin.add_message("C0GENERAL", user="UBOB", text="shipped it")["ts"]
    standin.react("C0GENERAL", ts, user="UALICE", name="trophy")
    standin.react("C0GENERAL", ts, user="UBOB", name="trophy")
    assert standin.message("C0GENERAL", ts)["reactions"][0]["count"] == 2
    with pytest.raises(SlackApiFailure):
        standin.react("C0GENERAL", ts, user="UALICE", name="trophy")
    with pytest.raises(SlackApiFailure):
        standin.unreact("C0GENERAL", ts, user="UALICE", name="star")


def test_reacted_message_reads_back_with_its_reactions(standin: SlackStandIn) -> None:
    """conversations.history gives the message as stored, reactions included, and
    chat.getPermalink its link; a channel the bot is not in answers not_in_channel."""
    client = WebClient(token=TOKEN, base_url=standin.base_url)
    ts = standin.add_message("C0GENERAL", user="UBOB", text="shipped it")["ts"]
    standin.react("C0GENERAL", ts, user="UALICE", name="trophy")
    history = client.conversations_history(
        channel="C0GENERAL", latest=ts, oldest=ts, inclusive=True, limit=1
    )
    (message,) = history["messages"]
    assert message["text"] == "shipped it" and message["reactions"][0]["name"] == "trophy"
    link = client.chat_getPermalink(channel="C0GENERAL", message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/C0GENERAL/p{ts.replace('.', '')}")
    standin.add_channel("C0ELSE", "else", members=["UALICE"])
    other = standin.add_message("C0ELSE", user="UALICE", text="hi")["ts"]
    with pytest.raises(Exception, match="not_in_channel"):
        client.conversations_history(channel="C0ELSE", latest=other, inclusive=True, limit=1)
