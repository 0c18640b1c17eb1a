"""The Procfile's processes: the web process (serve --http) acks a /brag, then stores and
answers it; the worker runs the schedule beside it. Real processes, the stand-in as Slack."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry
from standin.signing import SlackClientSimulator
from standin.webapi import SlackStandIn
from tests.e2e.test_http_process import _wait_healthy
from tests.support.apps import SIGNING_SECRET
from tests.support.databases import MigratedDatabase
from tests.support.process import free_port, start_cli
from tests.support.waiting import poll_until


def _env(standin: SlackStandIn, url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.base_url,
        "DATABASE_URL": url,
    }


def _start_web(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], str]:
    """The Procfile's web process, and its URL."""
    port = free_port()
    web = start_cli("serve", "--http", "--port", str(port), "--host", "127.0.0.1", cwd=cwd, **env)
    return web, f"http://127.0.0.1:{port}"


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_web_stores_and_answers_a_brag_with_the_worker_beside_it(
    test_database: MigratedDatabase, database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """The web process acks a /brag, then stores it exactly as typed, answers through its
    response_url and republishes the Home; the worker beside it lowers its own priority."""
    env = _env(standin, test_database.url)
    web, url = _start_web(env, tmp_path)
    worker = start_cli("worker", cwd=tmp_path, **env)
    try:
        _wait_healthy(url, web)
        # The worker lowers its own priority (WORKER_NICE, default 10); the web keeps its own.
        poll_until(
            lambda: _niceness(worker.pid) == min(19, _niceness(web.pid) + 10),
            what="the worker's lowered priority",
            timeout=30,
        )
        slack = SlackClientSimulator(f"{url}/slack/events", SIGNING_SECRET, standin=standin)
        typed = "Paired with <@U0BOB|bob> on the flaky test — 🚀 <!here>"
        reply = slack.slash_command("/brag", typed, user_id="UALICE")
        assert reply.status == 200
        (post,) = standin.wait_for("response_url", timeout=30)
        assert "Logged to your private evidence" in str(post.params)
        with database.session() as session:
            (entry,) = session.scalars(select(EvidenceEntry)).all()
            assert entry.text == typed
            assert entry.people == ["U0BOB"]
        standin.wait_for(
            "views.publish", predicate=lambda c: c.params.get("user_id") == "UALICE", timeout=30
        )
    finally:
        _stop(worker)
        _stop(web)


def test_sigterm_answers_what_is_in_hand_and_stores_what_was_acked(
    test_database: MigratedDatabase, database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """On SIGTERM (every deploy and daily restart on Heroku) the web process lets every
    acked /brag's listener finish (stored, answered), then exits 0; nothing acked is lost."""
    # Confirmations are slow to land, so the listeners are still in hand at SIGTERM.
    standin.set_delay("response_url", 1.0)
    web, url = _start_web(_env(standin, test_database.url), tmp_path)
    try:
        _wait_healthy(url, web)
        slack = SlackClientSimulator(f"{url}/slack/events", SIGNING_SECRET, standin=standin)
        typed = [f"acked just before the restart {n} ✨" for n in range(5)]
        for text in typed:
            assert slack.slash_command("/brag", text, user_id="UALICE").status == 200
        web.terminate()  # SIGTERM, at once after the acks
        output, _ = web.communicate(timeout=30)
    finally:
        if web.poll() is None:
            web.kill()
    assert web.returncode == 0, output
    assert "stopping" in output
    with database.session() as session:
        stored = sorted(e.text for e in session.scalars(select(EvidenceEntry)))
    assert stored == sorted(typed)
    confirmations = standin.calls_to("response_url")
    assert len(confirmations) == 5
    assert all("Logged to your private evidence" in str(c.params) for c in confirmations)


def test_sigterm_stops_the_worker_cleanly(
    test_database: MigratedDatabase, standin: SlackStandIn, tmp_path: Path
) -> None:
    """The worker ends on SIGTERM as on Ctrl-C: it says so and exits 0."""
    worker = start_cli("worker", cwd=tmp_path, **_env(standin, test_database.url))
    try:
        lines: list[str] = []
        for line in worker.stdout:
            lines.append(line)
            if "started" in line:
                break
        worker.terminate()
        rest, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, "".join(lines) + rest
    assert "worker stopping" in rest, "".join(lines) + rest
