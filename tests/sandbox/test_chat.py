"""The sandbox chat against the real app: commands, DMs, Home, users, the clock."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from bot import clock
from bot.db.models import DirectMessage, EvidenceEntry, ProcessedEvent, User
from sandbox.workspace import Sandbox
from tests.sandbox.conftest import Session


def _count(sandbox: Sandbox, model) -> int:
    with sandbox.database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_help_is_rendered_as_plain_text(session: Session) -> None:
    """/multiplier help comes back as readable text: no mrkdwn asterisks, commands named."""
    out = session.feed("/multiplier help\n")
    assert "alice> /multiplier help" in out
    assert "[multiplier → alice · only visible to you]" in out
    assert "Multiplier keeps a private log" in out
    assert "*Multiplier*" not in out
    assert "/brag <what happened>" in out and "/kudos @someone" in out


def test_brag_reaches_the_app_as_slack_escapes_it(session: Session) -> None:
    """/brag with @bob, #team and markup is sent as Slack would (escaped, mentions resolved)."""
    out = session.feed("/brag unblocked @bob in #team & shipped <b>it</b> @here\n")
    assert "Logged to your private evidence" in out
    with session.sandbox.database.session() as db:
        entry = db.scalars(select(EvidenceEntry)).one()
        owner = db.get(User, entry.user_id)
    assert owner.slack_user_id == "UALICE"
    assert entry.text == (
        "unblocked <@UBOB|bob> in <#C0TEAM|team> &amp; shipped &lt;b&gt;it&lt;/b&gt; <!here>"
    )
    command = session.sandbox.standin  # the request itself was signed; the app answered 200
    assert command.calls_to("response_url")


def test_plain_text_is_a_dm_to_the_bot(session: Session) -> None:
    """A line that is not a command is a DM from the current user; the bot's reply is shown."""
    out = session.feed("Helped carol with the flaky test 🙂\n")
    assert "[multiplier → alice · DM]" in out
    assert "Got it — I keep what you send me here." in out
    with session.sandbox.database.session() as db:
        message = db.scalars(select(DirectMessage)).one()
    assert message.text == "Helped carol with the flaky test 🙂"


def test_switching_user_sends_as_that_user(session: Session) -> None:
    """:as bob makes the next DM come from bob, and the reply goes to bob's DM."""
    out = session.feed(":as bob\nhallo\n")
    assert "You are bob (Europe/Berlin" in out
    assert "bob> hallo" in out
    assert "[multiplier → bob · DM]" in out
    assert [m["user"] for m in session.sandbox.standin.dm_messages("UBOB") if not m.get("bot_id")]


def test_unknown_user_and_command_are_explained(session: Session) -> None:
    """:as with an unknown name lists the members; an unknown slash command is refused."""
    out = session.feed(":as zed\n/deploy now\n:frobnicate\n")
    assert "The members are alice, bob, carol." in out
    assert "/deploy is not a command in this workspace" in out
    assert ":frobnicate is not a sandbox command" in out


def test_home_renders_the_published_view(session: Session) -> None:
    """:home sends app_home_opened and renders the Home tab the app published."""
    out = session.feed("/brag Wrote the caching RFC\n:home\n")
    assert "[Home tab · alice]" in out
    home = out.split("[Home tab · alice]", 1)[1]
    assert "Your multiplier log" in home
    assert "Wrote the caching RFC" in home


def test_reply_and_edit_reach_the_app(session: Session) -> None:
    """:reply answers in the thread of the bot's latest DM; :edit changes the stored DM."""
    out = session.feed("first note\n:reply in the thread\n:edit in the thread, edited\n")
    assert "· in thread" in out
    with session.sandbox.database.session() as db:
        messages = db.scalars(select(DirectMessage).order_by(DirectMessage.id)).all()
    assert [m.text for m in messages] == ["first note", "in the thread, edited"]
    assert messages[1].thread_ts is not None


def test_time_runs_prune_events_and_moves_the_clock(session: Session) -> None:
    """:time +8d runs prune-events on the way and leaves the app's clock 8 days ahead."""
    session.feed("an event to remember\n")
    assert _count(session.sandbox, ProcessedEvent) == 1
    before = clock.now()
    out = session.feed(":time +8d -v\n")
    assert clock.now() - before >= timedelta(days=8)
    assert "prune-events: forgot 1 processed event id" in out
    assert "prune-events ×9," in out  # the first minute, then each of the 8 midnights
    assert _count(session.sandbox, ProcessedEvent) == 0


