"""Uninstall and token revocation in single-workspace mode: nothing more sent, data purged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select, text

from bot.config import SettingsError, load_settings
from bot.db.base import Base, utcnow
from bot.db.engine import Database
from bot.db.models import User, Workspace
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.slack.oauth import BOT_SCOPES
from bot.workspaces.service import WorkspaceInactive
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings, start_app
from tests.test_manifest import ROOT


def _brag(app: RunningApp, user_id: str, text: str) -> None:
    app.slack.slash_command("/brag", text, user_id=user_id)
    app.standin.wait_for("response_url", predicate=lambda c: text in str(c.params))
    app.wait_idle()


def _rows_of_workspace(database: Database, workspace_id: int) -> dict[str, int]:
    """Rows that reference the workspace, in every table that has a workspace_id column."""
    counts = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "workspace_id" in table.c:
                counts[table.name] = connection.execute(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.workspace_id == workspace_id)
                ).scalar_one()
    return counts


@pytest.fixture
def app_kept_zero_days(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    settings = make_settings(standin=standin, database_url=database.url, data_retention_days=0)
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


def test_uninstall_stops_sending_and_purges_after_retention(
    running_app: RunningApp, database: Database
) -> None:
    """After app_uninstalled no job gets a client for the workspace; the purge job deletes it all."""
    _brag(running_app, "UALICE", "kept for thirty days")
    running_app.slack.dm_message("a dm", user_id="UALICE")
    running_app.wait_idle()
    ctx = JobContext(database=database, settings=running_app.app.settings)
    assert ctx.client_for("T0001").token == running_app.standin.bot_token

    running_app.slack.app_uninstalled()
    running_app.wait_idle()
    with pytest.raises(WorkspaceInactive):
        ctx.client_for("T0001")
    with database.session() as session:
        workspace = session.scalars(select(Workspace)).one()
        workspace_id, purge_after = workspace.id, workspace.purge_after
    assert purge_after - utcnow() > timedelta(days=29)
    assert run_job("purge", ctx, utcnow()).summary.startswith("deleted 0 workspace")
    assert sum(_rows_of_workspace(database, workspace_id).values()) > 0

    run_job("purge", ctx, purge_after + timedelta(seconds=1))
    assert _rows_of_workspace(database, workspace_id) == dict.fromkeys(
        _rows_of_workspace(database, workspace_id), 0
    )
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM processed_events")).scalar_one() == 0


def test_retention_zero_deletes_at_once(app_kept_zero_days: RunningApp, database: Database) -> None:
    """With DATA_RETENTION_DAYS=0 the uninstall deletes the workspace's data immediately."""
    _brag(app_kept_zero_days, "UALICE", "gone at once")
    app_kept_zero_days.slack.app_uninstalled()
    app_kept_zero_days.wait_idle()
    with database.session() as session:
        assert session.scalars(select(Workspace)).all() == []
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_tokens_revoked_for_users_stops_them_and_purges_later(
    running_app: RunningApp, database: Database
) -> None:
    """tokens_revoked for a user marks only that user inactive and deletes their data later."""
    _brag(running_app, "UALICE", "alice stays")
    _brag(running_app, "UBOB", "bob leaves")
    running_app.slack.tokens_revoked(user_ids=["UBOB"])
    running_app.wait_idle()
    with database.session() as session:
        users = {u.slack_user_id: u for u in session.scalars(select(User))}
        assert users["UALICE"].active and not users["UBOB"].active
        assert users["UBOB"].inactive_reason == "tokens_revoked"
        purge_after = users["UBOB"].purge_after
        assert session.scalars(select(Workspace)).one().active
    ctx = JobContext(database=database, settings=running_app.app.settings)
    result = run_job("purge", ctx, purge_after + timedelta(seconds=1))
    assert result.summary == "deleted 0 workspaces and 1 user"
    with database.session() as session:
        assert [u.slack_user_id for u in session.scalars(select(User))] == ["UALICE"]


def test_bot_token_revoked_stops_the_workspace(running_app: RunningApp, database: Database) -> None:
    """tokens_revoked naming the bot makes the whole workspace inactive, like an uninstall."""
    _brag(running_app, "UALICE", "before revocation")
    running_app.slack.tokens_revoked(bot_ids=["UBOT"])
    running_app.wait_idle()
    ctx = JobContext(database=database, settings=running_app.app.settings)
    with pytest.raises(WorkspaceInactive):
        ctx.client_for("T0001")


def test_restart_with_a_working_token_reactivates(
    running_app: RunningApp, database: Database, standin: SlackStandIn
) -> None:
    """Single-workspace mode: starting again with a token that works means installed again."""
    _brag(running_app, "UALICE", "before")
    running_app.slack.app_uninstalled()
    running_app.wait_idle()
    standin.add_team("T0001", "Acme", standin.bot_token, "UBOT")  # reinstalled: token valid again
    again = start_app(settings=running_app.app.settings, database=database, standin=standin)
    try:
        with database.session() as session:
            workspace = session.scalars(select(Workspace)).one()
            assert workspace.active and workspace.purge_after is None
    finally:
        again.stop()


def test_install_scopes_match_the_manifest() -> None:
    """The OAuth flow asks for exactly the bot scopes manifest.yml declares."""
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert set(BOT_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "TOKEN_ENCRYPTION_KEY is not set"), ("not-a-key", "TOKEN_ENCRYPTION_KEY is invalid")],
)
def test_oauth_needs_a_valid_encryption_key(key: str | None, message: str) -> None:
    """Multi-workspace mode refuses to start without a valid key, naming the variable."""

    def start() -> None:
        settings = load_settings(
            _env_file=None,
            slack_client_id="1.2",
            slack_client_secret="s",
            slack_signing_secret="x",
            token_encryption_key=key,
        )
        settings.require_slack(socket_mode=False)

    with pytest.raises(SettingsError, match=message):
        start()


def test_generate_key_prints_a_usable_key(tmp_path) -> None:
    """`python -m bot generate-key` prints a Fernet key that TOKEN_ENCRYPTION_KEY accepts."""
    from tests.support.process import run_cli

    result = run_cli("generate-key", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    settings = load_settings(_env_file=None, token_encryption_key=key)
    assert settings.token_encryption_key.get_secret_value() == key
