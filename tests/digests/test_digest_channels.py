"""Digests in channels the bot must be in: Slack lets it read a channel only as a member.

Posting with chat:write.public needs no membership, but conversations.history, .info and
.members do (a public channel answers not_in_channel, a private one channel_not_found), and
reading back its own post is how an interrupted digest is never posted twice. So `digest
add` joins a public channel (channels:join) and says so; a private one needs an invitation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.db.models import DigestChannel, DigestPost, User
from bot.digests.jobs import next_digest_due
from bot.digests.service import STALE_CLAIM
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from tests.support import logbook
from tests.support.apps import RunningApp


def _reply(app: RunningApp, text: str, user_id: str = "UCAROL") -> dict:
    before = len(app.standin.calls_to("response_url"))
    app.slack.slash_command("/multiplier", text, user_id=user_id)
    calls = app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    return calls[-1].params


def _digest(app: RunningApp) -> DigestChannel:
    with app.database.session() as session:
        found = session.scalars(select(DigestChannel)).one()
        session.expunge_all()
        return found


def _posts(app: RunningApp, channel: str = "CTEAM") -> list:
    return [c for c in app.standin.calls_to("chat.postMessage") if c.params["channel"] == channel]


def _something_to_report(app: RunningApp, before: datetime) -> None:
    """carol shares an entry with her team in the week before `before` (a week with nothing
    to report posts nothing)."""
    with app.database.session() as session:
        carol = session.scalars(select(User).where(User.slack_user_id == "UCAROL")).one()
        logbook.entry(session, carol, before - timedelta(days=1), visibility="team")


def _ctx(app: RunningApp) -> JobContext:
    return JobContext(database=app.database, settings=app.app.settings, worker_id="test")


def test_digest_add_joins_a_public_channel_and_tells_the_admin(running_app: RunningApp) -> None:
    """The bot joins a public channel it is not in, reads its members, and says why.

    Failed before: conversations.info on a channel the bot never joined answers
    not_in_channel, and the admin was told the channel was private.
    """
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOB", "UCAROL"])
    reply = _reply(running_app, "digest add <#CTEAM|team-payments>")
    assert "is set" in reply["text"]
    assert "I joined <#CTEAM>" in str(reply["blocks"])
    (join,) = running_app.standin.calls_to("conversations.join")
    assert join.ok and join.params["channel"] == "CTEAM"
    assert "UBOT" in running_app.standin.channel_members("CTEAM")
    digest = _digest(running_app)
    assert (digest.channel_id, digest.active) == ("CTEAM", True)


def test_adding_again_does_not_say_it_joined(running_app: RunningApp) -> None:
    """A channel the bot is already in is joined without a word about it."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOT"])
    reply = _reply(running_app, "digest add <#CTEAM|team-payments>")
    assert "is set" in reply["text"] and "I joined" not in str(reply["blocks"])


def test_a_private_channel_works_once_the_bot_is_invited(running_app: RunningApp) -> None:
    """A private channel cannot be joined: with the bot invited it is set up, without it the
    admin is told to invite it."""
    running_app.standin.add_channel("GSECRET", "secret", ["UALICE", "UCAROL"], is_private=True)
    refused = _reply(running_app, "digest add <#GSECRET|secret>")
    assert "/invite @Multiplier" in refused["text"]
    assert running_app.standin.channel_members("GSECRET") == ["UALICE", "UCAROL"]
    running_app.standin.add_channel(
        "GINVITED", "invited", ["UALICE", "UCAROL", "UBOT"], is_private=True
    )
    reply = _reply(running_app, "digest add <#GINVITED|invited>")
    assert "is set" in reply["text"] and "I joined" not in str(reply["blocks"])
    assert _digest(running_app).channel_id == "GINVITED"


