"""WebClient round trips against the Slack Web API stand-in, method by method."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from standin.webapi import SlackStandIn

TOKEN = "xoxb-standin"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice", tz="America/New_York")
        server.add_user("UBOB", name="bob", tz="Asia/Kolkata", real_name="Bob B")
        yield server
        assert server.violations == []


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(base_url=standin.base_url, token=TOKEN)


def _error(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return exc.value.response["error"]


def test_auth_test_and_team_info_describe_the_workspace(client: WebClient) -> None:
    """auth.test names the team, bot user and bot id; team.info gives the domain."""
    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0001", "UBOT", "BBOT")
    assert auth["url"] == "https://acme.slack.com/"
    assert client.team_info()["team"]["domain"] == "acme"


def test_users_info_has_time_zone_and_unknown_user_fails(client: WebClient) -> None:
    """users.info returns tz, a computed tz_offset and label; unknown users are not found."""
    bob = client.users_info(user="UBOB")["user"]
    assert (bob["tz"], bob["tz_offset"], bob["real_name"]) == ("Asia/Kolkata", 19800, "Bob B")
    assert bob["tz_label"] == "IST"
    with pytest.raises(SlackApiError) as exc:
        client.users_info(user="UNOBODY")
    assert _error(exc) == "user_not_found"


def test_users_list_paginates_with_cursor(standin: SlackStandIn, client: WebClient) -> None:
    """users.list pages by `limit` and `next_cursor` and lists Slackbot and the bot like Slack."""
    for n in range(5):
        standin.add_user(f"U{n}", name=f"user{n}")
    seen: list[str] = []
    pages = 0
    for page in client.users_list(limit=3):
        pages += 1
        seen.extend(m["id"] for m in page["members"])
    assert pages == 3
    assert seen[0] == "USLACKBOT"
    assert sorted(seen) == sorted(
        ["USLACKBOT", "UBOT", "UALICE", "UBOB", *(f"U{n}" for n in range(5))]
    )


def test_post_message_to_user_id_lands_in_dm(standin: SlackStandIn, client: WebClient) -> None:
    """chat.postMessage with a user id posts into the stable DM channel with increasing ts."""
    first = client.chat_postMessage(channel="UALICE", text="hello")
    second = client.chat_postMessage(channel="UALICE", text="again", username="Coach")
    assert first["channel"] == second["channel"] == standin.dm_channel_for("UALICE") == "DUALICE"
    assert float(second["ts"]) > float(first["ts"])
    assert len(first["ts"].split(".")[1]) == 6
    opened = client.conversations_open(users="UALICE")
    assert opened["channel"]["id"] == "DUALICE"
    texts = [m["text"] for m in standin.dm_messages("UALICE")]
    assert texts == ["hello", "again"]
    assert standin.messages()[1]["username"] == "Coach"
    assert standin.wait_for_dm("UALICE", count=2)[0]["bot_id"] == "BBOT"


def test_history_is_newest_first_and_replies_follow_the_thread(
    standin: SlackStandIn, client: WebClient
) -> None:
    """History is newest first with limit/oldest/latest; replies are parent then oldest first."""
    metadata = {"event_type": "checkin", "event_payload": {"period": "2024-W01"}}
    client.conversations_join(channel="C0GENERAL")  # history needs membership
    ts = [client.chat_postMessage(channel="C0GENERAL", text=f"m{n}")["ts"] for n in range(4)]
    client.chat_postMessage(channel="C0GENERAL", text="tagged", metadata=metadata)
    client.chat_postMessage(channel="C0GENERAL", text="r1", thread_ts=ts[0])
    standin.add_message("C0GENERAL", user="UALICE", text="r2", thread_ts=ts[0])

    history = client.conversations_history(channel="C0GENERAL", limit=2)
    assert [m["text"] for m in history["messages"]] == ["tagged", "m3"]
    assert history["has_more"] is True
    assert "metadata" not in history["messages"][0]
    with_meta = client.conversations_history(
        channel="C0GENERAL", limit=1, include_all_metadata=True
    )
    assert with_meta["messages"][0]["metadata"] == metadata
    window = client.conversations_history(channel="C0GENERAL", oldest=ts[0], latest=ts[3])
    assert [m["text"] for m in window["messages"]] == ["m2", "m1"]
    replies = client.conversations_replies(channel="C0GENERAL", ts=ts[0])
    assert [m["text"] for m in replies["messages"]] == ["m0", "r1", "r2"]
    assert replies["messages"][0]["reply_count"] == 2
    with pytest.raises(SlackApiError) as exc:
        client.conversations_replies(channel="C0GENERAL", ts="1.000001")
    assert _error(exc) == "thread_not_found"


def test_update_delete_permalink_and_reactions(standin: SlackStandIn, client: WebClient) -> None:
    """chat.update/delete/getPermalink and reactions.add act on stored messages only."""
    posted = client.chat_postMessage(channel="UALICE", text="draft")
    channel, ts = posted["channel"], posted["ts"]
    client.chat_update(channel=channel, ts=ts, text="final")
    assert standin.dm_messages("UALICE")[0]["text"] == "final"
    link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    assert link == f"https://acme.slack.com/archives/DUALICE/p{ts.replace('.', '')}"
    client.reactions_add(channel=channel, timestamp=ts, name="tada")
    assert standin.dm_messages("UALICE")[0]["reactions"][0]["name"] == "tada"
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel=channel, ts="1.000001", text="nope")
    assert _error(exc) == "message_not_found"
    user_message = standin.add_message(channel, user="UALICE", text="mine")
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel=channel, ts=user_message["ts"], text="hijack")
    assert _error(exc) == "cant_update_message"
    client.chat_delete(channel=channel, ts=ts)
    assert [m["text"] for m in standin.dm_messages("UALICE")] == ["mine"]


def test_ephemeral_and_scheduled_messages(standin: SlackStandIn, client: WebClient) -> None:
    """postEphemeral needs a channel member; scheduleMessage refuses times in the past."""
    reply = client.chat_postEphemeral(channel="C0GENERAL", user="UBOB", text="only you")
    assert reply["message_ts"]
    assert standin.ephemerals("UBOB")[0]["text"] == "only you"
    assert standin.ephemerals("UALICE") == []
    standin.add_channel("CPRIV", "leads", members=["UALICE"])
    with pytest.raises(SlackApiError) as exc:
        client.chat_postEphemeral(channel="CPRIV", user="UBOB", text="x")
    assert _error(exc) == "user_not_in_channel"
    post_at = int(time.time()) + 3600
    scheduled = client.chat_scheduleMessage(channel="UBOB", text="later", post_at=post_at)
    assert scheduled["channel"] == "DUBOB"
    assert standin.scheduled_messages()[0]["post_at"] == post_at
    with pytest.raises(SlackApiError) as exc:
        client.chat_scheduleMessage(channel="UBOB", text="late", post_at=int(time.time()) - 5)
    assert _error(exc) == "time_in_past"


MODAL = {
    "type": "modal",
    "callback_id": "log_evidence",
    "private_metadata": '{"entry": 7}',
    "title": {"type": "plain_text", "text": "Log evidence"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}


def test_views_open_push_update_and_trigger_rules(standin: SlackStandIn, client: WebClient) -> None:
    """views.open echoes the view with an id and state; triggers are single-use and checked."""
    trigger = standin.issue_trigger_id("UALICE")
    view = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert view["id"].startswith("V")
    assert (view["private_metadata"], view["callback_id"]) == ('{"entry": 7}', "log_evidence")
    assert view["state"] == {"values": {}}
    assert [v["id"] for v in standin.open_views("UALICE")] == [view["id"]]
    with pytest.raises(SlackApiError) as exc:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert _error(exc) == "trigger_exchanged"
    with pytest.raises(SlackApiError) as exc:
        client.views_open(trigger_id="12345.67890.bogus", view=MODAL)
    assert _error(exc) == "invalid_trigger_id"

    pushed = client.views_push(trigger_id=standin.issue_trigger_id("UALICE"), view=MODAL)["view"]
    assert pushed["previous_view_id"] == view["id"]
    assert len(standin.open_views("UALICE")) == 2

    changed = {**MODAL, "private_metadata": "v2"}
    updated = client.views_update(view_id=view["id"], view=changed, hash=view["hash"])["view"]
    assert updated["private_metadata"] == "v2"
    with pytest.raises(SlackApiError) as exc:
        client.views_update(view_id=view["id"], view=changed, hash=view["hash"])
    assert _error(exc) == "hash_conflict"
    standin.close_view(view["id"])
    assert standin.open_views() == []


def test_expired_trigger_is_refused() -> None:
    """A trigger older than trigger_ttl gets expired_trigger_id, like Slack's 3 s window."""
    with SlackStandIn(trigger_ttl=0.0) as standin:
        client = WebClient(base_url=standin.base_url, token=TOKEN)
        trigger = standin.issue_trigger_id("UBOT")
        with pytest.raises(SlackApiError) as exc:
            client.views_open(trigger_id=trigger, view=MODAL)
        assert _error(exc) == "expired_trigger_id"


