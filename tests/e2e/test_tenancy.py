"""Tenancy: two workspaces whose user ids collide never see each other's data.

Each surface (a command, event, shortcut, view or job) is one entry in SURFACES: it acts once
in each workspace, as the same Slack user id, with that workspace's marker in what it types.
Afterwards every Web API call and response_url post is attributed to a workspace (by its bot
token, or by the response_url we gave that workspace's request) and must not carry the other
workspace's marker; and every stored row must belong to the workspace of its author. To cover
a new surface, add a Surface.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.engine import Database
from bot.db.models import DirectMessage, EvidenceEntry, User, Workspace
from bot.scheduling.catalog import JOBS, run_job
from bot.scheduling.jobs import JobContext
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, start_app
from tests.support.oauth import install, make_oauth_settings

COLLIDING_USER = "UCOLLIDE"


@dataclass(frozen=True)
class Tenant:
    team_id: str
    bot_token: str
    marker: str


ALPHA = Tenant("T0ALPHA", "xoxb-alpha-bot", "alpha-secret-⍺")
BRAVO = Tenant("T0BRAVO", "xoxb-bravo-bot", "bravo-secret-β")


@dataclass(frozen=True)
class Surface:
    name: str
    act: Callable[[RunningApp, Tenant], None]


def _response_url(app: RunningApp, tenant: Tenant, surface: str) -> str:
    return app.standin.response_url(f"{tenant.team_id}-{surface}")


def _command(command: str, text: str) -> Callable[[RunningApp, Tenant], None]:
    def act(app: RunningApp, tenant: Tenant) -> None:
        app.slack.slash_command(
            command,
            text.format(marker=tenant.marker),
            user_id=COLLIDING_USER,
            team_id=tenant.team_id,
            response_url=_response_url(app, tenant, command.strip("/")),
        )

    return act


def _dm(app: RunningApp, tenant: Tenant) -> None:
    app.slack.dm_message(f"{tenant.marker} in a DM", user_id=COLLIDING_USER, team_id=tenant.team_id)


def _shortcut(app: RunningApp, tenant: Tenant) -> None:
    app.slack.message_shortcut(
        "log_as_evidence",
        user_id=COLLIDING_USER,
        team_id=tenant.team_id,
        channel_id="C0GENERAL",
        message={
            "type": "message",
            "user": "USOMEONE",
            "text": f"{tenant.marker} shipped",
            "ts": "1700000000.000200",
        },
    )


def _home(app: RunningApp, tenant: Tenant) -> None:
    app.slack.app_home_opened(user_id=COLLIDING_USER, team_id=tenant.team_id)


def _user_change(app: RunningApp, tenant: Tenant) -> None:
    app.slack.user_change(
        {"id": COLLIDING_USER, "team_id": tenant.team_id, "tz": "Asia/Tokyo", "deleted": False},
        team_id=tenant.team_id,
    )


def _jobs(app: RunningApp, tenant: Tenant) -> None:
    """Every scheduled job, run for this workspace's turn (a job's sends are checked too)."""
    ctx = JobContext(database=app.database, settings=app.app.settings)
    for name in JOBS:
        run_job(name, ctx, clock.now())


SURFACES = [
    Surface("/brag", _command("/brag", "{marker} unblocked the release")),
    Surface("/kudos", _command("/kudos", "<@UOTHER> {marker} thanks")),
    Surface("/multiplier", _command("/multiplier", "frobnicate {marker}")),
    Surface("/multiplier help", _command("/multiplier", "help")),
    Surface("message.im", _dm),
    Surface("log_as_evidence", _shortcut),
    Surface("user_change", _user_change),
    Surface("app_home_opened", _home),
    Surface("jobs", _jobs),
]


@pytest.fixture
def two_workspaces(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The app in multi-workspace mode, installed in ALPHA and BRAVO."""
    settings = make_oauth_settings(standin=standin, database_url=database.url)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        for tenant in (ALPHA, BRAVO):
            install(
                running,
                team_id=tenant.team_id,
                team_name=tenant.team_id,
                bot_token=tenant.bot_token,
                bot_user_id=f"UB{tenant.team_id}",
            )
        # Slack user ids are unique in the stand-in, so the colliding id lives in ALPHA; in
        # BRAVO, calls naming it are answered user_not_found, which changes nothing here:
        # what matters is what the app tried to send, and to whom.
        standin.add_user(COLLIDING_USER, name="collide", team_id=ALPHA.team_id)
        standin.clear()
        yield running
    finally:
        running.stop()


def test_nothing_crosses_between_workspaces(two_workspaces: RunningApp, database: Database) -> None:
    """Every surface, used by the same user id in two workspaces, keeps each workspace's data apart."""
    app = two_workspaces
    seen = 0
    checked = {ALPHA.team_id: 0, BRAVO.team_id: 0}

    def check_window(tenant: Tenant, label: str) -> None:
        """Every call since the last check was made for `tenant` and carries nothing of the other."""
        nonlocal seen
        calls = app.standin.calls[seen:]
        seen += len(calls)
        by_token = {t.bot_token: t for t in (ALPHA, BRAVO)}
        for call in calls:
            # A Web API call belongs to the workspace whose token it carries (jobs act for
            # every workspace); a response_url post to the request that was just made.
            if call.token is not None:
                assert call.token in by_token, f"{label}: unknown token: {call.summary()}"
            owner = by_token.get(call.token or "", tenant)
            other = BRAVO if owner is ALPHA else ALPHA
            blob = json.dumps(call.params, ensure_ascii=False)
            assert other.marker not in blob, (
                f"{label}: {other.team_id} data reached {owner.team_id}: {call.summary()}"
            )
            assert other.bot_token not in blob
            checked[owner.team_id] += 1

    for surface in SURFACES:
        for tenant in (ALPHA, BRAVO):
            surface.act(app, tenant)
            app.wait_idle()
            check_window(tenant, surface.name)
            # The home view right after, so what was just stored is shown back.
            _home(app, tenant)
            app.wait_idle()
            check_window(tenant, f"home after {surface.name}")
    assert checked[ALPHA.team_id] and checked[BRAVO.team_id]

    # Positive control: ALPHA's home shows ALPHA's entries.
    alpha_homes = [c for c in app.standin.calls_to("views.publish") if c.token == ALPHA.bot_token]
    assert ALPHA.marker in json.dumps(alpha_homes[-1].params, ensure_ascii=False)

    with database.session() as session:
        workspaces = {w.id: w.team_id for w in session.scalars(select(Workspace))}
        users = list(session.scalars(select(User).where(User.slack_user_id == COLLIDING_USER)))
        assert sorted(workspaces[u.workspace_id] for u in users) == [ALPHA.team_id, BRAVO.team_id]
        owner = {u.id: u for u in session.scalars(select(User))}
        for model in (EvidenceEntry, DirectMessage):
            rows = list(session.scalars(select(model)))
            assert {workspaces[r.workspace_id] for r in rows} == {ALPHA.team_id, BRAVO.team_id}
            for row in rows:
                assert row.workspace_id == owner[row.user_id].workspace_id
                tenant = ALPHA if workspaces[row.workspace_id] == ALPHA.team_id else BRAVO
                other = BRAVO if tenant is ALPHA else ALPHA
                assert other.marker not in row.text
                assert tenant.marker in row.text
        tz = {workspaces[u.workspace_id]: u.tz for u in users}
        assert tz[ALPHA.team_id] == "Asia/Tokyo" and tz[BRAVO.team_id] == "Asia/Tokyo"
