"""The App Home: what it shows, that it stays within 100 blocks, and coalesced republishing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from bot import clock
from bot.coaching.library import default_library
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import User
from bot.home import data as home_data
from bot.home import service as home
from bot.ui.home import ACTION_EXPORT, ACTION_PACKET, ACTION_SUMMARY_TOGGLE, home_view
from bot.ui.messages import CommandNames
from standin.webapi import SlackStandIn
from tests.support import logbook
from tests.support.apps import RunningApp, make_settings, start_app


@pytest.fixture
def quick_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The app with a short Home refresh delay, so coalescing is observable quickly."""
    settings = make_settings(
        standin=standin, database_url=database.url, home_refresh_delay_seconds=0.4
    )
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def burst_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The app with a Home refresh delay longer than any gap between a burst's requests, even
    on a loaded machine (with 0.4 s, twelve /brag in a row sometimes made three publishes)."""
    settings = make_settings(
        standin=standin, database_url=database.url, home_refresh_delay_seconds=2.0
    )
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


def _open_home(app: RunningApp, user_id: str = "UALICE") -> dict:
    app.slack.app_home_opened(user_id=user_id)
    (call,) = app.standin.wait_for("views.publish")
    app.wait_idle()
    return call.params["view"]


@pytest.fixture
def clear_of_the_week_start() -> Iterator[None]:
    """Entries a few minutes old are this week's: in the first minutes of a Monday in New
    York (logbook's zone) the app's clock is moved on past them (CI once ran at 00:02)."""
    local = datetime.now(ZoneInfo("America/New_York"))
    if local.weekday() == 0 and local.hour == 0 and local.minute < 15:
        clock.shift(timedelta(minutes=15))
    try:
        yield
    finally:
        clock.reset()


@pytest.mark.usefixtures("clear_of_the_week_start")
def test_home_shows_this_week_trend_nudge_recent_settings_and_export(
    running_app: RunningApp,
) -> None:
    """The Home tab has this week's numbers, the trend, recent entries, settings and export."""
    now = utcnow()
    with running_app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        bob = logbook.user(session, "UBOB")
        logbook.entry(
            session,
            alice,
            now - timedelta(minutes=5),
            text="Unblocked <@UBOB|bob> on the flaky test",
            people=["UBOB"],
        )
        logbook.entry(
            session,
            alice,
            now - timedelta(weeks=1),
            text="Wrote the queue RFC",
            dimension="writing",
        )
        # Glue work, her own delivery (unblocking Bob on it above is not glue: no reframe).
        logbook.entry(
            session,
            alice,
            now - timedelta(minutes=1),
            text="Fixed the flaky test in the checkout suite",
            dimension="delivery",
        )
        logbook.entry(session, bob, now, text="bob's private reflection")
    view = _open_home(running_app)
    blob = str(view)
    assert view["type"] == "home"
    assert "This week so far" in blob
    assert "*1* multiplier entry" in blob
    assert "*1* person helped" in blob
    # A mention, which Slack shows as @bob (a Home tab notifies nobody).
    assert "Unblocked <@UBOB> on the flaky test" in blob
    assert "Wrote the queue RFC" in blob
    assert "bob's private reflection" not in blob
    assert "Weekly summary DM:* on" in blob
    assert ACTION_EXPORT in blob and ACTION_SUMMARY_TOGGLE in blob
    assert "testing strategy" in blob  # the reframe of this week's flaky test fix


def test_home_never_exceeds_100_blocks_whatever_the_data() -> None:
    """Thousands of huge entries, a nudge, a reframe and a big welcome: still at most 100 blocks."""
    library = default_library()
    now = utcnow()
    from bot.summaries import metrics, periods

    week = periods.week_containing(now, periods.zone("UTC"))
    weeks = periods.weeks_ending_with(week, 6, periods.zone("UTC"))
    entries = [
        metrics.EntryRow(
            id=n,
            occurred_at=week.start + timedelta(minutes=n),
            dimension=[d.id for d in library.dimensions][n % len(library.dimensions)],
            scope="team",
            people=tuple(f"U{n}_{k}" for k in range(20)),
            text=("<!channel> fixed the flaky test " + "x" * 10_000),
        )
        for n in range(3000)
    ]
    summary = metrics.summarise(
        metrics.Activity(slack_user_id="UALICE", entries=entries),
        weeks=weeks,
        streak_weeks=periods.weeks_ending_with(week, 52, periods.zone("UTC")),
        library=library,
        in_progress=True,
    )
    data = home_data.HomeData(
        summary=summary,
        recent=entries[:500],
        settings=home_data.HomeSettings(True, True, "weekly", 4, 900, "x" * 500, None),
    )
    welcome = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}] * 500
    view = home_view(data, library=library, names=CommandNames(), welcome=welcome)
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000
        assert "<!channel>" not in text


