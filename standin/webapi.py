"""A local, stateful stand-in for the Slack Web API, served over real HTTP.

Point `slack_sdk.WebClient(base_url=standin.base_url, token=...)` at it. It keeps a small
workspace (teams, users, channels, messages, views, files), records every request, injects
faults and rate limits on demand, and rejects payloads that break Block Kit limits or carry a
broadcast mention (see `blockkit_checks`), collecting those in `.violations`.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import copy
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from standin.blockkit_checks import (
    MESSAGE_METHODS,
    VIEW_METHODS,
    decode_json_params,
    find_violations,
)

T = TypeVar("T")

# A real monotonic clock kept in a tuple so freezegun (which patches module attributes that
# are the real time functions) cannot freeze it: rate windows and trigger expiry need real
# elapsed time even while a test freezes the wall clock.
_REAL_CLOCK = (time.monotonic,)

SLACKBOT_ID = "USLACKBOT"
RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "file_upload"
CHECKED_METHODS = MESSAGE_METHODS | VIEW_METHODS | {"files.completeUploadExternal"}
RESPONSE_URL_MAX_USES = 5
MAX_VIEW_STACK = 3
STORED_MESSAGE_FIELDS = (
    *("blocks", "attachments", "metadata", "username", "icon_emoji", "icon_url"),
    *("unfurl_links", "unfurl_media", "mrkdwn", "parse", "link_names"),
)
MAX_TRIGGERS = 20_000  # beyond this, used and stale triggers are forgotten
SCHEDULE_MAX_SECONDS = 120 * 24 * 3600
# The bot scopes Slack asks of each method (any one of them will do), for the optional scope
# checks (`scopes=` / `set_scopes`); methods not listed need none.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.scheduleMessage": ("chat:write",),
    "chat.deleteScheduledMessage": ("chat:write",),
    "conversations.open": ("im:write", "mpim:write", "channels:manage", "groups:write"),
    "conversations.join": ("channels:join",),
    "conversations.list": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "team.info": ("team:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),
    "reactions.add": ("reactions:write",),
}
# Reading a conversation needs the scope for its kind: a DM, a group DM, a public or a
# private channel.
CONVERSATION_SCOPES: dict[str, dict[str, str]] = {
    "conversations.history": {
        "im": "im:history",
        "mpim": "mpim:history",
        "public": "channels:history",
        "private": "groups:history",
    },
    "conversations.info": {
        "im": "im:read",
        "mpim": "mpim:read",
        "public": "channels:read",
        "private": "groups:read",
    },
}
CONVERSATION_SCOPES["conversations.replies"] = CONVERSATION_SCOPES["conversations.history"]
CONVERSATION_SCOPES["conversations.members"] = CONVERSATION_SCOPES["conversations.info"]
_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.I)
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.I)
_DISPOSITION_PARAM = re.compile(r'(\w+)="([^"]*)"')


def real_monotonic() -> float:
    """Seconds from a monotonic clock that freezegun does not freeze."""
    return _REAL_CLOCK[0]()


class SlackApiFailure(Exception):
    """Raised inside a method handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class RecordedCall:
    """One request the stand-in received, with what it answered."""

    method: str
    params: dict[str, Any]
    token: str | None
    headers: dict[str, str] = field(repr=False)
    received_at: float
    path: str = ""
    team_id: str | None = None
    status: int = 200
    response: Any = None
    files: dict[str, bytes] = field(default_factory=dict, repr=False)

    def json(self, key: str, default: Any = None) -> Any:
        """Return a param, JSON-decoded when it arrived as a JSON string (blocks, view, ...)."""
        value = self.params.get(key, default)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    @property
    def data(self) -> dict[str, Any]:
        """Params with blocks/attachments/metadata/view/files JSON-decoded."""
        return decode_json_params(self.params)

    @property
    def ok(self) -> bool:
        """Whether the stand-in answered 200 (with `ok: true` for JSON answers)."""
        if self.status != 200:
            return False
        return not isinstance(self.response, Mapping) or bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        """The Slack error code answered, if any."""
        if isinstance(self.response, Mapping):
            return self.response.get("error")
        return None

    def header(self, name: str) -> str | None:
        """Case-insensitive request header lookup."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def summary(self) -> str:
        """A one-line description for failure messages."""
        outcome = "ok" if self.ok else f"{self.status} {self.error or ''}".strip()
        keys = ("channel", "user", "users", "user_id", "text", "callback_id", "ts")
        shown = {k: self.params[k] for k in keys if k in self.params}
        text = json.dumps(shown, default=str, ensure_ascii=False)
        if len(text) > 160:
            text = text[:157] + "..."
        return f"{self.method} [{outcome}] {text}"


@dataclass
class UploadedFile:
    """A file that came through getUploadURLExternal + upload (+ completeUploadExternal)."""

    file_id: str
    filename: str
    content: bytes
    title: str | None = None
    channel: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    length: int | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    team_id: str | None = None


@dataclass
class _Team:
    id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str
    app_id: str
    # The Enterprise Grid org this workspace belongs to (E…), if any.
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    # The bot scopes granted; None means every method is allowed (no scope checks).
    scopes: frozenset[str] | None = None


@dataclass
class _Token:
    team_id: str
    user_id: str
    is_bot: bool


@dataclass
class _Fault:
    kind: str  # "fail" | "ratelimit" | "server_error"
    remaining: int
    error: str = "ratelimited"
    extra: dict[str, Any] = field(default_factory=dict)
    retry_after: int = 1
    status: int = 503


@dataclass
class _Trigger:
    user_id: str | None
    team_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class _Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Request:
    method: str
    params: dict[str, Any]
    data: dict[str, Any]
    token: str | None
    maybe_team: _Team | None
    maybe_token_info: _Token | None
    files: dict[str, bytes]
    headers: Mapping[str, str]

    @property
    def team(self) -> _Team:
        if self.maybe_team is None:
            raise SlackApiFailure("not_authed")
        return self.maybe_team

    @property
    def token_info(self) -> _Token:
        if self.maybe_token_info is None:
            raise SlackApiFailure("not_authed")
        return self.maybe_token_info


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, fraction = str(ts).partition(".")
    try:
        return int(seconds), int((fraction or "0").ljust(6, "0")[:6])
    except ValueError:
        return 0, 0


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackApiFailure("invalid_arguments") from exc


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(str(cursor).encode()).decode()
        return int(text.removeprefix("offset:"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackApiFailure("invalid_cursor") from exc


def _page(items: list[T], cursor: Any, limit: int) -> tuple[list[T], str]:
    start = _decode_cursor(cursor)
    if limit <= 0:
        return items[start:], ""
    end = start + limit
    return items[start:end], _encode_cursor(end) if end < len(items) else ""


def _domain(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", name.lower().replace(" ", "-")) or "workspace"


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    match = _BOUNDARY.search(content_type)
    if not match:
        raise SlackApiFailure("invalid_form_data")
    delimiter = b"--" + match.group(1).encode()
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        part = chunk.removeprefix(b"\r\n")
        head, _, data = part.partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        disposition = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = value
        fields = dict(_DISPOSITION_PARAM.findall(disposition))
        name = fields.get("name", "")
        if "filename" in fields:
            files[name or "file"] = data
            params.setdefault("filename", fields["filename"])
        else:
            params[name] = data.decode("utf-8", "replace")
    return params, files


def _parse_body(
    body: bytes, content_type: str, query: str
) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, bytes] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if kind == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SlackApiFailure("invalid_json") from exc
        if not isinstance(decoded, dict):
            raise SlackApiFailure("invalid_json")
        params.update(decoded)
    elif kind == "multipart/form-data":
        form, files = _parse_multipart(body, content_type)
        params.update(form)
    else:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params, files


def _user_teams(user: Mapping[str, Any]) -> list[str]:
    """Every workspace a user belongs to: the home team, and in Grid the org's others."""
    grid = user.get("enterprise_user") or {}
    return list(dict.fromkeys([user["team_id"], *(grid.get("teams") or [])]))


def _tz_fields(tz: str) -> tuple[int, str]:
    now = datetime.now(ZoneInfo(tz))
    offset = now.utcoffset()
    return int(offset.total_seconds()) if offset else 0, now.tzname() or tz


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    standin: SlackStandIn

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients hanging up; report anything else."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Hang up on keep-alive clients so no handler thread serves after stop()."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _Server
    timeout = 120  # idle keep-alive connections give up eventually

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_POST(self) -> None:
        self.server.standin._serve(self)

    def do_GET(self) -> None:
        self.server.standin._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        return


