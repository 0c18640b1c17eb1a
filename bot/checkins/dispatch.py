"""One delivery run: due rows → claims → chat.postMessage (paced, retried) → ts stored.

The database holds every fact that must survive a crash: a row is committed as claimed
before its message is posted, and its ts is committed after. Between the two only the Slack
side knows; the message metadata carries the check-in id so that the next run can look.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.checkins import delivery, present, silence
from bot.checkins.delivery import Outcome, Outgoing
from bot.coaching.library import CoachingLibrary
from bot.coaching.staff_problem import OnCheckin
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from bot.delivery import claim as claims
from bot.delivery import messages, outbox, reconcile
from bot.delivery import sender as sending
from bot.delivery.messages import SendFailed, Slack
from bot.delivery.sender import Result, Sender
from bot.expectations import service as expectations
from bot.problems import service as problems
from bot.suggestions import flows as suggestion_flows
from bot.ui import checkins as ui
from bot.ui.blocks import Block
from bot.ui.checkins import METADATA_EVENT, checkin_metadata
from bot.workspaces.service import WorkspaceInactive

logger = logging.getLogger(__name__)

CLAIM_BATCH = 100
CREATE_BATCH = 100
HISTORY_PAGES = 3
# Consecutive sends that Slack failed (after their own retries) before a workspace is left
# for the next run: when Slack is down, a run ends in seconds instead of retrying for hours.
FAILURES_BEFORE_GIVING_UP = 5


@dataclass
class _Cursor:
    """Where a run is: more users due, the last row looked at, when its batch was claimed."""

    more_due: bool = True
    after_id: int = 0
    claimed_at: float = 0.0


@dataclass
class Report:
    """What one run did."""

    released: int = 0
    expired: int = 0
    created: int = 0
    sent: int = 0
    found: int = 0
    deferred: int = 0
    cancelled: int = 0
    failed: int = 0
    unsent: int = 0

    def summary(self) -> str:
        return (
            f"created {self.created}, sent {self.sent} (already posted: {self.found}), "
            f"deferred for quiet hours {self.deferred}, expired {self.expired}, "
            f"failed {self.failed}, left for later {self.unsent}, "
            f"reconciled claims {self.released}, cancelled {self.cancelled}"
        )


class Dispatcher:
    """Sends the check-ins of one run; safe to run in several processes at once."""

    def __init__(
        self,
        *,
        database: Database,
        settings: Settings,
        library: CoachingLibrary,
        token_for: Callable[[str], str | None],
        worker_id: str = "cli",
        sender: Sender | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.library = library
        self.token_for = token_for
        self.sender = sender or Sender(settings)
        self.owner = claims.claim_owner(worker_id)
        self.grace = timedelta(hours=settings.checkin_grace_hours)
        self.lease = timedelta(seconds=settings.checkin_claim_lease_seconds)
        self._gone_workspaces: set[str] = set()
        self._tokens: dict[str, str | None] = {}
        # Workspaces where Slack keeps failing (5xx, timeouts) stop being tried for this run.
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- the run ----------------------------------------------------------------------

    def run(self, now: datetime, *, budget_seconds: float | None = None) -> Report:
        """Send what is due at `now`; with a budget, stop claiming once it is spent."""
        report = Report()
        with self.database.session() as session:
            report.released = claims.release_lapsed(
                session=session,
                model=CheckIn,
                owner=self.owner,
                lease=self.lease,
                real_now=clock.now(),
            )
        with self.database.session() as session:
            report.expired = delivery.expire_missed(session=session, now=now, grace=self.grace)
        cursor = _Cursor()
        outbox.drain(
            claim=functools.partial(self._claim, now, report, cursor),
            deliver=functools.partial(self._deliver, cursor),
            record=functools.partial(self._record, report),
            budget_seconds=budget_seconds,
            threads=self.settings.slack_send_threads,
        )
        return report

    def _claim(self, now: datetime, report: Report, cursor: _Cursor) -> list[Outgoing] | None:
        """Create due rows and claim sendable ones, interleaved in small batches, so the first
        messages go out at once and row creation hides inside the sending schedule."""
        if cursor.more_due:
            with self.database.session() as session:
                created = delivery.create_due(
                    session=session,
                    now=now,
                    grace=self.grace,
                    library=self.library,
                    limit=CREATE_BATCH,
                )
            report.created += created.created
            cursor.more_due = created.users >= CREATE_BATCH
        with self.database.session() as session:
            claimed = delivery.claim(
                session=session,
                now=now,
                real_now=clock.now(),
                grace=self.grace,
                owner=self.owner,
                after_id=cursor.after_id,
                limit=CLAIM_BATCH,
                default_calendar=self.settings.holiday_calendar,
            )
        if not claimed.seen:
            return [] if cursor.more_due else None
        cursor.after_id = claimed.last_id
        report.deferred += claimed.deferred
        report.cancelled += claimed.cancelled
        report.expired += claimed.expired
        cursor.claimed_at = time.monotonic()
        return claimed.items

    def _record(self, report: Report, outcomes: list[Outcome]) -> None:
        with self.database.session() as session:
            delivery.record(
                session=session, owner=self.owner, outcomes=outcomes, real_now=clock.now()
            )
        for outcome in outcomes:
            if outcome.status == "sent":
                report.sent += 1
                report.found += outcome.found
            elif outcome.status == "failed":
                report.failed += 1
            elif outcome.status == "expired":
                report.expired += 1
            else:
                report.unsent += 1

    # -- one check-in -----------------------------------------------------------------

    def _deliver(self, cursor: _Cursor, item: Outgoing) -> Outcome:
        try:
            return self._deliver_one(item, cursor.claimed_at)
        except Exception as error:  # never lose the batch: the row is reconciled next run
            logger.exception("check-in delivery failed", extra={"checkin_id": item.checkin_id})
            return Outcome(item, "unknown", error=type(error).__name__)

    def _deliver_one(self, item: Outgoing, claimed_at: float) -> Outcome:
        token = self._token(item.team_id)
        with self._lock:
            if (
                item.team_id in self._gone_workspaces
                or self._failures.get(item.team_id, 0) >= FAILURES_BEFORE_GIVING_UP
            ):
                return self._unsent(item)
        slack = Slack.for_token(self.sender, token, item.team_id)
        client = slack.client

        check = functools.partial(self._find_posted, slack, item)
        if item.needs_check or item.check_only:
            try:
                found = check()
            except SendFailed as lookup:
                return self._outcome(item, Result(lookup.outcome, error=lookup.error))
            if found is not None:
                return Outcome(item, "sent", found["channel"], found["ts"], found=True)
            if item.check_only:
                return Outcome(item, "expired")
        # A claim older than half its lease is given back rather than risk a second sender.
        if time.monotonic() - claimed_at > self.lease.total_seconds() / 2:
            return self._unsent(item)
        message = present.new_message(
            library=self.library,
            checkin_id=item.checkin_id,
            prompt_ids=item.prompt_ids,
            slot_local=item.slot_local,
            read_on=item.due_local.date(),
            prefs=item.prefs,
            span=item.span,
            suggestions=self._open_suggestions(item),
            ask_expectations=self._ask_expectations(item),
            problem=self._problem(item),
            silence=self._silence(item),
        )
        result = self.sender.call(
            lambda: client.chat_postMessage(
                channel=item.dm_channel_id or item.slack_user_id,
                metadata=checkin_metadata(item.checkin_id, item.delivery),
                unfurl_links=False,
                **message,
            ),
            workspace=item.team_id,
            channel=item.slack_user_id,
            check=check,  # a failed look-up counts as ambiguous: nothing is resent
        )
        if result.outcome is sending.Outcome.OK and item.earlier is not None:
            self._retire_earlier(client, item)
        return self._outcome(item, result)

    def _retire_earlier(self, client: Any, item: Outgoing) -> None:
        """A snoozed check-in just posted again: its first copy loses its buttons and says
        where the live one is (a failure leaves it as it was: its buttons still act on the
        check-in, and redraw the copy below)."""
        if item.earlier is None:
            return
        channel, ts = item.earlier
        period = present.period_of(item.slot_local, None, item.prefs, item.span)  # as first read
        payload = ui.brought_back_copy(period=period, reposted_local=item.due_local)
        try:
            self.sender.call(
                lambda: client.chat_update(channel=channel, ts=ts, **payload),
                workspace=item.team_id,
                channel=item.slack_user_id,
            )
        except Exception:
            logger.exception("snoozed copy not updated", extra={"checkin_id": item.checkin_id})

    def _ask_expectations(self, item: Outgoing) -> bool:
        """Whether the check-in asks for the person's staff expectations (issue 17)."""
        with self.database.session() as session:
            return expectations.asks_on_checkin(
                session=session, user_id=item.user_id, checkin_id=item.checkin_id
            )

    def _silence(self, item: Outgoing) -> list[Block]:
        """The line that noticed three check-ins went by unanswered, when this one says it
        (bot/checkins/silence.py)."""
        with self.database.session() as session:
            checkin = session.get(CheckIn, item.checkin_id)
            notices = checkin is not None and silence.notices(session, checkin)
        cadence = item.prefs.cadence if item.prefs is not None else "weekly"
        return present.silence_line(
            self.library, checkin_id=item.checkin_id, notices=notices, cadence=cadence
        )

    def _problem(self, item: Outgoing) -> OnCheckin | None:
        """The question about the person's staff-shaped problem (issue 17 item 3); when it
        has stalled, this check-in is recorded as the one asking (committed before sending:
        a resend of the same check-in asks the same)."""
        with self.database.session() as session:
            user = session.get(User, item.user_id)
            checkin = session.get(CheckIn, item.checkin_id)
            if user is None or checkin is None:
                return None
            return problems.for_new_checkin(
                session=session, user=user, checkin=checkin, library=self.library, now=clock.now()
            )

    def _open_suggestions(self, item: Outgoing) -> list[tuple[int, str, str]]:
        """This week's open thanks suggestions for the person (bot/suggestions)."""
        with self.database.session() as session:
            found = suggestion_flows.open_this_week(
                session=session, user_id=item.user_id, now=clock.now()
            )
        return [(s.id, s.thanker, s.channel_id) for s in found]

    def _token(self, team_id: str) -> str | None:
        """The workspace's bot token, looked up once per run; one with none is left alone."""
        with self._lock:
            if team_id in self._tokens:
                return self._tokens[team_id]
        try:
            token = self.token_for(team_id)
        except WorkspaceInactive:  # uninstalled, or its installation lost its token
            token = None
            logger.info("workspace inactive: nothing sent there", extra={"team_id": team_id})
            with self._lock:
                self._gone_workspaces.add(team_id)
        with self._lock:
            self._tokens[team_id] = token
        return token

    def _unsent(self, item: Outgoing) -> Outcome:
        if item.needs_check:
            return Outcome(item, "unknown", error="carried over")
        return Outcome(item, "pending")

    def _outcome(self, item: Outgoing, result: Result) -> Outcome:
        kind = result.outcome
        with self._lock:
            if kind in (sending.Outcome.AMBIGUOUS, sending.Outcome.RATE_LIMITED):
                self._failures[item.team_id] = self._failures.get(item.team_id, 0) + 1
            else:
                self._failures[item.team_id] = 0
        if kind is sending.Outcome.OK:
            data = result.data
            return Outcome(
                item,
                "sent",
                str(data.get("channel") or item.dm_channel_id or ""),
                str(data.get("ts") or ""),
                found=result.found,
            )
        if kind is sending.Outcome.USER_GONE:
            return Outcome(item, "failed", error=result.error, user_gone=True)
        if kind is sending.Outcome.WORKSPACE_GONE:
            with self._lock:
                self._gone_workspaces.add(item.team_id)
            logger.warning(
                "workspace stopped accepting our token: %s", result.error,
                extra={"team_id": item.team_id},
            )  # fmt: skip
            status = "unknown" if item.needs_check else "pending"  # still maybe sent
            return Outcome(item, status, error=result.error, workspace_gone=True)
        if kind is sending.Outcome.REJECTED:
            return Outcome(item, "failed", error=result.error)
        if kind is sending.Outcome.AMBIGUOUS or item.needs_check:
            return Outcome(item, "unknown", error=result.error)
        return Outcome(item, "pending", error=result.error)

    # -- reconciliation ---------------------------------------------------------------

    def _find_posted(self, slack: Slack, item: Outgoing) -> dict[str, Any] | None:
        """This delivery's message in the DM, found by its metadata; None if not there."""
        channel = item.dm_channel_id or messages.open_dm(slack, item.slack_user_id)
        ts = reconcile.find_posted(
            slack,
            channel=channel,
            match=reconcile.metadata_matches(
                METADATA_EVENT, checkin_id=item.checkin_id, delivery=item.delivery
            ),
            pages=HISTORY_PAGES,
            wait_if_throttled=True,
        )
        return None if ts is None else {"channel": channel, "ts": ts}
