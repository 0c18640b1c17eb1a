"""The monthly sponsor-thread job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import lazyload

from bot.checkins import schedule
from bot.checkins.hints import next_checkins_due
from bot.checkins.schedule import Preferences
from bot.coaching.library import default_library
from bot.db.models import CheckIn, SponsorPost, User
from bot.delivery.messages import token_source
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.sponsors.monthly import (
    WINDOW,
    had_checkin_before,
    month_of,
    month_start,
    send_sponsor_dms,
)

RUN_BUDGET_SECONDS = 30


def run_sponsor_dms(ctx: JobContext, now: datetime) -> JobResult:
    tally = send_sponsor_dms(
        database=ctx.database,
        settings=ctx.settings,
        token_for=token_source(ctx.client_for),
        now=now,
        library=default_library(ctx.settings.prompts_dir),
        worker_id=ctx.worker_id,
        budget_seconds=None if ctx.worker_id == "cli" else RUN_BUDGET_SECONDS,
    )
    return JobResult("sponsor-dms", f"sent {tally.sent}, failed {tally.failed}")


def next_sponsor_dms_due(ctx: JobContext, after: datetime) -> datetime | None:
    """The next instant a month's sponsor DM can follow a check-in, sent or due (a queued
    one: now)."""
    soonest = next_minute(after)
    candidates: list[datetime] = []
    with ctx.database.read_session() as session:
        if session.scalar(select(exists().where(SponsorPost.status.in_(("pending", "claimed"))))):
            return soonest
        recent = session.execute(
            select(CheckIn, User)
            .join(User, User.id == CheckIn.user_id)
            .options(lazyload(User.workspace))
            .where(CheckIn.message_ts.is_not(None), CheckIn.slot_at > soonest - WINDOW)
        )
        for checkin, user in recent:
            prefs = Preferences.of(user)
            month = month_of(prefs, checkin.slot_at)
            queued = session.scalar(
                select(exists().where(SponsorPost.user_id == user.id, SponsorPost.month == month))
            )
            if queued or not had_checkin_before(
                session, user.id, month_start(prefs, checkin.slot_at)
            ):
                continue
            at = schedule.first_moment_to_remind(prefs, max(checkin.slot_at, soonest))
            if at < checkin.slot_at + WINDOW and month_of(prefs, at) == month:
                candidates.append(at)
    # A check-in still to come brings its DM in the same minute (the worker runs this job
    # just after the check-ins): without it the sandbox sent the DM a minute late.
    next_checkin = next_checkins_due(ctx, after)
    if next_checkin is not None:
        candidates.append(next_checkin)
    return max(min(candidates), soonest) if candidates else None


JOBS = (
    JobSpec(
        "sponsor-dms",
        "Once a month, with the first check-in: the private sponsor thread DM.",
        run_sponsor_dms,
    ),
)
