"""Crash recovery when conversations.history is throttled: wait for a later run, never guess.

Slack limits conversations.history to one call a minute for commercially distributed apps
outside the Marketplace. A recovery look-up that is throttled must neither sleep through the
Retry-After (holding up the worker) nor give up on the delivery for ever.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from bot.db.engine import Database
from bot.db.models import DigestPost, SummaryPost
from bot.digests.service import STALE_CLAIM as DIGEST_STALE
from bot.scheduling.catalog import run_job
from standin.webapi import SlackStandIn
from tests.digests.test_digest_job import SLOT
from tests.digests.test_digest_job import _ctx as digest_ctx
from tests.summaries.test_summary_job import MONDAY_9_NY, _alice_with_a_week, _ctx
from tests.support import logbook


def _metadata_posts(standin: SlackStandIn) -> int:
    return len(
        [c for c in standin.calls_to("chat.postMessage") if c.ok and c.params.get("metadata")]
    )


def test_a_throttled_summary_look_up_is_tried_again_later(
    database: Database, standin: SlackStandIn
) -> None:
    """A 429 with Retry-After 60 on the look-up: the run returns at once, the claim waits
    (not `unknown`), and the next run finds the message; it is never posted twice.

    Failed before: the client slept through Retry-After twice (two minutes), then the post
    was marked unknown for ever.
    """
    _alice_with_a_week(database)
    ctx = _ctx(database, standin)
    run_job("summaries", ctx, MONDAY_9_NY)
    with database.session() as session:
        session.execute(
            update(SummaryPost).values(status="claimed", claimed_at=MONDAY_9_NY, message_ts=None)
        )
    standin.rate_limit_next("conversations.history", retry_after=60, times=3)
    started = time.monotonic()
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=30))
    assert time.monotonic() - started < 20
    with database.session() as session:
        row = session.scalars(select(SummaryPost)).one()
        assert (row.status, row.last_error) == ("claimed", "ratelimited")
    standin.clear_faults()  # a minute later
    run_job("summaries", ctx, MONDAY_9_NY + timedelta(minutes=31))
    with database.session() as session:
        row = session.scalars(select(SummaryPost)).one()
        assert row.status == "sent" and row.message_ts
    assert _metadata_posts(standin) == 1  # only looked up, never posted again


def test_throttled_digest_recovery_checks_one_and_leaves_the_rest(
    database: Database, standin: SlackStandIn
) -> None:
    """With history at one call a minute, a run settles what it can look up and leaves the
    other stale claims for later runs; no digest is posted twice or marked unknown.

    Failed before: the second look-up in the minute was throttled and its digest marked
    unknown (never posted, never checked again).
    """
    members = ["UALICE", "UBOB", "UCAROL"]
    with database.session() as session:
        people = [logbook.user(session, member) for member in members]
        # Something to report (a week with nothing posts nothing).
        logbook.entry(session, people[0], SLOT - timedelta(days=1), visibility="team")
        for channel in ("CONE", "CTWO"):
            standin.add_channel(channel, channel.lower(), [*members, "UBOT"])
            logbook.digest_channel(session, channel, channel.lower(), members, next_post_at=SLOT)
    ctx = digest_ctx(database, standin)
    run_job("digests", ctx, SLOT)
    assert _metadata_posts(standin) == 2
    with database.session() as session:
        session.execute(
            update(DigestPost).values(status="claimed", claimed_at=SLOT, message_ts=None)
        )
    standin.set_rate_limits({"conversations.history": 1})
    later = SLOT + DIGEST_STALE + timedelta(minutes=1)
    started = time.monotonic()
    first = run_job("digests", ctx, later)
    assert time.monotonic() - started < 20
    assert "recovered 1" in first.summary
    with database.session() as session:
        statuses = sorted(p.status for p in session.scalars(select(DigestPost)))
    assert statuses == ["claimed", "sent"]
    standin.set_rate_limits(None)  # a minute later
    second = run_job("digests", ctx, later + timedelta(minutes=1))
    assert "recovered 1" in second.summary
    with database.session() as session:
        assert {p.status for p in session.scalars(select(DigestPost))} == {"sent"}
    assert _metadata_posts(standin) == 2


def test_a_digest_beyond_the_short_page_is_never_posted_again(
    database: Database, standin: SlackStandIn
) -> None:
    """On the reduced limits a page holds 15 messages: a busy channel hides the post, so the
    delivery is marked unknown rather than posted a second time.

    Failed before: not found among the 15 latest, it went back to pending and was posted
    again.
    """
    members = ["UALICE", "UBOB", "UCAROL"]
    with database.session() as session:
        people = [logbook.user(session, member) for member in members]
        logbook.entry(session, people[0], SLOT - timedelta(days=1), visibility="team")
        standin.add_channel("CBUSY", "busy", [*members, "UBOT"])
        logbook.digest_channel(session, "CBUSY", "busy", members, next_post_at=SLOT)
    ctx = digest_ctx(database, standin)
    run_job("digests", ctx, SLOT)
    for n in range(20):
        standin.add_message("CBUSY", user="UBOB", text=f"chatter {n}")
    with database.session() as session:
        session.execute(
            update(DigestPost).values(status="claimed", claimed_at=SLOT, message_ts=None)
        )
    standin.limit_history_like_non_marketplace_apps()
    run_job("digests", ctx, SLOT + DIGEST_STALE + timedelta(minutes=1))
    with database.session() as session:
        post = session.scalars(select(DigestPost)).one()
    assert (post.status, post.last_error) == ("unknown", "history_page_too_short")
    assert _metadata_posts(standin) == 1
