"""Enterprise Grid end to end: coworkers whose home is another workspace of the org.

In Grid, users.info gives a user's *home* workspace as team_id (with enterprise_user.teams),
user ids may start with W, and every request carries enterprise_id. Membership is decided by
the installation the request came to and enterprise_user.teams, never by the home team.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.checkins import schedule
from bot.db.engine import Database
from bot.db.models import EvidenceEntry, Kudos, SummaryPost, User, Workspace
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import brag, click, count, entries, last_response
from tests.support.apps import RunningApp, make_settings, start_app
from tests.support.privacy import rows_referring_to

ORG = "E0GRID"


@pytest.fixture
def grid_standin() -> Iterator[SlackStandIn]:
    """Workspace T0001 of org E0GRID: alice is local; dana's home is T0HOME but she is in
    T0001 too; erin is in the org but not in T0001."""
    with SlackStandIn(enterprise_id=ORG, enterprise_name="Acme Corp") as server:
        server.add_user("UALICE", name="alice", tz="America/New_York")
        server.add_user(
            "WDANA", name="dana", tz="Europe/Paris", team_id="T0HOME",
            enterprise_teams=["T0HOME", "T0001"],
        )  # fmt: skip
        server.add_user("WERIN", name="erin", team_id="T0HOME", enterprise_teams=["T0HOME"])
        yield server
        assert server.violations == [], f"Block Kit / safety violations: {server.violations}"


@pytest.fixture
def grid_app(database: Database, grid_standin: SlackStandIn) -> Iterator[RunningApp]:
    settings = make_settings(standin=grid_standin, database_url=database.url)
    running = start_app(settings=settings, database=database, standin=grid_standin)
    try:
        yield running
    finally:
        running.stop()


def _user(app: RunningApp, slack_user_id: str) -> User:
    with app.database.session() as session:
        found = session.scalars(select(User).where(User.slack_user_id == slack_user_id)).one()
        session.expunge_all()
        return found


def _team_of(app: RunningApp, user: User) -> str:
    with app.database.session() as session:
        return session.get(Workspace, user.workspace_id).team_id


def test_kudos_to_a_grid_coworker_lands_on_their_log(grid_app: RunningApp) -> None:
    """`/kudos @W…` to a coworker whose home is another workspace of the org is recorded.

    Failed before: the recipient's home team_id (T0HOME) differed from the installing team
    (T0001), so the kudos was refused as "isn't in this workspace".
    """
    grid_app.slack.slash_command("/kudos", "<@WDANA|dana> rescued the release", user_id="UALICE")
    payload = last_response(grid_app)
    grid_app.wait_idle()
    assert "Kudos sent" in payload["text"]
    (entry,) = entries(grid_app, "WDANA")
    assert (entry.source, entry.text) == ("kudos", "<@WDANA|dana> rescued the release")
    dana = _user(grid_app, "WDANA")
    assert _team_of(grid_app, dana) == "T0001" and dana.tz == "Europe/Paris"
    (dm,) = grid_app.standin.wait_for("chat.postMessage")
    assert dm.ok and dm.params["channel"] == "WDANA"
    with grid_app.database.session() as session:
        assert session.scalar(select(Workspace).where(Workspace.team_id == "T0HOME")) is None


def test_kudos_to_an_org_user_outside_this_workspace_is_refused(grid_app: RunningApp) -> None:
    """Someone in the org but not in this workspace (enterprise_user.teams) gets no kudos."""
    grid_app.slack.slash_command("/kudos", "<@WERIN|erin> great talk", user_id="UALICE")
    payload = last_response(grid_app)
    grid_app.wait_idle()
    assert "isn't in this workspace" in payload["text"]
    assert count(grid_app, Kudos) == 0 and count(grid_app, EvidenceEntry) == 0


def test_a_grid_user_gives_kudos_too(grid_app: RunningApp) -> None:
    """A W-id giver's kudos to a local coworker is recorded in the installing workspace."""
    grid_app.slack.slash_command("/kudos", "<@UALICE|alice> paired on on-call", user_id="WDANA")
    assert "Kudos sent" in last_response(grid_app)["text"]
    grid_app.wait_idle()
    (row,) = entries(grid_app, "UALICE")
    assert row.people == ["WDANA"]