def test_views_publish_keeps_latest_home_per_user(standin: SlackStandIn, client: WebClient) -> None:
    """views.publish stores the latest home view per user under a stable view id."""
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "1"}}],
    }
    first = client.views_publish(user_id="UALICE", view=home)["view"]
    home["blocks"][0]["text"]["text"] = "2"
    second = client.views_publish(user_id="UALICE", view=home)["view"]
    assert first["id"] == second["id"]
    assert standin.home_view("UALICE")["blocks"][0]["text"]["text"] == "2"
    assert standin.home_view("UBOB") is None


def test_files_upload_v2_round_trip_with_binary_bytes(
    standin: SlackStandIn, client: WebClient
) -> None:
    """files_upload_v2 uploads exact bytes, shares them in the channel and files.info finds them."""
    content = bytes(range(256)) * 4 + b"\r\n--boundary\r\n\r\n" + "✨".encode()
    channel = client.conversations_open(users="UALICE")["channel"]["id"]
    reply = client.files_upload_v2(
        channel=channel,
        content=content,
        filename="chart.png",
        title="Your week",
        initial_comment="Here is your chart",
    )
    (uploaded,) = standin.uploaded_files()
    assert uploaded.content == content
    assert (uploaded.filename, uploaded.title, uploaded.channel) == (
        "chart.png",
        "Your week",
        "DUALICE",
    )
    assert uploaded.completed and uploaded.initial_comment == "Here is your chart"
    assert reply["file"]["id"] == uploaded.file_id
    assert client.files_info(file=uploaded.file_id)["file"]["title"] == "Your week"
    (share,) = standin.dm_messages("UALICE")
    assert share["files"][0]["id"] == uploaded.file_id
    assert share["text"] == "Here is your chart"
    assert [c.method for c in standin.calls][-4:-1] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]


