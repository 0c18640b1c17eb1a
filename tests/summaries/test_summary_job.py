"""The `summaries` job: who gets a weekly DM, once, with a chart through the files v2 flow."""

from __future__ import annotations

import struct
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session as OrmSession

from bot.db.engine import Database
from bot.db.models import CheckIn, SummaryPost, User
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.summaries import chart
from bot.summaries import service as summaries
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import make_settings

# Monday 23 Nov 2026, 09:00 in New York (Alice's zone in the stand-in).
MONDAY_9_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def _ctx(
    database: Database, standin: SlackStandIn, worker: str = "test", **overrides
) -> JobContext:
    settings = make_settings(standin=standin, database_url=database.url, **overrides)
    return JobContext(database=database, settings=settings, worker_id=worker)


def _alice_with_a_week(database: Database, **fields) -> None:
    with database.session() as session:
        alice = logbook.user(session, "UALICE", **fields)
        bob = logbook.user(session, "UBOB", tz="Europe/Berlin")
        logbook.entry(
            session, alice, LAST_WEEK, text="Unblocked <@UBOB|bob> on the deploy", people=["UBOB"]
        )
        logbook.entry(
            session,
            alice,
            LAST_WEEK + timedelta(hours=2),
            text="Wrote the caching RFC",
            dimension="writing",
            scope="org",
        )
        logbook.entry(
            session,
            alice,
            LAST_WEEK + timedelta(hours=4),
            text="Fixed a flaky test <!channel>",
            dimension=None,
            scope=None,
        )
        # As /kudos stores it: the kudos, and its entry on alice's log (not her own entry).
        logbook.kudos(session, bob, alice, LAST_WEEK, text="thanks")
        logbook.entry(
            session, alice, LAST_WEEK, text="thanks", source="kudos", dimension="mentoring",
            people=["UBOB"],
        )  # fmt: skip


def _png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def _summaries(database: Database) -> list[SummaryPost]:
    with database.session() as session:
        return list(session.scalars(select(SummaryPost)))