def test_time_understands_local_instants_and_refuses_the_past(session: Session) -> None:
    """:time takes an instant in the user's zone, a weekday, or UTC; never goes backwards."""
    out = session.feed(":time fri 15:00\n:time\n:time 2001-01-01 10:00\n:time soon\n")
    assert "Fri" in out and "15:00 for alice" in out
    local = clock.now().astimezone(session.chat.user.zone)
    assert (local.weekday(), local.hour, local.minute) == (4, 15, 0)
    assert "It is " in out and "alice Fri 15:00" in out
    assert "The clock only moves forward" in out
    assert "'soon' is not a time I understand" in out


def test_time_counts_its_instants_in_words(session: Session) -> None:
    """One instant is "1 instant" (failed before: "at 1 instants")."""
    out = session.feed(":time +1m\n")
    assert " at 1 instant, in " in out


def test_quit_stops_reading(session: Session) -> None:
    """Lines after :quit are not run."""
    out = session.feed(":quit\n/brag never sent\n")
    assert "never sent" not in out
    assert _count(session.sandbox, EvidenceEntry) == 0


def test_digest_without_a_channel_says_how_to_add_one(session: Session) -> None:
    """:digest before any digest channel exists explains the admin command."""
    out = session.feed(":digest\n")
    assert "/multiplier digest add #team" in out


def test_app_errors_are_reported_briefly(session: Session) -> None:
    """A listener failure shows the app's apology and a one-line pointer to the log file."""
    session.sandbox.standin.fail_next("chat.postMessage", error="internal_error")
    out = session.feed("this reply will fail\n")
    assert "something went wrong" in out
    assert "⚠ app error: listener failed" in out
    assert "sandbox.log" in out


def test_slack_timestamps_follow_the_sandbox_clock(session: Session) -> None:
    """After :time, messages at the stand-in carry the moved clock's time, as in Slack."""
    from standin import webapi

    session.feed(":time +2d\nhello from the future\n")
    (mine,) = [m for m in session.sandbox.standin.dm_messages("UALICE") if not m.get("bot_id")]
    assert abs(float(mine["ts"]) - clock.now().timestamp()) < 60
    out = session.feed(":dm 1\n")
    assert f"{clock.now().astimezone(session.chat.user.zone):%a %d %b}" in out
    session.sandbox.close()
    assert abs(webapi.time.time() - time.time()) < 5  # the stand-in reads real time again


def test_messages_that_look_like_commands_are_still_messages(session: Session) -> None:
    """`3 people unblocked` and `:tada: shipped` are DMs; only `9` or `3 2` press buttons (9:
    the first reply, someone's first contact, also carries the welcome's two buttons)."""
    out = session.feed("3 people unblocked today\n:tada: shipped it\n9\n")
    with session.sandbox.database.session() as db:
        texts = db.scalars(select(DirectMessage.text).order_by(DirectMessage.id)).all()
    assert texts == ["3 people unblocked today", ":tada: shipped it"]
    # Both read as evidence: each reply offers "Log it", the one button shown.
    assert "There is no button [9]. Shown last: [1] Log it" in out


def test_never_uses_the_users_slack_credentials(tmp_path) -> None:
    """Given real-looking Slack settings, the sandbox runs on its own token and secret only."""
    from bot.config import load_settings

    real = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-real-token",
        slack_signing_secret="real-secret",
        slack_app_token="xapp-real",
        slack_api_url="https://slack.com/api/",
    )
    with Sandbox(db_path=tmp_path / "s.db", settings=real) as sandbox:
        config = sandbox.config
        assert config.slack_bot_token.startswith("xoxb-sandbox-")
        assert config.slack_signing_secret not in (None, "real-secret")
        assert config.slack_app_token is None
        assert config.slack_api_url == sandbox.standin.base_url
        assert {c.token for c in sandbox.standin.calls} <= {config.slack_bot_token, None}


def test_a_request_waiting_for_a_thread_is_logged_not_alarmed(session: Session) -> None:
    """waitress's "Task queue depth" (a busy machine) goes to the log file, not the chat;
    the app's own warnings still reach the chat."""
    import logging

    logging.getLogger("waitress.queue").warning("Task queue depth is %d", 1)
    logging.getLogger("bot.checkins").warning("a warning of the app's own")
    out = session.feed("/brag Reviewed the caching RFC\n")
    assert "Task queue depth" not in out
    assert "⚠ app warning: a warning of the app's own" in out
    assert "Task queue depth is 1" in session.sandbox.log_path.read_text(encoding="utf-8")
