"""Leaving the sandbox and starting it again keeps the time it had been moved to."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot import clock
from bot.config import load_settings
from sandbox.workspace import Sandbox


def test_a_restarted_sandbox_keeps_its_clock(tmp_path: Path) -> None:
    """Moved three days on, quit, started again: still three days on (failed before: the
    clock was saved after being put back, so a restart fell back to the wall clock while
    the data already held check-ins from "the future")."""
    settings = load_settings(_env_file=None)
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as first:
        moved_to = clock.shift(timedelta(days=3))
    first.close()
    assert abs(clock.now() - moved_to) > timedelta(days=2)  # closing put the clock back
    with Sandbox(db_path=tmp_path / "s.db", settings=settings):
        assert abs(clock.now() - moved_to) < timedelta(minutes=1)
