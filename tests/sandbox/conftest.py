"""Fixtures for the sandbox: a whole sandbox on a temporary SQLite file, driven by scripts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import clock
from bot.config import load_settings
from sandbox.chat import Chat, ScriptSource
from sandbox.workspace import Sandbox


class Session:
    """A sandbox chat fed from scripts; `feed` returns what the chat printed for them."""

    def __init__(self, sandbox: Sandbox, user: str = "alice") -> None:
        self.sandbox = sandbox
        self.out = io.StringIO()
        self.chat = Chat(sandbox, ScriptSource(io.StringIO(""), self._echo), self.out, user=user)
        sandbox.alerts.take()

    def _echo(self, line: str) -> None:
        self.out.write(line + "\n")

    def feed(self, script: str) -> str:
        """Run the lines of `script` as typed at the prompt; return the transcript they made."""
        start = self.out.tell()
        source = ScriptSource(io.StringIO(script), self._echo)
        self.chat.source = source
        while True:
            line = source.read(self.chat.prompt)
            if line is None or self.chat.handle(line) is False:
                break
        return self.out.getvalue()[start:]


def sections(transcript: str) -> list[tuple[str, str]]:
    """The transcript cut into what arrived: (the `[…]` header line, the indented body)."""
    found: list[tuple[str, str]] = []
    header, body = None, []
    for line in transcript.splitlines():
        if line.startswith("[") and line.endswith("]"):
            if header is not None:
                found.append((header, "\n".join(body)))
            header, body = line, []
        elif header is not None and line.startswith("  "):
            body.append(line)
        elif header is not None:
            found.append((header, "\n".join(body)))
            header, body = None, []
    if header is not None:
        found.append((header, "\n".join(body)))
    return found


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A started sandbox on its own SQLite file; fails on any Block Kit violation it saw."""
    settings = load_settings(_env_file=None)
    with Sandbox(db_path=tmp_path / "sandbox.db", settings=settings) as started:
        yield started
        assert started.standin.violations == [], started.standin.violations
    # Closing the sandbox puts the app's clock back: later tests see real time.
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.fixture
def session(sandbox: Sandbox) -> Session:
    return Session(sandbox)
