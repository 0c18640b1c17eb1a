"""Logging: readable lines on a terminal, one JSON object per line elsewhere.

Every record made while a Slack request (or a listener running after its ack) is being
handled carries `team_id`, `user_id` and `request_id` from a context variable that
`bot.middleware.request_context` sets; Slack tokens are redacted from every line, and Bolt's
"invalid signature" line loses the request body it would otherwise print at INFO.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO

# Attributes every LogRecord has; anything else was passed in `extra=` and is context.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# The request being handled: team_id, user_id, request_id (absent outside requests).
_request: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "multiplier_request", default=None
)

_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp|xoxe\.xox[a-z])-[A-Za-z0-9-]+")
REDACTED = "[redacted-token]"


def redact(text: str) -> str:
    """Replace anything shaped like a Slack token."""
    return _TOKEN.sub(REDACTED, text)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def request_scope(**fields: str | None) -> Iterator[dict[str, str]]:
    """Tag every record logged inside (and in listeners it starts) with these fields."""
    scope = {k: v for k, v in fields.items() if v}
    scope.setdefault("request_id", new_request_id())
    token = _request.set(scope)
    try:
        yield scope
    finally:
        _request.reset(token)


def tag_request(**fields: str | None) -> dict[str, str]:
    """Add fields to the current request's scope (starting one if there is none)."""
    scope = _request.get()
    if scope is None:
        scope = {"request_id": new_request_id()}
        _request.set(scope)
    scope.update({k: v for k, v in fields.items() if v})
    return scope


class ContextFilter(logging.Filter):
    """Adds the request's fields to a record, and scrubs tokens and request bodies."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_request.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        if record.name.endswith("RequestVerification") and str(record.msg).startswith(
            "Invalid request signature"
        ):
            record.msg, record.args = "Invalid request signature detected", ()
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


class ContextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extra:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(extra.items()))
        return line


def build_handler(stream: IO[str], *, json_output: bool) -> logging.Handler:
    """A handler with our formatter and the context/redaction filter."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter()
        if json_output
        else ContextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(level: str, *, json_output: bool | None = None) -> None:
    """Send logs to stderr; JSON when stderr is not a terminal."""
    if json_output is None:
        json_output = not sys.stderr.isatty()
    handler = build_handler(sys.stderr, json_output=json_output)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The Web API client logs request bodies at DEBUG; keep user text out of the logs.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, root.level))
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
