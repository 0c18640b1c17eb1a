"""One token, one workspace: in SLACK_BOT_TOKEN mode other teams are refused, nothing stored.

Issue 12: a signed request naming another team_id was served: it created a second
workspace, published that workspace's Home with our token over the real person's Home, and
someone opted in under both ids got two check-ins for one slot.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.checkins import service as checkins
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import ProcessedEvent, User, Workspace
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.ui import checkins as checkins_ui
from bot.workspaces import service as workspaces
from bot.workspaces.service import WorkspaceInactive
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app

OTHER = "T0OTHER"


def _rows(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Workspace, User, ProcessedEvent)
        }


NOTHING = {"Workspace": 0, "User": 0, "ProcessedEvent": 0}
# What the app may call while refusing: nothing at all (auth.test is the token's own check).
ALLOWED = {"auth.test"}


def _outbound(standin: SlackStandIn) -> list[str]:
    return [c.method for c in standin.calls if c.method not in ALLOWED]


def test_a_command_for_another_team_is_refused_in_its_ack(
    running_app: RunningApp, standin: SlackStandIn, database: Database, caplog
) -> None:
    caplog.set_level(logging.INFO)
    reply = running_app.slack.slash_command(
        "/multiplier", "checkins on", user_id="UALICE", team_id=OTHER
    )
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert "isn't set up for this workspace" in reply.json()["text"]
    running_app.wait_idle()
    assert _rows(database) == NOTHING
    assert _outbound(standin) == []
    assert any(f"workspace {OTHER}" in r.getMessage() for r in caplog.records)
    # The token's own workspace is served as ever.
    running_app.slack.slash_command("/multiplier", "checkins on", user_id="UALICE")
    (answer,) = standin.wait_for("response_url")
    assert "isn't set up" not in answer.params["text"]


def test_an_action_for_another_team_does_nothing(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    reply = running_app.slack.block_action(
        checkins_ui.START, user_id="UALICE", value="start", team_id=OTHER
    )
    assert reply.status == 200
    running_app.wait_idle()
    assert _rows(database) == NOTHING
    assert _outbound(standin) == []


def test_events_for_another_team_store_nothing_and_publish_nothing(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    home = running_app.slack.app_home_opened("UALICE", team_id=OTHER)
    dm = running_app.slack.dm_message("hello from elsewhere", user_id="UALICE", team_id=OTHER)
    assert (home.status, dm.status) == (200, 200)
    running_app.wait_idle()
    assert _rows(database) == NOTHING  # not even the event ids
    assert _outbound(standin) == []
    # The same events for the token's workspace are handled.
    running_app.slack.app_home_opened("UALICE")
    standin.wait_for("views.publish")


def test_another_workspace_of_the_tokens_grid_org_is_served(database: Database) -> None:
    """Enterprise Grid: the org's id vouches for a request from another workspace of it."""
    with SlackStandIn(enterprise_id="E0GRID") as standin:
        standin.add_user("UALICE", name="alice")
        standin.add_team("T0SIB", "Sibling", "xoxb-sibling", "UBOTSIB", enterprise_id="E0GRID")
        running = start_app(
            settings=make_settings(standin=standin, database_url=database.url),
            database=database,
            standin=standin,
        )
        try:
            running.slack.slash_command(
                "/multiplier", "checkins on", user_id="UALICE", team_id="T0SIB"
            )
            (answer,) = standin.wait_for("response_url")
            assert "isn't set up" not in answer.params["text"]
            running.wait_idle()
            # Scheduled work reaches them too: the workspace is known to be of the org.
            ctx = JobContext(database=database, settings=running.app.settings, worker_id="t")
            assert ctx.client_for("T0SIB").token == standin.bot_token
        finally:
            running.stop()


def test_job_clients_never_carry_the_token_to_another_team(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """A person opted in under the token's team and (stored before this check) another one
    gets one check-in for the slot, and no Home is published for the other team."""
    running_app.slack.slash_command("/multiplier", "checkins on fri 15:00", user_id="UALICE")
    standin.wait_for("response_url")
    running_app.wait_idle()
    now = utcnow()
    with database.session() as session:
        ours = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        other = workspaces.ensure_user(session=session, team_id=OTHER, slack_user_id="UALICE")
        other.tz = ours.tz
        checkins.enable(session=session, user=other, now=now, weekday=4, minute=15 * 60)
        due = ours.next_checkin_at
    assert due is not None
    ctx = JobContext(database=database, settings=running_app.app.settings, worker_id="t")
    standin.clear()
    run_job("checkins", ctx, due + timedelta(minutes=1))
    sent = [c for c in standin.calls_to("chat.postMessage") if c.ok]
    assert len(sent) == 1, [c.summary() for c in sent]
    assert ctx.client_for(standin.team_id).token == standin.bot_token
    with pytest.raises(WorkspaceInactive):
        ctx.client_for(OTHER)
