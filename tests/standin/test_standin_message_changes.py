"""The simulator's message_changed events: unfurls, thread bumps, bot edits, any order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.conversations.edits import ts_key
from standin.signing import SlackClientSimulator
from standin.webapi import SlackStandIn
from tests.standin.test_standin_signing import SECRET, TOKEN, VerifyingApp


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
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


def test_an_unfurl_adds_attachments_and_is_no_edit(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """An unfurl resends the whole message with attachments and without a new `edited`."""
    slack.dm_message("see <https://example.com/rfc>", user_id="UALICE")
    ts = standin.dm_messages("UALICE")[0]["ts"]
    slack.unfurl(channel_id="DUALICE", ts=ts)
    event = app.received[-1].payload()["event"]
    assert event["subtype"] == "message_changed" and event["channel"] == "DUALICE"
    message = event["message"]
    assert message["text"] == "see <https://example.com/rfc>" and "edited" not in message
    assert message["attachments"][0]["original_url"] == "https://example.com/rfc"
    assert "attachments" not in event["previous_message"]
    assert standin.dm_messages("UALICE")[0]["attachments"]


def test_an_unfurl_of_an_edited_message_repeats_its_edited(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """After an edit, the unfurl carries that same `edited` (same ts), not a new one."""
    slack.dm_message("draft", user_id="UALICE")
    ts = standin.dm_messages("UALICE")[0]["ts"]
    edit = slack.message_changed_event(user_id="UALICE", ts=ts, text="final <https://x.io>")
    unfurl = slack.unfurl_event(channel_id="DUALICE", ts=ts)
    assert unfurl["message"]["edited"] == edit["message"]["edited"]
    assert unfurl["message"]["text"] == "final <https://x.io>"


def test_edits_built_in_order_can_be_delivered_in_any_order(
    app: VerifyingApp, slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """Each edit's edited.ts is later than the last; sending them reversed keeps those stamps."""
    slack.dm_message("v0", user_id="UALICE")
    ts = standin.dm_messages("UALICE")[0]["ts"]
    first = slack.message_changed_event(user_id="UALICE", ts=ts, text="v1")
    second = slack.message_changed_event(user_id="UALICE", ts=ts, text="v2")
    assert ts_key(first["message"]["edited"]["ts"]) > ts_key(ts)
    assert ts_key(second["message"]["edited"]["ts"]) > ts_key(first["message"]["edited"]["ts"])
    assert first["previous_message"]["text"] == "v0" and second["previous_message"]["text"] == "v1"
    slack.event(second)
    slack.event(first)
    delivered = [r.payload()["event"]["message"]["text"] for r in app.received[-2:]]
    assert delivered == ["v2", "v1"]
    assert standin.dm_messages("UALICE")[0]["text"] == "v2"


def test_a_thread_bump_resends_the_parent_with_reply_counts(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """A reply under a message bumps it: reply_count and latest_reply, and no new `edited`."""
    slack.dm_message("question", user_id="UALICE")
    parent = standin.dm_messages("UALICE")[0]["ts"]
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    reply = client.chat_postMessage(channel="DUALICE", thread_ts=parent, text="answer")
    event = slack.thread_bump_event(channel_id="DUALICE", thread_ts=parent)
    message = event["message"]
    assert (message["ts"], message["user"], message["text"]) == (parent, "UALICE", "question")
    assert (message["reply_count"], message["latest_reply"]) == (1, reply["ts"])
    assert message["reply_users"] == ["UBOT"] and "edited" not in message
    assert "reply_count" not in event["previous_message"]


def test_the_bots_own_update_comes_back_as_a_bot_edit(
    slack: SlackClientSimulator, standin: SlackStandIn
) -> None:
    """chat.update by the bot yields a message_changed whose message and edit are the bot's."""
    client = WebClient(base_url=standin.base_url, token=TOKEN)
    posted = client.chat_postMessage(channel="UALICE", text="check-in")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="check-in (answered)")
    event = slack.bot_edit_event(channel_id="DUALICE", ts=posted["ts"])
    message = event["message"]
    assert (message["bot_id"], message["user"]) == ("BBOT", "UBOT")
    assert message["edited"]["user"] == "UBOT"
    assert message["text"] == "check-in (answered)"
    slack.dm_message("mine", user_id="UALICE")
    mine = standin.dm_messages("UALICE")[-1]["ts"]
    with pytest.raises(ValueError, match="not the bot's"):
        slack.bot_edit_event(channel_id="DUALICE", ts=mine)
