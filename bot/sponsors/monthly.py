"""The monthly sponsor-thread DM: once per person and local month, with their first check-in of
the month that no other periodic DM rode (`periodic.another_rode`: the sponsor DM runs
first, so usually the first check-in; so never while paused, away or opted out, as
check-ins are not sent then; nor while they are silent, bot/checkins/silence.py), from the
month after their first check-in on (a newcomer's first week is not crowded).

A check-in sent in the last WINDOW whose local month has no `sponsor_posts` row queues one
(unique per person and month: two workers, or a replay, queue it once), outside quiet hours
and on a work day; it goes out through the outbox (bot/delivery/outbox.py), which claims it
before posting and, on a retry after a crash or a 5xx, looks for it in the DM first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Unpack

from sqlalchemy.orm import Session

from bot.checkins import periodic
from bot.coaching.library import CoachingLibrary
from bot.db.models import SponsorPost, User
from bot.delivery import outbox
from bot.sponsors import service
from bot.sponsors.texts import texts
from bot.ui.sponsor import monthly_message

EVENT_TYPE = "multiplier_sponsor"
# How long after a check-in went out its month's sponsor DM may follow it.
WINDOW = timedelta(hours=12)


MONTHLY = periodic.WithFirstCheckin(
    window=WINDOW,
    period_of=periodic.month_of,
    period_start=periodic.month_start,
    queued=periodic.queued_in(SponsorPost.month),
)
SPONSOR_DMS = outbox.Outbox.queued(
    model=SponsorPost,
    event_type=EVENT_TYPE,
    owner=User,
    owner_id=lambda post: post.user_id,
    key=lambda post: f"{post.user_id}:{post.month}",
)


def send_sponsor_dms(*, library: CoachingLibrary, **run: Unpack[outbox.RunArgs]) -> outbox.Tally:
    """Queue each due monthly sponsor DM once, and post what is queued."""
    tally = outbox.Tally()
    words = texts(library)
    MONTHLY.queue_each(
        run["database"],
        now=run["now"],
        default_calendar=run["settings"].holiday_calendar,
        row=lambda due: SponsorPost(month=due.period, **due.row(run["now"])),
    )

    def message(session: Session, post: SponsorPost) -> dict[str, Any]:
        user = session.get_one(User, post.user_id)
        return monthly_message(service.latest(session=session, user=user), words)

    SPONSOR_DMS.send_queued(wanted=periodic.owner_active, message=message, tally=tally, **run)
    return tally
