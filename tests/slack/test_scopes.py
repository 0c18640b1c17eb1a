"""Least privilege: the bot scopes are exactly those the code's Web API calls and events need.

The Web API methods are found by reading the code (every call of a slack_sdk WebClient
method under bot/, the stand-in and the sandbox aside), the events from the listeners the
app registers; bot/slack/scopes.py says what each needs. manifest.yml and the OAuth install
must ask for exactly that: no scope no call needs (im:read, chat:write.public), none missing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from slack_sdk import WebClient

from bot.slack import scopes
from bot.slack.oauth import BOT_SCOPES
from tests.test_manifest import registrar  # noqa: F401 - the module's fixture, reused

ROOT = Path(__file__).resolve().parents[2]
NOT_THE_APP = ("standin", "sandbox")
# Calls Bolt makes for us: token verification, the OAuth flow and token rotation.
BOLT_CALLS = {"auth.test", "oauth.v2.access"}


def _client_methods() -> set[str]:
    """WebClient's Web API methods (chat_postMessage, files_upload_v2, …)."""
    return {
        name
        for name in dir(WebClient)
        if "_" in name and not name.startswith("_") and callable(getattr(WebClient, name))
    } - {"api_call"}  # the generic entry point every method calls, not a method itself


def used_api_methods() -> dict[str, set[str]]:
    """Web API method → the files under bot/ that call it."""
    known = _client_methods()
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[1] in NOT_THE_APP:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in known
            ):
                for method in scopes.api_method(node.func.attr):
                    found.setdefault(method, set()).add(str(relative))
    return found


@pytest.fixture(scope="module")
def manifest_scopes() -> set[str]:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return set(manifest["oauth_config"]["scopes"]["bot"])


def test_the_code_is_read_for_its_web_api_calls() -> None:
    """The scan finds the calls it must (a broken scan would prove nothing)."""
    used = used_api_methods()
    assert {"chat.postMessage", "conversations.history", "conversations.join"} <= set(used)
    assert "files.completeUploadExternal" in used  # through files_upload_v2
    assert "bot/digests/slack.py" in used["conversations.join"]


def test_every_web_api_call_has_its_scopes_declared() -> None:
    """A new Web API call must say which scopes it needs (bot/slack/scopes.py)."""
    unknown = {
        method: sorted(files)
        for method, files in used_api_methods().items()
        if method not in scopes.METHOD_SCOPES
    }
    assert unknown == {}, f"add these to bot/slack/scopes.py METHOD_SCOPES: {unknown}"


def test_no_declared_method_is_unused() -> None:
    """The table lists only methods the code (or Bolt for it) calls."""
    assert set(scopes.METHOD_SCOPES) == set(used_api_methods()) | BOLT_CALLS


def test_manifest_and_oauth_ask_for_exactly_what_the_code_needs(
    manifest_scopes: set[str],
    registrar,  # noqa: F811 - the fixture imported above
) -> None:
    """Needed = scopes of the methods called and events subscribed (+ commands): no more.

    Failed before: the manifest asked for im:read (nothing reads a DM's channel info) and
    chat:write.public, and lacked channels:join for `digest add`.
    """
    needed = scopes.required_scopes(
        methods=set(used_api_methods()) | BOLT_CALLS,
        events=registrar.events,
        interactive=bool(registrar.commands or registrar.shortcuts),
    )
    assert manifest_scopes == needed, (
        f"not needed: {sorted(manifest_scopes - needed)}; "
        f"missing: {sorted(needed - manifest_scopes)}"
    )
    assert set(BOT_SCOPES) == needed and len(BOT_SCOPES) == len(set(BOT_SCOPES))
    assert "im:read" not in needed and "chat:write.public" not in needed


def test_token_rotation_is_explained_in_the_manifest() -> None:
    """The manifest says token rotation is for OAuth mode only, and why."""
    text = (ROOT / "manifest.yml").read_text()
    before, _, _ = text.partition("token_rotation_enabled:")
    comment = before.rsplit("socket_mode_enabled", 1)[-1]
    assert "OAuth mode" in comment and "SLACK_BOT_TOKEN" in comment
