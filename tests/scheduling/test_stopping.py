"""Stopping the worker is a flag the tick reads between jobs, never an exception raised into
a job: the job in hand finishes and the ones left catch up on the next start."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.scheduling import catalog, jobs
from bot.scheduling.catalog import run_all_due
from bot.scheduling.jobs import JobContext, JobResult

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NO_CONTEXT = JobContext(database=None, settings=None)  # type: ignore[arg-type]


@pytest.fixture
def stop() -> threading.Event:
    return threading.Event()


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch, stop: threading.Event) -> list[str]:
    """Three jobs that record their runs; SIGTERM arrives while the second one runs."""
    ran: list[str] = []

    def job(name: str) -> jobs.JobSpec:
        def run(_ctx: JobContext, _now: datetime) -> JobResult:
            ran.append(name)
            if name == "second":
                stop.set()
            return JobResult(name, "done")

        return jobs.JobSpec(name=name, description=name, run=run)

    monkeypatch.setattr(catalog, "JOBS", {n: job(n) for n in ("first", "second", "third")})
    return ran


def test_the_job_in_hand_finishes_and_no_other_starts(
    ran: list[str], stop: threading.Event
) -> None:
    results = run_all_due(NO_CONTEXT, NOW, stop=stop)
    assert [r.summary for r in results] == ["done", "done"]
    assert ran == ["first", "second"]


def test_a_tick_after_stop_starts_nothing(ran: list[str], stop: threading.Event) -> None:
    stop.set()
    assert run_all_due(NO_CONTEXT, NOW, stop=stop) == []
    assert ran == []


def test_without_stop_every_job_runs(ran: list[str]) -> None:
    assert [r.name for r in run_all_due(NO_CONTEXT, NOW)] == ["first", "second", "third"]