def test_summary_is_sent_once_however_often_the_job_runs(
    database: Database, standin: SlackStandIn
) -> None:
    """Run twice at 09:00 and again an hour later: one DM, one row, status sent."""
    _alice_with_a_week(database)
    ctx = _ctx(database, standin)
    first = run_job("summaries", ctx, MONDAY_9_NY)
    run_job("summaries", ctx, MONDAY_9_NY)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=1))
    assert "sent 1" in first.summary
    posts = [c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")]
    assert len(posts) == 1
    (row,) = _summaries(database)
    assert (row.status, row.period_key) == ("sent", "2026-W47")
    assert row.message_ts
    message = posts[0].params
    assert message["channel"] == standin.dm_channel_for("UALICE")
    blob = str(message["blocks"])
    assert "2 multiplier entries" in blob or "*2* multiplier entries" in blob
    assert "*1* kudos received" in blob
    assert "<!channel>" not in blob and "<@UBOB" not in blob
    assert "testing strategy" in blob  # the reframe of the flaky test


def test_chart_goes_through_the_files_v2_flow_as_an_800x400_png(
    database: Database, standin: SlackStandIn
) -> None:
    """conversations.open, getUploadURLExternal, the upload, completeUploadExternal: a valid PNG."""
    _alice_with_a_week(database)
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    methods = [c.method for c in standin.calls]
    for step in (
        "conversations.open",
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ):
        assert step in methods, step
    assert methods.index("conversations.open") < methods.index("files.getUploadURLExternal")
    assert methods.index("file_upload") < methods.index("files.completeUploadExternal")
    (uploaded,) = standin.uploaded_files()
    assert uploaded.completed
    assert uploaded.channel == standin.dm_channel_for("UALICE")
    assert uploaded.filename == chart.FILENAME
    assert _png_size(uploaded.content) == (chart.WIDTH_PX, chart.HEIGHT_PX)
    assert uploaded.length == len(uploaded.content)


def test_a_failed_upload_falls_back_to_a_text_chart(
    database: Database, standin: SlackStandIn
) -> None:
    """When the upload is refused, the same comparison arrives as text; the summary still counts."""
    _alice_with_a_week(database)
    standin.fail_next("files.getUploadURLExternal", "internal_error", times=5)
    result = run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    assert "chart fallbacks 1" in result.summary
    texts = [str(c.params.get("blocks")) for c in standin.calls_to("chat.postMessage")]
    assert any("four-week average" in t and "█" in t for t in texts)
    assert standin.uploaded_files() == [] or not any(f.completed for f in standin.uploaded_files())
    assert _summaries(database)[0].status == "sent"


def test_nobody_gets_a_summary_before_nine_or_without_reason(
    database: Database, standin: SlackStandIn
) -> None:
    """Before 09:00 nothing; no check-ins and no evidence, nothing; turned off, nothing;
    check-ins on and nothing at all in the week (nothing logged, answered or received): its
    row is settled, and no DM (failed before: "Nothing logged this week", every week, to
    someone who never answers)."""
    with database.session() as session:
        quiet = logbook.user(session, "UQUIET")
        off = logbook.user(session, "UOFF", summary_enabled=False)
        logbook.entry(session, off, LAST_WEEK)
        logbook.user(session, "UCHECKS", checkins_enabled=True, created_at=LAST_WEEK)
        gone = logbook.user(session, "UGONE", active=False)
        logbook.entry(session, gone, LAST_WEEK)
        assert quiet.id
    for user_id in ("UQUIET", "UOFF", "UCHECKS", "UGONE"):
        standin.add_user(user_id, name=user_id.lower(), tz="America/New_York")
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY - timedelta(minutes=1))
    assert _summaries(database) == []
    run_job("summaries", ctx, MONDAY_9_NY)
    (row,) = _summaries(database)
    with database.session() as session:
        assert session.get(User, row.user_id).slack_user_id == "UCHECKS"
    assert row.status == "skipped"
    assert [c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")] == []


def test_a_week_answered_with_nothing_or_with_kudos_received_is_still_summarised(
    database: Database, standin: SlackStandIn
) -> None:
    """Nothing logged, but the check-in answered ("nothing this week" is reflecting), or a
    kudos received: each is news, so each gets its DM; the person with nothing at all none."""
    with database.session() as session:
        here = LAST_WEEK - timedelta(weeks=3)
        answered = logbook.user(session, "UANSWERED", checkins_enabled=True, created_at=here)
        logbook.answered_checkin(session, answered, LAST_WEEK)
        thanked = logbook.user(session, "UTHANKED", checkins_enabled=True, created_at=here)
        giver = logbook.user(session, "UGIVER", created_at=here)
        logbook.kudos(session, giver, thanked, LAST_WEEK, text="thanks")
        logbook.entry(session, thanked, LAST_WEEK, text="thanks", source="kudos", dimension=None)
        logbook.user(session, "USILENT", checkins_enabled=True, created_at=here)
    for user_id in ("UANSWERED", "UTHANKED", "USILENT"):
        standin.add_user(user_id, name=user_id.lower(), tz="America/New_York")
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    sent = [c.params["channel"] for c in standin.calls_to("chat.postMessage") if c.ok]
    with database.session() as session:
        status = {
            session.get_one(User, row.user_id).slack_user_id: row.status
            for row in session.scalars(select(SummaryPost))
        }
    assert status == {"UANSWERED": "sent", "UTHANKED": "sent", "USILENT": "skipped"}
    assert len(sent) == 2


def test_no_summary_of_a_week_before_the_person_came(
    database: Database, standin: SlackStandIn
) -> None:
    """Check-ins turned on this Monday at 00:30: the 09:00 summary does not report on the
    week before (failed before: "Nothing logged this week" about a week they never had)."""
    with database.session() as session:
        logbook.user(
            session, "UNEW", checkins_enabled=True, created_at=MONDAY_9_NY - timedelta(hours=8)
        )
    standin.add_user("UNEW", name="new", tz="America/New_York")
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    assert _summaries(database) == []
    assert [c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")] == []


def test_each_person_gets_theirs_at_nine_in_their_own_zone(
    database: Database, standin: SlackStandIn
) -> None:
    """Bob in Berlin gets his at 08:00 UTC; Alice in New York five hours later."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB", tz="Europe/Berlin")
        logbook.entry(session, alice, LAST_WEEK)
        logbook.entry(session, bob, LAST_WEEK)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert [p.status for p in _summaries(database)] == ["sent"]
    run_job("summaries", ctx, MONDAY_9_NY)
    assert sorted(p.status for p in _summaries(database)) == ["sent", "sent"]
    assert len(standin.uploaded_files()) == 2


def test_a_deactivated_account_is_not_retried(database: Database, standin: SlackStandIn) -> None:
    """account_inactive (the token's user or workspace is deleted: one classification for
    every delivery, bot/delivery/errors.py) marks the summary failed and the workspace
    inactive, as check-ins do: no retry storm."""
    _alice_with_a_week(database)
    standin.fail_for_user("UALICE", "account_inactive")
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=1))
    (row,) = _summaries(database)
    assert row.status == "failed"
    assert row.last_error == "account_inactive"
    with database.session() as session:
        assert session.get(User, row.user_id).workspace.active is False
    assert len(standin.calls_to("conversations.open")) == 1


def test_a_transient_failure_is_retried_on_a_later_run(
    database: Database, standin: SlackStandIn
) -> None:
    """A 5xx leaves the summary pending for the next tick, which looks first, then sends once."""
    _alice_with_a_week(database)
    standin.server_error_next("chat.postMessage")
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    assert _summaries(database)[0].status == "pending"
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=1))
    (row,) = _summaries(database)
    assert row.status == "sent"
    assert row.attempts == 2
    assert len(standin.calls_to("conversations.history")) == 1
    assert (
        len([c for c in standin.calls_to("chat.postMessage") if c.ok and c.params.get("metadata")])
        == 1
    )


def test_a_crashed_delivery_is_checked_before_it_is_retried(
    database: Database, standin: SlackStandIn
) -> None:
    """A stale claim whose message Slack already has is settled as sent, not posted again."""
    _alice_with_a_week(database)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    # Pretend the worker died after posting, before recording the outcome.
    with database.session() as session:
        row = session.scalars(select(SummaryPost)).one()
        row.status, row.claimed_at, row.message_ts = "claimed", MONDAY_9_NY, None
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=30))
    (row,) = _summaries(database)
    assert row.status == "sent" and row.message_ts
    assert len([c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")]) == 1


def test_a_dead_local_workers_claim_is_settled_without_waiting_out_the_lease(
    database: Database, standin: SlackStandIn
) -> None:
    """A claim a minute old whose owner was a process on this host that no longer exists is
    looked up at once (found: sent, not posted again); a live owner's claim is left alone.

    Failed before: summaries waited STALE_CLAIM (15 minutes) whoever the owner was."""
    import socket

    _alice_with_a_week(database)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    host = socket.gethostname()[:24]
    for owner, settled in [("summaries@elsewhere:1:abc", False), (f"w@{host}:999999:abc", True)]:
        with database.session() as session:
            row = session.scalars(select(SummaryPost)).one()
            row.status, row.claimed_at, row.message_ts = "claimed", MONDAY_9_NY, None
            row.claimed_by = owner
        run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=1))
        (row,) = _summaries(database)
        assert (row.status == "sent" and row.message_ts is not None) is settled
    assert len([c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")]) == 1


@pytest.mark.postgres_only
def test_two_workers_at_once_send_one_summary_each(
    database: Database, standin: SlackStandIn
) -> None:
    """Four workers racing over 30 people: every summary row claimed and sent exactly once."""
    with database.session() as session:
        for n in range(30):
            person = logbook.user(session, f"UW{n:03d}")
            logbook.entry(session, person, LAST_WEEK)
    for n in range(30):
        standin.add_user(f"UW{n:03d}", name=f"w{n}", tz="America/New_York")
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            run_job("summaries", _ctx(database, standin, worker=name), MONDAY_9_NY)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    rows = _summaries(database)
    assert len(rows) == 30 and {r.status for r in rows} == {"sent"}
    posts = [c for c in standin.calls_to("chat.postMessage") if c.params.get("metadata")]
    assert len(posts) == 30
    assert len({c.params["channel"] for c in posts}) == 30


def test_a_run_stops_at_its_time_budget_and_the_next_run_continues(
    database: Database, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no time left a run only queues; the rows stay pending and a later run sends them."""
    from bot.summaries import jobs as summary_jobs

    _alice_with_a_week(database)
    ctx = _ctx(database, standin)
    monkeypatch.setattr(summary_jobs, "RUN_BUDGET_SECONDS", 0)
    run_job("summaries", ctx, MONDAY_9_NY)
    assert [p.status for p in _summaries(database)] == ["pending"]
    monkeypatch.setattr(summary_jobs, "RUN_BUDGET_SECONDS", 40)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=1))
    assert [p.status for p in _summaries(database)] == ["sent"]