def test_file_upload_rules(standin: SlackStandIn, client: WebClient) -> None:
    """A user id is not a channel_id for files, and completing an unuploaded file fails."""
    with pytest.raises(SlackApiError) as exc:
        client.files_upload_v2(channel="UALICE", content=b"x", filename="a.txt")
    assert _error(exc) == "invalid_arguments"
    url = client.files_getUploadURLExternal(filename="b.txt", length=3)
    assert url["upload_url"].startswith(standin.root_url + "upload/")
    with pytest.raises(SlackApiError) as exc:
        client.files_completeUploadExternal(files=[{"id": url["file_id"], "title": "b"}])
    assert _error(exc) == "file_not_found"


def test_conversations_info_and_members(standin: SlackStandIn, client: WebClient) -> None:
    """conversations.info/members describe channels and DMs of the token's team."""
    standin.add_channel("CTEAM", "team-digest", members=["UALICE", "UBOB", "UBOT"])
    info = client.conversations_info(channel="CTEAM")["channel"]
    assert (info["name"], info["is_channel"], info["num_members"]) == ("team-digest", True, 3)
    assert client.conversations_members(channel="CTEAM")["members"] == ["UALICE", "UBOB", "UBOT"]
    dm = client.conversations_info(channel="DUBOB")["channel"]
    assert (dm["is_im"], dm["user"]) == (True, "UBOB")
    with pytest.raises(SlackApiError) as exc:
        client.conversations_info(channel="CMISSING")
    assert _error(exc) == "channel_not_found"


