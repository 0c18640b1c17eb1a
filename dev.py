#!/usr/bin/env python3
"""The README's two commands: `python3 dev.py start` and `python3 dev.py test`.

Each creates the virtualenv in .venv and installs the project on first use (and again when
pyproject.toml changes), then runs the app or the whole test suite inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MULTIPLIER_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".multiplier-install-stamp"

USAGE = """usage: python3 dev.py start [ARGS]   start the app (python -m bot ARGS)
       python3 dev.py test [ARGS]    run the whole test suite on every core (pytest ARGS;
                                     -n 0 for one process)"""


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_installed() -> None:
    """Create .venv and install the project with its dev extra, once per pyproject change."""
    if sys.version_info < (3, 11):
        sys.exit("Multiplier needs Python 3.11 or newer; run this with python3.11.")
    if not PYTHON.exists():
        print(f"Creating a virtualenv in {VENV} …", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return
    print("Installing Multiplier and its dependencies …", file=sys.stderr, flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-U", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True, cwd=ROOT)
    STAMP.write_text(_wanted_stamp())


# `test` uses every core unless told otherwise: pytest-xdist, one worker per CPU, each with
# its own SQLite file and PostgreSQL schema; an idle worker takes tests from a busy one, so
# one long file does not hold up the end. `-n 0` runs everything in one process.
PARALLEL = ["-n", "auto", "--dist", "worksteal"]


def pytest_arguments(given: list[str]) -> list[str]:
    """The arguments for pytest: the parallel defaults, unless the caller chose workers."""
    chooses = any(
        arg in ("-n", "--numprocesses", "--dist", "no:xdist")
        or arg.startswith(("-n", "--numprocesses=", "--dist="))
        for arg in given
    )
    return given if chooses else [*PARALLEL, *given]


def run(args: list[str]) -> int:
    """Run the command to its end and return its exit status.

    Ctrl-C reaches the command as well (the terminal signals the whole process group): the
    command stops in its own way (the sandbox says goodbye, pytest prints its summary), and
    this process waits for it instead of killing it and printing a traceback.
    """
    process = subprocess.Popen(args, cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("start", "test"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        ensure_installed()
    except KeyboardInterrupt:
        print("\nInterrupted; the install runs again next time.", file=sys.stderr)
        return 130
    command, rest = argv[0], argv[1:]
    if command == "start":
        args = [str(PYTHON), "-m", "bot", *rest]
    else:
        args = [str(PYTHON), "-m", "pytest", *pytest_arguments(rest)]
    return run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
