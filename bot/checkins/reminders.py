"""At most one reminder per check-in: only if unanswered, never in quiet hours, on a weekend
or while the person is away (a public holiday, an away Slack status).

A reminder is due `checkin_reminder_hours` after the check-in's slot (or after its snooze
ended) — past quiet hours, and when that falls on the person's weekend, at the same local
time on their next work day — and may go out until the grace window after that has passed.
A due reminder is queued once (a `reminder_posts` row; the check-in's `reminded_at` says it
was) and goes out through the outbox (bot/delivery/outbox.py): claimed before posting, with
message metadata, so a retry after a crash or a 5xx looks for it in the DM and never sends two.

A check-in that a newer one supersedes gets none: when the person's next check-in is sent
(or due) by the time the reminder would be, the reminder would nag about an older question
next to a newer one (a twice-weekly check-in snoozed to the day before the next, reminded
in the very minute that one arrives). A check-in reminded before a snooze is not reminded
again once back, and a person gets at most one reminder per run. Nor does one the person
acted on with its buttons (`responded_at`: a choice about their pace, a staff-problem step
ticked on it): they have seen it. Nor does a check-in that
went unanswered after two others that did (`bot/checkins/silence.py`): three in a row
without a word, and the coach stops reminding until the person responds to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Unpack

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot import clock
from bot.capture import timeoff
from bot.checkins import schedule, service, silence
from bot.checkins.schedule import Preferences
from bot.db.models import CheckIn, ReminderPost, User
from bot.delivery import outbox
from bot.ui.checkins import reminder_message

EVENT_TYPE = "multiplier_reminder"
# A snooze moves a check-in by a day or over a weekend, and a reminder due on a weekend
# moves to the next work day: reminders look this far back for candidates.
_SNOOZE_SLACK = timedelta(days=14)


@dataclass
class RemindReport(outbox.Tally):
    deferred: int = 0

    def summary(self) -> str:
        return (
            f"reminded {self.sent}, deferred for quiet hours {self.deferred}, failed {self.failed}"
        )


def _queue(
    session: Session,
    checkin: CheckIn,
    user: User,
    *,
    workspace_active: bool,
    now: datetime,
    delay: timedelta,
    grace: timedelta,
    default_calendar: str | None,
    reminded_users: set[int],
) -> bool:
    """Queue the check-in's reminder if it is due; True when quiet hours defer it."""
    prefs = Preferences.of(user)
    due = schedule.reminder_due(prefs, checkin.snoozed_until or checkin.slot_at, delay)
    if not (due <= now <= due + grace):
        return False
    if not (user.active and workspace_active and prefs.active) or timeoff.away(
        # Away now (a public holiday, an away status): no reminder, none later either.
        prefs,
        user,
        now,
        default_calendar=default_calendar,
    ):
        return False
    if (
        user.id in reminded_users
        or _superseded(session, checkin, prefs, due)
        or silence.stop_reminding(session, checkin)  # the third unanswered in a row
    ):
        checkin.reminded_at = clock.now()  # settled: this check-in gets no reminder
        return False
    if not schedule.may_remind(prefs, now):
        return True  # quiet hours, or the weekend, began inside the grace window
    checkin.reminded_at = clock.now()
    channel = checkin.channel_id or user.dm_channel_id or user.slack_user_id
    session.add(ReminderPost(checkin_id=checkin.id, channel_id=channel))
    reminded_users.add(user.id)
    return False


def already_reminded() -> Any:
    """A check-in that has its one reminder row (kept when a snooze clears `reminded_at`)."""
    return exists().where(ReminderPost.checkin_id == CheckIn.id)


def _superseded(session: Session, checkin: CheckIn, prefs: Preferences, due: datetime) -> bool:
    """Whether a newer check-in of the person's is out (or due) by the reminder's time."""
    upcoming = schedule.next_slot(prefs, checkin.slot_at, strict=True)
    if upcoming is not None and upcoming.at <= due:
        return True
    newer = session.scalar(
        select(
            exists().where(
                CheckIn.user_id == checkin.user_id,
                CheckIn.slot_at > checkin.slot_at,
                CheckIn.slot_at <= due,
                CheckIn.status.not_in(("expired", "cancelled")),
            )
        )
    )
    return bool(newer)


REMINDERS = outbox.Outbox.queued(
    model=ReminderPost,
    event_type=EVENT_TYPE,
    owner=CheckIn,
    owner_id=lambda post: post.checkin_id,
)


def send_reminders(**run: Unpack[outbox.RunArgs]) -> RemindReport:
    """Queue every due reminder once, and post what is queued."""
    report = RemindReport()
    now, settings = run["now"], run["settings"]
    delay = timedelta(hours=settings.checkin_reminder_hours)
    grace = timedelta(hours=settings.checkin_grace_hours)
    reminded_users: set[int] = set()
    for session, checkin, user, workspace_active in service.each_checkin(
        run["database"],
        CheckIn.status == "sent",
        CheckIn.reminded_at.is_(None),
        CheckIn.answered_at.is_(None),
        CheckIn.responded_at.is_(None),  # acted on with its buttons: seen, not nudged
        CheckIn.message_ts.is_not(None),
        User.reminder_enabled.is_(True),
        CheckIn.slot_at <= now - delay,
        CheckIn.slot_at >= now - delay - grace - _SNOOZE_SLACK,
        ~already_reminded(),
    ):
        report.deferred += _queue(
            session,
            checkin,
            user,
            workspace_active=workspace_active,
            now=now,
            delay=delay,
            grace=grace,
            default_calendar=settings.holiday_calendar,
            reminded_users=reminded_users,
        )
    REMINDERS.send_queued(wanted=_unanswered, message=_message, tally=report, **run)
    return report


def _unanswered(session: Session, post: ReminderPost) -> bool:
    """Not answered, snoozed or acted on with its buttons since it was queued."""
    checkin = session.get_one(CheckIn, post.checkin_id)
    return checkin.answered_at is None and checkin.responded_at is None and checkin.status == "sent"


def _message(session: Session, post: ReminderPost) -> dict[str, Any]:
    checkin = session.get_one(CheckIn, post.checkin_id)
    user = session.get_one(User, checkin.user_id)
    zone = Preferences.of(user).zone
    # A snooze that has ended brought the check-in back as a new message: the one in view.
    reposted = checkin.snoozed_until if checkin.status != "snoozed" else None
    return reminder_message(
        slot_local=checkin.slot_at.astimezone(zone),
        reposted_local=reposted.astimezone(zone) if reposted is not None else None,
    )