def test_huge_log_home_is_accepted_by_slack(running_app: RunningApp) -> None:
    """With a big, hostile log the published Home passes the stand-in's Block Kit checks."""
    now = utcnow()
    with running_app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        logbook.bulk_history(
            session, [alice], end=now, weeks=10, per_week=40, text="<!here> " + "é" * 9000
        )
    view = _open_home(running_app)
    assert len(view["blocks"]) <= 100
    # The stand-in fixture fails the test on any Block Kit or broadcast violation.


def test_a_burst_of_changes_publishes_the_home_once(burst_app: RunningApp) -> None:
    """Twelve /brag in a row republish the Home once or twice, not twelve times; the last shows."""
    for n in range(12):
        burst_app.slack.slash_command("/brag", f"entry number {n}", user_id="UALICE")
    burst_app.standin.wait_for("response_url", count=12)
    burst_app.wait_idle()
    assert burst_app.app.home_refresher is not None
    assert burst_app.app.home_refresher.wait_idle(10)
    publishes = burst_app.standin.calls_to("views.publish")
    assert 1 <= len(publishes) <= 2
    assert "entry number 11" in str(publishes[-1].params["view"])
    assert publishes[-1].params["user_id"] == "UALICE"


def test_a_rolled_back_change_requests_no_refresh(database: Database) -> None:
    """A refresh requested in a session that rolls back is forgotten."""
    published: list[int] = []
    refresher = home.HomeRefresher(published.append, delay=0)
    home.install_refresher(database, refresher)
    try:
        with database.session() as session:
            alice_id = logbook.user(session, "UALICE").id
        session = database.session_factory()
        home.request_home_refresh(session=session, user=session.get(User, alice_id))
        session.rollback()
        session.close()
        with database.session() as session:
            home.request_home_refresh(session=session, user=session.get(User, alice_id))
        assert refresher.wait_idle(5)
        assert published == [alice_id]
    finally:
        refresher.close()
        home.uninstall_refresher(database, refresher)


def test_summary_toggle_on_the_home(running_app: RunningApp) -> None:
    """The Home's button turns the weekly summary off (and back on) for the clicker only."""
    view = _open_home(running_app)
    running_app.slack.block_action(ACTION_SUMMARY_TOGGLE, user_id="UALICE", view=view)
    running_app.standin.wait_for("views.publish", count=2)
    running_app.wait_idle()
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert alice.summary_enabled is False
    latest = running_app.standin.calls_to("views.publish")[-1].params["view"]
    assert "Weekly summary DM:* off" in str(latest)
    running_app.slack.block_action(ACTION_SUMMARY_TOGGLE, user_id="UALICE", view=latest)
    running_app.standin.wait_for("views.publish", count=3)
    running_app.wait_idle()
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert alice.summary_enabled is True


@pytest.mark.parametrize("value", ["", "OFF; drop table users", "x" * 1999, "<!channel>"])
def test_a_tampered_toggle_value_changes_nothing(running_app: RunningApp, value: str) -> None:
    """Any value but on/off is ignored."""
    running_app.slack.block_action(ACTION_SUMMARY_TOGGLE, user_id="UALICE", value=value)
    running_app.wait_idle()
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one_or_none()
        assert alice is None or alice.summary_enabled is True
    assert running_app.standin.calls_to("views.publish") == []


def test_export_buttons_send_files_to_the_dm(running_app: RunningApp) -> None:
    """The Home's export buttons send the JSON export and the promotion packet as DM files."""
    running_app.slack.slash_command("/brag", "Wrote the caching RFC #writing", user_id="UALICE")
    running_app.standin.wait_for("response_url")
    view = _open_home(running_app)
    running_app.slack.block_action(ACTION_EXPORT, user_id="UALICE", view=view)
    running_app.slack.block_action(ACTION_PACKET, user_id="UALICE", view=view)
    running_app.standin.wait_for("files.completeUploadExternal", count=2)
    running_app.wait_idle()
    files = {f.filename: f for f in running_app.standin.uploaded_files()}
    assert any(name.endswith(".json") for name in files)
    assert any(name.startswith("promotion-packet") for name in files)
    assert {f.channel for f in files.values()} == {running_app.standin.dm_channel_for("UALICE")}
    assert any(b"caching RFC" in f.content for f in files.values())


