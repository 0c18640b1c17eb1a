"""Claims whose outcome is unknown are reconciled from the DM's history; reminders come once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot import clock
from bot.checkins import answers, schedule
from bot.checkins.reminders import REMINDERS, send_reminders
from bot.db.engine import Database
from bot.db.models import CheckIn, ReminderPost, User
from bot.ui.checkins import checkin_metadata
from standin.webapi import SlackStandIn
from tests.checkins.support import (
    add_users,
    checkin_messages,
    checkins,
    dispatcher,
    settings_for,
    utc,
)

SLOT = utc(2026, 11, 20, 15)


def claimed_row(
    database: Database, standin: SlackStandIn, *, owner: str, age: timedelta, posted: bool
) -> CheckIn:
    """A row claimed by `owner` `age` ago, as a crashed worker leaves it; maybe already posted."""
    add_users(database, ["UA"], now=SLOT - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    with database.session() as session:  # create the row without sending it
        from bot.checkins import delivery
        from bot.coaching.library import default_library

        delivery.create_due(
            session=session, now=SLOT, grace=run.grace, library=default_library(None)
        )
    with database.session() as session:
        row = session.scalars(select(CheckIn)).one()
        row.status, row.claimed_by = "claimed", owner
        row.claimed_at, row.attempts = clock.now() - age, 1
    if posted:
        standin.add_message(
            "DUA", user=standin.bot_user_id(), text="Weekly reflection", bot_id=standin.bot_id(),
            metadata=checkin_metadata(row.id, SLOT.isoformat()),
        )  # fmt: skip
    return row


def test_claim_of_a_dead_process_is_found_in_history_not_resent(
    database: Database, standin: SlackStandIn
) -> None:
    """A dead worker's claim whose message reached Slack: found by metadata, its ts stored, no resend."""
    row = claimed_row(database, standin, owner="cli@elsewhere:1:abc", age=timedelta(hours=1), posted=True)  # fmt: skip
    report = dispatcher(standin, database).run(SLOT + timedelta(minutes=5))
    assert (report.released, report.found, report.sent) == (1, 1, 1)
    assert standin.calls_to("chat.postMessage") == []
    (after,) = checkins(database)
    (message,) = checkin_messages(standin, "UA")
    assert after.id == row.id and after.status == "sent" and after.message_ts == message["ts"]


def test_claim_of_a_dead_process_that_never_posted_is_sent_once(
    database: Database, standin: SlackStandIn
) -> None:
    """Not in the history: sent now, once; a later run leaves it alone."""
    import socket

    dead = f"cli@{socket.gethostname()[:24]}:999999:abc"  # this host, no such pid
    claimed_row(database, standin, owner=dead, age=timedelta(seconds=5), posted=False)
    run = dispatcher(standin, database)
    report = run.run(SLOT + timedelta(minutes=5))
    assert (report.released, report.found, report.sent) == (1, 0, 1)
    assert len(standin.calls_to("conversations.history")) == 1
    run.run(SLOT + timedelta(minutes=6))
    assert len(checkin_messages(standin, "UA")) == 1


def test_a_live_workers_fresh_claim_is_left_alone(
    database: Database, standin: SlackStandIn
) -> None:
    """A claim that is recent and not provably dead belongs to a worker still sending it."""
    claimed_row(database, standin, owner="cli@elsewhere:1:abc", age=timedelta(seconds=5), posted=False)  # fmt: skip
    report = dispatcher(standin, database).run(SLOT + timedelta(minutes=1))
    assert (report.released, report.sent) == (0, 0)
    assert checkins(database)[0].status == "claimed"
    assert standin.calls_to("chat.postMessage") == []


def test_unknown_outcome_past_grace_is_checked_not_sent(
    database: Database, standin: SlackStandIn
) -> None:
    """Past the grace window an in-doubt row is only looked up: found → sent, else expired."""
    claimed_row(database, standin, owner="cli@elsewhere:1:abc", age=timedelta(hours=1), posted=False)  # fmt: skip
    report = dispatcher(standin, database).run(SLOT + timedelta(hours=8))
    assert report.expired == 1 and report.sent == 0
    assert checkins(database)[0].status == "expired"
    assert standin.calls_to("chat.postMessage") == []


def test_failed_history_lookup_sends_nothing(database: Database, standin: SlackStandIn) -> None:
    """If the history cannot be read, nothing is resent; the row stays in doubt for the next run."""
    claimed_row(database, standin, owner="cli@elsewhere:1:abc", age=timedelta(hours=1), posted=False)  # fmt: skip
    standin.server_error_next("conversations.history", times=2)
    report = dispatcher(standin, database, slack_send_max_retries=1).run(
        SLOT + timedelta(minutes=5)
    )
    assert report.sent == 0
    (row,) = checkins(database)
    assert row.status == "unknown"
    assert standin.calls_to("chat.postMessage") == []
    report = dispatcher(standin, database).run(SLOT + timedelta(minutes=6))
    assert report.sent == 1 and len(checkin_messages(standin, "UA")) == 1


# ── Reminders ──────────────────────────────────────────────────────────────────────────