def test_an_interrupted_digest_is_found_in_the_channel_it_joined(running_app: RunningApp) -> None:
    """A worker that died after posting: the next run finds the post and never posts twice.

    Failed before: the bot never joined, so conversations.history answered not_in_channel
    and the post was marked unknown for ever (and, in Slack, that week's digest was lost).
    """
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOB", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    assert slot is not None
    _something_to_report(running_app, slot)
    ctx = _ctx(running_app)
    run_job("digests", ctx, slot)
    (posted,) = _posts(running_app)
    with running_app.database.session() as session:
        # As if the worker died between Slack's answer and recording it.
        session.execute(
            update(DigestPost).values(status="claimed", message_ts=None, claimed_at=slot)
        )
    result = run_job("digests", ctx, slot + STALE_CLAIM + timedelta(minutes=1))
    assert "recovered 1" in result.summary
    assert len(_posts(running_app)) == 1
    with running_app.database.session() as session:
        post = session.scalars(select(DigestPost)).one()
    assert (post.status, post.message_ts) == ("sent", posted.response["ts"])


def test_removed_from_the_channel_the_digest_stops(running_app: RunningApp) -> None:
    """Once someone removes the bot, the channel cannot be read: nothing is posted, the
    digest is switched off."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOB", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    running_app.standin.remove_from_channel("CTEAM", "UBOT")
    run_job("digests", _ctx(running_app), slot)
    assert _posts(running_app) == []
    with running_app.database.session() as session:
        post = session.scalars(select(DigestPost)).one()
        assert (post.status, post.last_error) == ("failed", "not_in_channel")
    assert _digest(running_app).active is False


def test_an_install_without_channels_join_says_to_reinstall(running_app: RunningApp) -> None:
    """An installation made before channels:join was needed is told how to get it."""
    running_app.standin.set_scopes(
        {"chat:write", "commands", "users:read", "channels:read", "groups:read"}
    )
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UCAROL"])
    reply = _reply(running_app, "digest add <#CTEAM|team-payments>")
    assert "channels:join" in reply["text"] and "install it again" in reply["text"]
    with running_app.database.session() as session:
        assert session.scalars(select(DigestChannel)).all() == []


def _dm_texts(app: RunningApp, user_id: str = "UCAROL") -> list[str]:
    return [m["text"] for m in app.standin.dm_messages(user_id)]


def _list_lines(app: RunningApp) -> list[str]:
    reply = _reply(app, "digest list")
    (block,) = reply["blocks"]
    return block["text"]["text"].split("\n")[1:]


def test_removed_from_the_channel_the_admin_is_told_once(running_app: RunningApp) -> None:
    """The bot removed from #team-payments: carol, who set its digest up, gets one DM saying
    it stopped, why and how to restart it; `digest list` shows it stopped, and `digest add`
    starts it again.

    Failed before: the digest was switched off with only a log line, and `digest list` said
    "No team digests yet"."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UBOB", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    assert slot is not None
    _something_to_report(running_app, slot)
    running_app.standin.remove_from_channel("CTEAM", "UBOT")
    ctx = _ctx(running_app)
    result = run_job("digests", ctx, slot)
    assert "told 1 admin of a stopped digest" in result.summary
    (told,) = _dm_texts(running_app)
    assert told.startswith("The weekly team digest in <#CTEAM> has stopped: I was removed")
    assert "`/multiplier digest add #team-payments`" in told
    digest = _digest(running_app)
    assert (digest.active, digest.stopped_reason) == (False, "not_in_channel")
    # Told once, however often the job runs.
    run_job("digests", ctx, slot + timedelta(minutes=1))
    run_job("digests", ctx, slot + timedelta(days=7))
    assert len(_dm_texts(running_app)) == 1
    assert _posts(running_app) == []

    (line,) = _list_lines(running_app)
    assert line.startswith("• <#CTEAM> — *stopped* ")
    assert "I was removed from <#CTEAM>." in line and "digest add #team-payments" in line

    reply = _reply(running_app, "digest add <#CTEAM|team-payments>")
    assert "is set" in reply["text"]
    digest = _digest(running_app)
    assert (digest.active, digest.stopped_reason, digest.stop_told_at) == (True, None, None)
    (line,) = _list_lines(running_app)
    assert "stopped" not in line and ", next " in line