@pytest.mark.postgres_only
def test_another_schema_queueing_at_once_does_not_skip_ours(
    database: Database, standin: SlackStandIn
) -> None:
    """Advisory locks span the whole database: a deployment in another schema holding the
    enqueue lock must not make ours skip its summaries (failed before: "queued 0")."""
    with database.session() as session:
        logbook.entry(session, logbook.user(session, "UALICE"), LAST_WEEK)
    standin.add_user("UALICE", name="alice", tz="America/New_York")
    other = create_engine(database.url.split("?")[0])  # the same database, schema "public"
    try:
        with OrmSession(other) as elsewhere:
            assert summaries.take_enqueue_turn(elsewhere)  # held until its transaction ends
            result = run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
            elsewhere.rollback()
    finally:
        other.dispose()
    assert "queued 1" in result.summary and "sent 1" in result.summary


def _snoozed_checkin(database: Database, *, slot_at: datetime, until: datetime) -> int:
    """alice's Friday check-in about last week, snoozed to `until` (as Snooze leaves it)."""
    with database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice.checkins_enabled = True
        alice.created_at = slot_at - timedelta(weeks=2)
        row = CheckIn(
            workspace_id=alice.workspace_id, user_id=alice.id, period_key="2026-W47",
            slot_at=slot_at, status="snoozed", sent_at=slot_at, snoozed_until=until,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def _summary_statuses(database: Database) -> list[str]:
    return [row.status for row in _summaries(database)]


def test_a_snoozed_checkin_holds_the_summary_until_it_is_answered(
    database: Database, standin: SlackStandIn
) -> None:
    """alice snoozed Friday's check-in to Monday 15:00: Monday's 09:00 summary of that week
    waits for it (failed before: the summary came first, without what she then answered),
    and goes out the minute after she answers it."""
    _alice_with_a_week(database)
    friday = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # Fri 15:00 in New York
    monday_3pm = MONDAY_9_NY + timedelta(hours=6)
    checkin_id = _snoozed_checkin(database, slot_at=friday, until=monday_3pm)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    assert _summary_statuses(database) == []
    # Back at 15:00 (sent again): still held while it is open.
    with database.session() as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        checkin.status = "sent"
    run_job("summaries", ctx, monday_3pm + timedelta(minutes=30))
    assert _summary_statuses(database) == []
    with database.session() as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        checkin.status, checkin.answered_at = "answered", monday_3pm + timedelta(minutes=40)
    run_job("summaries", ctx, monday_3pm + timedelta(minutes=41))
    assert _summary_statuses(database) == ["sent"]


def test_a_snoozed_checkin_left_unanswered_holds_the_summary_four_hours_at_most(
    database: Database, standin: SlackStandIn
) -> None:
    """Back at Monday 15:00 and left open: the summary goes at 19:00 (four hours after)."""
    _alice_with_a_week(database)
    friday = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    monday_3pm = MONDAY_9_NY + timedelta(hours=6)
    checkin_id = _snoozed_checkin(database, slot_at=friday, until=monday_3pm)
    with database.session() as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        checkin.status = "sent"
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, monday_3pm + timedelta(hours=3, minutes=59))
    assert _summary_statuses(database) == []
    run_job("summaries", ctx, monday_3pm + timedelta(hours=4))
    assert _summary_statuses(database) == ["sent"]


