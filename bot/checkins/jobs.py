"""The check-in jobs the worker runs every minute (and `python -m bot jobs run` runs once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select

from bot.checkins.dispatch import Dispatcher
from bot.checkins.reminders import send_reminders
from bot.coaching.library import default_library
from bot.db.models import CheckIn, User
from bot.scheduling.jobs import JobContext, JobResult, job, next_minute

RUN_BUDGET_SECONDS = 45


def _token_for(ctx: JobContext):
    return lambda team_id: ctx.client_for(team_id).token


def next_checkin_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `checkins` could next act (the sandbox's fast-forward hint, see NextDue).

    A row already due but not sent (held by quiet hours, waiting for a retry, claimed)
    wakes it every minute; otherwise the earliest next slot or end of a snooze.
    """
    with ctx.database.session() as session:
        waiting = session.scalar(
            select(
                exists().where(
                    or_(
                        CheckIn.status == "claimed",
                        and_(CheckIn.status == "pending", CheckIn.slot_at <= after),
                        and_(CheckIn.status == "snoozed", CheckIn.snoozed_until <= after),
                    )
                )
            )
        )
        if waiting:
            return next_minute(after)
        slots = [
            session.scalar(
                select(func.min(User.next_checkin_at)).where(User.checkins_enabled.is_(True))
            ),
            session.scalar(
                select(func.min(CheckIn.snoozed_until)).where(CheckIn.status == "snoozed")
            ),
        ]
    due = [slot for slot in slots if slot is not None]
    return max(min(due), next_minute(after)) if due else None


def next_reminder_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `checkin-reminders` could next act: CHECKIN_REMINDER_HOURS after an open slot.

    A reminder already due (held by quiet hours) wakes it every minute until it goes or
    its grace window passes.
    """
    delay = timedelta(hours=ctx.settings.checkin_reminder_hours)
    grace = timedelta(hours=ctx.settings.checkin_grace_hours)
    with ctx.database.session() as session:
        opened = session.scalars(
            select(func.coalesce(CheckIn.snoozed_until, CheckIn.slot_at)).where(
                CheckIn.status == "sent",
                CheckIn.reminded_at.is_(None),
                CheckIn.answered_at.is_(None),
            )
        ).all()
    upcoming = []
    for opened_at in opened:
        due = opened_at + delay
        if due <= after <= due + grace:
            return next_minute(after)
        if due > after:
            upcoming.append(due)
    return max(min(upcoming), next_minute(after)) if upcoming else None


@job(
    "checkins",
    "Send the check-ins that are due: one per user and period, exactly once.",
    next_due=next_checkin_due,
)
def run_checkins(ctx: JobContext, now: datetime) -> JobResult:
    dispatcher = Dispatcher(
        database=ctx.database,
        settings=ctx.settings,
        library=default_library(ctx.settings.prompts_dir),
        token_for=_token_for(ctx),
        worker_id=ctx.worker_id,
    )
    # In the worker a run sends for about RUN_BUDGET_SECONDS, then the tick moves on to the
    # other jobs (the rest stays pending for the next minute); `jobs run` runs to the end.
    budget = None if ctx.worker_id == "cli" else RUN_BUDGET_SECONDS
    return JobResult("checkins", dispatcher.run(now, budget_seconds=budget).summary())


@job(
    "checkin-reminders",
    "Remind once about unanswered check-ins, outside quiet hours.",
    next_due=next_reminder_due,
)
def run_checkin_reminders(ctx: JobContext, now: datetime) -> JobResult:
    report = send_reminders(
        database=ctx.database, settings=ctx.settings, token_for=_token_for(ctx), now=now
    )
    return JobResult("checkin-reminders", report.summary())