def test_kudos_refresh_the_recipients_home(quick_app: RunningApp) -> None:
    """A kudos changes the recipient's log: their Home is republished without a call from /kudos."""
    quick_app.slack.slash_command("/kudos", "<@UBOB|bob> thanks for the review", user_id="UALICE")
    quick_app.standin.wait_for("response_url")
    quick_app.wait_idle()
    assert quick_app.app.home_refresher is not None
    assert quick_app.app.home_refresher.wait_idle(10)
    published = {c.params["user_id"] for c in quick_app.standin.calls_to("views.publish")}
    assert "UBOB" in published
    bob_home = [
        c for c in quick_app.standin.calls_to("views.publish") if c.params["user_id"] == "UBOB"
    ]
    assert "thanks for the review" in str(bob_home[-1].params["view"])


def test_a_profile_refresh_without_changes_publishes_nothing(quick_app: RunningApp) -> None:
    """A user_change that changes the zone republishes; the same profile again does not."""
    quick_app.slack.slash_command("/multiplier", "summary", user_id="UALICE")
    quick_app.standin.wait_for("response_url")
    quick_app.wait_idle()
    assert quick_app.app.home_refresher is not None
    quick_app.slack.user_change(user_id="UALICE")  # UTC → America/New_York: a change
    quick_app.wait_idle()
    assert quick_app.app.home_refresher.wait_idle(10)
    assert len(quick_app.standin.calls_to("views.publish")) == 1
    quick_app.slack.user_change(user_id="UALICE")  # the same profile again
    quick_app.wait_idle()
    assert quick_app.app.home_refresher.wait_idle(10)
    assert len(quick_app.standin.calls_to("views.publish")) == 1


def test_a_deleted_entry_refreshes_the_home(quick_app: RunningApp, database: Database) -> None:
    """Deleting an entry (any code path that flushes the delete) republishes the owner's Home."""
    with database.session() as session:
        alice = logbook.user(session, "UALICE")
        row = logbook.entry(session, alice, utcnow(), text="to be deleted")
        entry_id = row.id
    with database.session() as session:
        from bot.db.models import EvidenceEntry

        session.delete(session.get(EvidenceEntry, entry_id))
    assert quick_app.app.home_refresher is not None
    assert quick_app.app.home_refresher.wait_idle(10)
    (call,) = quick_app.standin.calls_to("views.publish")
    assert call.params["user_id"] == "UALICE"
    assert "to be deleted" not in str(call.params["view"])


@pytest.mark.sqlite_only
def test_the_home_is_built_without_holding_the_write_lock(
    quick_app: RunningApp, database: Database
) -> None:
    """Opening the Home, its switch and the refresh after a /brag build the Home while
    SQLite's write lock is free: an event's claim (before its ack) never waits for a build."""
    path = database.engine.url.database
    assert path
    probes: list[bool] = []  # for each Home build: could another connection take the lock?

    def probe(
        _conn: object, _cursor: object, _sql: str, _params: object, context: Any, _many: bool
    ) -> None:
        compiled = getattr(context, "compiled", None)
        if compiled is None or compiled.statement is not home_data._RECENT_ENTRIES:
            return
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            probes.append(True)
        except sqlite3.OperationalError:  # database is locked
            probes.append(False)
        finally:
            other.close()

    event.listen(database.engine, "before_cursor_execute", probe)
    try:
        view = _open_home(quick_app)
        quick_app.slack.block_action(ACTION_SUMMARY_TOGGLE, user_id="UALICE", view=view)
        quick_app.standin.wait_for("views.publish", count=2)
        quick_app.wait_idle()
        quick_app.slack.slash_command("/brag", "Wrote the caching RFC", user_id="UALICE")
        quick_app.standin.wait_for("response_url")
        quick_app.wait_idle()
        assert quick_app.app.home_refresher is not None
        assert quick_app.app.home_refresher.wait_idle(10)
        quick_app.standin.wait_for("views.publish", count=3)
    finally:
        event.remove(database.engine, "before_cursor_execute", probe)
    assert probes == [True, True, True]


