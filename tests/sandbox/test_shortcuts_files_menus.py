"""The sandbox reaches every surface a person meets in Slack: overflow menus, files the app
shares (saved to disk), and message shortcuts on messages shown."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bot.db.models import EvidenceEntry, User
from tests.sandbox.conftest import Session, sections


def test_the_check_in_pause_menu_can_be_used(session: Session) -> None:
    """The check-in's ⋯ overflow menu is numbered like any menu; `N 2` picks its second
    option (Pause for 2 weeks) and the check-in says it is paused."""
    out = session.feed("/multiplier checkins on fri 15:00\n:time fri 16:00\n")
    (overflow,) = re.findall(r"\[(\d+)\] ⋯ \(1 Pause for 1 week · 2 Pause for 2 weeks", out)
    out = session.feed(f"{overflow} 2\n")
    assert "✗" not in out and "cannot" not in out, out
    updated = [body for header, body in sections(out) if header.endswith("· DM · updated]")]
    assert updated and "check-ins paused through" in updated[-1], out
    with session.sandbox.database.session() as db:
        alice = db.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert alice.paused_until is not None


def test_a_shared_file_is_saved_under_sandbox_files_and_its_path_shown(
    session: Session,
) -> None:
    """`/multiplier export json` shares a file: the sandbox writes it, byte for byte, under
    sandbox-files/ beside the database and says where."""
    session.feed("/brag Wrote the caching RFC #writing\n")
    out = session.feed("/multiplier export json\n")
    (shown,) = re.findall(r"📎 (\S+\.json) .*\n\s+saved as (.+)\n", out)
    name, where = shown
    files = session.sandbox.files_dir
    assert files == session.sandbox.db_path.parent / "sandbox-files"
    saved = files / name
    assert where.strip().endswith(f"sandbox-files/{name}")
    (upload,) = [f for f in session.sandbox.standin.uploaded_files() if f.filename == name]
    assert saved.read_bytes() == upload.content
    assert "Wrote the caching RFC" in json.dumps(json.loads(saved.read_text()))

    again = session.feed("/multiplier export json\n")
    (second,) = re.findall(r"saved as (.+)\n", again)
    assert second.strip() != where.strip()  # an earlier file is never overwritten
    assert saved.read_bytes() == upload.content


def test_log_as_evidence_runs_on_a_colleagues_message(session: Session) -> None:
    """bob posts in #team; as alice, `:shortcut` lists the messages shown, runs "Log as
    evidence" on the one picked, and the prefilled form saves it as alice's evidence."""
    session.feed(
        ":as bob\n:post #team Thanks @alice, your review caught the double-charge bug\n:as alice\n"
    )
    out = session.feed("Thanks for the reminder\n:shortcut\n1\n:submit\n")
    listing = out.split("alice> :shortcut", 1)[1]
    assert "1 bob in #team: Thanks @alice, your review caught the double-charge bug" in listing
    assert "you in your DM: Thanks for the reminder" in listing
    assert "(Log as evidence · bob in #team:" in out
    assert "[modal · Log evidence]" in out
    assert "Logged to your private evidence" in out
    with session.sandbox.database.session() as db:
        (entry,) = db.scalars(select(EvidenceEntry)).all()
    assert entry.source == "shortcut"
    assert entry.source_channel_id == "C0TEAM"
    assert entry.people == ["UBOB"]


def test_shortcut_refuses_what_cannot_be_picked(session: Session) -> None:
    """With nothing shown there is nothing to pick; a number out of range is refused; bob's
    DM with the bot is not offered to alice."""
    assert "No message is shown that you can see" in session.feed(":shortcut\n")
    session.feed(":as bob\nhello from bob\n:as alice\n")
    assert "No message is shown that you can see" in session.feed(":shortcut\n")
    session.feed(":post #general morning all\n")
    assert "✗ a message number from 1 to 1" in session.feed(":shortcut 7\n")
    assert "Usage: :post #channel <text>" in session.feed(":post team hi\n")


def test_the_json_export_says_what_it_holds_in_one_sentence(session: Session) -> None:
    """The export's note reads "…, as JSON. It holds 1 evidence entry." (failed before: a
    bracketed list after the full stop, "as JSON. (1 evidence entry).")."""
    session.feed("/brag Wrote the caching RFC #writing\n")
    out = session.feed("/multiplier export json\n")
    assert "Here is everything Multiplier stores about you, as JSON. It holds " in out, out
    assert "JSON. (" not in out


def test_a_menus_option_is_pressed_by_its_words(session: Session) -> None:
    """`:press A bet: ask me in 4` picks that option of the ⋯ menu on the confirmation
    (`:press ⋯` said "No button labelled '⋯' is shown"); `:press ⋯` lists its options."""
    from bot.db.models import JudgmentCall

    out = session.feed("/brag Argued for one event bus instead of three queues #decisions\n")
    assert "A bet: ask me in 4 months" in out
    out = session.feed(":press A bet: ask me in 4\n")
    assert "Marked as a bet: I'll ask you in 4 months" in out, out
    out = session.feed(":press ⋯\n\n")
    assert "No button labelled" not in out and "1 A bet: ask me in 3 months" in out, out
    with session.sandbox.database.session() as db:
        (call,) = db.scalars(select(JudgmentCall)).all()
        assert (call.bet, call.months) == (True, 4)
