"""Plays Slack's side: sends Slack-signed HTTP requests (commands, events, interactivity).

`SlackClientSimulator` builds payloads shaped like Slack's, signs them with the app's signing
secret, and posts them over keep-alive connections (one per thread). With a `SlackStandIn`
it also keeps the stand-in in step: response_urls and trigger_ids come from it, DM messages
are stored in it, submitted modals close, and ack bodies are audited for Block Kit problems.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partialmethod
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from standin.webapi import SlackStandIn, real_monotonic

_MENTION = re.compile(r"<(@[UW][A-Z0-9]+|#C[A-Z0-9]+(?:\|[^>]*)?|https?://[^>|]+(?:\|[^>]*)?)>")
_RETRYABLE = (
    http.client.RemoteDisconnected,
    http.client.CannotSendRequest,
    http.client.ResponseNotReady,
    http.client.BadStatusLine,
    BrokenPipeError,
    ConnectionResetError,
    ConnectionAbortedError,
)


@dataclass
class Reply:
    """What the app answered to one simulated Slack request."""

    status: int
    body: str
    headers: dict[str, str] = field(repr=False)
    elapsed: float = 0.0
    request_body: bytes = field(default=b"", repr=False)
    event_id: str | None = None

    def json(self) -> Any:
        """The body decoded as JSON (None for an empty body)."""
        return json.loads(self.body) if self.body.strip() else None

    def header(self, name: str) -> str | None:
        """Case-insensitive response header lookup."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


def _option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


class Input:
    """Builders for `state.values` entries: `{block_id: {action_id: Input.plain_text("x")}}`."""

    @staticmethod
    def plain_text(value: str | None) -> dict[str, Any]:
        """A plain_text_input's value (None when left empty)."""
        return {"type": "plain_text_input", "value": value}

    @staticmethod
    def static_select(value: str | None, text: str | None = None) -> dict[str, Any]:
        """A static_select's selected option (text defaults to the view's option text)."""
        return {
            "type": "static_select",
            "selected_option": _option(value, text) if value is not None else None,
        }

    @staticmethod
    def multi_static_select(values: Iterable[str]) -> dict[str, Any]:
        """A multi_static_select's selected options."""
        return {"type": "multi_static_select", "selected_options": [_option(v) for v in values]}

    @staticmethod
    def radio(value: str | None, text: str | None = None) -> dict[str, Any]:
        """A radio_buttons group's selected option."""
        return {
            "type": "radio_buttons",
            "selected_option": _option(value, text) if value is not None else None,
        }

    @staticmethod
    def checkboxes(values: Iterable[str]) -> dict[str, Any]:
        """Checked checkboxes."""
        return {"type": "checkboxes", "selected_options": [_option(v) for v in values]}

    @staticmethod
    def users_select(user_id: str | None) -> dict[str, Any]:
        """A users_select's selected user."""
        return {"type": "users_select", "selected_user": user_id}

    @staticmethod
    def multi_users_select(user_ids: Iterable[str]) -> dict[str, Any]:
        """A multi_users_select's selected users."""
        return {"type": "multi_users_select", "selected_users": list(user_ids)}

    @staticmethod
    def conversations_select(channel_id: str | None) -> dict[str, Any]:
        """A conversations_select's selected conversation."""
        return {"type": "conversations_select", "selected_conversation": channel_id}

    @staticmethod
    def channels_select(channel_id: str | None) -> dict[str, Any]:
        """A channels_select's selected channel."""
        return {"type": "channels_select", "selected_channel": channel_id}

    @staticmethod
    def datepicker(date: str | dt.date | None) -> dict[str, Any]:
        """A datepicker's selected date (YYYY-MM-DD)."""
        value = date.isoformat() if isinstance(date, dt.date) else date
        return {"type": "datepicker", "selected_date": value}

    @staticmethod
    def timepicker(at: str | dt.time | None, timezone: str | None = None) -> dict[str, Any]:
        """A timepicker's selected time (HH:MM)."""
        value = at.strftime("%H:%M") if isinstance(at, dt.time) else at
        out: dict[str, Any] = {"type": "timepicker", "selected_time": value}
        if timezone:
            out["timezone"] = timezone
        return out

    @staticmethod
    def url(value: str | None) -> dict[str, Any]:
        """A url_text_input's value."""
        return {"type": "url_text_input", "value": value}

    @staticmethod
    def number(value: float | str | None) -> dict[str, Any]:
        """A number_input's value (Slack sends it as a string)."""
        return {"type": "number_input", "value": None if value is None else str(value)}


