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


def test_a_restarted_sandbox_keeps_the_dm_history(tmp_path: Path) -> None:
    """alice's DMs with the bot (hers, its replies, a thread) are there after a restart, and
    `:dm` shows them; new messages follow on (failed before: the stand-in started empty, so
    `:dm` said nothing while the app's database remembered everything)."""
    from tests.sandbox.conftest import Session

    settings = load_settings(_env_file=None)
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as first:
        Session(first).feed("Paired with bob on the flaky deploy and unblocked the release\n")
        before = first.standin.dm_messages("UALICE")
    first.close()
    assert len(before) == 2  # hers and the bot's reply (with its Log it button)
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as second:
        assert second.standin.dm_messages("UALICE") == before
        session = Session(second)
        out = session.feed(":dm\n")
        assert "Paired with bob on the flaky deploy and unblocked the release" in out
        session.feed("and wrote it up for the team, it helps the on-call rota\n")
        after = second.standin.dm_messages("UALICE")
        assert after[:2] == before and len(after) == 4
        assert float(after[2]["ts"]) > float(before[1]["ts"])
    with Sandbox(db_path=tmp_path / "s.db", settings=settings, fresh=True) as fresh:
        assert fresh.standin.dm_messages("UALICE") == []


def test_after_a_restart_press_says_where_the_buttons_are(tmp_path: Path) -> None:
    """The buttons of a DM sent before a restart are still in Slack but not on screen: `:press
    Log it` says so and how to see them (`:dm`), after which it presses (it said only "No
    button labelled 'Log it' is shown", which read as if the message had none)."""
    from tests.sandbox.conftest import Session

    settings = load_settings(_env_file=None)
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as first:
        Session(first).feed("Paired with bob on the flaky deploy and unblocked the release\n")
    first.close()
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as second:
        session = Session(second)
        out = session.feed(":press Log it\n")
        assert out.strip().endswith(
            "No button labelled 'Log it' is shown. `:dm` shows your latest DMs with their "
            "buttons, `:home` your Home."
        ), out
        session.feed(":dm\n")
        out = session.feed(":press Log it\n")
        assert "No button labelled" not in out, out


def test_a_restarted_sandbox_keeps_the_bot_in_the_digest_channel(tmp_path: Path) -> None:
    """carol sets a digest up (the bot joins #team), quits, comes back after its slot: the
    digest is posted and `digest list` shows it running (failed before: the stand-in forgot
    who was in #team, the bot's next digest got not_in_channel and the digest stopped on
    every restart)."""
    from tests.sandbox.conftest import Session

    settings = load_settings(_env_file=None)
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as first:
        Session(first, user="carol").feed("/multiplier digest add #team weekly fri 16:00\n")
        assert "UMULTIPLIER" in first.standin.channel_members("C0TEAM")
    first.close()
    with Sandbox(db_path=tmp_path / "s.db", settings=settings) as second:
        assert "UMULTIPLIER" in second.standin.channel_members("C0TEAM")
        session = Session(second, user="carol")
        out = session.feed(":time +15d\n/multiplier digest list\n")
        assert "not_in_channel" not in out
        assert "stopped" not in out and "No team digests yet" not in out
        assert [c for c in second.standin.calls_to("conversations.members") if not c.ok] == []
