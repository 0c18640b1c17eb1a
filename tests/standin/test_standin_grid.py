"""The stand-in's Enterprise Grid: W ids, home teams, enterprise_user, enterprise_id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from standin.signing import SlackClientSimulator
from standin.webapi import SlackStandIn
from tests.standin.test_standin_signing import SECRET, VerifyingApp

TOKEN = "xoxb-standin"


@pytest.fixture
def grid() -> Iterator[SlackStandIn]:
    """Workspace T0001 of the Grid org E0GRID; dana's home is T0HOME, erin is only there."""
    with SlackStandIn(enterprise_id="E0GRID", enterprise_name="Acme Corp") as server:
        server.add_user("UALICE", name="alice")
        server.add_user(
            "WDANA", name="dana", tz="Europe/Paris", team_id="T0HOME",
            enterprise_teams=["T0HOME", "T0001"],
        )  # fmt: skip
        server.add_user("WERIN", name="erin", team_id="T0HOME", enterprise_teams=["T0HOME"])
        yield server
        assert server.violations == []


@pytest.fixture
def client(grid: SlackStandIn) -> WebClient:
    return WebClient(base_url=grid.base_url, token=TOKEN)


def test_auth_test_and_team_info_name_the_org(client: WebClient) -> None:
    """auth.test and team.info carry the workspace's enterprise_id, as in a Grid org."""
    auth = client.auth_test()
    assert (auth["team_id"], auth["enterprise_id"]) == ("T0001", "E0GRID")
    assert auth["is_enterprise_install"] is False
    team = client.team_info()["team"]
    assert (team["enterprise_id"], team["enterprise_name"]) == ("E0GRID", "Acme Corp")


def test_outside_grid_auth_test_has_no_enterprise_id() -> None:
    """A workspace outside any org answers auth.test without an enterprise_id."""
    with SlackStandIn() as server:
        auth = WebClient(base_url=server.base_url, token=TOKEN).auth_test()
    assert "enterprise_id" not in auth


def test_users_info_gives_the_home_team_and_enterprise_user(client: WebClient) -> None:
    """A Grid coworker's team_id is their home workspace; enterprise_user lists their teams."""
    dana = client.users_info(user="WDANA")["user"]
    assert dana["team_id"] == "T0HOME"
    assert dana["enterprise_user"]["enterprise_id"] == "E0GRID"
    assert dana["enterprise_user"]["teams"] == ["T0HOME", "T0001"]
    assert dana["profile"]["team"] == "T0HOME"


def test_grid_members_can_be_messaged_and_listed(grid: SlackStandIn, client: WebClient) -> None:
    """A member of the installing workspace through Grid gets DMs and is in users.list."""
    posted = client.chat_postMessage(channel="WDANA", text="hello")
    assert posted["channel"] == grid.dm_channel_for("WDANA")
    assert client.conversations_open(users="WDANA")["channel"]["id"] == "DWDANA"
    listed = {m["id"] for m in client.users_list()["members"]}
    assert {"UALICE", "WDANA"} <= listed and "WERIN" not in listed
    client.conversations_join(channel="C0GENERAL")
    assert "WDANA" in client.conversations_members(channel="C0GENERAL")["members"]


def test_an_org_user_outside_the_workspace_is_visible_but_not_reachable(
    client: WebClient,
) -> None:
    """users.info shows anyone in the org; a DM to someone not in this workspace is refused."""
    erin = client.users_info(user="WERIN")["user"]
    assert erin["enterprise_user"]["teams"] == ["T0HOME"]
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="WERIN", text="hi")
    assert exc.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as exc:
        client.users_info(user="UNOBODY")
    assert exc.value.response["error"] == "user_not_found"


def test_requests_carry_the_org_and_the_home_team(grid: SlackStandIn) -> None:
    """Envelopes and authorizations carry enterprise_id; a Grid user's team_id is their home."""
    app = VerifyingApp()
    try:
        with SlackClientSimulator(app.url, SECRET, standin=grid) as slack:
            slack.slash_command("/brag", "x", user_id="WDANA")
            slack.user_change(user_id="WDANA")
            slack.block_action("go", user_id="WDANA", channel_id="DWDANA")
        command, changed, action = app.received
        assert all(r.valid for r in app.received)
        form = command.form()
        assert (form["team_id"], form["enterprise_id"], form["user_id"]) == (
            "T0001", "E0GRID", "WDANA",
        )  # fmt: skip
        envelope = changed.payload()
        assert (envelope["team_id"], envelope["enterprise_id"]) == ("T0001", "E0GRID")
        assert envelope["authorizations"][0]["enterprise_id"] == "E0GRID"
        assert envelope["event"]["user"]["team_id"] == "T0HOME"
        payload = action.payload()
        assert payload["team"] == {
            "id": "T0001", "domain": "acme", "enterprise_id": "E0GRID",
            "enterprise_name": "Acme Corp",
        }  # fmt: skip
        assert payload["enterprise"] == {"id": "E0GRID", "name": "Acme Corp"}
        assert payload["user"]["team_id"] == "T0HOME"
    finally:
        app.stop()
