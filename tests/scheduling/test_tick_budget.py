"""A worker tick lets a run send for the rest of its minute: a fan-out that falls due at once
keeps sending through the minute instead of idling until the next tick (issue 14: 10,000
check-ins due in one workspace took about 1.3 x N / limit when each tick sent for 45 s)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from bot.scheduling import catalog, jobs, worker
from bot.scheduling.jobs import JobContext, JobResult


def context(worker_id: str = "host:1") -> JobContext:
    return JobContext(database=None, settings=None, worker_id=worker_id)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("second", "left"),
    [(0.0, 58.0), (0.5, 57.5), (30.0, 28.0), (58.0, 0.0), (59.9, 0.0)],
)
def test_a_tick_sends_until_two_seconds_before_its_minute_ends(second: float, left: float) -> None:
    wall = datetime(2026, 12, 7, 9, 0, tzinfo=UTC).timestamp() + second
    assert worker.tick_ends(wall, monotonic=1000.0) == pytest.approx(1000.0 + left)


def test_jobs_run_from_the_command_line_run_to_the_end() -> None:
    ctx = context("cli")
    ctx.tick_ends = 10**9
    assert ctx.budget(45) is None


def test_outside_a_tick_a_run_gets_its_own_budget() -> None:
    assert context().budget(45) == 45


def test_the_first_run_of_a_tick_gets_the_minute_and_a_later_one_its_own_budget() -> None:
    ctx = context()
    with freeze_time("2026-12-07 09:00:00") as frozen:
        ctx.tick_ends = worker.tick_ends(datetime.now(UTC).timestamp(), jobs.time.monotonic())
        assert ctx.budget(45) == pytest.approx(58.0)
        frozen.tick(57.5)  # the fan-out sent through the minute
        assert ctx.budget(45) == 45  # the next job still gets its turn


@freeze_time("2026-12-07 09:00:00")
def test_the_worker_tick_hands_its_jobs_the_rest_of_the_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    budgets: list[float | None] = []

    def fan_out(ctx: JobContext, _now: datetime) -> JobResult:
        budgets.append(ctx.budget(45))
        return JobResult("fan-out", "sent")

    monkeypatch.setattr(catalog, "JOBS", {"fan-out": jobs.JobSpec("fan-out", "", fan_out)})
    worker.tick(context())
    assert budgets == [pytest.approx(58.0)]
