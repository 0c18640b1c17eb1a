"""Delivery with explicit instants: one check-in per user and period, on time, in their zone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.checkins import answers, present, schedule, service
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import CheckIn, EvidenceEntry, User
from standin.webapi import SlackStandIn
from tests.checkins.support import (
    add_users,
    checkin_messages,
    checkins,
    dispatcher,
    user,
    utc,
)

ZONES = {
    "UNEWYORK": "America/New_York",
    "UBERLIN": "Europe/Berlin",
    "UKOLKATA": "Asia/Kolkata",
    "UAUCKLAND": "Pacific/Auckland",
}
# Fridays either side of every 2026 DST change in these zones (US 8 Mar / 1 Nov, EU 29 Mar /
# 25 Oct, NZ 5 Apr / 27 Sep).
FRIDAYS = [
    date(2026, 3, 6),
    date(2026, 3, 13),
    date(2026, 3, 27),
    date(2026, 4, 3),
    date(2026, 4, 10),
    date(2026, 9, 25),
    date(2026, 10, 2),
    date(2026, 10, 23),
    date(2026, 10, 30),
    date(2026, 11, 6),
]


def ticks(friday: date, step: timedelta = timedelta(minutes=30)):
    """Every half hour from Thursday noon to Saturday 00:00 UTC: every zone's Friday 15:00."""
    at = datetime(friday.year, friday.month, friday.day, tzinfo=utc(2026, 1, 1).tzinfo)
    at -= timedelta(hours=12)
    end = at + timedelta(hours=36)
    while at < end:
        yield at
        at += step


def test_four_zones_get_one_checkin_each_friday_at_1500_across_dst(
    database: Database, standin: SlackStandIn
) -> None:
    """New York, Berlin, Kolkata and Auckland at fri 15:00: one check-in a week, sent at 15:00 local."""
    start = utc(2026, 3, 1)
    for slack_id, tz in ZONES.items():
        add_users(database, [slack_id], now=start, tz=tz, standin=standin)
    run = dispatcher(standin, database)
    sent_at: dict[str, list[datetime]] = defaultdict(list)
    for friday in FRIDAYS:
        for tick in ticks(friday):
            before = len(standin.calls_to("chat.postMessage"))
            run.run(tick)
            new = standin.calls_to("chat.postMessage")[before:]
            for call in new:
                sent_at[call.params["channel"].removeprefix("D")].append(tick)
    assert set(sent_at) == set(ZONES)
    for slack_id, tz in ZONES.items():
        zone = schedule.zone_for(tz)
        local = [t.astimezone(zone) for t in sent_at[slack_id]]
        assert [t.date() for t in local] == FRIDAYS, slack_id
        assert {t.strftime("%a %H:%M") for t in local} == {"Fri 15:00"}, slack_id
        rows = checkins(database, slack_id)
        assert len(rows) == len(FRIDAYS)
        assert all(r.status == "sent" and r.message_ts for r in rows)
        assert len(checkin_messages(standin, slack_id)) == len(FRIDAYS)


