"""The outbox lifecycle of everything the app sends on its own.

    pending ─claim─▶ claimed ─deliver─▶ sent | failed | pending (retry later)
                        └─ stale (worker died) ─look up by metadata─▶ sent | pending | unknown

`drain` is the one delivery loop: claim a batch (committed before any Web API call), deliver
its items (on several threads for the check-in fan-out), record their outcomes, until nothing
is left or the run's time budget is spent. `Outbox` is that loop for a delivery that is one
row and one message (summaries, digests, reminders): a feature supplies only what to send and
where: its table, its metadata event type and key, where a row's message would be
(`locate`), and how to deliver one claimed row. Claiming, the budget, settling stale claims
and the failure policy live here. A row queued with its channel (reminders, judgment
follow-ups, sponsor DMs) needs less still: `send_queued` posts it once, looking first on a
retry, and the feature says only whether it is still wanted and what it says.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, NotRequired, Protocol, TypedDict, TypeVar, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import QueuedPost, Workspace
from bot.delivery import reconcile
from bot.delivery.claim import Post, claim, claim_owner, stale_claims
from bot.delivery.errors import Outcome
from bot.delivery.messages import Posted, SendFailed, Slack, post_message
from bot.delivery.sender import Sender
from bot.delivery.status import DeliveryStatus
from bot.workspaces.service import WorkspaceInactive

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """Where a delivery's message went, or would have: the workspace and the channel."""

    team_id: str
    channel: str


# `locate`'s answer when the row's recipient no longer exists: leave the claim alone.
GONE = object()


class InWorkspace(Protocol):
    """A row of some workspace's: a check-in, a judgment call, a person."""

    @property
    def workspace_id(self) -> int: ...


Queued = TypeVar("Queued", bound=QueuedPost)


class RunArgs(TypedDict):
    """What one run of an outbox job is given: a scheduled job passes its context's
    (`JobContext.delivery`), a test its own."""

    database: Database
    settings: Settings
    token_for: Callable[[str], str | None]
    now: datetime
    worker_id: NotRequired[str]  # "cli" by default
    budget_seconds: NotRequired[float | None]  # None (the default): until none is left


@dataclass
class Tally:
    """What one run delivered (summaries, digests and reminders add their own counts)."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry: int = 0


@dataclass(frozen=True)
class Outbox(Generic[Post]):
    model: type[Post]
    event_type: str
    key: Callable[[Post], str]
    # Where an earlier attempt's message would be; None when it never got as far as posting.
    locate: Callable[[Session, Post], Place | object | None]
    # A claim older than this lost its worker.
    stale_after: timedelta
    batch: int = 10
    max_attempts: int = 5

    @staticmethod
    def queued(
        *,
        model: type[Queued],
        event_type: str,
        owner: type[InWorkspace],
        owner_id: Callable[[Queued], int],
        key: Callable[[Queued], str] | None = None,
    ) -> Outbox[Queued]:
        """The outbox of rows queued with their channel (reminders, judgment follow-ups,
        sponsor DMs; sent by `send_queued`): each belongs to an `owner` row (its id
        `owner_id`, also its metadata key unless `key` says otherwise), whose workspace it
        goes out in. Three attempts; a claim 15 minutes old lost its worker."""

        def locate(session: Session, post: Queued) -> Place | object:
            found = session.get(owner, owner_id(post))
            team_id = found and session.scalar(
                select(Workspace.team_id).where(Workspace.id == found.workspace_id)
            )
            return Place(team_id, post.channel_id) if team_id else GONE

        return Outbox(
            model=model,
            event_type=event_type,
            key=key or (lambda post: str(owner_id(post))),
            locate=locate,
            stale_after=timedelta(minutes=15),
            max_attempts=3,
        )

    def run(
        self,
        *,
        deliver: Callable[[Session, Sender, Post], str | None],
        tally: Tally,
        **run: Unpack[RunArgs],
    ) -> int:
        """One run: settle stale claims, then claim rows and `deliver` each (its message's ts;
        None when it set another status) for about `budget_seconds` (None: until none is
        left), recording and counting the outcome in `tally`; the number of claims settled."""
        database, now = run["database"], run["now"]
        sender = Sender(run["settings"])
        recovered = recover_stale(
            database=database,
            outbox=self,
            sender=sender,
            token_for=run["token_for"],
            now=now,
            older_than=self.stale_after,
        )
        owner = claim_owner(run.get("worker_id", "cli"))

        def claim_batch() -> list[int] | None:
            with database.session() as session:
                ids = claim(
                    session=session, model=self.model, worker_id=owner, now=now, limit=self.batch
                )
            return ids or None

        def deliver_one(post_id: int) -> None:
            with database.session() as session:
                post = session.get(self.model, post_id)
                if post is None or post.status != DeliveryStatus.CLAIMED:
                    return
                try:
                    ts = deliver(session, sender, post)
                except SendFailed as error:
                    self.settle(post, error, tally)
                    return
                if ts is None:  # the feature decided not to send it (it says why)
                    tally.skipped += 1
                else:
                    mark_sent(post, ts, now)
                    tally.sent += 1

        drain(claim=claim_batch, deliver=deliver_one, budget_seconds=run.get("budget_seconds"))
        return recovered

    def send_queued(
        self,
        *,
        wanted: Callable[[Session, Post], bool],
        message: Callable[[Session, Post], dict[str, Any] | None],
        tally: Tally,
        **run: Unpack[RunArgs],
    ) -> int:
        """`run` for rows queued with their channel, one message each: a row no longer
        `wanted` is skipped; else it is posted once where `locate` says, and on a retry (an
        earlier attempt may have reached Slack: a timeout, a 5xx) looked for there first, its
        `message` built only when it is not found (None: no longer worth sending, skipped)."""
        token_for = run["token_for"]

        def deliver(session: Session, sender: Sender, post: Post) -> str | None:
            if not wanted(session, post):
                post.status = DeliveryStatus.SKIPPED
                return None
            post.attempts += 1
            where = self.locate(session, post)
            if not isinstance(where, Place):
                raise SendFailed("workspace_gone", Outcome.WORKSPACE_GONE)
            try:
                slack = slack_for(sender, token_for, where.team_id)
            except WorkspaceInactive:
                raise SendFailed("workspace_inactive", Outcome.WORKSPACE_GONE) from None
            found = self.find_posted(slack, post, where.channel) if post.attempts > 1 else None
            if found:
                return found
            payload = message(session, post)
            if payload is None:  # no longer worth sending after all
                post.status = DeliveryStatus.SKIPPED
                return None
            return self.post(slack, post, where.channel, payload).ts

        return self.run(deliver=deliver, tally=tally, **run)

    def post(self, slack: Slack, post: Post, channel: str, message: dict[str, Any]) -> Posted:
        """Post a row's {text, blocks} with the metadata that finds it again."""
        return post_message(
            slack,
            channel=channel,
            text=message["text"],
            blocks=message["blocks"],
            metadata=self.metadata(post),
        )

    def metadata(self, post: Post) -> dict[str, object]:
        """The message metadata a delivery carries, so it can be found again."""
        return {"event_type": self.event_type, "event_payload": {"key": self.key(post)}}

    def settle(self, post: Post, error: SendFailed, tally: Tally) -> None:
        """Record and count a failed attempt: failed for good, or pending for a later run."""
        if settle_failure(post, error, max_attempts=self.max_attempts):
            tally.failed += 1
            logger.warning("%s not sent: %s", self.event_type, error.error)
        else:
            tally.retry += 1

    def find_posted(self, slack: Slack, post: Post, channel: str) -> str | None:
        return reconcile.find_posted(
            slack,
            channel=channel,
            match=reconcile.metadata_matches(self.event_type, key=self.key(post)),
        )


