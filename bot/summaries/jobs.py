"""The `summaries` job: the weekly personal summary DM, once per person and week."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.coaching.library import default_library
from bot.db.models import SummaryPost, User
from bot.delivery import messages, outbox
from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed, Slack, token_source
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.scheduling.jobs import JobContext, JobResult, JobSpec, next_minute
from bot.summaries import chart, periods, service
from bot.ui import summary as summary_ui

logger = logging.getLogger(__name__)

EVENT_TYPE = "multiplier_summary"
# One run delivers for about this long, so a busy Monday cannot hold up the worker's other
# jobs (check-ins) for more than a tick; what is left stays pending for the next runs.
RUN_BUDGET_SECONDS = 40


@dataclass
class _Tally(outbox.Tally):
    charts_failed: int = 0


def _key(post: SummaryPost) -> str:
    return f"{post.user_id}:{post.period_key}"


def _locate(session: Session, post: SummaryPost) -> outbox.Place | object | None:
    user = session.get(User, post.user_id)
    if user is None:
        return outbox.GONE
    if post.channel_id is None:
        return None
    return outbox.Place(user.workspace.team_id, post.channel_id)


SUMMARIES = outbox.Outbox(
    stale_after=service.STALE_CLAIM,
    model=SummaryPost,
    event_type=EVENT_TYPE,
    key=_key,
    locate=_locate,
)


def next_summary_due(ctx: JobContext, after: datetime) -> datetime | None:
    """When `summaries` could next act (the sandbox's fast-forward hint, see NextDue).

    A row still pending or claimed (a retry, a claim to recover) wakes it every minute;
    otherwise the next summary slot (SUMMARY_DAY, SUMMARY_TIME) in any eligible zone, or the
    end of an open check-in's hold on a summary (an answer or a skip ends one sooner: the
    person acts between two `:time` jumps, and each jump starts with a tick of every job).
    """
    settings = ctx.settings
    with ctx.database.session() as session:
        if session.scalar(select(exists().where(SummaryPost.status.in_(("pending", "claimed"))))):
            return next_minute(after)
        holds = service.hold_ends(session, after)
        zones = session.scalars(
            select(User.tz)
            .where(User.active.is_(True), User.summary_enabled.is_(True), User.is_bot.is_(False))
            .distinct()
        ).all()
    slots = list(holds)
    hold = timedelta(hours=settings.summary_grace_hours) / 2
    for name in zones:
        tz = periods.zone(name)
        held = holds and periods.week_to_summarise(
            after, tz, settings.summary_weekday, settings.summary_minute, hold
        )
        if held:  # a hold never lasts past half the grace window
            due = periods.summary_due_at(
                held, tz, settings.summary_weekday, settings.summary_minute
            )
            slots.append(due + hold)
        current = periods.week_containing(after, tz)
        for week in (periods.week_of_monday(current.monday - timedelta(weeks=1), tz), current):
            due = periods.summary_due_at(
                week, tz, settings.summary_weekday, settings.summary_minute
            )
            if due > after:
                slots.append(due)
                break
    return min(slots, default=None)


def run_summaries(ctx: JobContext, now: datetime) -> JobResult:
    settings = ctx.settings
    with ctx.database.session() as session:
        queued = service.enqueue_due(
            session=session,
            now=now,
            weekday=settings.summary_weekday,
            minute=settings.summary_minute,
            grace=timedelta(hours=settings.summary_grace_hours),
        )
    tally = _Tally()
    recovered = SUMMARIES.run(
        deliver=lambda session, sender, post: _deliver(ctx, session, sender, post, now, tally),
        tally=tally,
        **ctx.delivery(now, RUN_BUDGET_SECONDS),
    )
    return JobResult(
        "summaries",
        f"queued {queued}, sent {tally.sent}, skipped {tally.skipped}, failed {tally.failed}, "
        f"will retry {tally.retry}, chart fallbacks {tally.charts_failed}, "
        f"recovered {recovered}",
    )


def _deliver(
    ctx: JobContext,
    session: Session,
    sender: Sender,
    post: SummaryPost,
    now: datetime,
    tally: _Tally,
) -> str | None:
    library = default_library(ctx.settings.prompts_dir)
    user = session.scalars(select(User).where(User.id == post.user_id)).one()
    if not (user.active and user.summary_enabled and user.workspace.active):
        post.status = DeliveryStatus.SKIPPED
        return None
    week = service.period_week(post.period_key, user.tz)
    summary = service.build_summary(
        session=session,
        user=user,
        week=week,
        library=library,
        default_calendar=ctx.settings.holiday_calendar,
        recently_shown_nudges=service.recent_nudges(
            session=session, user=user, before_key=post.period_key
        ),
    )
    summary = service.with_logged_after_last_summary(
        session=session, user=user, week=week, summary=summary
    )
    if summary_ui.nothing_to_say(summary):
        # A week the person chose to skip or pause, with nothing in it: no DM about it.
        post.status = DeliveryStatus.SKIPPED
        return None
    post.nudge_id = summary.nudge.id if summary.nudge else None
    message = summary_ui.weekly_summary_message(
        summary, library, multiplier_command=ctx.settings.command_multiplier
    )
    rows = summary_ui.chart_rows(summary, library)
    slack = outbox.slack_for(sender, token_source(ctx.client_for), user.workspace.team_id)
    post.attempts += 1
    try:
        if post.attempts > 1 and post.channel_id:
            # An earlier attempt may have reached Slack (a timeout, a 5xx): look first.
            ts = SUMMARIES.find_posted(slack, post, post.channel_id)
            if ts is not None:
                return ts
        channel = user.dm_channel_id or messages.open_dm(slack, user.slack_user_id)
        user.dm_channel_id = channel
        post.channel_id = channel
        # Record where we are about to post before posting: a crash after this point is
        # settled by looking for the message, never by posting blindly again.
        session.commit()
        posted = SUMMARIES.post(slack, post, channel, message)
    except SendFailed as error:
        if error.outcome is Outcome.USER_GONE:
            user.active = False
            user.inactive_reason = error.error[:64]
        if error.outcome is Outcome.WORKSPACE_GONE:  # as for check-ins: nothing more goes there
            user.workspace.active = False
        raise
    # Recorded as sent before the chart goes: a chart that fails never resends the summary.
    outbox.mark_sent(post, posted.ts, now)
    session.commit()
    if not _send_chart(slack, posted.channel, rows, summary.week.label()):
        tally.charts_failed += 1
    return posted.ts


def _send_chart(slack: Slack, channel: str, rows: list[chart.ChartRow], week_label: str) -> bool:
    """Upload the chart; on failure post the same comparison as text. True if the PNG went."""
    if not rows:
        return True
    png = chart.render_png(rows, title=f"This week against your 4-week average · {week_label}")
    alt = "; ".join(f"{r.label}: {r.this_week} this week, {r.average:.1f} average" for r in rows)
    if messages.upload_png(
        slack,
        channel=channel,
        content=png,
        filename=chart.FILENAME,
        title=f"Your multiplier week · {week_label}",
        alt_text=alt[:1000],
    ):
        return True
    fallback = summary_ui.chart_fallback_message(rows)
    try:
        # Not paced per channel: the summary went to this DM a moment ago.
        messages.post_message(
            slack,
            channel=channel,
            text=fallback["text"],
            blocks=fallback["blocks"],
            pace_channel=False,
        )
    except SendFailed:
        logger.warning("chart fallback not sent")
    return False


# The jobs this module gives the worker and the CLI (listed in bot/scheduling/catalog.py).
JOBS = (
    JobSpec(
        "summaries",
        "Send the weekly personal summary DM to everyone whose week just ended.",
        run_summaries,
    ),
)
