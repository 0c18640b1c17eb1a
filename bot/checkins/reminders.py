"""At most one reminder per check-in: only if unanswered, never in quiet hours or on a weekend.

A reminder is due `checkin_reminder_hours` after the check-in's slot (or after its snooze
ended) — past quiet hours, and when that falls on the person's weekend, at the same local
time on their next work day — and may go out until the grace window after that has passed.
It is claimed by setting `reminded_at` and committing *before* posting, so a crash can lose
a reminder but never send two.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot import clock
from bot.checkins import schedule
from bot.checkins.delivery import _skip_locked
from bot.checkins.schedule import Preferences
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import CheckIn, User, Workspace
from bot.slack.sender import Sender
from bot.ui.checkins import reminder_message
from bot.workspaces.service import WorkspaceInactive

logger = logging.getLogger(__name__)

BATCH = 200
# A snooze moves a check-in by a day or over a weekend, and a reminder due on a weekend
# moves to the next work day: reminders look this far back for candidates.
_SNOOZE_SLACK = timedelta(days=14)


@dataclass(frozen=True)
class Reminder:
    checkin_id: int
    team_id: str
    channel: str
    slot_local: datetime


@dataclass
class RemindReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"reminded {self.sent}, deferred for quiet hours {self.deferred}, failed {self.failed}"
        )


def claim_reminders(
    *,
    session: Session,
    now: datetime,
    real_now: datetime,
    delay: timedelta,
    grace: timedelta,
    after_id: int,
) -> tuple[list[Reminder], int, int, int]:
    """Claim due reminders with id > after_id: (reminders, rows seen, last id, deferred)."""
    query = _skip_locked(
        select(CheckIn, User, Workspace.team_id, Workspace.active)
        .join(User, User.id == CheckIn.user_id)
        .join(Workspace, Workspace.id == CheckIn.workspace_id)
        .options(lazyload(User.workspace))
        .where(
            CheckIn.id > after_id,
            CheckIn.status == "sent",
            CheckIn.reminded_at.is_(None),
            CheckIn.answered_at.is_(None),
            CheckIn.message_ts.is_not(None),
            User.reminder_enabled.is_(True),
            CheckIn.slot_at <= now - delay,
            CheckIn.slot_at >= now - delay - grace - _SNOOZE_SLACK,
        )
        .order_by(CheckIn.id)
        .limit(BATCH),
        session,
        CheckIn,
    )
    reminders: list[Reminder] = []
    seen = last_id = deferred = 0
    for checkin, user, team_id, workspace_active in session.execute(query):
        seen += 1
        last_id = checkin.id
        prefs = Preferences.of(user)
        due = schedule.reminder_due(prefs, checkin.snoozed_until or checkin.slot_at, delay)
        if not (due <= now <= due + grace):
            continue
        local_today = now.astimezone(prefs.zone).date()
        if not (
            user.reminder_enabled
            and user.active
            and workspace_active
            and prefs.active
            and not schedule.is_paused(prefs, local_today)
        ):
            continue
        if not schedule.may_remind(prefs, now):
            deferred += 1  # quiet hours, or the weekend, began inside the grace window
            continue
        checkin.reminded_at = real_now
        reminders.append(
            Reminder(
                checkin_id=checkin.id,
                team_id=team_id,
                channel=checkin.channel_id or user.dm_channel_id or user.slack_user_id,
                slot_local=checkin.slot_at.astimezone(prefs.zone),
            )
        )
    return reminders, seen, last_id, deferred


def _do_not_retry() -> None:
    """After an ambiguous failure a reminder is not retried: at most one, never two."""
    raise RuntimeError("reminders are not retried after an ambiguous failure")


def send_reminders(
    *,
    database: Database,
    settings: Settings,
    token_for: Callable[[str], str | None],
    now: datetime,
    sender: Sender | None = None,
) -> RemindReport:
    """Post every due reminder once."""
    sender = sender or Sender(settings)
    delay = timedelta(hours=settings.checkin_reminder_hours)
    grace = timedelta(hours=settings.checkin_grace_hours)
    report = RemindReport()
    tokens: dict[str, str | None] = {}
    after_id = 0
    while True:
        with database.session() as session:
            reminders, seen, after_id, deferred = claim_reminders(
                session=session,
                now=now,
                real_now=clock.now(),
                delay=delay,
                grace=grace,
                after_id=after_id,
            )
        report.deferred += deferred
        for reminder in reminders:
            if reminder.team_id not in tokens:
                try:
                    tokens[reminder.team_id] = token_for(reminder.team_id)
                except WorkspaceInactive:
                    tokens[reminder.team_id] = None
            if tokens[reminder.team_id] is None:
                report.failed += 1
                continue
            client = sender.client(tokens[reminder.team_id])
            result = sender.call(
                functools.partial(
                    client.chat_postMessage,
                    channel=reminder.channel,
                    **reminder_message(slot_local=reminder.slot_local),
                ),
                workspace=reminder.team_id,
                channel=reminder.channel,
                check=_do_not_retry,
            )
            if result.ok:
                report.sent += 1
            else:
                report.failed += 1
                logger.warning(
                    "reminder not sent: %s", result.error,
                    extra={"checkin_id": reminder.checkin_id},
                )  # fmt: skip
        if seen < BATCH:
            return report