def slack_for(sender: Sender, token_for: Callable[[str], str | None], team_id: str) -> Slack:
    return Slack.for_token(sender, token_for(team_id), team_id)


def mark_sent(post: Post, ts: str, now: datetime) -> None:
    post.status, post.message_ts, post.sent_at = DeliveryStatus.SENT, ts, now
    post.last_error = None


def settle_failure(post: Post, error: SendFailed, *, max_attempts: int) -> bool:
    """Record a failed attempt: True when it failed for good (permanent, or out of attempts);
    else pending again, its claimed_at (this run's instant) deferring it to a later run."""
    post.last_error = error.error[:255]
    if error.permanent or post.attempts >= max_attempts:
        post.status = DeliveryStatus.FAILED
        return True
    post.status = DeliveryStatus.PENDING
    return False


Item = TypeVar("Item")
Result = TypeVar("Result")


def drain(
    *,
    claim: Callable[[], Sequence[Item] | None],
    deliver: Callable[[Item], Result],
    record: Callable[[list[Result]], None] | None = None,
    budget_seconds: float | None,
    threads: int = 1,
) -> None:
    """The one delivery loop: `claim` a batch and commit it (None: nothing is left; empty:
    nothing to send in this one, look further), `deliver` each item (on `threads` threads),
    `record` the results; for about `budget_seconds` (None: to the end). The rest waits for a
    later run, so a busy Monday cannot hold up the worker's other jobs for more than a tick."""
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    with ThreadPoolExecutor(threads, thread_name_prefix="delivery") as pool:
        while deadline is None or time.monotonic() < deadline:
            items = claim()
            if items is None:
                return
            # One thread: deliver here, so a feature's per-row session stays on this thread.
            results = list(pool.map(deliver, items) if threads > 1 else map(deliver, items))
            if record is not None and results:
                record(results)


def recover_stale(
    *,
    database: Database,
    outbox: Outbox[Post],
    sender: Sender,
    token_for: Callable[[str], str | None],
    now: datetime,
    older_than: timedelta,
) -> int:
    """Settle claims whose worker died: sent if Slack has the message, pending if it
    certainly does not, `unknown` if there is no way to tell (never risk a second copy)."""
    recovered = 0
    with database.session() as session:
        for post in stale_claims(
            session=session, model=outbox.model, now=now, older_than=older_than
        ):
            place = outbox.locate(session, post)
            if place is GONE:
                continue
            if not isinstance(place, Place):
                post.status = DeliveryStatus.PENDING  # it never got as far as posting
                recovered += 1
                continue
            try:
                slack = slack_for(sender, token_for, place.team_id)
                ts = outbox.find_posted(slack, post, place.channel)
            except SendFailed as error:
                post.last_error = error.error[:255]
                if not error.permanent:
                    # Throttled or unreachable: the claim stays stale and is checked again
                    # on a later run; the next look-ups would be refused alike.
                    break
                post.status = DeliveryStatus.UNKNOWN
                continue
            if ts is not None:
                mark_sent(post, ts, now)
            else:
                post.status = DeliveryStatus.PENDING
            recovered += 1
    return recovered