def test_a_summary_is_never_held_past_half_its_grace_window(
    database: Database, standin: SlackStandIn
) -> None:
    """A snooze that somehow lasts days (a long weekend of work days) still lets the summary
    out within its grace window: at half of it (24 hours of 48) it goes regardless."""
    _alice_with_a_week(database)
    friday = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    _snoozed_checkin(database, slot_at=friday, until=MONDAY_9_NY + timedelta(days=3))
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=23, minutes=59))
    assert _summary_statuses(database) == []
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=24))
    assert _summary_statuses(database) == ["sent"]


def _monday_checkin(database: Database, *, status: str = "sent") -> int:
    """alice's Monday 09:00 check-in about last week, out in the summary's minute."""
    with database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice.checkins_enabled = True
        alice.created_at = MONDAY_9_NY - timedelta(weeks=2)
        row = CheckIn(
            workspace_id=alice.workspace_id, user_id=alice.id, period_key="2026-W48",
            slot_at=MONDAY_9_NY, status=status,
            sent_at=MONDAY_9_NY if status == "sent" else None,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_a_checkin_about_the_week_sent_in_its_minute_holds_the_summary_until_answered(
    database: Database, standin: SlackStandIn
) -> None:
    """alice's check-in at Monday 09:00 asks about last week: the 09:00 summary of that week
    waits for it (failed before: both arrived in the same minute, the summary judging the
    week the check-in was asking about), and goes the minute after she answers."""
    _alice_with_a_week(database)
    checkin_id = _monday_checkin(database)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=1))
    assert _summary_statuses(database) == []
    with database.session() as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        checkin.status, checkin.answered_at = "answered", MONDAY_9_NY + timedelta(hours=1)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=1, minutes=1))
    assert _summary_statuses(database) == ["sent"]


