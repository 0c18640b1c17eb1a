"""The local sandbox: try the whole app in a terminal, with no Slack workspace.

`python -m bot sandbox` (and the run command when no Slack settings are present) starts, in
one process, a stand-in for the Slack Web API with a sample workspace, the real app serving
HTTP on a local port against a SQLite file, and a chat on the terminal in which everything
reaches the app as Slack-signed HTTP requests.
"""

from __future__ import annotations

import signal
import threading
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
def ctrl_c_reaches_the_chat() -> Iterator[None]:
    """Inside the block, Ctrl-C always interrupts the main thread, even in input().

    The kernel hands a process's SIGINT to any thread that does not block it. Taken by one
    of the app's threads (its servers, the Home refresher, a sender pool), it would wait
    unnoticed while the main thread sits in input() at the prompt: Ctrl-C would do nothing.
    So SIGINT is blocked in every thread (threads inherit the mask of the one that starts
    them), one small thread waits for it with sigwait, and hands it to the main thread as
    SIGUSR1, whose handler raises KeyboardInterrupt there: in input() or in a command. It is
    handed again until the handler has run: one landing in the instant before input()
    starts waiting would otherwise be noted and never acted on.
    """
    if (
        not hasattr(signal, "pthread_sigmask")  # Windows: signals go to the main thread
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    main = threading.get_ident()  # the main thread's: checked above
    stop = threading.Event()
    handled = threading.Event()

    def interrupt(_signum: int, _frame: object) -> None:
        handled.set()
        raise KeyboardInterrupt

    def forward() -> None:
        while True:
            signal.sigwait({signal.SIGINT})
            if stop.is_set():
                return
            handled.clear()
            # A signal landing just before input() starts waiting is noted but wakes nothing
            # (the prompt would sit there): send it again until the main thread has acted.
            while not handled.is_set() and not stop.is_set():
                signal.pthread_kill(main, signal.SIGUSR1)
                handled.wait(0.2)

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGUSR1, interrupt)
    forwarder = threading.Thread(target=forward, name="ctrl-c", daemon=True)
    forwarder.start()
    try:
        yield
    finally:
        stop.set()
        if forwarder.ident is not None:
            signal.pthread_kill(forwarder.ident, signal.SIGINT)  # ends its sigwait
        forwarder.join(5)
        signal.signal(signal.SIGUSR1, previous)
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

    with ctrl_c_reaches_the_chat():
        sandbox = Sandbox(db_path=db_path, fresh=fresh, settings=settings)
        try:
            sandbox.start()
        except Exception as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            raise SandboxStartError(
                f"{type(error).__name__}: {reason[0] if reason else ''}"
            ) from error
        try:
            return run_chat(sandbox, stdin=stdin, stdout=stdout, user=user, history=HISTORY_FILE)
        finally:
            sandbox.close()