def test_user_change_moves_a_grid_users_check_in_time_zone(grid_app: RunningApp) -> None:
    """A Grid user's new time zone (user_change, home team elsewhere) moves their check-in.

    Failed before: the listener looked the user up in the profile's home team (T0HOME), found
    no such workspace, and dropped the event.
    """
    grid_app.slack.slash_command("/multiplier", "checkins on fri 15:00", user_id="WDANA")
    last_response(grid_app)
    grid_app.wait_idle()
    before = _user(grid_app, "WDANA")
    assert before.tz == "Europe/Paris"
    grid_app.standin.update_user("WDANA", tz="Asia/Tokyo")
    reply = grid_app.slack.user_change(user_id="WDANA")
    assert reply.status == 200
    grid_app.wait_idle()
    after = _user(grid_app, "WDANA")
    assert after.tz == "Asia/Tokyo"
    local = after.next_checkin_at.astimezone(schedule.zone_for("Asia/Tokyo"))
    assert local.strftime("%a %H:%M") == "Fri 15:00"
    assert after.next_checkin_at != before.next_checkin_at


def test_user_change_of_someone_not_in_this_workspace_changes_nothing(
    grid_app: RunningApp,
) -> None:
    """A profile whose teams do not include the installation is not applied to anyone."""
    brag(grid_app, "wrote the runbook", user_id="WDANA")
    before = _user(grid_app, "WDANA").tz
    profile = grid_app.standin.user("WDANA")
    assert profile is not None
    profile["tz"] = "Asia/Tokyo"
    profile["enterprise_user"]["teams"] = ["T0HOME"]
    grid_app.slack.user_change(profile, team_id="T0001")
    grid_app.wait_idle()
    assert _user(grid_app, "WDANA").tz == before != "Asia/Tokyo"


def test_a_grid_user_gets_their_weekly_summary(grid_app: RunningApp) -> None:
    """The summary job DMs a Grid user (W id) about their week, at 09:00 in their zone."""
    grid_app.slack.slash_command("/multiplier", "checkins on", user_id="WDANA")
    last_response(grid_app)
    brag(grid_app, "unblocked <@UALICE|alice> #unblocking", user_id="WDANA", n=2)
    assert _user(grid_app, "WDANA").tz == "Europe/Paris"
    paris = schedule.zone_for("Europe/Paris")
    local = clock.now().astimezone(paris)
    monday = (local + timedelta(days=7 - local.weekday())).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    ctx = JobContext(database=grid_app.database, settings=grid_app.app.settings, worker_id="t")
    result = run_job("summaries", ctx, monday.astimezone(UTC))
    assert "sent 1" in result.summary, result.summary
    with grid_app.database.session() as session:
        (post,) = session.scalars(select(SummaryPost)).all()
        assert post.status == "sent"
    sent = [c for c in grid_app.standin.calls_to("chat.postMessage") if c.params.get("metadata")]
    assert [c.response["channel"] for c in sent] == ["DWDANA"]


def test_forget_me_for_a_grid_user_deletes_everything_about_them(grid_app: RunningApp) -> None:
    """forget-me from a W-id user deletes every row about them in this workspace."""
    brag(grid_app, "mentored <@UALICE|alice> #mentoring", user_id="WDANA", n=1)
    grid_app.slack.slash_command("/kudos", "<@WDANA|dana> fixed CI", user_id="UALICE")
    last_response(grid_app, 2)
    grid_app.wait_idle()
    grid_app.slack.slash_command("/multiplier", "forget-me", user_id="WDANA")
    prompt = last_response(grid_app, 3)
    grid_app.wait_idle()
    dana = _user(grid_app, "WDANA")
    click(grid_app, prompt, "forget_me_confirm", user_id="WDANA")
    assert "Done" in last_response(grid_app, 4)["text"]
    with grid_app.database.session() as session:
        left = rows_referring_to(
            session=session,
            workspace_id=dana.workspace_id,
            user_id=dana.id,
            slack_user_id="WDANA",
        )
    assert left == {}
    assert entries(grid_app, "WDANA") == []
