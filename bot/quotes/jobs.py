"""The quote-request DM job (listed in bot/scheduling/catalog.py) and its sandbox hint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from bot.db.models import QuotePost
from bot.delivery.status import DeliveryStatus
from bot.quotes.delivery import send_quote_posts
from bot.scheduling.jobs import JobContext, JobSpec, next_minute


def next_quote_posts_due(ctx: JobContext, after: datetime) -> datetime | None:
    """Now while a quote DM is queued (or claimed); else nothing until someone asks."""
    with ctx.database.read_session() as session:
        queued = session.scalar(
            select(
                exists().where(
                    QuotePost.status.in_((DeliveryStatus.PENDING, DeliveryStatus.CLAIMED))
                )
            )
        )
    return next_minute(after) if queued else None


JOBS = (
    JobSpec.sending(
        "quote-requests",
        "A requested quote's DMs: the ask to the peer, the answer back to the requester.",
        send_quote_posts,
        budget_seconds=20,
    ),
)