def test_an_admin_told_while_slack_is_down_is_told_later(running_app: RunningApp) -> None:
    """The notice's DM fails with a 5xx: a later run sends it (once)."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    assert slot is not None
    _something_to_report(running_app, slot)
    running_app.standin.remove_from_channel("CTEAM", "UBOT")
    before = len(running_app.standin.calls_to("chat.postMessage"))
    running_app.standin.fail_next("chat.postMessage", "internal_error", times=2)
    run_job("digests", _ctx(running_app), slot)
    assert _dm_texts(running_app) == []
    assert len(running_app.standin.calls_to("chat.postMessage")) > before
    run_job("digests", _ctx(running_app), slot + timedelta(minutes=1))
    run_job("digests", _ctx(running_app), slot + timedelta(minutes=2))
    assert len(_dm_texts(running_app)) == 1


def test_removing_a_stopped_digest_takes_it_off_the_list(running_app: RunningApp) -> None:
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    assert slot is not None
    running_app.standin.remove_from_channel("CTEAM", "UBOT")
    _something_to_report(running_app, slot)
    run_job("digests", _ctx(running_app), slot)
    reply = _reply(running_app, "digest remove <#CTEAM|team-payments>")
    assert reply["text"].startswith("No more digests in <#CTEAM>")
    reply = _reply(running_app, "digest list")
    assert reply["text"].startswith("No team digests yet")


def test_a_new_digest_never_covers_a_week_before_it_existed(running_app: RunningApp) -> None:
    """The first digest covers from `digest add` to its first slot, at least a day away:
    what was logged the week before stays out, what was logged right after is in (failed
    before: a digest added on Monday 03:21 for Mondays 09:00 posted that morning about the
    week before)."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UCAROL"])
    added = datetime.now(UTC)
    reply = _reply(running_app, "digest add <#CTEAM|team-payments>")
    slot = _digest(running_app).next_post_at
    assert slot is not None and slot >= added + timedelta(days=1)
    assert (
        f"next on {slot.astimezone(ZoneInfo(_digest(running_app).tz)):%a %d %b %H:%M}"
        in (reply["text"])
    )
    with running_app.database.session() as session:
        carol = session.scalars(select(User).where(User.slack_user_id == "UCAROL")).one()
        logbook.entry(session, carol, added - timedelta(days=2), text="before", visibility="team")
        logbook.entry(session, carol, added + timedelta(minutes=5), text="after", visibility="team")
    run_job("digests", _ctx(running_app), slot)
    (posted,) = _posts(running_app)
    with running_app.database.session() as session:
        post = session.scalars(select(DigestPost)).one()
        assert added <= post.period_start < added + timedelta(minutes=1)
        assert post.period_end == slot
    shared = [b["text"]["text"] for b in posted.params["blocks"] if b["type"] == "section"]
    assert any(text.endswith("\nafter") for text in shared)
    assert not any("before" in text for text in shared)


def test_channel_left_stops_the_digest_at_once(running_app: RunningApp) -> None:
    """Slack's `channel_left` (the app removed) stops the digest now, not at its next slot,
    and the next `digests` run tells carol; a `group_left` for a channel without a digest
    changes nothing."""
    running_app.standin.add_channel("CTEAM", "team-payments", ["UALICE", "UCAROL"])
    _reply(running_app, "digest add <#CTEAM|team-payments>")
    running_app.standin.remove_from_channel("CTEAM", "UBOT")
    running_app.slack.event({"type": "group_left", "channel": "GOTHER", "actor_id": "UALICE"})
    running_app.wait_idle()
    assert _digest(running_app).active is True
    running_app.slack.event({"type": "channel_left", "channel": "CTEAM", "actor_id": "UALICE"})
    running_app.wait_idle()
    digest = _digest(running_app)
    assert (digest.active, digest.stopped_reason, digest.next_post_at) == (
        False,
        "not_in_channel",
        None,
    )
    ctx = _ctx(running_app)
    now = datetime.now(UTC)
    assert next_digest_due(ctx, now) is not None  # the worker wakes to tell the admin
    run_job("digests", ctx, now)
    (told,) = _dm_texts(running_app)
    assert "I was removed from <#CTEAM>" in told
    assert next_digest_due(ctx, now) is None