def _checkins_setting(database: Database, now: Any, **fields: Any) -> str:
    """The Home's "Check-ins:" settings line for a person built at `now`."""
    with database.session() as session:
        user = logbook.user(session, "UPAT", tz="Europe/London", **fields)
        data = home_data.load_home(session=session, user=user, now=now, library=default_library())
        view = home_view(data, library=default_library(), names=CommandNames())
    (line,) = [
        b["text"]["text"]
        for b in view["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("*Check-ins:*")
    ]
    return str(line)


def test_the_home_names_a_pause_only_while_it_lasts(database: Database) -> None:
    """Paused until Tue 15 Dec (through Mon 14): named on the 14th, not on the 21st (failed
    before: "paused through Mon 14 Dec" a week after the pause ended)."""
    from datetime import UTC, date, datetime

    fields = {"checkins_enabled": True, "paused_until": date(2026, 12, 15)}
    during = _checkins_setting(database, datetime(2026, 12, 14, 23, 30, tzinfo=UTC), **fields)
    assert during == (
        "*Check-ins:* every Friday at 15:00 (Europe/London), paused through Mon 14 Dec"
    )
    with database.session() as session:
        session.delete(session.scalars(select(User).where(User.slack_user_id == "UPAT")).one())
    after = _checkins_setting(database, datetime(2026, 12, 21, 9, 0, tzinfo=UTC), **fields)
    assert after == "*Check-ins:* every Friday at 15:00 (Europe/London)"


def test_the_home_names_both_days_of_a_twice_weekly_cadence(database: Database) -> None:
    """Twice a week on Tuesday and Friday: both days, as `/multiplier checkins` says (failed
    before: "twice weekly, Friday 15:00")."""
    from datetime import UTC, datetime

    line = _checkins_setting(
        database,
        datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        checkins_enabled=True,
        cadence="twice_weekly",
        checkin_weekday=4,
        second_weekday=1,
    )
    assert line == "*Check-ins:* every Tuesday and Friday at 15:00 (Europe/London)"


@pytest.mark.parametrize(
    ("cadence", "second"), [("weekly", None), ("twice_weekly", 1), ("biweekly", None)]
)
def test_the_home_and_the_checkins_command_say_the_schedule_alike(
    database: Database, cadence: str, second: int | None
) -> None:
    """The Home's settings line is word for word what `/multiplier checkins` says (failed
    before: "twice weekly, Tuesday and Friday 15:00" against "every Tuesday and Friday at
    15:00", "biweekly, Friday" against "every other Friday")."""
    from datetime import UTC, datetime

    from bot.checkins import service as checkins

    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    fields = {"checkins_enabled": True, "cadence": cadence, "second_weekday": second}
    line = _checkins_setting(database, now, **fields)
    with database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == "UPAT")).one()
        said = checkins.describe(user, now=now).description
    assert line == f"*Check-ins:* {said}"


def test_a_kudos_received_reads_as_one_in_recent_entries(database: Database) -> None:
    """bob's kudos on alice's log ("@alice thanks for the retry fix") is marked as a kudos
    received among her recent entries (failed before: it read like something she logged,
    "📈 Business impact · Mon 07 Dec 2026 · private")."""
    now = datetime(2026, 12, 7, 15, 0, tzinfo=ZoneInfo("UTC"))
    with database.session() as session:
        pat = logbook.user(session, "UPAT", tz="Europe/London")
        logbook.entry(session, pat, now, text="Unblocked the deploy")
        logbook.entry(
            session, pat, now, text="<@UPAT> thanks for the retry fix", source="kudos",
            people=["UBOB"], dimension="impact",
        )  # fmt: skip
        data = home_data.load_home(session=session, user=pat, now=now, library=default_library())
        view = home_view(data, library=default_library(), names=CommandNames())
    details = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    kudos = [d for d in details if "kudos received" in d]
    own = [d for d in details if d.startswith("🔓") or ":unlock:" in d or "Unblocking" in d]
    assert len(kudos) == 1, details
    assert own and "kudos" not in own[0], details


def test_an_entry_without_a_dimension_reads_as_in_the_log(database: Database) -> None:
    """An entry with no dimension says "no dimension yet" on the Home, as its confirmation and
    `/multiplier evidence` do (the Home said "Unclassified")."""
    now = datetime(2026, 12, 7, 15, 0, tzinfo=ZoneInfo("UTC"))
    with database.session() as session:
        pat = logbook.user(session, "UPAT", tz="Europe/London")
        logbook.entry(session, pat, now, text="Thanks for the help", dimension=None)
        data = home_data.load_home(session=session, user=pat, now=now, library=default_library())
        view = home_view(data, library=default_library(), names=CommandNames())
    details = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    (line,) = [d for d in details if d.endswith("Mon 7 Dec 2026 · private")]
    assert line == "no dimension yet · Mon 7 Dec 2026 · private", details
