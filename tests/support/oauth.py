"""Multi-workspace (OAuth) mode under test: settings, the install flow, plain HTTP GETs."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bot.config import Settings
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
# A fixed Fernet key for tests (never used anywhere real).
ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE="


def make_oauth_settings(*, standin: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    """Settings for multi-workspace mode: client id/secret and an encryption key, no bot token."""
    standin.set_oauth_credentials(CLIENT_ID, CLIENT_SECRET)
    values: dict[str, Any] = {
        "slack_bot_token": None,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "token_encryption_key": ENCRYPTION_KEY,
    }
    values.update(overrides)
    return make_settings(standin=standin, database_url=database_url, **values)


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: str


def http_get(url: str, headers: dict[str, str] | None = None) -> HttpReply:
    """GET without following redirects (we assert on them)."""
    split = urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
    try:
        path = split.path + (f"?{split.query}" if split.query else "")
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return HttpReply(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()


@dataclass
class Installed:
    team_id: str
    bot_token: str
    bot_user_id: str
    authorize_url: str


def install(
    running: RunningApp,
    *,
    team_id: str,
    team_name: str,
    bot_token: str,
    bot_user_id: str,
    refresh_token: str | None = None,
    expires_in: int | None = None,
) -> Installed:
    """Walk the whole install: /slack/install → Slack's authorize page → the redirect back."""
    started = http_get(f"{running.url}/slack/install")
    assert started.status == 302, started
    location = started.headers["location"]
    state = parse_qs(urlsplit(location).query)["state"][0]
    cookie = started.headers["set-cookie"].split(";", 1)[0]
    code = f"code-{team_id}"
    response = SlackStandIn.oauth_v2_response(
        team_id=team_id, team_name=team_name, bot_token=bot_token, bot_user_id=bot_user_id
    )
    if refresh_token is not None:
        response["refresh_token"] = refresh_token
        response["expires_in"] = expires_in or 43_200
    running.standin.set_oauth_response(code, response)
    query = urlencode({"code": code, "state": state})
    finished = http_get(f"{running.url}/slack/oauth_redirect?{query}", {"Cookie": cookie})
    assert finished.status == 200, finished
    return Installed(
        team_id=team_id, bot_token=bot_token, bot_user_id=bot_user_id, authorize_url=location
    )
