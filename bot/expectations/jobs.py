"""The monthly expectations-check job (listed in bot/scheduling/catalog.py) and its sandbox
hint (sandbox/hints.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import lazyload

from bot.checkins import schedule
from bot.checkins.hints import next_checkins_due
from bot.checkins.periodic import another_rode
from bot.checkins.schedule import Preferences
from bot.coaching.library import default_library
from bot.db.models import CheckIn, Expectation, ExpectationCheck, User
from bot.delivery.messages import token_source
from bot.expectations.monthly import (
    ON_ITS_WAY,
    WINDOW,
    had_expectations_before,
    month_of,
    month_start,
    queued,
    send_expectation_checks,
)
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute

RUN_BUDGET_SECONDS = 30


def run_expectation_checks(ctx: JobContext, now: datetime) -> JobResult:
    tally = send_expectation_checks(
        database=ctx.database,
        settings=ctx.settings,
        token_for=token_source(ctx.client_for),
        now=now,
        library=default_library(ctx.settings.prompts_dir),
        worker_id=ctx.worker_id,
        budget_seconds=None if ctx.worker_id == "cli" else RUN_BUDGET_SECONDS,
    )
    return JobResult("expectation-checks", f"sent {tally.sent}, failed {tally.failed}")


def next_expectation_checks_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a month's expectations check can follow a check-in: one sent
    already, or the next one due (the worker runs this job in the same minute, just after
    the check-ins); a queued check: now."""
    soonest = next_minute(after)
    candidates: list[datetime] = []
    with ctx.database.read_session() as session:
        if session.scalar(select(exists().where(ExpectationCheck.status.in_(ON_ITS_WAY)))):
            return soonest
        if not session.scalar(select(exists().where(Expectation.id.is_not(None)))):
            return None  # nobody to ask
        recent = session.execute(
            select(CheckIn, User)
            .join(User, User.id == CheckIn.user_id)
            .options(lazyload(User.workspace))
            .where(CheckIn.message_ts.is_not(None), CheckIn.slot_at > soonest - WINDOW)
        )
        for checkin, user in recent:
            prefs = Preferences.of(user)
            month = month_of(prefs, checkin.slot_at)
            if (
                queued(session, user.id, month)
                or not had_expectations_before(
                    session, user.id, month_start(prefs, checkin.slot_at)
                )
                or another_rode(session, user.id, checkin.slot_at)
            ):
                continue
            at = schedule.first_moment_to_remind(prefs, max(checkin.slot_at, soonest))
            if at < checkin.slot_at + WINDOW and month_of(prefs, at) == month:
                candidates.append(at)
    next_checkin = next_checkins_due(ctx, after)
    if next_checkin is not None:
        candidates.append(next_checkin)
    return max(min(candidates), soonest) if candidates else None


JOBS = (
    JobSpec(
        "expectation-checks",
        "Once a month, with the first check-in the sponsor DM did not ride: whether you and your "
        "manager mapped recent work to your staff expectations.",
        run_expectation_checks,
    ),
)
