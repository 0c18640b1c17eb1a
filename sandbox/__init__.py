"""The local sandbox: try the whole app in a terminal, with no Slack workspace.

`python -m bot sandbox` (and the run command when no Slack settings are present) starts, in
one process, a stand-in for the Slack Web API with a sample workspace, the real app serving
HTTP on a local port against a SQLite file, and a chat on the terminal in which everything
reaches the app as Slack-signed HTTP requests.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.config import Settings

DEFAULT_DB = Path("sandbox.db")


class SandboxStartError(Exception):
    """The sandbox could not start (its database file, a port); the message says why."""


HISTORY_FILE = Path.home() / ".multiplier_sandbox_history"


@contextmanager
def _interrupts_for_this_thread_only() -> Iterator[None]:
    """Threads started inside the block never receive Ctrl-C's SIGINT.

    The kernel hands a process's SIGINT to any thread that does not block it. Taken by one of
    the app's background threads (its servers, the Home refresher), it would wait unnoticed
    while the main thread sits in input() at the prompt: Ctrl-C would do nothing. Threads
    inherit the mask of the thread that starts them, so the sandbox's threads start with
    SIGINT blocked, and only the chat's thread takes it.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: signals go to the main thread
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def run_sandbox(
    *,
    db_path: Path = DEFAULT_DB,
    fresh: bool = False,
    user: str = "alice",
    settings: Settings | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Start the sandbox, chat until :quit or the end of input, stop everything; exit status."""
    from sandbox.chat import run_chat
    from sandbox.workspace import Sandbox

    sandbox = Sandbox(db_path=db_path, fresh=fresh, settings=settings)
    try:
        with _interrupts_for_this_thread_only():
            sandbox.start()
    except Exception as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise SandboxStartError(f"{type(error).__name__}: {reason[0] if reason else ''}") from error
    try:
        return run_chat(sandbox, stdin=stdin, stdout=stdout, user=user, history=HISTORY_FILE)
    finally:
        sandbox.close()