def test_a_checkin_left_open_holds_the_summary_four_hours_and_the_hint_names_the_end(
    database: Database, standin: SlackStandIn
) -> None:
    """Left open, Monday's 09:00 check-in lets the summary out at 13:00, and the job's
    fast-forward hint wakes it then."""
    from bot.summaries.jobs import next_summary_due

    _alice_with_a_week(database)
    _monday_checkin(database)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    assert next_summary_due(ctx, MONDAY_9_NY) == MONDAY_9_NY + timedelta(hours=4)
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=3, minutes=59))
    assert _summary_statuses(database) == []
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=4))
    assert _summary_statuses(database) == ["sent"]


@pytest.mark.parametrize("status", ["pending", "skipped"])
def test_a_checkin_still_to_be_sent_holds_the_summary_and_a_skipped_one_does_not(
    database: Database, standin: SlackStandIn, status: str
) -> None:
    """A check-in created but not sent yet holds the summary as one sent does; one skipped
    (nothing to wait for) does not."""
    _alice_with_a_week(database)
    _monday_checkin(database, status=status)
    run_job("summaries", _ctx(database, standin), MONDAY_9_NY)
    assert _summary_statuses(database) == ([] if status == "pending" else ["sent"])


def test_a_checkin_due_and_not_yet_created_holds_the_summary(
    database: Database, standin: SlackStandIn
) -> None:
    """The check-ins job has not reached alice yet (it creates due rows in batches): her
    check-in due at 09:00 holds the 09:00 summary all the same."""
    _alice_with_a_week(database)
    with database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice.checkins_enabled = True
        alice.created_at = MONDAY_9_NY - timedelta(weeks=2)
        alice.next_checkin_at = MONDAY_9_NY
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    assert _summary_statuses(database) == []
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(hours=4))
    assert _summary_statuses(database) == ["sent"]
