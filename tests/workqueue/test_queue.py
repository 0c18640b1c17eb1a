"""The work queue: each piece of queued work is done once, retried with backoff when its
handler fails, given up (and the user told, with their text) after MAX_ATTEMPTS."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry, QueuedWork, User
from bot.evidence.queued import pending_brag, tell_not_queued
from bot.scheduling.jobs import JobContext
from bot.workqueue import queue
from bot.workqueue.queue import MAX_ATTEMPTS, RETRY_DELAYS, WorkKind, enqueue, run_next
from bot.workqueue.runner import QueueRunner
from bot.workqueue.writer import QueueWriter, write_batch
from bot.workspaces import service as workspaces
from standin.webapi import SlackStandIn
from tests.support.apps import make_settings

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def ctx(database: Database, standin: SlackStandIn) -> JobContext:
    settings = make_settings(standin=standin, database_url=database.url)
    return JobContext(database=database, settings=settings, worker_id="test")


def _queue_brags(database: Database, standin: SlackStandIn, texts: list[str]) -> list[str]:
    """Queue these texts in one batch, as the web process's QueueWriter does under load."""
    urls = [standin.response_url(f"brag-{n}") for n in range(len(texts))]
    write_batch(
        database,
        [
            pending_brag(
                team_id=standin.team_id,
                slack_user_id=f"U{n % 7:04d}",
                command="/brag",
                text=text,
                response_url=url,
                now=NOW,
            )
            for n, (text, url) in enumerate(zip(texts, urls, strict=True))
        ],
    )
    return urls


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_queued_brag_is_stored_exactly_as_typed_and_confirmed(
    ctx: JobContext, database: Database, standin: SlackStandIn
) -> None:
    typed = "Unblocked <@U0000002|bob> on the deploy <!channel> — ünïcødé 🚀 & <https://x.y|x>"
    (url,) = _queue_brags(database, standin, [typed])

    assert run_next(ctx, NOW) is True
    assert run_next(ctx, NOW) is False  # nothing left

    with database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        assert entry.text == typed
        assert entry.source == "brag"
        assert entry.people == ["U0000002"]
    assert _count(database, QueuedWork) == 0
    (post,) = standin.calls_to("response_url")
    assert post.path.endswith(url.rsplit("/", 1)[1])
    assert "Logged to your private evidence" in str(post.params)


def test_two_runners_on_one_database_do_each_piece_of_work_once(
    ctx: JobContext, database: Database, standin: SlackStandIn
) -> None:
    """Two runners of four threads each (two worker replicas) drain 120 brags: 120 entries,
    120 confirmations, one per response_url."""
    texts = [f"helped with the migration, item {n}" for n in range(120)]
    _queue_brags(database, standin, texts)
    runners = [
        QueueRunner(
            JobContext(database=database, settings=ctx.settings, worker_id=f"w{n}"),
            threads=4,
            poll_seconds=0.05,
        )
        for n in range(2)
    ]
    for runner in runners:
        runner.start()
        runner.notify()
    try:
        posts = standin.wait_for("response_url", count=120, timeout=60)
        for runner in runners:
            assert runner.wait_idle(30)
    finally:
        for runner in runners:
            runner.close()
    with database.session() as session:
        stored = session.scalars(select(EvidenceEntry.text)).all()
    assert sorted(stored) == sorted(texts)
    assert _count(database, QueuedWork) == 0
    assert len(standin.calls_to("response_url")) == 120
    assert len({str(p.params) for p in posts}) == 120