class SlackStandIn:
    """A stateful local Slack Web API with recording, fault injection and payload checks."""

    def __init__(
        self,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_token: str = "xoxb-standin",  # noqa: S107 - a fake token for a fake Slack
        bot_user_id: str = "UBOT",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app_id: str = "A0001",
        trigger_ttl: float | None = 3.0,
        sdk_validation: bool = True,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        scopes: Iterable[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.app_id = app_id
        self.trigger_ttl = trigger_ttl
        self.sdk_validation = sdk_validation
        self.default_team_id = team_id
        self.team_id = team_id
        self.bot_token = bot_token
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        self._last_ts_us = 0

        self._calls: list[RecordedCall] = []
        self._calls_by_method: dict[str, list[RecordedCall]] = {}
        self._violations: list[str] = []
        self._teams: dict[str, _Team] = {}
        self._tokens: dict[str, _Token] = {}
        self._revoked: set[str] = set()
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._message_index: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._scheduled: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._view_owner: dict[str, tuple[str | None, str | None]] = {}
        self._view_stacks: dict[str | None, list[str]] = {}
        self._home_views: dict[str, str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._files: dict[str, UploadedFile] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._responses: list[dict[str, Any]] = []
        self._oauth_responses: dict[str, dict[str, Any]] = {}
        self._oauth_credentials: tuple[str, str] | None = None
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._user_failures: dict[str, str] = {}
        self._per_minute: dict[str, int] | None = None
        self._history_page_cap: int | None = None
        self._per_channel: float | None = None
        self._method_windows: dict[tuple[str, str], deque[float]] = {}
        self._channel_windows: dict[tuple[str, str], deque[float]] = {}

        self._handlers: dict[str, Callable[[_Request], dict[str, Any]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "bots.info": self._bots_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "team.info": self._team_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.list": self._conversations_list,
            "conversations.join": self._conversations_join,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.deleteScheduledMessage": self._chat_delete_scheduled_message,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "oauth.v2.access": self._oauth_v2_access,
            "apps.uninstall": self._apps_uninstall,
            "reactions.add": self._reactions_add,
        }
        self._no_auth_methods = {"oauth.v2.access", "api.test"}

        self.add_team(
            team_id,
            team_name,
            bot_token,
            bot_user_id,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            scopes=scopes,
        )
        self.add_channel("C0GENERAL", "general", members=[], team_id=team_id)
        self._channels["C0GENERAL"]["auto_join"] = True

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SlackStandIn:
        """Bind the port and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        server = _Server((self.host, self.port))
        server.standin = self
        self._server = server
        self.port = server.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-standin-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        """`http://host:port/` of the running server."""
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started; call start() first")
        return f"http://{self.host}:{self.port}/"

    @property
    def base_url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)`."""
        return f"{self.root_url}api/"

    # ------------------------------------------------------------------ workspace setup

    def add_team(
        self,
        team_id: str,
        name: str,
        bot_token: str,
        bot_user_id: str,
        *,
        bot_id: str | None = None,
        domain: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        scopes: Iterable[str] | None = None,
    ) -> None:
        """Add a workspace whose bot token is `bot_token` (the bot user is created too).

        With `enterprise_id` the workspace is part of an Enterprise Grid org: auth.test and
        team.info say so, and the org's users from other workspaces can be added to it
        (`add_user(..., enterprise_teams=[...])`). `scopes`: see `set_scopes`.
        """
        with self._lock:
            team = _Team(
                id=team_id,
                name=name,
                domain=domain or _domain(name),
                bot_user_id=bot_user_id,
                bot_id=bot_id or f"B{bot_user_id.removeprefix('U')}",
                app_id=self.app_id,
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name or (enterprise_id and f"{name} Org"),
                scopes=frozenset(scopes) if scopes is not None else None,
            )
            self._teams[team_id] = team
            self._tokens[bot_token] = _Token(team_id, bot_user_id, is_bot=True)
            self._revoked.discard(bot_token)
            if bot_user_id not in self._users:
                self.add_user(
                    bot_user_id,
                    name="multiplier",
                    real_name="Multiplier",
                    is_bot=True,
                    team_id=team_id,
                )
                self._users[bot_user_id]["profile"]["bot_id"] = team.bot_id

    def add_token(
        self, token: str, *, team_id: str | None = None, user_id: str | None = None
    ) -> None:
        """Accept another token for a team (a user token when `user_id` is a person)."""
        with self._lock:
            team = self._teams[team_id or self.default_team_id]
            uid = user_id or team.bot_user_id
            self._tokens[token] = _Token(team.id, uid, is_bot=uid == team.bot_user_id)
            self._revoked.discard(token)

    def revoke_token(self, token: str) -> None:
        """Make later calls with `token` answer `token_revoked`."""
        with self._lock:
            self._revoked.add(token)

    def revoke_team(self, team_id: str) -> None:
        """Revoke every token of a workspace (what uninstalling does)."""
        with self._lock:
            for token, info in self._tokens.items():
                if info.team_id == team_id:
                    self._revoked.add(token)

    def revoke_user_tokens(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Revoke the tokens a team issued for these users (bot users included)."""
        wanted = set(user_ids)
        with self._lock:
            for token, info in self._tokens.items():
                if info.team_id == team_id and info.user_id in wanted:
                    self._revoked.add(token)

    def set_scopes(self, scopes: Iterable[str] | None, team_id: str | None = None) -> None:
        """Grant a team's bot exactly these scopes (None: no scope checks, the default).

        A method whose scope is missing answers `missing_scope` (with `needed`), as Slack
        does; without `chat:write.public` a post to a public channel the bot is not in
        answers `not_in_channel`.
        """
        with self._lock:
            team = self._teams[team_id or self.default_team_id]
            team.scopes = frozenset(scopes) if scopes is not None else None

    def team_domain(self, team_id: str | None = None) -> str:
        """The workspace's domain (`acme` for `acme.slack.com`)."""
        return self._teams[team_id or self.default_team_id].domain

    def bot_user_id(self, team_id: str | None = None) -> str:
        """The bot user id of a team."""
        return self._teams[team_id or self.default_team_id].bot_user_id

    def bot_id(self, team_id: str | None = None) -> str:
        """The bot id (B...) of a team."""
        return self._teams[team_id or self.default_team_id].bot_id

    def enterprise_of(self, team_id: str | None = None) -> tuple[str | None, str | None]:
        """(enterprise_id, enterprise_name) of a team's Grid org; (None, None) outside Grid."""
        team = self._teams.get(team_id or self.default_team_id)
        return (team.enterprise_id, team.enterprise_name) if team else (None, None)

    def home_team_of(self, user_id: str) -> str | None:
        """The team_id users.info gives a user: in Grid, their *home* workspace."""
        with self._lock:
            user = self._users.get(user_id)
            return user["team_id"] if user else None

    def installation_for(self, user_id: str) -> str | None:
        """A workspace with the app installed that this user belongs to (home team first)."""
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                return None
            return next((t for t in _user_teams(user) if t in self._teams), None)

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        tz_offset: int | None = None,
        tz_label: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        team_id: str | None = None,
        email: str | None = None,
        enterprise_teams: Iterable[str] | None = None,
        enterprise_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a workspace member; tz_offset/tz_label default to the zone's values now.

        A Grid user (`enterprise_teams` given) has `team_id` as their *home* workspace, which
        need not be one the app is installed in, an `enterprise_user` with the org's id and
        every workspace they belong to, and usually a `W` id: like Slack's users.info.
        """
        team = team_id or self.default_team_id
        offset, label = _tz_fields(tz)
        user = {
            "id": user_id,
            "team_id": team,
            "name": name,
            "deleted": deleted,
            "real_name": real_name or name,
            "tz": tz,
            "tz_label": tz_label or label,
            "tz_offset": offset if tz_offset is None else tz_offset,
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": real_name or name,
                "real_name_normalized": real_name or name,
                "display_name": name,
                "display_name_normalized": name,
                "email": email or f"{name}@example.com",
                "team": team,
            },
        }
        with self._lock:
            if enterprise_teams is not None:
                teams = list(dict.fromkeys([team, *enterprise_teams]))
                org = enterprise_id or next(
                    (self._teams[t].enterprise_id for t in teams if t in self._teams),
                    self._teams[self.default_team_id].enterprise_id,
                )
                if org is None:
                    raise KeyError("a Grid user needs an enterprise_id or a team in a Grid org")
                user["enterprise_user"] = {
                    "id": user_id,
                    "enterprise_id": org,
                    "enterprise_name": next(
                        (
                            self._teams[t].enterprise_name
                            for t in teams
                            if t in self._teams and self._teams[t].enterprise_id == org
                        ),
                        org,
                    ),
                    "is_admin": False,
                    "is_owner": False,
                    "is_primary_owner": False,
                    "teams": teams,
                }
            elif team not in self._teams:
                raise KeyError(f"unknown team {team!r}; add_team() first")
            self._users[user_id] = user
            general = self._channels.get("C0GENERAL")
            if (
                general is not None
                and general.get("team_id") in _user_teams(user)
                and user_id not in general["members"]
            ):
                general["members"].append(user_id)
            return copy.deepcopy(user)

    def update_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        """Change a user's fields (tz recomputes tz_offset/tz_label unless given)."""
        with self._lock:
            user = self._users[user_id]
            if "tz" in fields:
                offset, label = _tz_fields(fields["tz"])
                fields.setdefault("tz_offset", offset)
                fields.setdefault("tz_label", label)
            for key, value in fields.items():
                if key in ("display_name", "email") or key.startswith("status_"):
                    user["profile"][key] = value
                else:
                    user[key] = value
                if key == "real_name":
                    user["profile"]["real_name"] = value
            user["updated"] = int(time.time())
            return copy.deepcopy(user)

    def user(self, user_id: str) -> dict[str, Any] | None:
        """A copy of a user as users.info would return it."""
        with self._lock:
            user = self._users.get(user_id)
            return copy.deepcopy(user) if user else None

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        *,
        team_id: str | None = None,
        is_private: bool = False,
    ) -> None:
        """Add a channel with members (the bot may post to public channels it isn't in)."""
        with self._lock:
            self._channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "team_id": team_id or self.default_team_id,
                "is_im": False,
                "is_mpim": False,
                "is_private": is_private,
                "members": list(members),
                "created": int(time.time()),
            }
            self._messages.setdefault(channel_id, [])

    def remove_from_channel(self, channel_id: str, user_id: str) -> None:
        """Take someone (the bot too) out of a channel, as a member removing them would."""
        with self._cond:
            members = self._channels[channel_id]["members"]
            if user_id in members:
                members.remove(user_id)
            self._cond.notify_all()

    def channel_members(self, channel_id: str) -> list[str]:
        """A channel's members as the stand-in holds them."""
        with self._lock:
            return list(self._channels[channel_id]["members"])

    def dm_channel_for(self, user_id: str) -> str:
        """The stable DM channel id between the bot and a user."""
        return f"D{user_id}"

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Store a message written by someone (e.g. a user's DM reply); returns a copy."""
        with self._lock:
            channel_id = self._resolve_channel_id(channel)
            if channel_id not in self._channels:
                owner = self._users.get(user)
                if channel_id.startswith("D"):
                    installed = self.installation_for(user) if owner else None
                    self._ensure_dm(channel_id[1:], installed)
                else:
                    raise KeyError(f"unknown channel {channel!r}")
            team = self._channels[channel_id]["team_id"]
            message = {"type": "message", "user": user, "text": text, "team": team, **extra}
            if thread_ts:
                message["thread_ts"] = thread_ts
            stored = self._store_message(channel_id, message, ts=ts)
            return self._public_message(stored)

    def edit_message(
        self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Change a stored message's text (and its blocks, which Slack rebuilds from the new
        text) as its author editing it would; returns the old copy."""
        with self._cond:
            message = self._message_index.get((self._resolve_channel_id(channel), ts))
            if message is None:
                raise KeyError(f"no message {ts} in {channel}")
            previous = self._public_message(message)
            message["text"] = text
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            else:
                message.pop("blocks", None)
            message["edited"] = {"user": message.get("user"), "ts": self._next_ts()}
            self._cond.notify_all()
            return previous

    def unfurl_message(
        self, channel: str, ts: str, *, attachments: list[dict[str, Any]] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Slack unfurling the links of a stored message: attachments added, no `edited`.

        Returns (before, after) copies; `after` keeps any earlier `edited` as it was.
        """
        with self._cond:
            message = self._message_index.get((self._resolve_channel_id(channel), ts))
            if message is None:
                raise KeyError(f"no message {ts} in {channel}")
            previous = self._public_message(message)
            if attachments is None:
                url = next(iter(re.findall(r"<(https?://[^>|]+)", message.get("text", ""))), None)
                url = url or "https://example.com/"
                attachments = [
                    {
                        "id": 1,
                        "from_url": url,
                        "original_url": url,
                        "title": "Example page",
                        "title_link": url,
                        "text": "A page the message links to.",
                        "service_name": "example.com",
                        "fallback": "example.com: Example page",
                    }
                ]
            message["attachments"] = copy.deepcopy(attachments)
            self._cond.notify_all()
            return previous, self._public_message(message)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A copy of one stored message (None if there is none)."""
        with self._lock:
            message = self._message_index.get((self._resolve_channel_id(channel), ts))
            return self._public_message(message) if message else None

    def react(self, channel: str, ts: str, *, user: str, name: str) -> dict[str, Any]:
        """A person adding an emoji reaction to a stored message, as Slack keeps it (the
        message's `reactions`: name, users, count); returns the message's copy. Slack allows
        one reaction of a name per person: a second is refused with `already_reacted`."""
        with self._cond:
            message = self._message_index.get((self._resolve_channel_id(channel), ts))
            if message is None:
                raise KeyError(f"no message {ts} in {channel}")
            reactions = message.setdefault("reactions", [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            if user in entry["users"]:
                raise SlackApiFailure("already_reacted")
            entry["users"].append(user)
            entry["count"] += 1
            self._cond.notify_all()
            return self._public_message(message)

    def unreact(self, channel: str, ts: str, *, user: str, name: str) -> dict[str, Any]:
        """That person taking their reaction off again (`no_reaction` if they had none)."""
        with self._cond:
            message = self._message_index.get((self._resolve_channel_id(channel), ts))
            if message is None:
                raise KeyError(f"no message {ts} in {channel}")
            reactions = message.get("reactions") or []
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None or user not in entry["users"]:
                raise SlackApiFailure("no_reaction")
            entry["users"].remove(user)
            entry["count"] -= 1
            if not entry["users"]:
                reactions.remove(entry)
            if not reactions:
                message.pop("reactions", None)
            self._cond.notify_all()
            return self._public_message(message)

    def delete_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Remove a stored message (as its author deleting it would); returns it."""
        with self._cond:
            channel_id = self._resolve_channel_id(channel)
            message = self._message_index.pop((channel_id, ts), None)
            if message is not None:
                self._messages[channel_id].remove(message)
            self._cond.notify_all()
            return self._public_message(message) if message else None

    # ------------------------------------------------------------------ triggers, URLs

    def issue_trigger_id(self, user_id: str | None = None, team_id: str | None = None) -> str:
        """A fresh trigger_id that views.open/views.push accept once, within trigger_ttl."""
        with self._lock:
            now = real_monotonic()
            if len(self._triggers) > MAX_TRIGGERS:
                horizon = now - max(self.trigger_ttl or 0.0, 60.0)
                self._triggers = {
                    k: t for k, t in self._triggers.items() if not t.used and t.issued_at > horizon
                }
            trigger = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
            self._triggers[trigger] = _Trigger(user_id, team_id, now)
            return trigger

    def response_url(self, name: str | None = None) -> str:
        """A fresh response_url on this server; POSTs to it are recorded as `response_url`."""
        with self._lock:
            url_id = f"{name}-{next(self._ids)}" if name else secrets.token_hex(8)
            url_id = re.sub(r"[^A-Za-z0-9_.-]", "_", url_id)
            self._response_urls[url_id] = {"name": name, "uses": 0}
            return f"{self.root_url}respond/{url_id}"

    def set_oauth_response(self, code: str, response: Mapping[str, Any]) -> None:
        """Answer oauth.v2.access for `code` (once) with `response`; tokens in it start working."""
        with self._lock:
            self._oauth_responses[code] = dict(response)

    def set_oauth_credentials(self, client_id: str, client_secret: str) -> None:
        """Require these client credentials on oauth.v2.access and apps.uninstall."""
        with self._lock:
            self._oauth_credentials = (client_id, client_secret)

    @staticmethod
    def oauth_v2_response(
        *,
        team_id: str,
        team_name: str,
        bot_token: str,
        bot_user_id: str,
        app_id: str = "A0001",
        installer_user_id: str = "U0INSTALLER",
        scope: str = "chat:write,commands,im:history,users:read",
    ) -> dict[str, Any]:
        """A realistic successful oauth.v2.access answer for `set_oauth_response`."""
        return {
            "ok": True,
            "app_id": app_id,
            "authed_user": {"id": installer_user_id},
            "scope": scope,
            "token_type": "bot",
            "access_token": bot_token,
            "bot_user_id": bot_user_id,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        times: int = 1,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` with HTTP 200 `ok: false, error`."""
        self._add_fault(method, _Fault("fail", times, error=error, extra=dict(extra or {})))

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls to `method` with HTTP 429 and `Retry-After`."""
        self._add_fault(method, _Fault("ratelimit", times, retry_after=retry_after))

    def server_error_next(self, method: str, status: int = 503, times: int = 1) -> None:
        """Answer the next `times` calls to `method` with an HTTP 5xx."""
        self._add_fault(method, _Fault("server_error", times, status=status))

    def clear_faults(self) -> None:
        """Forget every injected fault still waiting (fail_next, rate_limit_next, …)."""
        with self._lock:
            self._faults.clear()

    def set_delay(self, method: str, seconds: float) -> None:
        """Make `method` (or "*" for all) answer after `seconds`; 0 removes the delay."""
        with self._lock:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def fail_for_user(self, user_id: str, error: str) -> None:
        """Make DMs, conversations.open and users.info for this user fail with `error`."""
        with self._lock:
            self._user_failures[user_id] = error

    def set_rate_limits(
        self,
        per_minute_per_workspace: Mapping[str, int] | None = None,
        per_second_per_channel: float | None = None,
    ) -> None:
        """Simulate Slack's limits with sliding windows ("*" keys apply to every method)."""
        with self._lock:
            self._per_minute = dict(per_minute_per_workspace) if per_minute_per_workspace else None
            self._per_channel = per_second_per_channel
            self._method_windows.clear()
            self._channel_windows.clear()

    def limit_history_like_non_marketplace_apps(self, enabled: bool = True) -> None:
        """Slack's limits since 2025 for commercially distributed apps outside the Marketplace:
        conversations.history and .replies one call a minute, at most 15 messages a page."""
        with self._lock:
            self._history_page_cap = 15 if enabled else None
            limits = dict(self._per_minute or {})
            for method in ("conversations.history", "conversations.replies"):
                if enabled:
                    limits[method] = 1
                else:
                    limits.pop(method, None)
            self._per_minute = limits or None
            self._method_windows.clear()

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if fault.remaining < 1:
            return
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    # ------------------------------------------------------------------ recording API

    @property
    def calls(self) -> list[RecordedCall]:
        """A copy of every recorded call, oldest first."""
        with self._lock:
            return list(self._calls)

    @property
    def violations(self) -> list[str]:
        """Every Block Kit / safety violation seen so far (tests assert this is empty)."""
        with self._lock:
            return list(self._violations)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls to one method, oldest first."""
        with self._lock:
            return list(self._calls_by_method.get(method, ()))

    def clear(self) -> None:
        """Forget recorded calls (state and violations are kept)."""
        with self._lock:
            self._calls.clear()
            self._calls_by_method.clear()

    def clear_violations(self) -> None:
        """Forget recorded violations (for tests that provoke them on purpose)."""
        with self._lock:
            self._violations.clear()

    def audit(self, source: str, payload: Mapping[str, Any]) -> list[str]:
        """Check a payload that reached Slack another way (an ack body); record violations."""
        found = [
            str(v) for v in find_violations(source, payload, sdk_validation=self.sdk_validation)
        ]
        if found:
            with self._cond:
                self._violations.extend(found)
                self._cond.notify_all()
        return found

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[RecordedCall], bool] | None = None,
    ) -> list[RecordedCall]:
        """Block until `count` calls to `method` (matching `predicate`) arrived; return them."""

        def matching() -> list[RecordedCall]:
            calls = self._calls_by_method.get(method, [])
            return [c for c in calls if predicate is None or predicate(c)]

        with self._cond:
            if self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            got = len(matching())
            received = [c.summary() for c in self._calls[-40:]]
        condition = " matching the predicate" if predicate else ""
        lines = "\n  ".join(received) or "(nothing)"
        raise AssertionError(
            f"timed out after {timeout}s waiting for {count} call(s) to {method}{condition}; "
            f"got {got}. Calls received (last 40 of {len(self._calls)}):\n  {lines}"
        )

    def wait_until(
        self,
        condition: Callable[[], T],
        timeout: float = 5.0,
        description: str = "condition",
    ) -> T:
        """Block until `condition()` is truthy (re-checked after each request); return it."""
        result: list[T] = []

        def check() -> bool:
            value = condition()
            if value:
                result.append(value)
                return True
            return False

        with self._cond:
            if self._cond.wait_for(check, timeout):
                return result[-1]
            received = [c.summary() for c in self._calls[-40:]]
        lines = "\n  ".join(received) or "(nothing)"
        raise AssertionError(
            f"timed out after {timeout}s waiting for {description}. "
            f"Calls received (last 40):\n  {lines}"
        )

    def wait_for_dm(self, user_id: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        """Block until the bot's DM channel with `user_id` holds `count` bot messages."""

        def enough() -> list[dict[str, Any]]:
            found = [m for m in self.dm_messages(user_id) if m.get("bot_id")]
            return found if len(found) >= count else []

        return self.wait_until(enough, timeout, f"{count} bot DM(s) to {user_id}")

    # ------------------------------------------------------------------ state accessors

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Stored messages (copies, each with `channel`), oldest first; replies included."""
        with self._lock:
            if channel is not None:
                channel_id = self._resolve_channel_id(channel)
                stored = list(self._messages.get(channel_id, ()))
            else:
                stored = sorted(
                    (m for msgs in self._messages.values() for m in msgs),
                    key=lambda m: _ts_key(m["ts"]),
                )
            return [self._public_message(m) for m in stored]

    def conversation_history(self) -> dict[str, Any]:
        """Every stored message, the DM channels they are in and who is in each other channel
        (the bot, once it joined), as plain JSON-able data, for `restore_conversation_history`
        in a later stand-in (the sandbox keeps it on disk)."""
        with self._lock:
            return copy.deepcopy(
                {
                    "channels": [c for c in self._channels.values() if c.get("is_im")],
                    "members": {
                        cid: c["members"] for cid, c in self._channels.items() if not c.get("is_im")
                    },
                    "messages": {cid: msgs for cid, msgs in self._messages.items() if msgs},
                }
            )

    def restore_conversation_history(self, saved: Mapping[str, Any]) -> int:
        """Put back what `conversation_history` returned: DM channels missing here, the
        members of the other channels that exist (who joined or was removed stays so), and the
        messages of channels that exist (threads as they were); the number of messages.
        Later messages get later timestamps than any restored one."""
        count = 0
        with self._cond:
            for channel in saved.get("channels") or []:
                if isinstance(channel, dict) and channel.get("id"):
                    self._channels.setdefault(channel["id"], copy.deepcopy(channel))
            for channel_id, members in (saved.get("members") or {}).items():
                here = self._channels.get(channel_id)
                if here is not None and not here.get("is_im") and isinstance(members, list):
                    here["members"] = [str(m) for m in members]
            for channel_id, messages in (saved.get("messages") or {}).items():
                if channel_id not in self._channels:
                    continue
                stored = self._messages.setdefault(channel_id, [])
                for message in messages:
                    ts = message.get("ts") if isinstance(message, dict) else None
                    if not isinstance(ts, str) or (channel_id, ts) in self._message_index:
                        continue
                    kept = {**copy.deepcopy(message), "channel": channel_id}
                    bisect.insort(stored, kept, key=lambda m: _ts_key(m["ts"]))
                    self._message_index[(channel_id, ts)] = kept
                    seconds, micros = _ts_key(ts)
                    self._last_ts_us = max(self._last_ts_us, seconds * 1_000_000 + micros)
                    count += 1
            self._cond.notify_all()
        return count

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages in the DM between the bot and `user_id`, oldest first."""
        return self.messages(self.dm_channel_for(user_id))

    def ephemerals(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages posted (to `user_id`), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._ephemerals
                if user_id is None or e["user"] == user_id
            ]

    def scheduled_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages scheduled with chat.scheduleMessage and not deleted."""
        with self._lock:
            wanted = self._resolve_channel_id(channel) if channel else None
            return [
                copy.deepcopy(s)
                for s in self._scheduled
                if wanted is None or s["channel"] == wanted
            ]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The latest App Home view published for a user."""
        with self._lock:
            view_id = self._home_views.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def open_views(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Modals currently open (bottom of each stack first)."""
        with self._lock:
            found = []
            for owner, stack in self._view_stacks.items():
                if user_id is None or owner == user_id:
                    found.extend(copy.deepcopy(self._views[v]) for v in stack)
            return found

    def view(self, view_id: str) -> dict[str, Any] | None:
        """A modal or home view by id."""
        with self._lock:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view else None

    def find_open_view(self, user_id: str | None, callback_id: str) -> dict[str, Any] | None:
        """The topmost open modal with `callback_id` (for `user_id` if given)."""
        with self._lock:
            for owner, stack in self._view_stacks.items():
                if user_id is not None and owner != user_id:
                    continue
                for view_id in reversed(stack):
                    if self._views[view_id].get("callback_id") == callback_id:
                        return copy.deepcopy(self._views[view_id])
            return None

    def close_view(self, view_id: str) -> None:
        """Close a modal (and anything pushed on top of it), as Slack does after a submit."""
        with self._cond:
            for stack in self._view_stacks.values():
                if view_id in stack:
                    del stack[stack.index(view_id) :]
            self._cond.notify_all()

    def clear_views(self, user_id: str | None) -> None:
        """Close every modal of a user (response_action "clear")."""
        with self._cond:
            self._view_stacks.pop(user_id, None)
            self._cond.notify_all()

    def replace_view(self, view_id: str, view: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a modal's content in place (response_action "update")."""
        with self._cond:
            current = self._views[view_id]
            updated = self._build_view(
                view,
                view_id=view_id,
                team_id=current.get("team_id"),
                root_view_id=current.get("root_view_id"),
                previous_view_id=current.get("previous_view_id"),
            )
            self._views[view_id] = updated
            self._cond.notify_all()
            return copy.deepcopy(updated)

    def push_view(self, user_id: str | None, view: Mapping[str, Any]) -> dict[str, Any]:
        """Push a modal on a user's stack (response_action "push")."""
        with self._cond:
            stack = self._view_stacks.setdefault(user_id, [])
            previous = stack[-1] if stack else None
            root = self._views[stack[0]]["id"] if stack else None
            team_id = self._views[previous]["team_id"] if previous else self.default_team_id
            built = self._build_view(
                view, view_id=None, team_id=team_id, root_view_id=root, previous_view_id=previous
            )
            self._views[built["id"]] = built
            self._view_owner[built["id"]] = (user_id, team_id)
            stack.append(built["id"])
            self._cond.notify_all()
            return copy.deepcopy(built)

    def uploaded_files(self) -> list[UploadedFile]:
        """Files whose bytes were uploaded (check `.completed` for shared ones)."""
        with self._lock:
            return [copy.copy(f) for f in self._files.values() if f.content or f.completed]

    def responses(self, name: str | None = None) -> list[dict[str, Any]]:
        """Payloads accepted on response_urls (those made with `name`, if given)."""
        with self._lock:
            return [
                copy.deepcopy(r["payload"])
                for r in self._responses
                if name is None or r["name"] == name
            ]

    # ------------------------------------------------------------------ HTTP plumbing

    def _serve(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = dict(handler.headers.items())
        path = split.path
        if path.startswith("/api/"):
            reply = self._serve_api(path[len("/api/") :], split.query, headers, body)
        elif path.startswith("/upload/"):
            reply = self._serve_upload(path[len("/upload/") :], headers, body)
        elif path.startswith("/respond/"):
            reply = self._serve_response_url(path[len("/respond/") :], headers, body)
        else:
            reply = _Reply(404, {"ok": False, "error": "not_found"})
        self._write(handler, reply)

    @staticmethod
    def _write(handler: _Handler, reply: _Reply) -> None:
        if isinstance(reply.body, bytes | str):
            payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
            content_type = "text/plain; charset=utf-8"
        else:
            payload = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    def _delay_for(self, method: str) -> None:
        with self._lock:
            delay = self._delays.get(method, self._delays.get("*", 0.0))
        if delay:
            self._stopping.wait(delay)

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        token: str | None,
        headers: dict[str, str],
        path: str,
        reply: _Reply,
        *,
        team_id: str | None = None,
        files: dict[str, bytes] | None = None,
        received_at: float,
    ) -> None:
        call = RecordedCall(
            method=method,
            params=params,
            token=token,
            headers=headers,
            received_at=received_at,
            path=path,
            team_id=team_id,
            status=reply.status,
            response=reply.body,
            files=files or {},
        )
        self._calls.append(call)
        self._calls_by_method.setdefault(method, []).append(call)
        self._cond.notify_all()

    def _take_fault(self, method: str) -> _Reply | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        if fault.kind == "ratelimit":
            return _Reply(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(fault.retry_after)},
            )
        if fault.kind == "server_error":
            error = {500: "internal_error", 503: "service_unavailable"}.get(
                fault.status, f"http_{fault.status}"
            )
            return _Reply(fault.status, {"ok": False, "error": error})
        return _Reply(200, {"ok": False, "error": fault.error, **fault.extra})

    def _serve_api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        received_at = real_monotonic()
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        bearer = _BEARER.match(authorization)
        try:
            params, files = _parse_body(body, content_type, query)
            parse_error = None
        except SlackApiFailure as exc:
            params, files, parse_error = {}, {}, exc.error
        token = bearer.group(1) if bearer else params.get("token")
        params.pop("token", None)
        self._delay_for(method)
        violations = (
            find_violations(method, params, sdk_validation=self.sdk_validation)
            if method in CHECKED_METHODS
            else []
        )
        with self._cond:
            team_id: str | None = None
            if method not in self._handlers:
                reply = _Reply(200, {"ok": False, "error": "unknown_method"})
            elif parse_error:
                reply = _Reply(200, {"ok": False, "error": parse_error})
            elif (fault := self._take_fault(method)) is not None:
                reply = fault
            else:
                reply, team_id = self._dispatch(method, params, token, files, headers, violations)
            self._record(
                method,
                params,
                token,
                headers,
                f"/api/{method}",
                reply,
                team_id=team_id,
                files=files,
                received_at=received_at,
            )
        return reply

    def _dispatch(
        self,
        method: str,
        params: dict[str, Any],
        token: str | None,
        files: dict[str, bytes],
        headers: Mapping[str, str],
        violations: list[Any],
    ) -> tuple[_Reply, str | None]:
        team: _Team | None = None
        info: _Token | None = None
        if method not in self._no_auth_methods:
            if not token:
                return _Reply(200, {"ok": False, "error": "not_authed"}), None
            info = self._tokens.get(token)
            if info is None:
                return _Reply(200, {"ok": False, "error": "invalid_auth"}), None
            if token in self._revoked:
                return _Reply(200, {"ok": False, "error": "token_revoked"}), info.team_id
            team = self._teams[info.team_id]
        data = decode_json_params(params)
        if team is not None:
            limited = self._rate_limited(team.id, method, data)
            if limited is not None:
                return limited, team.id
        if violations:
            self._violations.extend(str(v) for v in violations)
            errors = [str(v) for v in violations]
            codes = [v.error for v in violations]
            error = "broadcast_mention" if "broadcast_mention" in codes else codes[0]
            body = {"ok": False, "error": error, "errors": errors}
            return _Reply(200, body), team.id if team else None
        request = _Request(method, params, data, token, team, info, files, headers)
        try:
            if team is not None and info is not None and info.is_bot:
                self._require_scope(team, METHOD_SCOPES.get(method, ()))
            result = self._handlers[method](request)
        except SlackApiFailure as exc:
            result = {"ok": False, "error": exc.error, **exc.extra}
        return _Reply(200, result), team.id if team else None

    def _rate_limited(self, team_id: str, method: str, data: dict[str, Any]) -> _Reply | None:
        now = real_monotonic()
        if self._per_minute is not None:
            limit = self._per_minute.get(method, self._per_minute.get("*"))
            if limit is not None:
                wait = self._window_take(self._method_windows, (team_id, method), now, 60.0, limit)
                if wait is not None:
                    return self._too_many(wait)
        if self._per_channel and method == "chat.postMessage" and data.get("channel"):
            window = max(1.0, 1.0 / self._per_channel)
            capacity = max(1, round(self._per_channel * window))
            channel = self._resolve_channel_id(str(data["channel"]))
            key = (team_id, channel)
            wait = self._window_take(self._channel_windows, key, now, window, capacity)
            if wait is not None:
                return self._too_many(wait)
        return None

    @staticmethod
    def _window_take(
        windows: dict[tuple[str, str], deque[float]],
        key: tuple[str, str],
        now: float,
        window: float,
        capacity: int,
    ) -> float | None:
        stamps = windows.setdefault(key, deque())
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        if len(stamps) >= capacity:
            return stamps[0] + window - now
        stamps.append(now)
        return None

    @staticmethod
    def _too_many(wait: float) -> _Reply:
        retry_after = max(1, int(-(-wait // 1)))
        return _Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})

    def _serve_upload(self, file_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        received_at = real_monotonic()
        self._delay_for(UPLOAD_METHOD)
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        content = body
        if content_type.lower().startswith("multipart/form-data"):
            try:
                _, parts = _parse_multipart(body, content_type)
            except SlackApiFailure:
                parts = {}
            content = parts.get("file") or next(iter(parts.values()), b"")
        with self._cond:
            fault = self._take_fault(UPLOAD_METHOD)
            upload = self._files.get(file_id)
            if fault is not None:
                reply = fault
            elif upload is None:
                reply = _Reply(404, "file not found")
            else:
                upload.content = content
                reply = _Reply(200, f"OK - {len(content)}")
            self._record(
                UPLOAD_METHOD,
                {"file_id": file_id, "size": len(content)},
                None,
                headers,
                f"/upload/{file_id}",
                reply,
                received_at=received_at,
                team_id=upload.team_id if upload else None,
            )
        return reply

    def _serve_response_url(self, url_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        received_at = real_monotonic()
        self._delay_for(RESPONSE_URL_METHOD)
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except (ValueError, UnicodeDecodeError):
            payload = None
        violations = (
            find_violations(RESPONSE_URL_METHOD, payload, sdk_validation=self.sdk_validation)
            if isinstance(payload, dict)
            else []
        )
        with self._cond:
            entry = self._response_urls.get(url_id)
            fault = self._take_fault(RESPONSE_URL_METHOD)
            if fault is not None:
                reply = fault
            elif entry is None:
                reply = _Reply(404, {"ok": False, "error": "expired_url"})
            elif not isinstance(payload, dict):
                reply = _Reply(400, {"ok": False, "error": "invalid_payload"})
            elif entry["uses"] >= RESPONSE_URL_MAX_USES:
                reply = _Reply(404, {"ok": False, "error": "used_url"})
            elif violations:
                errors = [str(v) for v in violations]
                self._violations.extend(errors)
                codes = [v.error for v in violations]
                error = "broadcast_mention" if "broadcast_mention" in codes else codes[0]
                reply = _Reply(400, {"ok": False, "error": error, "errors": errors})
            else:
                entry["uses"] += 1
                self._responses.append(
                    {"name": entry["name"], "url_id": url_id, "payload": payload}
                )
                reply = _Reply(200, {"ok": True})
            params = (
                payload if isinstance(payload, dict) else {"_raw": body.decode("utf-8", "replace")}
            )
            self._record(
                RESPONSE_URL_METHOD,
                params,
                None,
                headers,
                f"/respond/{url_id}",
                reply,
                received_at=received_at,
            )
        return reply

    # ------------------------------------------------------------------ shared helpers

    def _next_ts(self) -> str:
        now_us = int(time.time() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        us = self._last_ts_us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010d}"

    def _resolve_channel_id(self, channel: str) -> str:
        if channel[:1] in ("U", "W") and channel in self._users:
            return self.dm_channel_for(channel)
        return channel

    def _ensure_dm(self, user_id: str, team_id: str | None) -> dict[str, Any]:
        channel_id = self.dm_channel_for(user_id)
        channel = self._channels.get(channel_id)
        if channel is None:
            team = self._teams[team_id or self.default_team_id]
            channel = {
                "id": channel_id,
                "team_id": team.id,
                "is_im": True,
                "is_mpim": False,
                "is_private": True,
                "user": user_id,
                "members": [user_id, team.bot_user_id],
                "created": int(time.time()),
            }
            self._channels[channel_id] = channel
            self._messages.setdefault(channel_id, [])
        return channel

    def _user_in_team(self, user_id: str, team: _Team) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None or team.id not in _user_teams(user):
            raise SlackApiFailure("user_not_found")
        return user

    def _visible_user(self, user_id: str, team: _Team) -> dict[str, Any]:
        """A user users.info shows this team: its members, and in Grid anyone in the org."""
        user = self._users.get(user_id)
        org = (user or {}).get("enterprise_user") or {}
        if (
            user is not None
            and team.enterprise_id
            and org.get("enterprise_id") == team.enterprise_id
        ):
            return user
        return self._user_in_team(user_id, team)

    def _channel_for_post(self, req: _Request, *, allow_user: bool) -> dict[str, Any]:
        """Resolve `channel` (a channel id or, for DMs, a user id) within the caller's team."""
        raw = req.data.get("channel")
        if not raw:
            raise SlackApiFailure("channel_not_found")
        raw = str(raw)
        if raw[:1] in ("U", "W"):
            if not allow_user:
                raise SlackApiFailure("channel_not_found")
            failure = self._user_failures.get(raw)
            if failure:
                raise SlackApiFailure(failure)
            user = self._users.get(raw)
            if user is None or req.team.id not in _user_teams(user):
                raise SlackApiFailure("channel_not_found")
            self._check_dm_target(user)
            return self._ensure_dm(raw, req.team.id)
        channel = self._lookup_channel(raw, req.team)
        if channel.get("is_im"):
            failure = self._user_failures.get(channel["user"])
            if failure:
                raise SlackApiFailure(failure)
            self._check_dm_target(self._users.get(channel["user"]) or {})
        elif channel.get("is_private") and req.team.bot_user_id not in channel["members"]:
            raise SlackApiFailure("channel_not_found")
        elif (
            req.team.scopes is not None
            and "chat:write.public" not in req.team.scopes
            and req.token_info.is_bot
            and req.team.bot_user_id not in channel["members"]
        ):
            raise SlackApiFailure("not_in_channel")
        if channel.get("is_archived"):
            raise SlackApiFailure("is_archived")
        return channel

    @staticmethod
    def _require_scope(team: _Team, any_of: Iterable[str]) -> None:
        needed = tuple(any_of)
        if team.scopes is None or not needed or team.scopes & set(needed):
            return
        raise SlackApiFailure(
            "missing_scope", needed=",".join(needed), provided=",".join(sorted(team.scopes))
        )

    @staticmethod
    def _conversation_kind(channel: Mapping[str, Any]) -> str:
        if channel.get("is_im"):
            return "im"
        if channel.get("is_mpim"):
            return "mpim"
        return "private" if channel.get("is_private") else "public"

    def _readable_channel(self, req: _Request) -> dict[str, Any]:
        """A conversation the bot may read (history, replies, info, members), as in Slack.

        Needs the scope for its kind; and the bot must be in it: a public channel it never
        joined answers `not_in_channel` (posting there with chat:write.public is no
        membership), a private one it was not invited to `channel_not_found`.
        """
        channel = self._known_channel(req)
        kind = self._conversation_kind(channel)
        if req.token_info.is_bot:
            self._require_scope(req.team, (CONVERSATION_SCOPES[req.method][kind],))
            if kind in ("public", "private") and req.team.bot_user_id not in channel["members"]:
                raise SlackApiFailure("not_in_channel" if kind == "public" else "channel_not_found")
        return channel

    @staticmethod
    def _check_dm_target(user: Mapping[str, Any]) -> None:
        if user.get("deleted"):
            raise SlackApiFailure("user_disabled")
        if user.get("is_bot"):  # other apps' bots and the app's own bot user alike
            raise SlackApiFailure("cannot_dm_bot")

    def _store_message(
        self, channel_id: str, message: dict[str, Any], ts: str | None = None
    ) -> dict[str, Any]:
        if ts is None:
            ts = self._next_ts()
        else:
            seconds, micros = _ts_key(ts)
            self._last_ts_us = max(self._last_ts_us, seconds * 1_000_000 + micros)
        message = {**message, "ts": ts, "channel": channel_id}
        if (channel_id, ts) in self._message_index:
            raise SlackApiFailure("duplicate_ts")
        msgs = self._messages.setdefault(channel_id, [])
        bisect.insort(msgs, message, key=lambda m: _ts_key(m["ts"]))
        self._message_index[(channel_id, ts)] = message
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            parent = self._message_index.get((channel_id, thread_ts))
            if parent is not None:
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
                users = parent.setdefault("reply_users", [])
                author = message.get("user")
                if author and author not in users:
                    users.append(author)
        return message

    @staticmethod
    def _public_message(message: Mapping[str, Any], *, with_metadata: bool = True) -> dict:
        out = copy.deepcopy(dict(message))
        if not with_metadata:
            out.pop("metadata", None)
        return out

    def _bot_message(self, req: _Request, channel: Mapping[str, Any]) -> dict[str, Any]:
        data = req.data
        message: dict[str, Any] = {
            "type": "message",
            "user": req.token_info.user_id,
            "bot_id": req.team.bot_id,
            "app_id": req.team.app_id,
            "team": req.team.id,
            "text": data.get("text") or "",
        }
        if not req.token_info.is_bot:
            message.pop("bot_id")
            message.pop("app_id")
        for key in STORED_MESSAGE_FIELDS:
            if key in data and data[key] not in (None, ""):
                message[key] = copy.deepcopy(data[key])
        if data.get("thread_ts"):
            # Slack threads under the root even when given a reply's ts; an unknown parent
            # (e.g. an event a test sent without storing the message) is kept as given.
            parent = self._message_index.get((channel["id"], str(data["thread_ts"])))
            root = (parent.get("thread_ts") or parent["ts"]) if parent else data["thread_ts"]
            message["thread_ts"] = str(root)
            if _truthy(data.get("reply_broadcast")):
                message["subtype"] = "thread_broadcast"
                message["reply_broadcast"] = True
        return message

    def _find_message(self, channel_id: str, ts: Any) -> dict[str, Any]:
        message = self._message_index.get((channel_id, str(ts or "")))
        if message is None:
            raise SlackApiFailure("message_not_found")
        return message

    def _known_channel(self, req: _Request, key: str = "channel") -> dict[str, Any]:
        return self._lookup_channel(str(req.data.get(key) or ""), req.team)

    def _lookup_channel(self, channel_id: str, team: _Team) -> dict[str, Any]:
        """A channel of `team`; `D<user id>` DMs exist as soon as the user does."""
        channel = self._channels.get(channel_id)
        if channel is None and channel_id.startswith("D"):
            user = self._users.get(channel_id[1:])
            if user is not None and team.id in _user_teams(user):
                channel = self._ensure_dm(user["id"], team.id)
        if channel is None or channel["team_id"] != team.id:
            raise SlackApiFailure("channel_not_found")
        return channel

    def _channel_object(self, channel: Mapping[str, Any], team: _Team) -> dict[str, Any]:
        if channel.get("is_im"):
            user = self._users.get(channel["user"], {})
            return {
                "id": channel["id"],
                "created": channel["created"],
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": team.id,
                "user": channel["user"],
                "is_user_deleted": bool(user.get("deleted")),
                "priority": 0,
            }
        return {
            "id": channel["id"],
            "name": channel.get("name"),
            "is_channel": not channel.get("is_private") and not channel.get("is_mpim"),
            "is_group": bool(channel.get("is_private")) and not channel.get("is_mpim"),
            "is_im": False,
            "is_mpim": bool(channel.get("is_mpim")),
            "is_private": bool(channel.get("is_private")),
            "is_archived": bool(channel.get("is_archived")),
            "is_general": channel["id"] == "C0GENERAL",
            "is_member": team.bot_user_id in channel["members"],
            "created": channel["created"],
            "context_team_id": team.id,
            "num_members": len(channel["members"]),
        }

    # ------------------------------------------------------------------ method handlers

    def _api_test(self, req: _Request) -> dict[str, Any]:
        return {"ok": True, "args": {k: v for k, v in req.params.items() if k != "token"}}

    def _auth_test(self, req: _Request) -> dict[str, Any]:
        team, info = req.team, req.token_info
        user = self._users.get(info.user_id, {})
        result = {
            "ok": True,
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": user.get("name", info.user_id),
            "team_id": team.id,
            "user_id": info.user_id,
            "is_enterprise_install": False,
        }
        if team.enterprise_id:
            result["enterprise_id"] = team.enterprise_id
        if info.is_bot:
            result["bot_id"] = team.bot_id
        return result

    def _bots_info(self, req: _Request) -> dict[str, Any]:
        team = req.team
        if req.data.get("bot") not in (None, team.bot_id):
            raise SlackApiFailure("bot_not_found")
        return {
            "ok": True,
            "bot": {
                "id": team.bot_id,
                "deleted": False,
                "name": "multiplier",
                "app_id": team.app_id,
                "user_id": team.bot_user_id,
                "icons": {},
            },
        }

    def _users_info(self, req: _Request) -> dict[str, Any]:
        user_id = str(req.data.get("user") or "")
        failure = self._user_failures.get(user_id)
        if failure:
            raise SlackApiFailure(failure)
        if user_id == SLACKBOT_ID:
            return {"ok": True, "user": self._slackbot(req.team)}
        user = copy.deepcopy(self._visible_user(user_id, req.team))
        if _truthy(req.data.get("include_locale")):
            user["locale"] = "en-US"
        return {"ok": True, "user": user}

    @staticmethod
    def _slackbot(team: _Team) -> dict[str, Any]:
        return {
            "id": SLACKBOT_ID,
            "team_id": team.id,
            "name": "slackbot",
            "deleted": False,
            "real_name": "Slackbot",
            "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time",
            "tz_offset": -28800,
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,  # Slack really says so: filter USLACKBOT by id
            "is_app_user": False,
            "updated": 0,
            "profile": {"real_name": "Slackbot", "display_name": "Slackbot", "team": team.id},
        }

    def _users_list(self, req: _Request) -> dict[str, Any]:
        members = [self._slackbot(req.team)] + [
            copy.deepcopy(u) for u in self._users.values() if req.team.id in _user_teams(u)
        ]
        page, cursor = _page(members, req.data.get("cursor"), _int(req.data.get("limit"), 0))
        return {
            "ok": True,
            "members": page,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _team_info(self, req: _Request) -> dict[str, Any]:
        wanted = req.data.get("team") or req.team.id
        team = self._teams.get(str(wanted))
        if team is None or team.id != req.team.id:
            raise SlackApiFailure("team_not_found")
        return {
            "ok": True,
            "team": {
                "id": team.id,
                "name": team.name,
                "domain": team.domain,
                "email_domain": "",
                "icon": {"image_default": True},
                "url": f"https://{team.domain}.slack.com/",
                **(
                    {"enterprise_id": team.enterprise_id, "enterprise_name": team.enterprise_name}
                    if team.enterprise_id
                    else {}
                ),
            },
        }

    def _conversations_open(self, req: _Request) -> dict[str, Any]:
        users = req.data.get("users")
        if req.data.get("channel"):
            channel = self._known_channel(req)
            return {"ok": True, "channel": {"id": channel["id"]}}
        if isinstance(users, list):
            user_ids = [str(u) for u in users]
        else:
            user_ids = [u.strip() for u in str(users or "").split(",") if u.strip()]
        if not user_ids:
            raise SlackApiFailure("users_list_not_supplied")
        for user_id in user_ids:
            failure = self._user_failures.get(user_id)
            if failure:
                raise SlackApiFailure(failure)
            self._check_dm_target(self._user_in_team(user_id, req.team))
        if len(user_ids) == 1:
            existed = self.dm_channel_for(user_ids[0]) in self._channels
            channel = self._ensure_dm(user_ids[0], req.team.id)
        else:
            members = sorted({*user_ids, req.team.bot_user_id})
            channel_id = "G" + base64.b32encode("-".join(members).encode()).decode()[:12]
            existed = channel_id in self._channels
            if not existed:
                self.add_channel(
                    channel_id,
                    "mpdm-" + "--".join(members),
                    members,
                    team_id=req.team.id,
                    is_private=True,
                )
                self._channels[channel_id]["is_mpim"] = True
            channel = self._channels[channel_id]
        body: dict[str, Any] = {"ok": True, "channel": {"id": channel["id"]}}
        if existed:
            body["no_op"] = True
            body["already_open"] = True
        if _truthy(req.data.get("return_im")):
            body["channel"] = self._channel_object(channel, req.team)
        return body

    def _conversations_info(self, req: _Request) -> dict[str, Any]:
        channel = self._readable_channel(req)
        return {"ok": True, "channel": self._channel_object(channel, req.team)}

    def _conversations_members(self, req: _Request) -> dict[str, Any]:
        channel = self._readable_channel(req)
        page, cursor = _page(
            list(channel["members"]), req.data.get("cursor"), _int(req.data.get("limit"), 100)
        )
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_list(self, req: _Request) -> dict[str, Any]:
        types = {t.strip() for t in str(req.data.get("types") or "public_channel").split(",")}
        found = []
        for channel in self._channels.values():
            if channel["team_id"] != req.team.id:
                continue
            kind = (
                "im"
                if channel.get("is_im")
                else "mpim"
                if channel.get("is_mpim")
                else "private_channel"
                if channel.get("is_private")
                else "public_channel"
            )
            if kind in types:
                found.append(self._channel_object(channel, req.team))
        page, cursor = _page(found, req.data.get("cursor"), _int(req.data.get("limit"), 100))
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_join(self, req: _Request) -> dict[str, Any]:
        channel = self._known_channel(req)
        if channel.get("is_private") and req.team.bot_user_id not in channel["members"]:
            raise SlackApiFailure("channel_not_found")  # it cannot see a private channel
        if channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"):
            raise SlackApiFailure("method_not_supported_for_channel_type")
        if channel.get("is_archived"):
            raise SlackApiFailure("is_archived")
        body: dict[str, Any] = {"ok": True}
        if req.team.bot_user_id in channel["members"]:
            body["warning"] = "already_in_channel"
            body["response_metadata"] = {"warnings": ["already_in_channel"]}
        else:
            channel["members"].append(req.team.bot_user_id)
        body["channel"] = self._channel_object(channel, req.team)
        return body

    def _history_filter(
        self, req: _Request, messages: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        inclusive = _truthy(req.data.get("inclusive"))
        oldest = req.data.get("oldest")
        latest = req.data.get("latest")
        low = _ts_key(str(oldest)) if oldest not in (None, "") else None
        high = _ts_key(str(latest)) if latest not in (None, "") else None
        kept = []
        for message in messages:
            key = _ts_key(message["ts"])
            if low is not None and (key < low or (key == low and not inclusive)):
                continue
            if high is not None and (key > high or (key == high and not inclusive)):
                continue
            kept.append(message)
        return kept

    def _shape_for_history(self, req: _Request, messages: list[dict[str, Any]]) -> list[dict]:
        with_metadata = _truthy(req.data.get("include_all_metadata"))
        shaped = []
        for message in messages:
            out = self._public_message(message, with_metadata=with_metadata)
            out.pop("channel", None)
            shaped.append(out)
        return shaped

    def _conversations_history(self, req: _Request) -> dict[str, Any]:
        channel = self._readable_channel(req)
        top_level = [
            m
            for m in self._messages.get(channel["id"], [])
            if not m.get("thread_ts") or m["thread_ts"] == m["ts"] or m.get("reply_broadcast")
        ]
        newest_first = list(reversed(self._history_filter(req, top_level)))
        limit = _int(req.data.get("limit"), 100)
        if self._history_page_cap is not None:
            limit = min(limit or self._history_page_cap, self._history_page_cap)
        page, cursor = _page(newest_first, req.data.get("cursor"), limit)
        return {
            "ok": True,
            "messages": self._shape_for_history(req, page),
            "has_more": bool(cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _conversations_replies(self, req: _Request) -> dict[str, Any]:
        channel = self._readable_channel(req)
        parent = self._message_index.get((channel["id"], str(req.data.get("ts") or "")))
        if parent is None:
            raise SlackApiFailure("thread_not_found")
        root_ts = parent.get("thread_ts") or parent["ts"]
        root = self._message_index.get((channel["id"], root_ts), parent)
        replies = [
            m
            for m in self._messages.get(channel["id"], [])
            if m.get("thread_ts") == root_ts and m["ts"] != root_ts
        ]
        # Like Slack: the parent first, then replies oldest to newest.
        thread = [root, *self._history_filter(req, replies)]
        page, cursor = _page(thread, req.data.get("cursor"), _int(req.data.get("limit"), 1000))
        return {
            "ok": True,
            "messages": self._shape_for_history(req, page),
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _chat_post_message(self, req: _Request) -> dict[str, Any]:
        channel = self._channel_for_post(req, allow_user=True)
        message = self._store_message(channel["id"], self._bot_message(req, channel))
        public = self._public_message(message)
        public.pop("channel", None)
        return {"ok": True, "channel": channel["id"], "ts": message["ts"], "message": public}

    def _chat_update(self, req: _Request) -> dict[str, Any]:
        channel = self._known_channel(req)
        message = self._find_message(channel["id"], req.data.get("ts"))
        if message.get("bot_id") != req.team.bot_id:
            raise SlackApiFailure("cant_update_message")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in req.data and req.data[key] is not None:
                message[key] = req.data[key]
        message["edited"] = {"user": req.team.bot_user_id, "ts": self._next_ts()}
        public = self._public_message(message)
        public.pop("channel", None)
        return {
            "ok": True,
            "channel": channel["id"],
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": public,
        }

    def _chat_delete(self, req: _Request) -> dict[str, Any]:
        channel = self._known_channel(req)
        message = self._find_message(channel["id"], req.data.get("ts"))
        if message.get("bot_id") != req.team.bot_id:
            raise SlackApiFailure("cant_delete_message")
        self._messages[channel["id"]].remove(message)
        del self._message_index[(channel["id"], message["ts"])]
        return {"ok": True, "channel": channel["id"], "ts": message["ts"]}

    def _chat_post_ephemeral(self, req: _Request) -> dict[str, Any]:
        channel = self._channel_for_post(req, allow_user=False)
        user_id = str(req.data.get("user") or "")
        self._user_in_team(user_id, req.team)
        if user_id not in channel["members"]:
            raise SlackApiFailure("user_not_in_channel")
        message_ts = self._next_ts()
        ephemeral = {
            "channel": channel["id"],
            "user": user_id,
            "text": req.data.get("text") or "",
            "message_ts": message_ts,
            "team": req.team.id,
        }
        for key in ("blocks", "attachments", "thread_ts", "username", "icon_emoji"):
            if req.data.get(key) not in (None, ""):
                ephemeral[key] = req.data[key]
        self._ephemerals.append(ephemeral)
        return {"ok": True, "message_ts": message_ts}

    def _chat_get_permalink(self, req: _Request) -> dict[str, Any]:
        channel = self._known_channel(req)
        message = self._find_message(channel["id"], req.data.get("message_ts"))
        ts = message["ts"]
        link = (
            f"https://{req.team.domain}.slack.com/archives/{channel['id']}/p{ts.replace('.', '')}"
        )
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel['id']}"
        return {"ok": True, "channel": channel["id"], "permalink": link}

    def _chat_schedule_message(self, req: _Request) -> dict[str, Any]:
        channel = self._channel_for_post(req, allow_user=True)
        post_at = _int(req.data.get("post_at"), 0)
        now = int(time.time())
        if post_at <= now:
            raise SlackApiFailure("time_in_past")
        if post_at > now + SCHEDULE_MAX_SECONDS:
            raise SlackApiFailure("time_too_far")
        message = self._bot_message(req, channel)
        scheduled = {
            "id": self._new_id("Q"),
            "channel": channel["id"],
            "post_at": post_at,
            "date_created": now,
            "message": message,
        }
        self._scheduled.append(scheduled)
        return {
            "ok": True,
            "channel": channel["id"],
            "scheduled_message_id": scheduled["id"],
            "post_at": post_at,
            "message": copy.deepcopy(message),
        }

    def _chat_delete_scheduled_message(self, req: _Request) -> dict[str, Any]:
        wanted = req.data.get("scheduled_message_id")
        for scheduled in self._scheduled:
            if scheduled["id"] == wanted:
                self._scheduled.remove(scheduled)
                return {"ok": True}
        raise SlackApiFailure("invalid_scheduled_message_id")

    # -- views ----------------------------------------------------------------------------

    def _build_view(
        self,
        view: Mapping[str, Any],
        *,
        view_id: str | None,
        team_id: str | None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict[str, Any]:
        view_id = view_id or self._new_id("V")
        team = self._teams.get(team_id or self.default_team_id)
        return {
            "id": view_id,
            "team_id": team_id,
            "type": view.get("type"),
            "blocks": copy.deepcopy(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "external_id": view.get("external_id") or "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": copy.deepcopy(view.get("title")),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id or view_id,
            "app_id": self.app_id,
            "app_installed_team_id": team_id,
            "bot_id": team.bot_id if team else None,
        }

    def _take_trigger(self, req: _Request) -> _Trigger:
        trigger_id = req.data.get("trigger_id") or req.data.get("interactivity_pointer")
        if not trigger_id:
            raise SlackApiFailure("invalid_arguments")
        trigger = self._triggers.get(str(trigger_id))
        if trigger is None or (trigger.team_id is not None and trigger.team_id != req.team.id):
            raise SlackApiFailure("invalid_trigger_id")
        if trigger.used:
            raise SlackApiFailure("trigger_exchanged")
        if self.trigger_ttl is not None and real_monotonic() - trigger.issued_at > self.trigger_ttl:
            raise SlackApiFailure("expired_trigger_id")
        trigger.used = True
        return trigger

    def _view_param(self, req: _Request) -> Mapping[str, Any]:
        view = req.data.get("view")
        if not isinstance(view, Mapping):
            raise SlackApiFailure("invalid_arguments")
        return view

    def _check_external_id(self, view: Mapping[str, Any], current_id: str | None) -> None:
        external = view.get("external_id")
        if not external:
            return
        for existing in self._views.values():
            if existing.get("external_id") == external and existing["id"] != current_id:
                raise SlackApiFailure("duplicate_external_id")

    def _views_open(self, req: _Request) -> dict[str, Any]:
        view = self._view_param(req)
        if view.get("type") != "modal":
            raise SlackApiFailure("invalid_arguments")
        trigger = self._take_trigger(req)
        self._check_external_id(view, None)
        built = self._build_view(view, view_id=None, team_id=req.team.id)
        self._views[built["id"]] = built
        self._view_owner[built["id"]] = (trigger.user_id, req.team.id)
        self._view_stacks[trigger.user_id] = [built["id"]]
        return {"ok": True, "view": copy.deepcopy(built)}

    def _views_push(self, req: _Request) -> dict[str, Any]:
        view = self._view_param(req)
        trigger = self._take_trigger(req)
        stack = self._view_stacks.get(trigger.user_id)
        if not stack:
            raise SlackApiFailure("not_found")
        if len(stack) >= MAX_VIEW_STACK:
            raise SlackApiFailure("push_limit_reached")
        self._check_external_id(view, None)
        built = self._build_view(
            view,
            view_id=None,
            team_id=req.team.id,
            root_view_id=stack[0],
            previous_view_id=stack[-1],
        )
        self._views[built["id"]] = built
        self._view_owner[built["id"]] = (trigger.user_id, req.team.id)
        stack.append(built["id"])
        return {"ok": True, "view": copy.deepcopy(built)}

    def _views_update(self, req: _Request) -> dict[str, Any]:
        view = self._view_param(req)
        view_id = req.data.get("view_id")
        external_id = req.data.get("external_id")
        current = None
        if view_id:
            current = self._views.get(str(view_id))
        elif external_id:
            current = next(
                (v for v in self._views.values() if v.get("external_id") == external_id), None
            )
        else:
            raise SlackApiFailure("invalid_arguments")
        if current is None or current.get("team_id") != req.team.id:
            raise SlackApiFailure("not_found")
        expected_hash = req.data.get("hash")
        if expected_hash and expected_hash != current["hash"]:
            raise SlackApiFailure("hash_conflict")
        self._check_external_id(view, current["id"])
        updated = self._build_view(
            view,
            view_id=current["id"],
            team_id=req.team.id,
            root_view_id=current.get("root_view_id"),
            previous_view_id=current.get("previous_view_id"),
        )
        if current.get("type") == "home":
            updated["type"] = "home"
        self._views[current["id"]] = updated
        return {"ok": True, "view": copy.deepcopy(updated)}

    def _views_publish(self, req: _Request) -> dict[str, Any]:
        view = self._view_param(req)
        if view.get("type") != "home":
            raise SlackApiFailure("invalid_arguments")
        user_id = str(req.data.get("user_id") or "")
        self._user_in_team(user_id, req.team)
        current_id = self._home_views.get(user_id)
        expected_hash = req.data.get("hash")
        if current_id and expected_hash and expected_hash != self._views[current_id]["hash"]:
            raise SlackApiFailure("hash_conflict")
        built = self._build_view(view, view_id=current_id, team_id=req.team.id)
        self._views[built["id"]] = built
        self._view_owner[built["id"]] = (user_id, req.team.id)
        self._home_views[user_id] = built["id"]
        return {"ok": True, "view": copy.deepcopy(built)}

    # -- files ----------------------------------------------------------------------------

    def _file_object(self, upload: UploadedFile, team: _Team) -> dict[str, Any]:
        return {
            "id": upload.file_id,
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "size": len(upload.content),
            "user": team.bot_user_id,
            "is_public": bool(upload.channel and upload.channel.startswith("C")),
            "url_private": f"{self.root_url}files/{upload.file_id}/{upload.filename}",
            "permalink": f"https://{team.domain}.slack.com/files/{team.bot_user_id}/{upload.file_id}",
            "channels": [upload.channel] if upload.channel and upload.channel[0] == "C" else [],
            "ims": [upload.channel] if upload.channel and upload.channel[0] == "D" else [],
            "groups": [upload.channel] if upload.channel and upload.channel[0] == "G" else [],
        }

    def _files_get_upload_url(self, req: _Request) -> dict[str, Any]:
        filename = req.data.get("filename")
        length = req.data.get("length")
        if not filename or length in (None, ""):
            raise SlackApiFailure("invalid_arguments")
        file_id = self._new_id("F")
        self._files[file_id] = UploadedFile(
            file_id=file_id,
            filename=str(filename),
            content=b"",
            length=_int(length, 0),
            alt_txt=req.data.get("alt_txt"),
            snippet_type=req.data.get("snippet_type"),
            team_id=req.team.id,
        )
        return {"ok": True, "upload_url": f"{self.root_url}upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, req: _Request) -> dict[str, Any]:
        entries = req.data.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackApiFailure("invalid_arguments")
        uploads = []
        for entry in entries:
            upload = self._files.get(str(entry.get("id"))) if isinstance(entry, Mapping) else None
            if upload is None or upload.team_id != req.team.id or not upload.content:
                raise SlackApiFailure("file_not_found")
            uploads.append((upload, entry))
        channel_id = str(
            req.data.get("channel_id") or str(req.data.get("channels") or "").split(",")[0]
        )
        channel = None
        if channel_id:
            if channel_id[:1] not in ("C", "G", "D", "Z"):
                pattern = "^[CGDZ][A-Z0-9]{8,}$"
                raise SlackApiFailure(
                    "invalid_arguments",
                    response_metadata={
                        "messages": [f"[ERROR] input must match regex pattern: {pattern}"]
                    },
                )
            channel = self._lookup_channel(channel_id, req.team)
        comment = req.data.get("initial_comment")
        thread_ts = req.data.get("thread_ts")
        for upload, entry in uploads:
            upload.title = entry.get("title") or upload.filename
            upload.completed = True
            upload.channel = channel["id"] if channel else None
            upload.initial_comment = comment
            upload.thread_ts = thread_ts
        objects = [self._file_object(u, req.team) for u, _ in uploads]
        if channel is not None:
            message: dict[str, Any] = {
                "type": "message",
                "subtype": "file_share",
                "user": req.team.bot_user_id,
                "bot_id": req.team.bot_id,
                "team": req.team.id,
                "text": comment or "",
                "files": copy.deepcopy(objects),
                "upload": True,
            }
            if thread_ts:
                message["thread_ts"] = thread_ts
            self._store_message(channel["id"], message)
        return {"ok": True, "files": objects}

    def _files_info(self, req: _Request) -> dict[str, Any]:
        upload = self._files.get(str(req.data.get("file") or ""))
        if upload is None or upload.team_id != req.team.id or not upload.completed:
            raise SlackApiFailure("file_not_found")
        return {"ok": True, "file": self._file_object(upload, req.team), "comments": []}

    # -- install lifecycle ------------------------------------------------------------------

    def _check_client(self, req: _Request) -> None:
        if self._oauth_credentials is None:
            return
        client_id, client_secret = self._oauth_credentials
        given_id, given_secret = req.data.get("client_id"), req.data.get("client_secret")
        authorization = next(
            (v for k, v in req.headers.items() if k.lower() == "authorization"), ""
        )
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode()
                given_id, _, given_secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError):
                pass
        if given_id != client_id:
            raise SlackApiFailure("invalid_client_id")
        if given_secret != client_secret:
            raise SlackApiFailure("bad_client_secret")

    def _oauth_v2_access(self, req: _Request) -> dict[str, Any]:
        code = str(req.data.get("code") or "")
        self._check_client(req)
        response = self._oauth_responses.pop(code, None)
        if response is None:
            raise SlackApiFailure("invalid_code")
        team = response.get("team") or {}
        bot_token = response.get("access_token")
        if response.get("ok", True) and team.get("id") and bot_token:
            if team["id"] in self._teams:
                self.add_token(bot_token, team_id=team["id"])
            else:
                self.add_team(
                    team["id"],
                    team.get("name") or team["id"],
                    bot_token,
                    response.get("bot_user_id") or f"UB{team['id']}",
                )
            authed = response.get("authed_user") or {}
            if authed.get("access_token") and authed.get("id"):
                if authed["id"] not in self._users:
                    self.add_user(authed["id"], name=authed["id"].lower(), team_id=team["id"])
                self.add_token(authed["access_token"], team_id=team["id"], user_id=authed["id"])
        return {"ok": True, **copy.deepcopy(response)}

    def _apps_uninstall(self, req: _Request) -> dict[str, Any]:
        self._check_client(req)
        self.revoke_team(req.team.id)
        return {"ok": True}

    def _reactions_add(self, req: _Request) -> dict[str, Any]:
        channel = self._known_channel(req)
        message = self._find_message(channel["id"], req.data.get("timestamp"))
        name = str(req.data.get("name") or "")
        if not name:
            raise SlackApiFailure("invalid_name")
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if req.team.bot_user_id in reaction["users"]:
                    raise SlackApiFailure("already_reacted")
                reaction["users"].append(req.team.bot_user_id)
                reaction["count"] += 1
                return {"ok": True}
        reactions.append({"name": name, "users": [req.team.bot_user_id], "count": 1})
        return {"ok": True}
