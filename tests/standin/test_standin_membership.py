"""The stand-in reads channels only for members, joins public ones, and can check scopes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from standin.webapi import SlackStandIn

TOKEN = "xoxb-standin"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        server.add_channel("CPUBLIC", "public", ["UALICE"])
        server.add_channel("GPRIVATE", "private", ["UALICE"], is_private=True)
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(base_url=standin.base_url, token=TOKEN)


def _error(call) -> str:
    with pytest.raises(SlackApiError) as exc:
        call()
    return exc.value.response["error"]


@pytest.mark.parametrize("method", ["history", "info", "members", "replies"])
def test_a_channel_the_bot_is_not_in_cannot_be_read(client: WebClient, method: str) -> None:
    """Public: not_in_channel; private: channel_not_found — whatever the bot posted there."""
    posted = client.chat_postMessage(channel="CPUBLIC", text="posted with chat:write.public")
    calls = {
        "history": lambda channel: client.conversations_history(channel=channel),
        "info": lambda channel: client.conversations_info(channel=channel),
        "members": lambda channel: client.conversations_members(channel=channel),
        "replies": lambda channel: client.conversations_replies(channel=channel, ts=posted["ts"]),
    }
    assert _error(lambda: calls[method]("CPUBLIC")) == "not_in_channel"
    assert _error(lambda: calls[method]("GPRIVATE")) == "channel_not_found"


def test_joining_a_public_channel_makes_it_readable(
    standin: SlackStandIn, client: WebClient
) -> None:
    """conversations.join adds the bot (warning already_in_channel the second time)."""
    client.chat_postMessage(channel="CPUBLIC", text="hello")
    joined = client.conversations_join(channel="CPUBLIC")
    assert joined["channel"]["is_member"] is True and "warning" not in joined
    again = client.conversations_join(channel="CPUBLIC")
    assert again["warning"] == "already_in_channel"
    assert standin.channel_members("CPUBLIC") == ["UALICE", "UBOT"]
    assert [m["text"] for m in client.conversations_history(channel="CPUBLIC")["messages"]] == [
        "hello"
    ]
    assert client.conversations_info(channel="CPUBLIC")["channel"]["is_member"] is True


def test_a_private_channel_cannot_be_joined(standin: SlackStandIn, client: WebClient) -> None:
    """Not invited: channel_not_found; invited: method_not_supported_for_channel_type."""
    assert _error(lambda: client.conversations_join(channel="GPRIVATE")) == "channel_not_found"
    standin.add_channel("GINVITED", "invited", ["UALICE", "UBOT"], is_private=True)
    assert (
        _error(lambda: client.conversations_join(channel="GINVITED"))
        == "method_not_supported_for_channel_type"
    )
    assert client.conversations_members(channel="GINVITED")["members"] == ["UALICE", "UBOT"]


def test_dms_stay_readable(client: WebClient) -> None:
    """The bot's DM with a user is always its own conversation."""
    client.chat_postMessage(channel="UALICE", text="hi")
    assert client.conversations_history(channel="DUALICE")["messages"][0]["text"] == "hi"


def test_removed_from_a_channel_the_bot_cannot_read_it_again(
    standin: SlackStandIn, client: WebClient
) -> None:
    """remove_from_channel takes the bot out; reading answers not_in_channel again."""
    client.conversations_join(channel="CPUBLIC")
    standin.remove_from_channel("CPUBLIC", "UBOT")
    assert _error(lambda: client.conversations_members(channel="CPUBLIC")) == "not_in_channel"


def test_granted_scopes_are_checked_when_set(standin: SlackStandIn, client: WebClient) -> None:
    """With scopes set, a method without its scope answers missing_scope (with `needed`);
    a post to a public channel the bot is not in needs chat:write.public."""
    standin.set_scopes({"chat:write", "im:history", "channels:read", "channels:join"})
    with pytest.raises(SlackApiError) as exc:
        client.users_info(user="UALICE")
    assert exc.value.response["error"] == "missing_scope"
    assert exc.value.response["needed"] == "users:read"
    assert _error(lambda: client.chat_postMessage(channel="CPUBLIC", text="x")) == (
        "not_in_channel"
    )
    client.conversations_join(channel="CPUBLIC")
    assert client.chat_postMessage(channel="CPUBLIC", text="x")["ok"]
    assert _error(lambda: client.conversations_history(channel="CPUBLIC")) == "missing_scope"
    assert client.conversations_members(channel="CPUBLIC")["ok"]
    assert client.conversations_history(channel="DUALICE")["ok"]
    standin.set_scopes(None)
    assert client.users_info(user="UALICE")["ok"]


def test_history_on_the_non_marketplace_limits(standin: SlackStandIn, client: WebClient) -> None:
    """One history call a minute (then 429 with Retry-After), 15 messages a page at most."""
    client.conversations_join(channel="CPUBLIC")
    for n in range(20):
        standin.add_message("CPUBLIC", user="UALICE", text=str(n))
    standin.limit_history_like_non_marketplace_apps()
    quiet = WebClient(base_url=standin.base_url, token=TOKEN, retry_handlers=[])
    page = quiet.conversations_history(channel="CPUBLIC", limit=100)
    assert len(page["messages"]) == 15 and page["has_more"] is True
    with pytest.raises(SlackApiError) as exc:
        quiet.conversations_history(channel="CPUBLIC")
    assert exc.value.response.status_code == 429
    assert int(exc.value.response.headers["Retry-After"]) >= 1
    standin.limit_history_like_non_marketplace_apps(False)
    assert len(quiet.conversations_history(channel="CPUBLIC")["messages"]) == 20