def test_a_failing_handler_is_retried_with_backoff_then_given_up(
    ctx: JobContext, database: Database, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[int] = []
    given_up: list[queue.QueuedItem] = []

    def always_fails(_ctx, _session, work):
        attempts.append(work.attempts)
        raise RuntimeError("boom")

    monkeypatch.setitem(
        queue.HANDLERS,
        "flaky",
        WorkKind("flaky", always_fails, give_up=lambda _ctx, item: given_up.append(item)),
    )
    enqueue(
        database=database, kind="flaky", team_id="T0001", slack_user_id="UALICE",
        payload={"text": "keep me"}, now=NOW,
    )  # fmt: skip

    now = NOW
    for n in range(MAX_ATTEMPTS - 1):
        assert run_next(ctx, now) is True
        with database.session() as session:
            row = session.scalars(select(QueuedWork)).one()
        assert row.attempts == n + 1
        assert row.due_at == now + timedelta(seconds=RETRY_DELAYS[n])
        # Not due yet: nothing is taken a moment before its time.
        assert run_next(ctx, row.due_at - timedelta(seconds=1)) is False
        now = row.due_at
    assert run_next(ctx, now) is True
    assert attempts == list(range(MAX_ATTEMPTS))
    assert [item.payload for item in given_up] == [{"text": "keep me"}]
    assert _count(database, QueuedWork) == 0


def test_a_brag_given_up_tells_the_user_with_their_text(
    ctx: JobContext, database: Database, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = "shipped the <@U0000009> thing & more"
    _queue_brags(database, standin, [typed])
    broken = WorkKind(
        "brag",
        lambda *_: (_ for _ in ()).throw(RuntimeError("storage broke")),
        give_up=queue.HANDLERS["brag"].give_up,
    )
    monkeypatch.setitem(queue.HANDLERS, "brag", broken)
    monkeypatch.setattr(queue, "MAX_ATTEMPTS", 1)

    assert run_next(ctx, NOW) is True
    (post,) = standin.calls_to("response_url")
    body = str(post.params)
    assert "could not save" in body
    assert "shipped the" in body and "U0000009" in body
    assert _count(database, EvidenceEntry) == 0
    assert _count(database, QueuedWork) == 0


def test_unknown_work_is_dropped_not_retried_forever(ctx: JobContext, database: Database) -> None:
    enqueue(
        database=database, kind="from-a-newer-version", team_id="T0001",
        slack_user_id="UALICE", payload={}, now=NOW,
    )  # fmt: skip
    assert run_next(ctx, NOW) is True
    assert _count(database, QueuedWork) == 0


def test_work_for_an_uninstalled_workspace_is_dropped_silently(
    ctx: JobContext, database: Database, standin: SlackStandIn
) -> None:
    _queue_brags(database, standin, ["queued just before the uninstall"])
    with database.session() as session:
        workspaces.mark_uninstalled(
            session=session, team_id=standin.team_id, now=NOW, retention=timedelta(days=30)
        )
    assert run_next(ctx, NOW) is True
    assert _count(database, EvidenceEntry) == 0
    assert _count(database, QueuedWork) == 0
    assert standin.calls_to("response_url") == []


def test_work_of_a_forgotten_user_goes_with_them(
    ctx: JobContext, database: Database, standin: SlackStandIn
) -> None:
    from bot.privacy import service as privacy

    _queue_brags(database, standin, ["something private"])
    with database.session() as session:
        user = session.scalars(select(User)).one()
        privacy.forget_user(session=session, user=user)
    assert _count(database, QueuedWork) == 0
    assert run_next(ctx, NOW) is False


def test_the_runner_backs_off_while_the_database_is_unreachable_and_resumes(
    ctx: JobContext, database: Database, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error in the runner is logged and retried; nothing queued is lost."""
    from sqlalchemy.exc import OperationalError

    import bot.workqueue.runner as runner_module

    _queue_brags(database, standin, ["survives the outage"])
    failing = threading.Event()
    failing.set()
    real_take = runner_module.take_next

    def take_next(ctx_, now):
        if failing.is_set():
            failing.clear()
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return real_take(ctx_, now)

    monkeypatch.setattr(runner_module, "take_next", take_next)
    monkeypatch.setattr(runner_module, "ERROR_BACKOFF_SECONDS", 0.05)
    runner = QueueRunner(ctx, threads=1, poll_seconds=0.05).start()
    try:
        runner.notify()
        standin.wait_for("response_url", timeout=10)
    finally:
        runner.close()
    assert not failing.is_set()
    assert _count(database, EvidenceEntry) == 1


def test_the_writer_batches_rows_from_many_threads_and_creates_new_people(
    database: Database, standin: SlackStandIn
) -> None:
    """Forty request threads hand over a row each; all forty are written, people met for
    the first time are created once, and `on_written` is called."""
    written = threading.Event()
    writer = QueueWriter(database, on_written=written.set)
    try:
        threads = [
            threading.Thread(
                target=writer.put,
                args=(
                    pending_brag(
                        team_id=standin.team_id,
                        slack_user_id=f"UNEW{n % 5}",
                        command="/brag",
                        text=f"row {n}",
                        response_url=standin.response_url(),
                        now=NOW,
                    ),
                ),
            )
            for n in range(40)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert writer.wait_idle(10)
    finally:
        writer.close()
    assert written.is_set()
    with database.session() as session:
        texts = session.scalars(select(QueuedWork.payload)).all()
        people = session.scalars(select(User.slack_user_id)).all()
    assert sorted(p["text"] for p in texts) == sorted(f"row {n}" for n in range(40))
    assert sorted(people) == [f"UNEW{n}" for n in range(5)]


def test_closing_the_writer_writes_what_has_gathered(
    database: Database, standin: SlackStandIn
) -> None:
    writer = QueueWriter(database)
    for n in range(3):
        writer.put(
            pending_brag(
                team_id=standin.team_id, slack_user_id="UALICE", command="/brag",
                text=f"before the stop {n}", response_url=standin.response_url(), now=NOW,
            )
        )  # fmt: skip
    writer.close()
    assert _count(database, QueuedWork) == 3


def test_when_the_database_refuses_a_batch_each_person_gets_their_text_back(
    database: Database, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import bot.workqueue.writer as writer_module

    def refuse(_database, _batch):
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(writer_module, "write_batch", refuse)
    failed = threading.Event()

    def on_failed(batch, error):
        tell_not_queued(batch, error)
        failed.set()

    writer = QueueWriter(database, on_failed=on_failed)
    try:
        for user in ("UALICE", "UBOB"):
            writer.put(
                pending_brag(
                    team_id=standin.team_id, slack_user_id=user, command="/brag",
                    text=f"typed by {user} <!channel> ✨", response_url=standin.response_url(),
                    now=NOW,
                )
            )  # fmt: skip
        assert failed.wait(10)
        posts = standin.wait_for("response_url", count=2)
    finally:
        writer.close()
    bodies = sorted(str(p.params) for p in posts)
    assert all("can't reach its database" in body for body in bodies)
    assert "typed by UALICE" in bodies[0] and "typed by UBOB" in bodies[1]
    assert _count(database, QueuedWork) == 0


def test_rows_handed_over_together_are_written_in_one_transaction(
    database: Database, standin: SlackStandIn
) -> None:
    """Rows that arrive while the first one lingers go into the same batch (one commit)."""
    batches: list[int] = []
    writer = QueueWriter(database, on_written=lambda: batches.append(1), linger=30.0)
    for n in range(5):
        writer.put(
            pending_brag(
                team_id=standin.team_id, slack_user_id=f"U{n:04d}", command="/brag",
                text=f"together {n}", response_url=standin.response_url(), now=NOW,
            )
        )  # fmt: skip
    # Closing ends the linger at once: the gathered rows are written, as one batch.
    writer.close()
    assert batches == [1]
    assert _count(database, QueuedWork) == 5


def test_a_lone_row_is_written_once_its_linger_is_over(
    database: Database, standin: SlackStandIn
) -> None:
    """With nothing else arriving, a row waits no longer than the linger to be written."""
    written = threading.Event()
    writer = QueueWriter(database, on_written=written.set, linger=0.01)
    try:
        writer.put(
            pending_brag(
                team_id=standin.team_id, slack_user_id="UALICE", command="/brag",
                text="on its own", response_url=standin.response_url(), now=NOW,
            )
        )  # fmt: skip
        assert written.wait(10)
        assert writer.wait_idle(10)
    finally:
        writer.close()
    assert _count(database, QueuedWork) == 1