def _unescaped(text: str) -> str:
    """A message text's characters as typed: rich-text elements carry `&`, `<` and `>`
    themselves, where the message's `text` has Slack's `&amp;`, `&lt;` and `&gt;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _rich_text(text: str) -> list[dict[str, Any]]:
    """Rich-text blocks like the Slack client sends with a typed message."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": _unescaped(text[position : match.start()])})
        token = match.group(1)
        if token.startswith("@"):
            elements.append({"type": "user", "user_id": token[1:]})
        elif token.startswith("#"):
            elements.append({"type": "channel", "channel_id": token[1:].split("|", 1)[0]})
        else:
            url, _, label = token.partition("|")
            link: dict[str, Any] = {"type": "link", "url": url}
            if label:
                link["text"] = label
            elements.append(link)
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": _unescaped(text[position:])})
    return [
        {
            "type": "rich_text",
            "block_id": secrets.token_hex(3),
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def _iter_elements(blocks: Sequence[Any]) -> Iterable[tuple[str | None, dict[str, Any]]]:
    for block in blocks or ():
        if not isinstance(block, Mapping):
            continue
        block_id = block.get("block_id")
        for key in ("accessory", "element"):
            if isinstance(block.get(key), Mapping):
                yield block_id, dict(block[key])
        for element in block.get("elements") or ():
            if isinstance(element, Mapping) and element.get("action_id"):
                yield block_id, dict(element)


class SlackClientSimulator:
    """Sends Slack-signed requests to the app at `app_url`, as Slack would."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        standin: SlackStandIn | None = None,
        team_id: str = "T0001",
        api_app_id: str = "A0001",
        *,
        timeout: float = 10.0,
        verification_token: str = "legacy-verification-token",  # noqa: S107 - Slack's deprecated field
    ) -> None:
        split = urlsplit(app_url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise ValueError(f"app_url must be an http(s) URL, got {app_url!r}")
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.standin = standin
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.timeout = timeout
        self.verification_token = verification_token
        self._scheme = split.scheme
        self._host = split.hostname
        self._port = split.port or (443 if split.scheme == "https" else 80)
        self._path = (split.path or "/") + (f"?{split.query}" if split.query else "")
        self._verifier = SignatureVerifier(signing_secret)
        self._local = threading.local()
        self._connections: list[http.client.HTTPConnection] = []
        self._connections_lock = threading.Lock()
        self._counter = itertools.count(1)

    # ------------------------------------------------------------------ transport

    def close(self) -> None:
        """Close every keep-alive connection this simulator opened."""
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    def __enter__(self) -> SlackClientSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            factory = (
                http.client.HTTPSConnection
                if self._scheme == "https"
                else http.client.HTTPConnection
            )
            conn = factory(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def _post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        for attempt in range(2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                conn.request("POST", self._path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                return response.status, data, dict(response.getheaders())
            except _RETRYABLE:
                conn.close()
                if attempt or not reused:
                    raise
            except OSError:
                conn.close()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def sign(self, body: bytes, timestamp: str) -> str:
        """The `X-Slack-Signature` value for a body sent at `timestamp`."""
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body)
        if signature is None:  # pragma: no cover - only when timestamp is None
            raise ValueError("cannot sign without a timestamp")
        return signature

    def raw(
        self,
        body: bytes | str,
        *,
        content_type: str,
        timestamp: int | str | None = None,
        signature: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send any body; forge `timestamp`/`signature` ("" omits that header)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        stamp = str(int(time.time())) if timestamp is None else str(timestamp)
        headers = {"Content-Type": content_type, "Content-Length": str(len(data))}
        if stamp:
            headers["X-Slack-Request-Timestamp"] = stamp
        if signature is None:
            signature = self.sign(data, stamp)
        if signature:
            headers["X-Slack-Signature"] = signature
        headers.update(extra_headers or {})
        started = real_monotonic()
        status, response_body, response_headers = self._post(data, headers)
        return Reply(
            status=status,
            body=response_body.decode("utf-8", "replace"),
            headers=response_headers,
            elapsed=real_monotonic() - started,
            request_body=data,
        )

    def _send_form(self, fields: Mapping[str, Any]) -> Reply:
        return self.raw(urlencode(fields), content_type="application/x-www-form-urlencoded")

    def _send_payload(self, payload: Mapping[str, Any]) -> Reply:
        return self._send_form({"payload": json.dumps(payload)})

    # ------------------------------------------------------------------ shared pieces

    def _team(self, team_id: str | None) -> str:
        return team_id or self.team_id

    def _domain(self, team_id: str) -> str:
        if self.standin is not None:
            try:
                return self.standin.team_domain(team_id)
            except KeyError:
                pass
        return "acme"

    def _user(self, user_id: str, team_id: str) -> dict[str, Any]:
        """The `user` of an interactive payload: in Grid its team_id is the *home* team."""
        name = user_id.lower()
        home = team_id
        if self.standin is not None:
            known = self.standin.user(user_id)
            if known:
                name, home = known["name"], known["team_id"]
        return {"id": user_id, "username": name, "name": name, "team_id": home}

    def _enterprise(self, team_id: str) -> tuple[str | None, str | None]:
        if self.standin is None:
            return None, None
        return self.standin.enterprise_of(team_id)

    def _team_obj(self, team_id: str) -> dict[str, Any]:
        team: dict[str, Any] = {"id": team_id, "domain": self._domain(team_id)}
        enterprise_id, enterprise_name = self._enterprise(team_id)
        if enterprise_id:
            team["enterprise_id"] = enterprise_id
            team["enterprise_name"] = enterprise_name
        return team

    def _enterprise_obj(self, team_id: str) -> dict[str, Any] | None:
        enterprise_id, enterprise_name = self._enterprise(team_id)
        return {"id": enterprise_id, "name": enterprise_name} if enterprise_id else None

    def _trigger_id(self, user_id: str, team_id: str) -> str:
        if self.standin is not None:
            return self.standin.issue_trigger_id(user_id, team_id)
        return f"{next(self._counter)}.{int(time.time())}.{secrets.token_hex(16)}"

    def _response_url(self, name: str) -> str:
        if self.standin is not None:
            return self.standin.response_url(name)
        return f"https://hooks.slack.invalid/actions/{secrets.token_hex(8)}"

    def _bot_user_id(self, team_id: str) -> str:
        if self.standin is not None:
            try:
                return self.standin.bot_user_id(team_id)
            except KeyError:
                pass
        return "UBOT"

    def _dm_channel(self, user_id: str) -> str:
        if self.standin is not None:
            return self.standin.dm_channel_for(user_id)
        return f"D{user_id}"

    def _action_ts(self) -> str:
        return f"{time.time():.6f}"

    def _audit_ack(self, source: str, reply: Reply) -> None:
        if self.standin is None or reply.status != 200:
            return
        try:
            body = reply.json()
        except ValueError:
            return
        if isinstance(body, Mapping):
            self.standin.audit(source, body)

    # ------------------------------------------------------------------ slash commands

    def slash_command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        channel_id: str = "C0GENERAL",
        channel_name: str | None = None,
        team_id: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> Reply:
        """Send a slash command (form-encoded, like Slack)."""
        team = self._team(team_id)
        user = self._user(user_id, team)
        if channel_name is None:
            channel_name = "directmessage" if channel_id.startswith("D") else "general"
        fields = {
            "token": self.verification_token,
            "team_id": team,
            "team_domain": self._domain(team),
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self._response_url(command.lstrip("/")),
            "trigger_id": trigger_id or self._trigger_id(user_id, team),
        }
        enterprise_id, enterprise_name = self._enterprise(team)
        if enterprise_id:
            fields["enterprise_id"] = enterprise_id
            fields["enterprise_name"] = enterprise_name or enterprise_id
        reply = self._send_form(fields)
        self._audit_ack(f"ack:{command}", reply)
        return reply

    # ------------------------------------------------------------------ events

    def new_event_id(self) -> str:
        """A unique Events API `event_id`."""
        return f"Ev{next(self._counter):06d}{secrets.token_hex(4).upper()}"

    def event(
        self,
        event: Mapping[str, Any],
        *,
        team_id: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        event_time: int | None = None,
        authorizations: Sequence[Mapping[str, Any]] | None = None,
    ) -> Reply:
        """Send an `event_callback` envelope around `event` (JSON, like Slack)."""
        team = self._team(team_id)
        event_id = event_id or self.new_event_id()
        enterprise_id = self._enterprise(team)[0]
        if authorizations is None:
            authorizations = [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": team,
                    "user_id": self._bot_user_id(team),
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ]
        envelope = {
            "token": self.verification_token,
            "team_id": team,
            "enterprise_id": enterprise_id,
            "api_app_id": self.api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id,
            "event_time": event_time if event_time is not None else int(time.time()),
            "authorizations": list(authorizations),
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }
        extra: dict[str, str] = {}
        if retry_num is not None:
            extra["X-Slack-Retry-Num"] = str(retry_num)
        if retry_reason is not None:
            extra["X-Slack-Retry-Reason"] = retry_reason
        reply = self.raw(json.dumps(envelope), content_type="application/json", extra_headers=extra)
        reply.event_id = event_id
        return reply

    def url_verification(self, challenge: str = "challenge-token") -> Reply:
        """Send the Events API URL verification handshake."""
        body = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.raw(json.dumps(body), content_type="application/json")

    def message(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str,
        channel_type: str = "channel",
        ts: str | None = None,
        thread_ts: str | None = None,
        team_id: str | None = None,
        event_id: str | None = None,
    ) -> Reply:
        """A user's message event (stored in the stand-in first, which assigns `ts`)."""
        team = self._team(team_id)
        blocks = _rich_text(text)
        if self.standin is not None:
            stored = self.standin.add_message(
                channel_id,
                user=user_id,
                text=text,
                ts=ts,
                thread_ts=thread_ts,
                blocks=blocks,
                client_msg_id=str(uuid.uuid4()),
            )
            ts = stored["ts"]
            client_msg_id = stored["client_msg_id"]
        else:
            ts = ts or f"{time.time():.6f}"
            client_msg_id = str(uuid.uuid4())
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel_id,
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": channel_type,
            "team": team,
            "client_msg_id": client_msg_id,
            "blocks": blocks,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = self._bot_user_id(team)
        return self.event(event, team_id=team, event_id=event_id)

    def dm_message(
        self,
        text: str,
        *,
        user_id: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        team_id: str | None = None,
        event_id: str | None = None,
    ) -> Reply:
        """A user's message in their DM with the bot (`channel_type: im`)."""
        return self.message(
            text,
            user_id=user_id,
            channel_id=self._dm_channel(user_id),
            channel_type="im",
            ts=ts,
            thread_ts=thread_ts,
            team_id=team_id,
            event_id=event_id,
        )

    def message_changed_event(
        self,
        *,
        user_id: str,
        ts: str,
        text: str,
        previous_text: str | None = None,
        channel_id: str | None = None,
        channel_type: str = "im",
        thread_ts: str | None = None,
        team_id: str | None = None,
    ) -> dict[str, Any]:
        """The `message_changed` event of a user editing a message, built but not sent.

        The stand-in's copy is edited now, so `edited.ts` is the moment of this edit; send
        several with `event()` in any order to deliver them out of order, as Slack may.
        """
        team = self._team(team_id)
        channel = channel_id or self._dm_channel(user_id)
        edited_ts = f"{time.time():.6f}"
        if self.standin is not None:
            try:
                old = self.standin.edit_message(channel, ts, text=text, blocks=_rich_text(text))
            except KeyError:
                old = None
            if old is not None:
                previous_text = old.get("text") if previous_text is None else previous_text
                thread_ts = thread_ts or old.get("thread_ts")
                now = self.standin.message(channel, ts) or {}
                edited_ts = (now.get("edited") or {}).get("ts") or edited_ts
        message: dict[str, Any] = {
            "type": "message",
            "user": user_id,
            "text": text,
            "ts": ts,
            "team": team,
            "edited": {"user": user_id, "ts": edited_ts},
            "blocks": _rich_text(text),
        }
        previous: dict[str, Any] = {
            "type": "message",
            "user": user_id,
            "text": previous_text or "",
            "ts": ts,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
            previous["thread_ts"] = thread_ts
        return self._changed(channel, channel_type, message, previous)

    def message_changed(
        self,
        *,
        user_id: str,
        ts: str,
        text: str,
        previous_text: str | None = None,
        channel_id: str | None = None,
        channel_type: str = "im",
        thread_ts: str | None = None,
        team_id: str | None = None,
    ) -> Reply:
        """The `message_changed` event Slack sends when a user edits a message."""
        event = self.message_changed_event(
            user_id=user_id,
            ts=ts,
            text=text,
            previous_text=previous_text,
            channel_id=channel_id,
            channel_type=channel_type,
            thread_ts=thread_ts,
            team_id=team_id,
        )
        return self.event(event, team_id=team_id)

    @staticmethod
    def _changed(
        channel: str, channel_type: str, message: dict[str, Any], previous: dict[str, Any]
    ) -> dict[str, Any]:
        now = f"{time.time():.6f}"
        message.pop("channel", None)
        previous.pop("channel", None)
        return {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel,
            "channel_type": channel_type,
            "ts": now,
            "event_ts": now,
            "message": message,
            "previous_message": previous,
        }

    def _stored(self, channel: str, ts: str) -> dict[str, Any]:
        if self.standin is None:
            raise ValueError("needs a stand-in that holds the message")
        message = self.standin.message(channel, ts)
        if message is None:
            raise KeyError(f"no message {ts} in {channel}")
        return message

    def unfurl_event(
        self,
        *,
        channel_id: str,
        ts: str,
        channel_type: str = "im",
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The `message_changed` Slack sends after unfurling a message's links, built not sent.

        The whole message comes again with `attachments` added; an `edited` it already had
        is repeated unchanged (an unfurl is not an edit).
        """
        if self.standin is None:
            raise ValueError("needs a stand-in that holds the message")
        before, after = self.standin.unfurl_message(channel_id, ts, attachments=attachments)
        return self._changed(channel_id, channel_type, after, before)

    def unfurl(self, *, channel_id: str, ts: str, channel_type: str = "im") -> Reply:
        """Send the unfurl `message_changed` of a stored message."""
        return self.event(
            self.unfurl_event(channel_id=channel_id, ts=ts, channel_type=channel_type)
        )

    def thread_bump_event(
        self, *, channel_id: str, thread_ts: str, channel_type: str = "im"
    ) -> dict[str, Any]:
        """The `message_changed` for a thread's parent after a reply, built but not sent.

        The parent comes again with reply_count, latest_reply and reply_users (and any
        `edited` it had, unchanged); previous_message has the counts before the last reply.
        """
        after = self._stored(channel_id, thread_ts)
        before = copy.deepcopy(after)
        count = int(after.get("reply_count") or 0)
        if count <= 1:
            for key in ("reply_count", "latest_reply", "reply_users", "reply_users_count"):
                before.pop(key, None)
        else:
            before["reply_count"] = count - 1
        after.setdefault("thread_ts", thread_ts)
        after["reply_users_count"] = len(after.get("reply_users") or [])
        return self._changed(channel_id, channel_type, after, before)

    def thread_bump(self, *, channel_id: str, thread_ts: str, channel_type: str = "im") -> Reply:
        """Send the thread-bump `message_changed` of a stored thread parent."""
        event = self.thread_bump_event(
            channel_id=channel_id, thread_ts=thread_ts, channel_type=channel_type
        )
        return self.event(event)

    def bot_edit_event(
        self, *, channel_id: str, ts: str, channel_type: str = "im"
    ) -> dict[str, Any]:
        """The `message_changed` Slack sends after the bot's own chat.update, built not sent."""
        after = self._stored(channel_id, ts)
        if not after.get("bot_id"):
            raise ValueError(f"message {ts} is not the bot's")
        before = {k: v for k, v in after.items() if k != "edited"}
        return self._changed(channel_id, channel_type, after, before)

    def reaction_event(
        self,
        kind: str,
        *,
        user_id: str,
        channel_id: str,
        ts: str,
        name: str = "trophy",
        event_ts: str | None = None,
    ) -> dict[str, Any]:
        """A `reaction_added` / `reaction_removed` event, built not sent, in Slack's shape
        (https://api.slack.com/events/reaction_added): who reacted (`user`), the emoji name
        without colons (`reaction`), the message's author (`item_user`, absent for messages
        no user wrote, such as an incoming webhook's), the message as `item` (channel, ts),
        and `event_ts`. The stand-in's message gains or loses the reaction first."""
        if kind not in ("reaction_added", "reaction_removed"):
            raise ValueError(f"not a reaction event: {kind}")
        author = None
        if self.standin is not None:
            if kind == "reaction_added":
                message = self.standin.react(channel_id, ts, user=user_id, name=name)
            else:
                message = self.standin.unreact(channel_id, ts, user=user_id, name=name)
            author = message.get("user")
        event: dict[str, Any] = {"type": kind, "user": user_id, "reaction": name}
        if author:
            event["item_user"] = author
        event["item"] = {"type": "message", "channel": channel_id, "ts": ts}
        event["event_ts"] = event_ts or f"{time.time():.6f}"
        return event

    def reaction(
        self,
        kind: str,
        *,
        user_id: str,
        channel_id: str,
        ts: str,
        name: str = "trophy",
        event_ts: str | None = None,
        team_id: str | None = None,
        event_id: str | None = None,
    ) -> Reply:
        """Someone adds (`reaction_added`) an emoji reaction to a stored message, or takes
        theirs off (`reaction_removed`): the event Slack sends."""
        event = self.reaction_event(
            kind, user_id=user_id, channel_id=channel_id, ts=ts, name=name, event_ts=event_ts
        )
        return self.event(event, team_id=team_id, event_id=event_id)

    reaction_added = partialmethod(reaction, "reaction_added")
    reaction_removed = partialmethod(reaction, "reaction_removed")

    def message_deleted(
        self,
        *,
        user_id: str,
        ts: str,
        channel_id: str | None = None,
        channel_type: str = "im",
        team_id: str | None = None,
    ) -> Reply:
        """The `message_deleted` event Slack sends when a user deletes a message."""
        channel = channel_id or self._dm_channel(user_id)
        previous: dict[str, Any] = {"type": "message", "user": user_id, "text": "", "ts": ts}
        if self.standin is not None:
            old = self.standin.delete_message(channel, ts)
            if old is not None:
                previous["text"] = old.get("text", "")
        now = f"{time.time():.6f}"
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel,
            "channel_type": channel_type,
            "ts": now,
            "event_ts": now,
            "deleted_ts": ts,
            "previous_message": previous,
        }
        return self.event(event, team_id=team_id)

    def app_home_opened(
        self, user_id: str, tab: str = "home", *, team_id: str | None = None
    ) -> Reply:
        """The `app_home_opened` event (with the current home view, if one was published)."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self._dm_channel(user_id),
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        if self.standin is not None and tab == "home":
            view = self.standin.home_view(user_id)
            if view is not None:
                event["view"] = view
        return self.event(event, team_id=team_id)

    def user_change(
        self,
        user: Mapping[str, Any] | None = None,
        *,
        user_id: str | None = None,
        team_id: str | None = None,
    ) -> Reply:
        """The `user_change` event; pass a user dict or a `user_id` known to the stand-in."""
        if user is None:
            if user_id is None or self.standin is None or self.standin.user(user_id) is None:
                raise ValueError("user_change needs a user dict or a user_id the stand-in knows")
            user = self.standin.user(user_id)
        event = {
            "type": "user_change",
            "user": dict(user or {}),
            "cache_ts": int(time.time()),
            "event_ts": f"{time.time():.6f}",
        }
        # Slack sends it to the installation: in Grid the profile's team_id is the user's
        # home workspace, which need not be the one the app is installed in.
        installed = None
        if team_id is None and self.standin is not None and user.get("id"):
            installed = self.standin.installation_for(str(user["id"]))
        return self.event(event, team_id=team_id or installed or user.get("team_id"))

    def app_uninstalled(self, *, team_id: str | None = None) -> Reply:
        """Uninstall: the stand-in revokes the team's tokens, then Slack sends the event."""
        team = self._team(team_id)
        if self.standin is not None:
            self.standin.revoke_team(team)
        event = {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"}
        return self.event(event, team_id=team)

    def tokens_revoked(
        self,
        user_ids: Iterable[str] = (),
        bot_ids: Iterable[str] = (),
        *,
        team_id: str | None = None,
    ) -> Reply:
        """`tokens_revoked` for user tokens (`user_ids`) and bot users (`bot_ids`)."""
        team = self._team(team_id)
        oauth, bots = list(user_ids), list(bot_ids)
        if self.standin is not None:
            self.standin.revoke_user_tokens(team, [*oauth, *bots])
        event = {
            "type": "tokens_revoked",
            "tokens": {"oauth": oauth, "bot": bots},
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event, team_id=team)

    # ------------------------------------------------------------------ interactivity

    def block_action(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str | None = None,
        block_id: str | None = None,
        action_type: str | None = None,
        selected_option: Mapping[str, Any] | str | None = None,
        message: Mapping[str, Any] | None = None,
        view: Mapping[str, Any] | None = None,
        container: Mapping[str, Any] | None = None,
        channel_id: str | None = None,
        team_id: str | None = None,
        action_extra: Mapping[str, Any] | None = None,
    ) -> Reply:
        """Press a button / pick an option in a message or view.

        With `message` or `view` (e.g. from the stand-in), the element must exist there; its
        block_id, type and button value are taken from it unless given.
        """
        team = self._team(team_id)
        source = view if view is not None else message
        element: dict[str, Any] | None = None
        if source is not None:
            for found_block_id, candidate in _iter_elements(source.get("blocks") or []):
                if candidate.get("action_id") == action_id and block_id in (None, found_block_id):
                    block_id, element = found_block_id, candidate
                    break
            else:
                where = "view" if view is not None else "message"
                raise AssertionError(f"no element with action_id {action_id!r} in the {where}")
        kind = action_type or (element or {}).get("type") or "button"
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id or secrets.token_hex(3),
            "type": kind,
            "action_ts": self._action_ts(),
        }
        if kind == "button":
            text = (element or {}).get("text") or {"type": "plain_text", "text": action_id}
            action["text"] = text
            if value is None and element is not None:
                value = element.get("value")
            if element is not None and element.get("style"):
                action["style"] = element["style"]
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action["selected_option"] = (
                _option(selected_option)
                if isinstance(selected_option, str)
                else dict(selected_option)
            )
        action.update(action_extra or {})

        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger_id(user_id, team),
            "team": self._team_obj(team),
            "enterprise": self._enterprise_obj(team),
            "is_enterprise_install": False,
            "actions": [action],
        }
        if view is not None:
            payload["container"] = dict(container or {"type": "view", "view_id": view.get("id")})
            payload["view"] = dict(view)
            payload["state"] = view.get("state") or {"values": {}}
        else:
            payload.update(self._message_context(action_id, message, container, channel_id))
        reply = self._send_payload(payload)
        self._audit_ack(f"ack:block_actions:{action_id}", reply)
        return reply

    def _message_context(
        self,
        action_id: str,
        message: Mapping[str, Any] | None,
        container: Mapping[str, Any] | None,
        channel_id: str | None,
    ) -> dict[str, Any]:
        msg = dict(message or {})
        channel = channel_id or msg.get("channel") or "C0GENERAL"
        msg.pop("channel", None)
        is_ephemeral = "message_ts" in msg and "ts" not in msg
        default_container: dict[str, Any] = {
            "type": "message",
            "message_ts": msg.get("ts") or msg.get("message_ts") or "",
            "channel_id": channel,
            "is_ephemeral": is_ephemeral,
        }
        if msg.get("thread_ts"):
            default_container["thread_ts"] = msg["thread_ts"]
        context: dict[str, Any] = {
            "container": dict(container or default_container),
            "channel": {"id": channel, "name": self._channel_name(channel)},
            "state": {"values": {}},
            "response_url": self._response_url(action_id),
        }
        if msg and not is_ephemeral:
            context["message"] = msg
        return context

    @staticmethod
    def _channel_name(channel_id: str) -> str:
        return "directmessage" if channel_id.startswith("D") else "general"

    def _known_view(
        self,
        *,
        user_id: str,
        callback_id: str,
        view_id: str | None,
        view: Mapping[str, Any] | None,
    ) -> dict[str, Any] | None:
        if view is not None:
            return dict(view)
        if self.standin is None:
            return None
        if view_id is not None:
            return self.standin.view(view_id)
        return self.standin.find_open_view(user_id, callback_id)

    @staticmethod
    def _check_values(view: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Fail on values for inputs the view lacks; fill option texts from the view."""
        elements = {
            (block_id, element.get("action_id")): element
            for block_id, element in _iter_elements(view.get("blocks") or [])
        }
        checked: dict[str, Any] = {}
        for block_id, actions in values.items():
            checked[block_id] = {}
            for action_id, given in actions.items():
                element = elements.get((block_id, action_id))
                if element is None:
                    known = sorted(f"{b}/{a}" for b, a in elements)
                    raise AssertionError(
                        f"view {view.get('callback_id')!r} has no input {block_id}/{action_id}; "
                        f"it has {known}"
                    )
                state = dict(given)
                options = {
                    o.get("value"): o for o in element.get("options") or [] if isinstance(o, dict)
                }
                for group in element.get("option_groups") or []:
                    options.update({o.get("value"): o for o in group.get("options") or []})
                chosen = state.get("selected_option")
                if options and isinstance(chosen, Mapping):
                    if chosen.get("value") not in options:
                        raise AssertionError(
                            f"{block_id}/{action_id} has no option {chosen.get('value')!r}"
                        )
                    state["selected_option"] = options[chosen["value"]]
                if options and isinstance(state.get("selected_options"), list):
                    picked = []
                    for option in state["selected_options"]:
                        if option.get("value") not in options:
                            raise AssertionError(
                                f"{block_id}/{action_id} has no option {option.get('value')!r}"
                            )
                        picked.append(options[option["value"]])
                    state["selected_options"] = picked
                checked[block_id][action_id] = state
        return checked

    def view_submission(
        self,
        callback_id: str,
        *,
        user_id: str,
        values: Mapping[str, Mapping[str, Mapping[str, Any]]],
        private_metadata: str | None = None,
        view_id: str | None = None,
        view: Mapping[str, Any] | None = None,
        team_id: str | None = None,
    ) -> Reply:
        """Submit a modal with `state.values`; the open modal in the stand-in is used if any.

        Afterwards the stand-in follows the ack: empty closes the modal, `update`/`push`
        change it (after auditing the new view), `clear` closes all, `errors` keeps it open.
        """
        team = self._team(team_id)
        state_values = {b: {a: dict(s) for a, s in acts.items()} for b, acts in values.items()}
        known = self._known_view(
            user_id=user_id, callback_id=callback_id, view_id=view_id, view=view
        )
        if known is not None:
            state_values = self._check_values(known, state_values)
            submitted = dict(known)
        else:
            submitted = {
                "id": view_id or f"V{secrets.token_hex(5).upper()}",
                "team_id": team,
                "type": "modal",
                "blocks": [],
                "private_metadata": "",
                "callback_id": callback_id,
                "title": {"type": "plain_text", "text": "Modal"},
                "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
                "previous_view_id": None,
                "root_view_id": None,
                "app_id": self.api_app_id,
                "external_id": "",
                "bot_id": None,
            }
        submitted["callback_id"] = callback_id
        if private_metadata is not None:
            submitted["private_metadata"] = private_metadata
        submitted["state"] = {"values": state_values}
        payload = {
            "type": "view_submission",
            "team": self._team_obj(team),
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger_id(user_id, team),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": self._enterprise_obj(team),
        }
        reply = self._send_payload(payload)
        if known is not None and self.standin is not None and reply.status == 200:
            self._follow_view_ack(user_id, str(submitted["id"]), reply)
        return reply

    def _follow_view_ack(self, user_id: str, view_id: str, reply: Reply) -> None:
        standin = self.standin
        if standin is None:
            return
        try:
            body = reply.json()
        except ValueError:
            body = None
        if not isinstance(body, Mapping) or not body.get("response_action"):
            standin.close_view(view_id)
            return
        action = body["response_action"]
        problems = standin.audit(f"ack:view_submission:{action}", body)
        if action == "clear":
            standin.clear_views(user_id)
        elif action == "update" and isinstance(body.get("view"), Mapping) and not problems:
            standin.replace_view(view_id, body["view"])
        elif action == "push" and isinstance(body.get("view"), Mapping) and not problems:
            standin.push_view(user_id, body["view"])

    def view_closed(
        self,
        callback_id: str,
        *,
        user_id: str,
        view_id: str | None = None,
        private_metadata: str | None = None,
        is_cleared: bool = False,
        team_id: str | None = None,
    ) -> Reply:
        """The user closed a modal (`notify_on_close`); the stand-in closes it too."""
        team = self._team(team_id)
        known = self._known_view(
            user_id=user_id, callback_id=callback_id, view_id=view_id, view=None
        )
        view = known or {
            "id": view_id or f"V{secrets.token_hex(5).upper()}",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": "",
            "blocks": [],
            "state": {"values": {}},
        }
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        payload = {
            "type": "view_closed",
            "team": self._team_obj(team),
            "user": self._user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "view": view,
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": self._enterprise_obj(team),
        }
        reply = self._send_payload(payload)
        if known is not None and self.standin is not None:
            if is_cleared:
                self.standin.clear_views(user_id)
            else:
                self.standin.close_view(str(view["id"]))
        return reply

    def message_shortcut(
        self,
        callback_id: str,
        *,
        user_id: str,
        message: Mapping[str, Any],
        channel_id: str | None = None,
        team_id: str | None = None,
    ) -> Reply:
        """Run a message shortcut ("..." menu) on `message`."""
        team = self._team(team_id)
        msg = dict(message)
        channel = channel_id or msg.pop("channel", None) or "C0GENERAL"
        msg.pop("channel", None)
        payload = {
            "type": "message_action",
            "token": self.verification_token,
            "action_ts": self._action_ts(),
            "team": self._team_obj(team),
            "user": self._user(user_id, team),
            "channel": {"id": channel, "name": self._channel_name(channel)},
            "is_enterprise_install": False,
            "enterprise": self._enterprise_obj(team),
            "callback_id": callback_id,
            "trigger_id": self._trigger_id(user_id, team),
            "response_url": self._response_url(callback_id),
            "message_ts": msg.get("ts", ""),
            "message": msg,
        }
        return self._send_payload(payload)

    def global_shortcut(
        self, callback_id: str, *, user_id: str, team_id: str | None = None
    ) -> Reply:
        """Run a global shortcut (lightning-bolt menu)."""
        team = self._team(team_id)
        payload = {
            "type": "shortcut",
            "token": self.verification_token,
            "action_ts": self._action_ts(),
            "team": self._team_obj(team),
            "user": self._user(user_id, team),
            "is_enterprise_install": False,
            "enterprise": self._enterprise_obj(team),
            "callback_id": callback_id,
            "trigger_id": self._trigger_id(user_id, team),
        }
        return self._send_payload(payload)