def deliver(database: Database, standin: SlackStandIn, slack_ids: list[str], **prefs) -> None:
    """Friday's check-in to people who work every day: these tests are about reminders as
    such; weekends, which move reminders to Monday, are in test_weekends.py."""
    prefs.setdefault("workdays", schedule.ALL_DAYS)
    add_users(database, slack_ids, now=SLOT - timedelta(days=1), standin=standin, **prefs)
    dispatcher(standin, database).run(SLOT)


def remind(database: Database, standin: SlackStandIn, now) -> int:
    settings = settings_for(standin, database)
    report = send_reminders(
        database=database, settings=settings, token_for=lambda _t: standin.bot_token, now=now
    )
    return report.sent


def reminders_to(standin: SlackStandIn, slack_id: str) -> list[dict]:
    return [m for m in standin.dm_messages(slack_id) if "gentle nudge" in m.get("text", "")]


def test_one_reminder_only_if_unanswered(database: Database, standin: SlackStandIn) -> None:
    """24 h after the slot, unanswered check-ins get one reminder; answered ones and reruns none."""
    deliver(database, standin, ["UA", "UB"])
    with database.session() as session:
        ub = session.scalars(select(User).where(User.slack_user_id == "UB")).one()
        checkin = session.scalars(select(CheckIn).where(CheckIn.user_id == ub.id)).one()
        answers.answer_nothing(session=session, user=ub, checkin_id=checkin.id, index=0, now=SLOT)
    assert remind(database, standin, SLOT + timedelta(hours=23)) == 0
    assert remind(database, standin, SLOT + timedelta(hours=24)) == 1
    assert remind(database, standin, SLOT + timedelta(hours=25)) == 0
    assert len(reminders_to(standin, "UA")) == 1
    assert reminders_to(standin, "UB") == []


def test_reminder_switched_off_or_too_late_is_not_sent(
    database: Database, standin: SlackStandIn
) -> None:
    """No reminder for users who turned it off, nor once the grace window after it has passed."""
    deliver(database, standin, ["UOFF"], reminder_enabled=False)
    deliver(database, standin, ["ULATE"])
    assert remind(database, standin, SLOT + timedelta(hours=24 + 7)) == 0
    assert remind(database, standin, SLOT + timedelta(hours=24)) == 1
    assert reminders_to(standin, "UOFF") == []


def test_reminder_waits_for_quiet_hours_to_end(database: Database, standin: SlackStandIn) -> None:
    """A reminder due in quiet hours goes out when they end (within grace), never inside them."""
    deliver(database, standin, ["UQ"], quiet_start_minute=14 * 60, quiet_end_minute=14 * 60 + 1)
    with database.session() as session:  # quiet 15:00–17:00 from now on
        session.execute(update(User).values(quiet_start_minute=15 * 60, quiet_end_minute=17 * 60))
    assert remind(database, standin, SLOT + timedelta(hours=24)) == 0
    assert remind(database, standin, SLOT + timedelta(hours=25)) == 0
    assert remind(database, standin, SLOT + timedelta(hours=26)) == 1
    assert len(reminders_to(standin, "UQ")) == 1


def test_reminder_of_a_snoozed_checkin_counts_from_its_return(
    database: Database, standin: SlackStandIn
) -> None:
    """A snoozed check-in is reminded about a day after it came back, not after the first slot."""
    deliver(database, standin, ["UA"])
    with database.session() as session:
        ua = session.scalars(select(User)).one()
        checkin = session.scalars(select(CheckIn)).one()
        answers.snooze(session=session, user=ua, checkin_id=checkin.id, now=SLOT)
    dispatcher(standin, database).run(SLOT + timedelta(days=1))
    assert remind(database, standin, SLOT + timedelta(days=1, hours=1)) == 0
    assert remind(database, standin, SLOT + timedelta(days=2)) == 1


def test_a_reminder_slack_may_have_posted_is_looked_up_before_any_second_post(
    database: Database, standin: SlackStandIn
) -> None:
    """A 5xx on the reminder leaves it in doubt: the next run finds it in the DM by its
    metadata and posts nothing; one that is not there is posted once."""
    deliver(database, standin, ["UA", "UB"])
    standin.server_error_next("chat.postMessage", times=2)
    assert remind(database, standin, SLOT + timedelta(hours=24)) == 0
    with database.session() as session:
        posts = {p.channel_id: p for p in session.scalars(select(ReminderPost))}
    assert [(p.status, p.attempts) for p in posts.values()] == [("pending", 1)] * 2
    standin.add_message(
        "DUA", user=standin.bot_user_id(), text="A gentle nudge", bot_id=standin.bot_id(),
        metadata=REMINDERS.metadata(posts["DUA"]),
    )  # fmt: skip
    posted_before = len(standin.calls_to("chat.postMessage"))
    assert remind(database, standin, SLOT + timedelta(hours=24, minutes=1)) == 2
    assert len(standin.calls_to("chat.postMessage")) == posted_before + 1  # UB's only
    assert len(reminders_to(standin, "UA")) == 1 and len(reminders_to(standin, "UB")) == 1
    with database.session() as session:
        assert {p.status for p in session.scalars(select(ReminderPost))} == {"sent"}
