"""The monthly expectations check DM: once per person and local month, with their first
check-in of the month that no other periodic DM rode (`periodic.another_rode`: one a
check-in), for people who entered their staff expectations before the month began (the
question is about recent work mapped to them). Never while paused, away or opted out:
check-ins are not sent then, and the person's state is checked again when queueing.

A check-in sent in the last WINDOW whose local month has no `expectation_checks` row queues
one (unique per person and month: two workers, or a replay, queue it once), outside quiet
hours and on a work day, and after the month's sponsor DM (bot/sponsors/monthly.py) when that
is still on its way, so the two read in order. It goes out through the outbox
(bot/delivery/outbox.py), which claims it before posting and, on a retry after a crash or a
5xx, looks for it in the DM first (by its metadata).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.periodic import another_rode
from bot.checkins.schedule import Preferences
from bot.coaching.library import CoachingLibrary
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import CheckIn, Expectation, ExpectationCheck, SponsorPost, User, Workspace
from bot.delivery import outbox
from bot.delivery.claim import skip_locked
from bot.delivery.errors import Outcome
from bot.delivery.messages import SendFailed
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.expectations.check_texts import check_texts
from bot.ui.expectation_check import monthly_message
from bot.workspaces.service import WorkspaceInactive

EVENT_TYPE = "multiplier_expectation_check"
BATCH = 200
# How long after a check-in went out its month's check may follow it.
WINDOW = timedelta(hours=12)
ON_ITS_WAY = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


def month_of(prefs: Preferences, instant: datetime) -> str:
    """The person's local month of an instant, YYYY-MM."""
    return instant.astimezone(prefs.zone).strftime("%Y-%m")


def month_start(prefs: Preferences, instant: datetime) -> datetime:
    """The first instant of the person's local month of `instant`."""
    local = instant.astimezone(prefs.zone)
    return datetime(local.year, local.month, 1, tzinfo=prefs.zone)


def had_expectations_before(session: Session, user_id: int, before: datetime) -> bool:
    """Whether the person has expectations, entered before `before` (an earlier month)."""
    first = session.scalar(
        select(func.min(Expectation.created_at)).where(Expectation.user_id == user_id)
    )
    return first is not None and first < before


def queued(session: Session, user_id: int, month: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(ExpectationCheck.user_id == user_id, ExpectationCheck.month == month)
            )
        )
    )


def sponsor_dm_on_its_way(session: Session, user_id: int, month: str) -> bool:
    """Whether the month's sponsor DM is queued but not out yet (this one follows it)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    SponsorPost.user_id == user_id,
                    SponsorPost.month == month,
                    SponsorPost.status.in_(ON_ITS_WAY),
                )
            )
        )
    )


def _queue_batch(
    session: Session, *, now: datetime, after_id: int, default_calendar: str | None
) -> tuple[int, int]:
    """Queue the due checks for check-ins with id > after_id: (rows seen, last id)."""
    query = skip_locked(
        select(CheckIn, User, Workspace.active)
        .join(User, User.id == CheckIn.user_id)
        .join(Workspace, Workspace.id == CheckIn.workspace_id)
        .options(lazyload(User.workspace))
        .where(
            CheckIn.id > after_id,
            CheckIn.message_ts.is_not(None),
            CheckIn.slot_at <= now,
            CheckIn.slot_at > now - WINDOW,
        )
        .order_by(CheckIn.id)
        .limit(BATCH),
        session,
        CheckIn,
    )
    seen = last_id = 0
    for checkin, user, workspace_active in session.execute(query).all():
        seen += 1
        last_id = checkin.id
        prefs = Preferences.of(user)
        month = month_of(prefs, checkin.slot_at)
        if (
            month != month_of(prefs, now)
            or queued(session, user.id, month)
            or not had_expectations_before(session, user.id, month_start(prefs, checkin.slot_at))
            or sponsor_dm_on_its_way(session, user.id, month)
            or another_rode(session, user.id, checkin.slot_at)
        ):
            continue
        if not (
            user.active
            and workspace_active
            and prefs.active
            and not schedule.is_paused(prefs, now.astimezone(prefs.zone).date())
            and timeoff.absence_at(prefs, timeoff.TimeOff.of(user, default_calendar), now) is None
            and schedule.may_remind(prefs, now)
        ):
            continue
        channel = checkin.channel_id or user.dm_channel_id or user.slack_user_id
        try:
            with session.begin_nested():
                session.add(
                    ExpectationCheck(
                        workspace_id=user.workspace_id,
                        user_id=user.id,
                        month=month,
                        channel_id=channel,
                        created_at=now,  # the job's instant: `another_rode` reads it
                    )
                )
        except IntegrityError:
            continue  # another worker queued it first
    return seen, last_id


def _locate(session: Session, check: ExpectationCheck) -> outbox.Place | object | None:
    team_id = session.scalar(select(Workspace.team_id).where(Workspace.id == check.workspace_id))
    return outbox.GONE if team_id is None else outbox.Place(team_id, check.channel_id)


EXPECTATION_CHECKS = outbox.Outbox(
    model=ExpectationCheck,
    event_type=EVENT_TYPE,
    key=lambda check: f"{check.user_id}:{check.month}",
    locate=_locate,
    stale_after=timedelta(minutes=15),
    max_attempts=3,
)


def send_expectation_checks(
    *,
    database: Database,
    settings: Settings,
    token_for: Callable[[str], str | None],
    now: datetime,
    library: CoachingLibrary,
    worker_id: str = "cli",
    budget_seconds: float | None = None,
) -> outbox.Tally:
    """Queue each due monthly expectations check once, and post what is queued. A workspace
    whose prompts override disabled the question gets none."""
    tally = outbox.Tally()
    question = check_texts(library).question
    if question is None:
        return tally
    after_id, seen = 0, BATCH
    while seen == BATCH:
        with database.session() as session:
            seen, after_id = _queue_batch(
                session, now=now, after_id=after_id, default_calendar=settings.holiday_calendar
            )
    EXPECTATION_CHECKS.run(
        database=database,
        settings=settings,
        token_for=token_for,
        worker_id=worker_id,
        now=now,
        deliver=lambda session, sender, check: _deliver(
            session, token_for, sender, check, question
        ),
        tally=tally,
        budget_seconds=budget_seconds,
    )
    return tally


def _deliver(
    session: Session,
    token_for: Callable[[str], str | None],
    sender: Sender,
    check: ExpectationCheck,
    question: str,
) -> str | None:
    user = session.get(User, check.user_id)
    if user is None or not user.active:
        check.status = DeliveryStatus.SKIPPED
        return None
    check.attempts += 1
    try:
        slack = outbox.slack_for(sender, token_for, user.workspace.team_id)
    except WorkspaceInactive:
        raise SendFailed("workspace_inactive", Outcome.WORKSPACE_GONE) from None
    ts = (
        EXPECTATION_CHECKS.find_posted(slack, check, check.channel_id)
        if check.attempts > 1
        else None
    )
    if ts:
        return ts
    payload = monthly_message(check_id=check.id, question=question)
    return EXPECTATION_CHECKS.post(slack, check, check.channel_id, payload).ts
