"""Multi-workspace install end to end against the Slack stand-in, then uninstall."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text

from bot.db.engine import Database
from bot.db.models import EvidenceEntry, SlackBot, SlackInstallation, User, Workspace
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.workspaces.service import WorkspaceInactive
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, start_app
from tests.support.oauth import CLIENT_ID, http_get, install, make_oauth_settings


@pytest.fixture
def oauth_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The real app in multi-workspace mode over HTTP."""
    settings = make_oauth_settings(standin=standin, database_url=database.url)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


def test_install_page_redirects_to_slack_with_state(oauth_app: RunningApp) -> None:
    """/slack/install sends the browser to Slack's authorize page with our scopes and a state."""
    reply = http_get(f"{oauth_app.url}/slack/install")
    assert reply.status == 302
    location = urlsplit(reply.headers["location"])
    assert reply.headers["location"].startswith(oauth_app.standin.root_url + "oauth/v2/authorize")
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert "commands" in query["scope"][0].split(",")
    assert query["state"][0] in reply.headers["set-cookie"]


def test_install_then_command_then_uninstall(oauth_app: RunningApp, database: Database) -> None:
    """Install stores an encrypted installation, commands work there, uninstall stops sending."""
    standin = oauth_app.standin
    installed = install(
        oauth_app,
        team_id="T0NEW",
        team_name="Newco",
        bot_token="xoxb-newco-secret-token",
        bot_user_id="UBNEWCO",
    )
    assert installed.authorize_url
    (exchange,) = standin.calls_to("oauth.v2.access")
    assert exchange.ok

    with database.session() as session:
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == "T0NEW")).one()
        assert workspace.active and workspace.name == "Newco"
        bot = session.scalars(select(SlackBot)).one()
        assert bot.team_id == "T0NEW" and bot.bot_user_id == "UBNEWCO"

    standin.add_user("UNEWBIE", name="newbie", team_id="T0NEW")
    reply = oauth_app.slack.slash_command(
        "/brag", "Ran the first design review at Newco", user_id="UNEWBIE", team_id="T0NEW"
    )
    assert reply.status == 200
    (confirmation,) = standin.wait_for("response_url")
    assert "Logged" in confirmation.params["text"]
    oauth_app.slack.app_home_opened(user_id="UNEWBIE", team_id="T0NEW")
    (publish,) = standin.wait_for("views.publish")
    assert publish.token == "xoxb-newco-secret-token"
    oauth_app.wait_idle()
    with database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        owner = session.get(User, entry.user_id)
        assert owner.slack_user_id == "UNEWBIE" and owner.workspace.team_id == "T0NEW"

    oauth_app.slack.app_uninstalled(team_id="T0NEW")
    oauth_app.wait_idle()
    with database.session() as session:
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == "T0NEW")).one()
        assert not workspace.active
        assert workspace.purge_after - workspace.uninstalled_at == timedelta(days=30)
        assert session.scalars(select(SlackInstallation)).all() == []
        assert session.scalars(select(SlackBot)).all() == []

    # Nothing more is sent there: no job client, and events from it reach no listener.
    ctx = JobContext(database=database, settings=oauth_app.app.settings)
    with pytest.raises(WorkspaceInactive):
        ctx.client_for("T0NEW")
    standin.clear()
    oauth_app.slack.dm_message("anyone there?", user_id="UNEWBIE", team_id="T0NEW")
    oauth_app.slack.app_home_opened(user_id="UNEWBIE", team_id="T0NEW")
    oauth_app.wait_idle()
    assert [c.method for c in standin.calls if c.method != "response_url"] == []

    # After the retention period the purge job deletes everything the workspace had.
    later = workspace.purge_after + timedelta(minutes=1)
    result = run_job("purge", ctx, later)
    assert "1 workspace" in result.summary
    with database.session() as session:
        assert session.scalars(select(Workspace)).all() == []
        assert session.scalars(select(EvidenceEntry)).all() == []


def test_tokens_are_encrypted_at_rest(oauth_app: RunningApp, database: Database) -> None:
    """The raw installation tables never hold a token (or refresh token) in clear."""
    install(
        oauth_app,
        team_id="T0ENC",
        team_name="Enc",
        bot_token="xoxb-plaintext-must-not-appear",
        bot_user_id="UBENC",
        refresh_token="xoxe-1-refresh-must-not-appear",
        expires_in=43_200,
    )
    with database.engine.connect() as connection:
        for table in ("slack_installations", "slack_bots"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
            assert rows
            raw = repr(rows)
            assert "must-not-appear" not in raw
            assert "xoxb-" not in raw and "xoxe-" not in raw
    store = oauth_app.app.oauth.installation_store
    bot = store.find_bot(enterprise_id=None, team_id="T0ENC")
    assert bot.bot_token == "xoxb-plaintext-must-not-appear"
    assert bot.bot_refresh_token == "xoxe-1-refresh-must-not-appear"


def test_reused_or_forged_state_is_refused(oauth_app: RunningApp, database: Database) -> None:
    """A state used twice, or one we never issued, installs nothing."""
    started = http_get(f"{oauth_app.url}/slack/install")
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    cookie = started.headers["set-cookie"].split(";", 1)[0]
    oauth_app.standin.set_oauth_response(
        "c1",
        SlackStandIn.oauth_v2_response(
            team_id="T0X", team_name="X", bot_token="xoxb-x", bot_user_id="UBX"
        ),
    )
    first = http_get(
        f"{oauth_app.url}/slack/oauth_redirect?code=c1&state={state}", {"Cookie": cookie}
    )
    assert first.status == 200
    again = http_get(
        f"{oauth_app.url}/slack/oauth_redirect?code=c1&state={state}", {"Cookie": cookie}
    )
    assert again.status >= 400
    forged = http_get(
        f"{oauth_app.url}/slack/oauth_redirect?code=c1&state=forged",
        {"Cookie": "slack-app-oauth-state=forged"},
    )
    assert forged.status >= 400
    with database.session() as session:
        assert len(session.scalars(select(SlackInstallation)).all()) == 1


def test_reinstall_reactivates_and_cancels_the_purge(
    oauth_app: RunningApp, database: Database
) -> None:
    """Installing again after an uninstall makes the workspace active with nothing scheduled."""
    install(oauth_app, team_id="T0RE", team_name="Re", bot_token="xoxb-re-1", bot_user_id="UBRE")
    oauth_app.slack.app_uninstalled(team_id="T0RE")
    oauth_app.wait_idle()
    install(oauth_app, team_id="T0RE", team_name="Re", bot_token="xoxb-re-2", bot_user_id="UBRE")
    with database.session() as session:
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == "T0RE")).one()
        assert workspace.active and workspace.purge_after is None
    ctx = JobContext(database=database, settings=oauth_app.app.settings)
    assert ctx.client_for("T0RE").token == "xoxb-re-2"