def test_rerunning_the_same_instant_sends_nothing_twice(
    database: Database, standin: SlackStandIn
) -> None:
    """`jobs run checkins --now T` twice: the second run finds nothing to send."""
    now = utc(2026, 11, 20, 15)
    add_users(database, ["UA", "UB"], now=now - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    assert run.run(now).sent == 2
    assert run.run(now).sent == 0
    assert run.run(now + timedelta(minutes=1)).sent == 0
    assert len(standin.calls_to("chat.postMessage")) == 2


def test_checkin_message_carries_metadata_and_ts_is_stored(
    database: Database, standin: SlackStandIn
) -> None:
    """Each check-in is tagged with its id in message metadata; its ts and DM channel are stored."""
    now = utc(2026, 11, 20, 15)
    add_users(database, ["UA"], now=now - timedelta(days=1), standin=standin)
    dispatcher(standin, database).run(now)
    (row,) = checkins(database, "UA")
    (message,) = checkin_messages(standin, "UA")
    assert message["metadata"]["event_payload"]["checkin_id"] == row.id
    assert row.message_ts == message["ts"]
    assert row.channel_id == "DUA" == user(database, "UA").dm_channel_id
    assert 2 <= len(row.prompt_ids) <= 3
    assert row.status == "sent"
    assert row.period_key == "2026-W47"


def test_missed_slot_is_sent_late_within_grace_and_never_backfilled_after(
    database: Database, standin: SlackStandIn
) -> None:
    """Worker down: 3 h late still sends; a week of downtime skips to the next slot, no back-fill."""
    slot = utc(2026, 11, 20, 15)
    add_users(database, ["ULATE"], now=slot - timedelta(days=1), standin=standin)
    add_users(database, ["UGONE"], now=slot - timedelta(days=1), standin=standin, tz="UTC")
    run = dispatcher(standin, database)
    with database.session() as session:
        session.execute(update(User).where(User.slack_user_id == "UGONE").values(
            next_checkin_at=slot - timedelta(days=14)))  # fmt: skip
    report = run.run(slot + timedelta(hours=3))
    assert report.sent == 2  # UGONE's stale slots skipped, this week's (3 h late) sent
    assert {r.period_key for r in checkins(database)} == {"2026-W47"}
    # Down for longer than the grace window: the slot is not sent at all.
    report = run.run(utc(2026, 11, 27, 15) + timedelta(hours=7))
    assert report.sent == 0
    assert len(standin.calls_to("chat.postMessage")) == 2
    assert user(database, "ULATE").next_checkin_at == utc(2026, 12, 4, 15)


def test_pending_row_past_grace_is_expired(database: Database, standin: SlackStandIn) -> None:
    """A row held back by quiet hours for the whole grace window is expired, never sent late."""
    slot = utc(2026, 11, 20, 15)
    add_users(database, ["UQ"], now=slot - timedelta(days=1), standin=standin,
              quiet_start_minute=14 * 60, quiet_end_minute=23 * 60)  # fmt: skip
    run = dispatcher(standin, database)
    report = run.run(slot)
    assert report.deferred == 1 and report.sent == 0
    report = run.run(slot + timedelta(hours=7))
    assert report.expired == 1
    assert [r.status for r in checkins(database, "UQ")] == ["expired"]
    assert checkin_messages(standin, "UQ") == []


def test_quiet_hours_wait_for_their_end_within_grace(
    database: Database, standin: SlackStandIn
) -> None:
    """A late slot that lands in quiet hours waits until they end, if that is within grace."""
    slot = utc(2026, 11, 20, 20)  # Fri 20:00 UTC
    add_users(database, ["UA"], now=slot - timedelta(days=1), standin=standin, checkin_minute=20 * 60,
              quiet_start_minute=21 * 60, quiet_end_minute=23 * 60)  # fmt: skip
    run = dispatcher(standin, database)
    assert run.run(slot + timedelta(hours=1, minutes=30)).deferred == 1  # 21:30: quiet
    assert checkin_messages(standin, "UA") == []
    assert run.run(slot + timedelta(hours=3)).sent == 1  # 23:00: quiet hours over
    assert len(checkin_messages(standin, "UA")) == 1


def test_pause_skips_weeks_and_resume_restores(database: Database, standin: SlackStandIn) -> None:
    """Paused for two weeks: no check-ins on those Fridays; resume brings the next one back."""
    start = utc(2026, 11, 16, 9)
    add_users(database, ["UA"], now=start, standin=standin)
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.pause_weeks(session=session, user=row, weeks=2, now=start)
        assert row.next_checkin_at == utc(2026, 12, 4, 15)
    run = dispatcher(standin, database)
    for friday in (utc(2026, 11, 20, 15), utc(2026, 11, 27, 15)):
        assert run.run(friday).sent == 0
    assert run.run(utc(2026, 12, 4, 15)).sent == 1
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.pause(session=session, user=row, until=date(2026, 12, 30), now=utc(2026, 12, 5))
        assert row.next_checkin_at == utc(2027, 1, 1, 15)
        service.resume(session=session, user=row, now=utc(2026, 12, 5))
        assert row.next_checkin_at == utc(2026, 12, 11, 15)


def test_cadence_changes_take_effect_from_the_next_slot(
    database: Database, standin: SlackStandIn
) -> None:
    """Weekly → twice a week → every two weeks → off: slots follow each change, never two per period."""
    start = utc(2026, 11, 16, 9)  # Monday
    add_users(database, ["UA"], now=start, standin=standin)
    run = dispatcher(standin, database)
    prefs = {"weekday": 4, "second_weekday": 1, "minute": 15 * 60, "quiet_start": None,
             "quiet_end": None, "reminder": True, "paused_until": None}  # fmt: skip
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.update_preferences(session=session, user=row, now=start,
                                   prefs=service.NewPreferences(cadence="twice_weekly", **prefs))  # fmt: skip
        assert row.next_checkin_at == utc(2026, 11, 17, 15)
    assert run.run(utc(2026, 11, 17, 15)).sent == 1
    assert run.run(utc(2026, 11, 20, 15)).sent == 1
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.update_preferences(session=session, user=row, now=utc(2026, 11, 21),
                                   prefs=service.NewPreferences(cadence="biweekly", **prefs))  # fmt: skip
        first = row.next_checkin_at
    assert first in (utc(2026, 11, 27, 15), utc(2026, 12, 4, 15))
    assert run.run(first).sent == 1
    assert run.run(first + timedelta(days=7)).sent == 0
    assert run.run(first + timedelta(days=14)).sent == 1
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.update_preferences(session=session, user=row, now=first + timedelta(days=15),
                                   prefs=service.NewPreferences(cadence="off", **prefs))  # fmt: skip
        assert row.next_checkin_at is None and not row.checkins_enabled
    assert run.run(first + timedelta(days=28)).sent == 0
    keys = [r.period_key for r in checkins(database)]
    assert len(keys) == len(set(keys)) == 4


def test_moving_the_day_after_this_weeks_checkin_waits_for_next_week(
    database: Database, standin: SlackStandIn
) -> None:
    """After Friday's check-in, switching to Saturday does not send a second one this week."""
    friday = utc(2026, 11, 20, 15)
    add_users(database, ["UA"], now=friday - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    assert run.run(friday).sent == 1
    with database.session() as session:
        row = session.scalars(select(User)).one()
        service.enable(session=session, user=row, now=friday + timedelta(hours=1), weekday=5)
        assert row.next_checkin_at == utc(2026, 11, 28, 15)
    assert run.run(utc(2026, 11, 21, 15)).sent == 0
    assert run.run(utc(2026, 11, 28, 15)).sent == 1


def test_snooze_brings_the_checkin_back_once(database: Database, standin: SlackStandIn) -> None:
    """Snoozed on a Friday: reposted once on Monday (never the weekend) at the check-in time."""
    friday = utc(2026, 11, 20, 15)
    add_users(database, ["UA"], now=friday - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    run.run(friday)
    with database.session() as session:
        row = session.scalars(select(User)).one()
        (checkin,) = session.scalars(select(CheckIn)).all()
        change = answers.snooze(session=session, user=row, checkin_id=checkin.id, now=friday)
        assert change.until == utc(2026, 11, 23, 15)
        again = answers.snooze(session=session, user=row, checkin_id=checkin.id, now=friday)
        assert not again.changed
        # Redrawn on Friday as snoozed, the message still names this week (failed once: the
        # snooze's Monday made it "last week" while the person was looking at it on Friday).
        snoozed = present.current_message(
            library=default_library(), checkin=checkin, answers=[], tz=row.tz
        )
        assert "this week (16–22 Nov)" in str(snoozed["blocks"])
    assert run.run(utc(2026, 11, 21, 15)).sent == 0  # Saturday
    assert run.run(utc(2026, 11, 23, 14, 59)).sent == 0
    assert run.run(utc(2026, 11, 23, 15)).sent == 1
    assert run.run(utc(2026, 11, 23, 16)).sent == 0
    posted = checkin_messages(standin, "UA")
    assert len(posted) == 2
    deliveries = {m["metadata"]["event_payload"]["delivery"] for m in posted}
    assert len(deliveries) == 2
    (row,) = checkins(database, "UA")
    assert row.status == "sent" and row.message_ts == posted[-1]["ts"]
    # Friday's message is about this week (its buttons gone: the copy below is the live
    # one); Monday's, the same week, now calls it last week (failed before: "this week
    # (16–22 Nov)" on Monday the 23rd).
    first, second = (str(m["blocks"]) for m in posted)
    assert "this week (16–22 Nov)" in first
    assert not any(b["type"] == "actions" for b in posted[0]["blocks"])
    assert "last week (16–22 Nov)" in second and "Nothing last week" in second
    assert "reflection on this week" not in second


def test_skip_closes_the_checkin_and_next_week_comes_as_usual(
    database: Database, standin: SlackStandIn
) -> None:
    """Skip marks this week's check-in skipped; next Friday's arrives normally."""
    friday = utc(2026, 11, 20, 15)
    add_users(database, ["UA"], now=friday - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    run.run(friday)
    with database.session() as session:
        row = session.scalars(select(User)).one()
        (checkin,) = session.scalars(select(CheckIn)).all()
        assert answers.skip(session=session, user=row, checkin_id=checkin.id, now=friday).changed
    assert run.run(friday + timedelta(days=7)).sent == 1
    assert [r.status for r in checkins(database)] == ["skipped", "sent"]


def test_prompts_favour_the_least_evidenced_dimension_and_do_not_repeat(
    database: Database, standin: SlackStandIn
) -> None:
    """The least-evidenced dimension comes first; no prompt is asked twice within four weeks."""
    from bot.coaching.library import default_library

    library = default_library(None)
    multiplier = [d.id for d in library.multiplier_dimensions if library.prompts_for(d.id)]
    start = utc(2026, 11, 1)
    add_users(database, ["UA"], now=start, standin=standin)
    with database.session() as session:
        row = session.scalars(select(User)).one()
        for dimension in multiplier[1:]:
            session.add(EvidenceEntry(workspace_id=row.workspace_id, user_id=row.id, text="x",
                                      dimension=dimension, source="brag", occurred_at=start))  # fmt: skip
    run = dispatcher(standin, database)
    fridays = [utc(2026, 11, 6, 15) + timedelta(days=7 * i) for i in range(4)]
    for friday in fridays:
        run.run(friday)
    rows = checkins(database, "UA")
    first_prompt = library.prompt(rows[0].prompt_ids[0])
    assert first_prompt.dimension == multiplier[0]
    asked = [p for r in rows for p in r.prompt_ids]
    assert len(asked) == len(set(asked))
    # Deterministic: recreating the same inputs picks the same prompts.
    from bot.coaching.selection import choose_prompts

    again = choose_prompts(library=library, user_key="T0001/UA", period_key=rows[0].period_key,
                           evidence_counts=dict.fromkeys(multiplier[1:], 1), recently_asked=())  # fmt: skip
    assert [p.id for p in again] == rows[0].prompt_ids


@pytest.mark.parametrize("error", ["user_not_found", "user_disabled", "cannot_dm_bot"])
def test_permanent_user_errors_stop_after_one_attempt(
    database: Database, standin: SlackStandIn, error: str
) -> None:
    """A deactivated or unknown user gets ONE attempt; they are marked inactive and skipped after."""
    now = utc(2026, 11, 20, 15)
    add_users(database, ["UGONE", "UOK"], now=now - timedelta(days=1), standin=standin)
    standin.fail_for_user("UGONE", error)
    run = dispatcher(standin, database)
    report = run.run(now)
    assert report.sent == 1 and report.failed == 1
    attempts = [c for c in standin.calls_to("chat.postMessage") if "UGONE" in c.params["channel"]]
    assert len(attempts) == 1
    gone = user(database, "UGONE")
    assert not gone.active and gone.inactive_reason == f"slack:{error}"
    run.run(now + timedelta(days=7))
    attempts = [c for c in standin.calls_to("chat.postMessage") if "UGONE" in c.params["channel"]]
    assert len(attempts) == 1
    assert len(checkin_messages(standin, "UOK")) == 2


def test_revoked_token_marks_the_workspace_inactive_after_one_attempt(
    database: Database, standin: SlackStandIn
) -> None:
    """token_revoked: one chat.postMessage, the workspace is marked inactive, nothing more is sent."""
    now = utc(2026, 11, 20, 15)
    add_users(
        database, [f"U{i:03d}" for i in range(20)], now=now - timedelta(days=1), standin=standin
    )
    standin.revoke_token(standin.bot_token)
    run = dispatcher(standin, database, slack_send_threads=1)
    report = run.run(now)
    assert report.sent == 0
    assert len(standin.calls_to("chat.postMessage")) == 1
    from bot.db.models import Workspace

    with database.session() as session:
        assert session.scalars(select(Workspace)).one().active is False
    run.run(now + timedelta(minutes=1))
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_429_and_5xx_are_retried_and_everyone_gets_exactly_one(
    database: Database, standin: SlackStandIn
) -> None:
    """With 429s (Retry-After honoured) and 5xx injected, all are delivered once; 5xx retries check first."""
    now = utc(2026, 11, 20, 15)
    ids = [f"U{i:03d}" for i in range(30)]
    add_users(database, ids, now=now - timedelta(days=1), standin=standin)
    standin.rate_limit_next("chat.postMessage", retry_after=1, times=3)
    standin.server_error_next("chat.postMessage", status=503, times=3)
    standin.server_error_next("chat.postMessage", status=500, times=2)
    report = dispatcher(standin, database).run(now)
    assert report.sent == 30
    for slack_id in ids:
        assert len(checkin_messages(standin, slack_id)) == 1
    calls = standin.calls_to("chat.postMessage")
    assert len(calls) == 30 + 3 + 5
    assert sum(c.status == 429 for c in calls) == 3
    # Every retry after an ambiguous 5xx looked in the DM's history first.
    assert len(standin.calls_to("conversations.history")) >= 5
    # The 429 paused sending for its Retry-After.
    first_429 = next(c for c in calls if c.status == 429)
    later = [c for c in calls if c.received_at > first_429.received_at and c.ok]
    assert later and min(c.received_at for c in later) - first_429.received_at >= 0.9


def test_when_slack_is_down_the_run_gives_up_quickly_and_loses_nothing(
    database: Database, standin: SlackStandIn
) -> None:
    """Every call failing: a few bounded attempts, then the rest is left pending for later."""
    now = utc(2026, 11, 20, 15)
    ids = [f"U{i:03d}" for i in range(40)]
    add_users(database, ids, now=now - timedelta(days=1), standin=standin)
    # One thread: each failed post is checked once (its history read fails twice), so five
    # failed messages use up exactly these faults before the run gives up on the workspace.
    standin.server_error_next("chat.postMessage", times=5)
    standin.server_error_next("conversations.history", times=10)
    run = dispatcher(standin, database, slack_send_threads=1, slack_send_max_retries=1)
    report = run.run(now)
    assert report.sent == 0 and report.unsent == 40
    assert len(standin.calls_to("chat.postMessage")) == 5
    # The five whose post failed may have reached Slack: `unknown`, looked up before a resend.
    statuses = sorted(r.status for r in checkins(database))
    assert statuses == ["pending"] * 35 + ["unknown"] * 5
    report = dispatcher(standin, database).run(now + timedelta(minutes=1))  # Slack is back
    assert report.sent == 40
    for slack_id in ids:
        assert len(checkin_messages(standin, slack_id)) == 1


def test_a_worker_run_stops_at_its_budget_and_the_next_run_continues(
    database: Database, standin: SlackStandIn
) -> None:
    """With no time left a run sends nothing more; what is due stays for the next run."""
    now = utc(2026, 11, 20, 15)
    add_users(database, ["UA", "UB"], now=now - timedelta(days=1), standin=standin)
    run = dispatcher(standin, database)
    assert run.run(now, budget_seconds=0).sent == 0
    assert run.run(now + timedelta(minutes=1), budget_seconds=30).sent == 2


def test_nothing_this_week_counts_as_asked_and_an_empty_dimension_rests(
    database: Database, standin: SlackStandIn
) -> None:
    """Answered "nothing", a week's dimensions are not asked first the next week; a
    dimension answered "nothing" twice is not asked at all while it rests."""
    from bot.coaching.library import default_library

    library = default_library(None)
    start = utc(2026, 11, 1)
    add_users(database, ["UA"], now=start, standin=standin)
    run = dispatcher(standin, database)
    asked_dimensions: list[list[str]] = []
    nothing_twice: set[str] = set()
    said_nothing: dict[str, int] = defaultdict(int)
    for week in range(4):
        friday = utc(2026, 11, 6, 15) + timedelta(weeks=week)
        run.run(friday)
        row = checkins(database, "UA")[-1]
        dimensions = [library.prompt(p).dimension for p in row.prompt_ids]
        assert not set(dimensions) & nothing_twice, "a resting dimension was asked"
        if asked_dimensions:
            assert dimensions[0] not in asked_dimensions[-1]
        asked_dimensions.append(dimensions)
        with database.session() as session:
            alice = session.scalars(select(User).where(User.slack_user_id == "UA")).one()
            for index in range(len(row.prompt_ids)):
                answers.answer_nothing(
                    session=session, user=alice, checkin_id=row.id, index=index,
                    now=friday + timedelta(hours=1),
                )  # fmt: skip
        for dimension in dimensions:
            said_nothing[dimension] += 1
            if said_nothing[dimension] >= 2:
                nothing_twice.add(dimension)
    assert nothing_twice, "four weeks of nothing: some dimension came round twice"
