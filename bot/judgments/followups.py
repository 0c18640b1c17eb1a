"""The one follow-up per judgment call: queued once when due (a `judgment_followup_posts`
row), sent through the outbox (bot/delivery/outbox.py) like reminders, so a replayed job or
a second worker never sends two.

Due `months` after the entry was logged; held, like a reminder, by quiet hours and the
person's weekend, and to their day (09:00-18:00 local, see `schedule.may_reach_out`), and
not sent while they are paused or away (a holiday, an away status);
it goes out once they are back, within the grace window (bot/judgments/service.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Unpack

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from bot.capture import timeoff
from bot.checkins import schedule
from bot.checkins.schedule import Preferences
from bot.db.engine import Database
from bot.db.models import (
    EvidenceEntry,
    JudgmentCall,
    JudgmentFollowupPost,
    User,
    Workspace,
)
from bot.delivery import outbox
from bot.delivery.claim import skip_locked
from bot.judgments import service
from bot.ui.judgments import followup_message

EVENT_TYPE = "multiplier_judgment_followup"


@dataclass
class FollowupReport(outbox.Tally):
    deferred: int = 0

    def summary(self) -> str:
        return f"followed up {self.sent}, deferred {self.deferred}, failed {self.failed}"


def _unasked(*columns: Any, since: datetime) -> Any:
    """Entries logged since `since` that are (or may be) judgment calls, not answered and
    not followed up yet, with their person (`columns`: what to select of them)."""
    return (
        select(*columns)
        .outerjoin(JudgmentCall, JudgmentCall.entry_id == EvidenceEntry.id)
        .join(User, User.id == EvidenceEntry.user_id)
        .options(lazyload(User.workspace))
        .where(
            or_(
                EvidenceEntry.dimension.in_(service.JUDGMENT_DIMENSIONS),
                JudgmentCall.bet.is_(True),
            ),
            EvidenceEntry.source != service.NOT_A_CALL_SOURCE,
            EvidenceEntry.created_at >= since,
            or_(JudgmentCall.id.is_(None), JudgmentCall.answered_at.is_(None)),
            ~exists().where(JudgmentFollowupPost.call_id == JudgmentCall.id),
        )
    )


def candidates(now: datetime) -> Any:
    """Entries that are (or may be) judgment calls logged 3 to 6 months (and the grace)
    ago and not followed up yet: (entry, call or None, user, workspace active)."""
    return (
        _unasked(EvidenceEntry, JudgmentCall, User, Workspace.active, since=now - service.LATEST)
        .join(Workspace, Workspace.id == EvidenceEntry.workspace_id)
        .where(EvidenceEntry.created_at <= now - service.EARLIEST)
        .order_by(EvidenceEntry.id)
    )


def _queue(session: Session, *, now: datetime, default_calendar: str | None) -> int:
    """Queue every due follow-up once; the number held (quiet hours, a pause, time off)."""
    deferred = 0
    query = skip_locked(candidates(now), session, EvidenceEntry)
    for entry, call, user, workspace_active in session.execute(query):
        due = service.due_at(entry.created_at, call.months if call else None)
        if not service.in_window(due, now) or not (user.active and workspace_active):
            continue
        prefs = Preferences.of(user)
        if timeoff.away(
            prefs, user, now, default_calendar=default_calendar
        ) or not schedule.may_reach_out(prefs, now):
            deferred += 1
            continue
        channel = user.dm_channel_id or user.slack_user_id
        try:
            # Another worker may have read the entry before this one's commit and queue it
            # too (on PostgreSQL the lock re-checks only the entry's row, not the joins):
            # its unique keys then refuse the second call or post, and this one moves on.
            with session.begin_nested():
                if call is None:
                    session.add(
                        call := JudgmentCall(
                            workspace_id=entry.workspace_id,
                            user_id=entry.user_id,
                            entry_id=entry.id,
                            months=service.DEFAULT_MONTHS,
                            bet=False,
                        )
                    )
                    session.flush()
                session.add(JudgmentFollowupPost(call_id=call.id, channel_id=channel))
                session.flush()
        except IntegrityError:
            continue
    return deferred


FOLLOWUPS = outbox.Outbox.queued(
    model=JudgmentFollowupPost,
    event_type=EVENT_TYPE,
    owner=JudgmentCall,
    owner_id=lambda post: post.call_id,
)


def send_followups(**run: Unpack[outbox.RunArgs]) -> FollowupReport:
    """Queue every due follow-up once, and post what is queued."""
    report = FollowupReport()
    now = run["now"]
    with run["database"].session() as session:
        report.deferred = _queue(
            session, now=now, default_calendar=run["settings"].holiday_calendar
        )

    def message(session: Session, post: JudgmentFollowupPost) -> dict[str, Any]:
        call = session.get_one(JudgmentCall, post.call_id)
        entry = session.get_one(EvidenceEntry, call.entry_id)
        zone = Preferences.of(session.get_one(User, call.user_id)).zone
        month = service.month_words(entry.occurred_at.astimezone(zone), now.astimezone(zone))
        return followup_message(call_id=call.id, month=month, quote=service.quote(entry.text))

    FOLLOWUPS.send_queued(wanted=_unanswered, message=message, tally=report, **run)
    return report


def _unanswered(session: Session, post: JudgmentFollowupPost) -> bool:
    """Not answered meanwhile (else there is nothing to ask)."""
    return session.get_one(JudgmentCall, post.call_id).answered_at is None


def _local_day(prefs: Preferences, instant: datetime) -> date:
    return instant.astimezone(prefs.zone).date()


def next_followup_due(database: Database, after: datetime) -> datetime | None:
    """The sandbox's hint: the first instant a follow-up could be queued or sent."""
    from bot.scheduling.jobs import next_minute

    soonest = next_minute(after)
    candidates_at: list[datetime] = []
    with database.read_session() as session:
        if session.scalar(
            select(exists().where(JudgmentFollowupPost.status.in_(("pending", "claimed"))))
        ):
            return soonest
        query = _unasked(
            EvidenceEntry.created_at, JudgmentCall.months, User, since=soonest - service.LATEST
        )
        for created_at, months, user in session.execute(query):
            due = service.due_at(created_at, months)
            if due + service.GRACE < soonest:
                continue
            prefs = Preferences.of(user)
            at = max(due, soonest)
            if prefs.paused_until is not None and schedule.is_paused(prefs, _local_day(prefs, at)):
                # Paused: nothing before the day it resumes (not a tick a minute meanwhile).
                at = schedule.local_instant(prefs.paused_until, 0, prefs.zone).astimezone(UTC)
            candidates_at.append(schedule.first_moment_to_reach_out(prefs, at))
    return min(candidates_at) if candidates_at else None
