"""The sandbox on a real terminal: a prompt, readline input, history kept between sessions."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.process import clean_env

pty = pytest.importorskip("pty")


class Terminal:
    """`python -m bot sandbox` attached to a pseudo-terminal."""

    def __init__(self, cwd: Path, home: Path) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=clean_env(HOME=str(home), TERM="dumb"),
            close_fds=True,
        )
        os.close(slave)
        self.screen = ""

    def read_until(self, text: str, timeout: float = 30) -> str:
        """Read what the terminal shows until `text` appears after what was read before."""
        start = len(self.screen)
        deadline = time.monotonic() + timeout
        while text not in self.screen[start:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared:\n{self.screen}")
                self.screen += chunk.decode("utf-8", "replace")
        return self.screen[start:]

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def close(self) -> int:
        try:
            return self.process.wait(timeout=30)
        finally:
            os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_terminal_session_prompts_and_keeps_history(tmp_path: Path) -> None:
    """On a terminal the chat prompts with the user's name, answers, and saves the history."""
    home = tmp_path / "home"
    home.mkdir()
    terminal = Terminal(tmp_path, home)
    try:
        terminal.read_until("alice> ")
        terminal.type("/multiplier help")
        answer = terminal.read_until("alice> ")
        assert "[multiplier → alice · only visible to you]" in answer
        assert "/kudos @someone" in answer
        terminal.type(":quit")
        terminal.read_until("Bye.")
    finally:
        status = terminal.close()
    assert status == 0
    history = (home / ".multiplier_sandbox_history").read_text()
    assert "/multiplier help" in history
