"""manifest.yml and the listeners the app registers must agree exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.app import create_app
from bot.config import load_settings
from bot.db.engine import Database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@pytest.fixture(scope="module")
def registrar(tmp_path_factory: pytest.TempPathFactory):
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        database_url=f"sqlite:///{tmp_path_factory.mktemp('m') / 'm.db'}",
    )
    app = create_app(
        settings=settings, database=Database(settings.database_url), verify_token=False
    )
    yield app.registrar
    app.close()


def test_slash_commands_match(manifest: dict, registrar) -> None:
    """Every slash command in the manifest has a listener, and no listener lacks a command."""
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == registrar.commands == {"/brag", "/kudos", "/multiplier"}


def test_bot_events_match(manifest: dict, registrar) -> None:
    """The manifest subscribes to exactly the events the app listens for."""
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert declared == registrar.events
    assert {"app_home_opened", "message.im", "user_change"} <= declared


def test_shortcuts_match(manifest: dict, registrar) -> None:
    """The message shortcut's callback id is the one the app handles, under the same name."""
    declared = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    assert declared == registrar.shortcuts == {"log_as_evidence"}
    names = {s["callback_id"]: s["name"] for s in manifest["features"]["shortcuts"]}
    assert names == registrar.shortcut_names == {"log_as_evidence": "Log as evidence"}
    assert {s["type"] for s in manifest["features"]["shortcuts"]} == {"message"}


def test_surfaces_enabled(manifest: dict) -> None:
    """The App Home with its messages tab, interactivity and a Socket Mode switch are defined."""
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "socket_mode_enabled" in manifest["settings"]
    assert "Socket Mode" in (ROOT / "manifest.yml").read_text()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "commands",
        "im:history",
        "im:write",
        "users:read",
        "files:write",
    } <= scopes