def test_oauth_install_registers_tokens_and_uninstall_revokes(standin: SlackStandIn) -> None:
    """oauth.v2.access answers the configured code once; its token works until apps.uninstall."""
    standin.set_oauth_credentials("cid", "secret")
    response = SlackStandIn.oauth_v2_response(
        team_id="T0002", team_name="Globex", bot_token="xoxb-globex", bot_user_id="UGLOBEXBOT"
    )
    standin.set_oauth_response("code-1", response)
    anonymous = WebClient(base_url=standin.base_url)
    installed = anonymous.oauth_v2_access(client_id="cid", client_secret="secret", code="code-1")
    assert installed["team"]["id"] == "T0002"
    globex = WebClient(base_url=standin.base_url, token="xoxb-globex")
    assert globex.auth_test()["team_id"] == "T0002"
    with pytest.raises(SlackApiError) as exc:
        anonymous.oauth_v2_access(client_id="cid", client_secret="secret", code="code-1")
    assert _error(exc) == "invalid_code"
    globex.apps_uninstall(client_id="cid", client_secret="secret")
    with pytest.raises(SlackApiError) as exc:
        globex.auth_test()
    assert _error(exc) == "token_revoked"


def test_workspaces_are_isolated(standin: SlackStandIn, client: WebClient) -> None:
    """A second team's token sees neither the first team's users nor its channels."""
    standin.add_team("T0002", "Globex", "xoxb-globex", "UGLOBEXBOT")
    standin.add_user("UZED", name="zed", team_id="T0002")
    globex = WebClient(base_url=standin.base_url, token="xoxb-globex")
    with pytest.raises(SlackApiError) as exc:
        globex.users_info(user="UALICE")
    assert _error(exc) == "user_not_found"
    with pytest.raises(SlackApiError) as exc:
        globex.chat_postMessage(channel="C0GENERAL", text="leak")
    assert _error(exc) == "channel_not_found"
    globex.chat_postMessage(channel="UZED", text="hi zed")
    assert [c.team_id for c in standin.calls_to("chat.postMessage")] == ["T0002", "T0002"]
    assert client.users_info(user="UALICE")["user"]["team_id"] == "T0001"


def test_form_json_and_query_params_are_merged_and_decoded(standin: SlackStandIn) -> None:
    """Form, JSON and query-string params all arrive; JSON-string values decode via .json()."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    form = f"channel=UALICE&text=hi&blocks={urllib.request.quote(json.dumps(blocks))}".encode()
    request = urllib.request.Request(  # noqa: S310 - the local stand-in's http URL
        standin.base_url + "chat.postMessage?unfurl_links=false",
        data=form,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - local stand-in URL
        assert json.load(response)["ok"] is True
    (call,) = standin.calls_to("chat.postMessage")
    assert isinstance(call.params["blocks"], str)
    assert call.json("blocks") == blocks
    assert call.data["blocks"] == blocks
    assert call.params["unfurl_links"] == "false"
    assert call.token == TOKEN
    assert call.header("authorization") == f"Bearer {TOKEN}"
    assert standin.dm_messages("UALICE")[0]["blocks"] == blocks


def test_unknown_method_is_answered_and_recorded(client: WebClient, standin: SlackStandIn) -> None:
    """An unimplemented method answers unknown_method and still shows up in the calls."""
    with pytest.raises(SlackApiError) as exc:
        client.api_call("pins.add", params={"channel": "C0GENERAL"})
    assert _error(exc) == "unknown_method"
    assert standin.calls_to("pins.add")[0].error == "unknown_method"


def test_response_url_posts_are_recorded_and_limited(standin: SlackStandIn) -> None:
    """POSTs to a response_url are recorded as `response_url` calls, at most five per URL."""
    url = standin.response_url("brag")
    webhook = WebhookClient(url)
    for n in range(5):
        assert webhook.send(text=f"update {n}", response_type="ephemeral").status_code == 200
    assert webhook.send(text="sixth").status_code == 404
    calls = standin.wait_for("response_url", count=6)
    assert calls[0].params == {"text": "update 0", "response_type": "ephemeral"}
    assert [r["text"] for r in standin.responses("brag")][-1] == "update 4"
    assert standin.responses("other") == []
