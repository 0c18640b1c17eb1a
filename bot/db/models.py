"""The tables. Every row that belongs to a workspace carries `workspace_id` for tenancy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, UserString, UserText, UTCDateTime, utcnow
from bot.delivery.status import CheckInStatus, DeliveryStatus, StatusType, allowed
from bot.problems.states import allowed_closed_how

FRIDAY = 4
DEFAULT_CHECKIN_MINUTE = 15 * 60
# Work days as a bit mask, bit n for weekday n (Monday is bit 0): Monday to Friday.
MONDAY_TO_FRIDAY = 0b0011111

SlackId = String(32)


class _InWorkspace:
    """A row of a workspace (deleted with it): its id and the workspace's. The columns come
    first in the table, as they did when each table wrote them out (`sort_order`)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), sort_order=-2
    )


class _OwnedByUser(_InWorkspace):
    """A row of one person in a workspace (deleted with them)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), sort_order=-1)


class Workspace(Base):
    """A Slack workspace (team) the app is installed in."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(SlackId)
    name: Mapped[str | None] = mapped_column(UserString(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After uninstall, the workspace's data is deleted once this instant has passed.
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Team defaults an admin sets (e.g. default check-in day); user preferences override them.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(_InWorkspace, Base):
    """An engineer in a workspace, with their check-in preferences."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("workspace_id", "slack_user_id"),
        Index("ix_users_due", "checkins_enabled", "next_checkin_at"),
    )

    slack_user_id: Mapped[str] = mapped_column(SlackId)
    display_name: Mapped[str | None] = mapped_column(UserString(255))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    tz_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    # False once Slack says the account is gone or deactivated: nothing more is sent.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(64))
    # After the user revoked the app's access (tokens_revoked), their data is deleted then.
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    dm_channel_id: Mapped[str | None] = mapped_column(SlackId)

    checkins_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    cadence: Mapped[str] = mapped_column(String(16), default="weekly")
    checkin_weekday: Mapped[int] = mapped_column(SmallInteger, default=FRIDAY)
    # For the twice-a-week cadence; Monday is 0.
    second_weekday: Mapped[int | None] = mapped_column(SmallInteger)
    checkin_minute: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_CHECKIN_MINUTE)
    quiet_start_minute: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_end_minute: Mapped[int | None] = mapped_column(SmallInteger)
    reminder_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Reminders and snoozes never land on other days (the person's weekend).
    workdays: Mapped[int] = mapped_column(
        SmallInteger, default=MONDAY_TO_FRIDAY, server_default=str(MONDAY_TO_FRIDAY)
    )
    # Time off (bot/capture/timeoff.py): the public-holiday calendar the person chose ("US",
    # "DE-BY", "none"; unset: the workspace's HOLIDAY_CALENDAR), and the last time their Slack
    # status said away, from when it was seen until it expired or was cleared (no end: open).
    holiday_calendar: Mapped[str | None] = mapped_column(String(32))
    away_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    away_why: Mapped[str | None] = mapped_column(String(255))
    summary_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Thanks in public channels become private suggestions (opt-in; the workspace too).
    capture_thanks: Mapped[bool] = mapped_column(Boolean, default=False)
    # The next check-in slot in UTC, precomputed so "who is due" is one indexed range query.
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    workspace: Mapped[Workspace] = relationship(lazy="joined")


class OutboxRow:
    """The columns of one delivery's life, pending → claimed → sent / failed / unknown
    (bot/delivery/status.py), shared by every outbox table (bot/delivery/outbox.py)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    status: Mapped[DeliveryStatus] = mapped_column(
        StatusType(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    message_ts: Mapped[str | None] = mapped_column(SlackId)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def table_args(table: str, *more: Any) -> tuple[Any, ...]:
        """The table's own constraints, with what every such table has: claims find the few
        pending rows by status, and the status is one of DeliveryStatus."""
        return (
            *more,
            Index(f"ix_{table}_status", "status"),
            CheckConstraint(allowed(DeliveryStatus), name="status"),
        )


class QueuedPost(OutboxRow):
    """An outbox row queued with the channel it goes to (a DM): where it is posted, and where
    a retry looks for it first (`Outbox.queued`)."""

    channel_id: Mapped[str] = mapped_column(SlackId)


class CheckIn(_OwnedByUser, Base):
    """One scheduled reflection check-in: a delivery unique per user and period."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("user_id", "period_key"),
        Index("ix_checkins_status_slot", "status", "slot_at"),
        CheckConstraint(allowed(CheckInStatus), name="status"),
    )

    period_key: Mapped[str] = mapped_column(String(32))
    # The local days it asks about and how they are named ("week", "two_weeks", "since":
    # `bot.checkins.schedule.Span`), fixed when it is created, so a later change of cadence
    # never rewrites a check-in already sent. NULL on rows from before: read from the
    # person's cadence.
    period_kind: Mapped[str | None] = mapped_column(String(16))
    period_first: Mapped[date | None] = mapped_column(Date)
    period_last: Mapped[date | None] = mapped_column(Date)
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending → claimed → sent (or failed / unknown: bot/delivery/status.py) → answered; or
    # skipped / snoozed / expired / cancelled.
    status: Mapped[CheckInStatus] = mapped_column(
        StatusType(CheckInStatus), default=CheckInStatus.PENDING
    )
    prompt_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(SlackId)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person first responded to the check-in other than by an answer, a snooze or a
    # skip (bot/checkins/silence.py): a choice on the line that noticed their silence (a new
    # pace, keep as is), or a staff-problem step ticked on it.
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderPost(QueuedPost, Base):
    """The one reminder about an unanswered check-in, in the check-in's DM."""

    __tablename__ = "reminder_posts"
    __table_args__ = QueuedPost.table_args(__tablename__)

    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), unique=True
    )


class SponsorNote(_OwnedByUser, Base):
    """One answer to the sponsor thread (issue 17.2): who could advocate for the person in a
    room they are not in, when they last showed them their work, and one next step. Kept
    over time (the newest is the current one); private to its owner."""

    __tablename__ = "sponsor_notes"
    __table_args__ = (Index("ix_sponsor_notes_user_created", "user_id", "created_at"),)

    # The sponsor as a Slack user (scrubbed if they use forget-me), or in the person's words.
    sponsor_user_id: Mapped[str | None] = mapped_column(SlackId)
    sponsor_text: Mapped[str | None] = mapped_column(UserText)
    # None: never shown them yet.
    last_shown_on: Mapped[date | None] = mapped_column(Date)
    next_step: Mapped[str] = mapped_column(UserText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SponsorPost(_OwnedByUser, QueuedPost, Base):
    """The one monthly sponsor-thread DM of a person (issue 17.2), sent with their first
    check-in of the month: unique per person and local month."""

    __tablename__ = "sponsor_posts"
    __table_args__ = QueuedPost.table_args(__tablename__, UniqueConstraint("user_id", "month"))

    # The person's local month, YYYY-MM.
    month: Mapped[str] = mapped_column(String(7))


class EvidenceEntry(_OwnedByUser, Base):
    """A piece of evidence on an engineer's log: what happened, for whom, at what scope."""

    __tablename__ = "evidence_entries"
    __table_args__ = (
        Index("ix_evidence_entries_user_occurred", "user_id", "occurred_at"),
        Index("ix_evidence_entries_workspace_occurred", "workspace_id", "occurred_at"),
    )

    text: Mapped[str] = mapped_column(UserText)
    dimension: Mapped[str | None] = mapped_column(String(32))
    scope: Mapped[str | None] = mapped_column(String(16))
    # Slack user ids of the people who benefited.
    people: Mapped[list[str]] = mapped_column(JSON, default=list)
    link: Mapped[str | None] = mapped_column(UserText)
    impact: Mapped[str | None] = mapped_column(UserText)
    # private (author only) or team (may appear in team digests).
    visibility: Mapped[str] = mapped_column(String(16), default="private")
    # brag, shortcut, modal, checkin, dm, kudos.
    source: Mapped[str] = mapped_column(String(16))
    permalink: Mapped[str | None] = mapped_column(UserText)
    source_channel_id: Mapped[str | None] = mapped_column(SlackId)
    source_message_ts: Mapped[str | None] = mapped_column(SlackId)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The person changed which expectations it maps to (bot/expectations/mapping.py): an edit
    # of its text then keeps their choice instead of suggesting again from the new words.
    mapped_by_hand: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Answer(_OwnedByUser, Base):
    """A reply to a check-in question, or "nothing this week"."""

    __tablename__ = "answers"
    # Replies typed in the DM are found again by their message when Slack reports an edit.
    __table_args__ = (Index("ix_answers_channel_message", "channel_id", "message_ts"),)

    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), index=True
    )
    prompt_id: Mapped[str | None] = mapped_column(String(64))
    # answer or nothing.
    kind: Mapped[str] = mapped_column(String(16), default="answer")
    text: Mapped[str | None] = mapped_column(UserText)
    # modal, dm or button.
    source: Mapped[str] = mapped_column(String(16))
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="SET NULL")
    )
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(SlackId)
    # The bot's confirmation of a DM answer (in the same channel): redrawn when it is edited.
    confirmation_ts: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ClassifierExample(_InWorkspace, Base):
    """A correction: the dimension and scope a person gave one of their entries by hand.

    The workspace's classifier learns from these (a text much like a corrected one gets its
    labels). The text is the entry's, read through `entry_id`, so editing or deleting the
    entry edits or deletes the example; one example per entry, the latest correction.
    """

    __tablename__ = "classifier_examples"
    __table_args__ = (Index("ix_classifier_examples_workspace", "workspace_id", "id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="CASCADE"), unique=True
    )
    dimension: Mapped[str | None] = mapped_column(String(32))
    scope: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Kudos(_InWorkspace, Base):
    """Peer recognition: recorded as evidence on the recipient's log."""

    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_giver_created", "giver_id", "created_at"),
        # Kudos received in a week: summaries, the Home tab and digests.
        Index("ix_kudos_recipient_created", "recipient_id", "created_at"),
    )

    # NULL once the giver used forget-me: the kudos stays the recipient's evidence, giver
    # removed ("from a former colleague").
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(UserText)
    # The giver's choice: may this kudos appear in team digests?
    share_in_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceShare(_InWorkspace, Base):
    """A summary or promotion packet the owner chose to send to a named person.

    Written when the owner asks (`pending`), sent only when they press Send (`sending`,
    then `sent` or `failed`), or `cancelled`. Goes with the owner on forget-me; the
    recipient's id is cleared if the recipient uses forget-me.
    """

    __tablename__ = "evidence_shares"
    __table_args__ = (Index("ix_evidence_shares_owner_created", "owner_id", "created_at"),)

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_slack_user_id: Mapped[str | None] = mapped_column(SlackId)
    kind: Mapped[str] = mapped_column(String(16))  # summary | packet
    period_label: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    filename: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ThanksSuggestion(_OwnedByUser, Base):
    """Someone thanked the user in a public channel: a suggestion to log it, until it expires.

    Only ids are kept (channel, message, who thanked): the message's text is read from
    Slack when the user clicks "Log it", and becomes their evidence then.
    """

    __tablename__ = "thanks_suggestions"
    __table_args__ = (
        UniqueConstraint("user_id", "channel_id", "message_ts"),
        Index("ix_thanks_suggestions_expires_at", "expires_at"),
    )

    # Named …user_id so forget-me finds it: the thanker forgotten, the suggestion goes too.
    thanker_slack_user_id: Mapped[str] = mapped_column(SlackId)
    channel_id: Mapped[str] = mapped_column(SlackId)
    message_ts: Mapped[str] = mapped_column(SlackId)
    thread_ts: Mapped[str | None] = mapped_column(SlackId)
    # open → logged or dismissed; an open one past expires_at is deleted.
    status: Mapped[str] = mapped_column(String(16), default="open")
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DigestChannel(_InWorkspace, Base):
    """A channel that receives the weekly team digest."""

    __tablename__ = "digest_channels"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    channel_id: Mapped[str] = mapped_column(SlackId)
    # The channel's name when the digest was set up or its members last refreshed.
    channel_name: Mapped[str | None] = mapped_column(UserString(255))
    weekday: Mapped[int] = mapped_column(SmallInteger, default=0)
    minute_of_day: Mapped[int] = mapped_column(SmallInteger, default=9 * 60)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    next_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    members_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When `digest add` (re)started it, until its first digest (which covers from here to its
    # slot) is queued.
    covers_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why Slack stopped it (`not_in_channel`, `channel_not_found`, `is_archived`), when, and
    # when the admin who set it up was told (once); all None while it runs or once removed.
    stopped_reason: Mapped[str | None] = mapped_column(String(64))
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DigestChannelMember(_InWorkspace, Base):
    """A member of a digest channel: the team a digest covers, and a team people can reach."""

    __tablename__ = "digest_channel_members"
    __table_args__ = (
        UniqueConstraint("digest_channel_id", "slack_user_id"),
        Index("ix_digest_channel_members_workspace_user", "workspace_id", "slack_user_id"),
    )

    digest_channel_id: Mapped[int] = mapped_column(
        ForeignKey("digest_channels.id", ondelete="CASCADE")
    )
    slack_user_id: Mapped[str] = mapped_column(SlackId)


class DigestPost(OutboxRow, Base):
    """One digest post: unique per channel and period so reruns never post twice."""

    __tablename__ = "digest_posts"
    __table_args__ = (
        UniqueConstraint("digest_channel_id", "period_key"),
        CheckConstraint(allowed(DeliveryStatus), name="status"),
    )

    digest_channel_id: Mapped[int] = mapped_column(
        ForeignKey("digest_channels.id", ondelete="CASCADE")
    )
    period_key: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it became `sent` (the column keeps its first name, posted_at).
    sent_at: Mapped[datetime | None] = mapped_column("posted_at", UTCDateTime)


class SummaryPost(_OwnedByUser, OutboxRow, Base):
    """One weekly personal summary: unique per user and week."""

    __tablename__ = "summary_posts"
    __table_args__ = OutboxRow.table_args(__tablename__, UniqueConstraint("user_id", "period_key"))

    period_key: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    # The nudge this summary showed, so the next ones do not repeat it week after week.
    nudge_id: Mapped[str | None] = mapped_column(String(64))


class DirectMessage(_InWorkspace, Base):
    """A message a user sent the bot in its DM, kept so nothing they typed is lost."""

    __tablename__ = "direct_messages"
    __table_args__ = (UniqueConstraint("channel_id", "ts"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(SlackId)
    ts: Mapped[str] = mapped_column(SlackId)
    thread_ts: Mapped[str | None] = mapped_column(SlackId)
    text: Mapped[str] = mapped_column(UserText)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Slack's `edited.ts` of the edit applied last: edits arrive out of order, and an older
    # one (or an unfurl or thread bump repeating it) must not undo a newer one.
    edited_ts: Mapped[str | None] = mapped_column(SlackId)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReactionCapture(_OwnedByUser, Base):
    """What one person's capture-emoji reaction on one message did (React to log).

    `status`: logged (their evidence: `entry_id`), offered (a DM choice awaits them), kudos
    (they sent its author kudos), dismissed, undone (removed within a minute), removed (a
    removal seen before its add: the late add is ignored). Nothing of the message is stored
    here: the text is read from Slack when it is logged.
    """

    __tablename__ = "reaction_captures"
    __table_args__ = (UniqueConstraint("user_id", "channel_id", "message_ts"),)

    channel_id: Mapped[str] = mapped_column(SlackId)
    message_ts: Mapped[str] = mapped_column(SlackId)
    author: Mapped[str | None] = mapped_column(SlackId)
    status: Mapped[str] = mapped_column(String(16))
    can_give_kudos: Mapped[bool] = mapped_column(Boolean, default=False)
    permalink: Mapped[str | None] = mapped_column(UserText)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="SET NULL")
    )
    # Slack's time of the add (event_ts) the undo window counts from, and of a removal.
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The DM that confirmed or offered it, redrawn on undo or on a choice.
    dm_channel: Mapped[str | None] = mapped_column(SlackId)
    dm_ts: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedEvent(Base):
    """A Slack event id already handled, so Slack's retries are not processed twice."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(SlackId)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SendBudget(Base):
    """One workspace's sending schedule for one rate-limit class, shared by every worker
    replica on PostgreSQL (bot/delivery/budget.py): the next free slot and any Retry-After
    pause, as wall-clock epoch seconds."""

    __tablename__ = "send_budgets"

    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)
    paused_until: Mapped[float] = mapped_column(Double)


# Slack's OAuth installations, with the columns of slack_sdk's SQLAlchemy installation store
# (`build_installations_table` / `build_bots_table` / `build_oauth_states_table`) so the data
# reads the same, but owned by our metadata and migrations, and with every secret (tokens,
# refresh tokens, the incoming webhook URL) stored Fernet-encrypted in a Text column: the
# ciphertext does not fit slack_sdk's String(200). bot.slack.installations reads and writes them.


class SlackInstallation(Base):
    """One OAuth installation (a workspace's bot, and the installing user's grant)."""

    __tablename__ = "slack_installations"
    __table_args__ = (
        Index(
            "ix_slack_installations_lookup",
            "client_id",
            "enterprise_id",
            "team_id",
            "user_id",
            "installed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(SlackId)
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_url: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(SlackId)
    team_name: Mapped[str | None] = mapped_column(String(200))
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(SlackId)
    bot_user_id: Mapped[str | None] = mapped_column(SlackId)
    bot_scopes: Mapped[str | None] = mapped_column(String(1000))
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[str] = mapped_column(SlackId)
    user_token: Mapped[str | None] = mapped_column(Text)
    user_scopes: Mapped[str | None] = mapped_column(String(1000))
    user_refresh_token: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incoming_webhook_url: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_channel: Mapped[str | None] = mapped_column(String(200))
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(String(200))
    incoming_webhook_configuration_url: Mapped[str | None] = mapped_column(String(200))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    token_type: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackBot(Base):
    """The bot token of a workspace's latest installation (what jobs and listeners use)."""

    __tablename__ = "slack_bots"
    __table_args__ = (
        Index("ix_slack_bots_lookup", "client_id", "enterprise_id", "team_id", "installed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(SlackId)
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(SlackId)
    team_name: Mapped[str | None] = mapped_column(String(200))
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(SlackId)
    bot_user_id: Mapped[str | None] = mapped_column(SlackId)
    bot_scopes: Mapped[str | None] = mapped_column(String(1000))
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackOAuthState(Base):
    """An OAuth `state` issued at /slack/install, consumed once at the redirect."""

    __tablename__ = "slack_oauth_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(200), unique=True)
    expire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class JudgmentCall(_OwnedByUser, Base):
    """A judgment call on the log (a decision, a long-horizon or problem-framing entry, or one
    the person marked a bet): when to ask how it turned out, and what they answered.

    The outcome lives here, beside its entry, rather than as a new entry: it is not new work
    of that week (it would count twice and be classified afresh) but the verdict on old work,
    and it goes with the entry (deleted with it, private like it)."""

    __tablename__ = "judgment_calls"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entries.id", ondelete="CASCADE"), unique=True
    )
    # Months after logging the follow-up comes (3 to 6); marked a bet by the person.
    months: Mapped[int] = mapped_column(Integer, default=3)
    bet: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(UserText)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JudgmentFollowupPost(QueuedPost, Base):
    """The one follow-up DM about a judgment call ("what happened?")."""

    __tablename__ = "judgment_followup_posts"
    __table_args__ = QueuedPost.table_args(__tablename__)

    call_id: Mapped[int] = mapped_column(
        ForeignKey("judgment_calls.id", ondelete="CASCADE"), unique=True
    )


class Expectation(_OwnedByUser, Base):
    """One of a person's staff expectations (issue 17), as they entered them from their
    company's ladder; private to them. Kept in place across edits, so an unchanged item
    keeps its id."""

    __tablename__ = "expectations"
    __table_args__ = (Index("ix_expectations_user_id", "user_id", "position"),)

    position: Mapped[int] = mapped_column(SmallInteger)
    # Stored Slack text (escaped, see bot.ui.text.from_typed).
    text: Mapped[str] = mapped_column(UserText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EntryExpectation(_OwnedByUser, Base):
    """An evidence entry counted as evidence for one of its owner's expectations (issue 17):
    suggested by the coach from the entry's words when it was logged, or chosen by the
    person. Several per entry; deleted with the entry, with the expectation (an edit that
    removes it) and with the person."""

    __tablename__ = "entry_expectations"
    __table_args__ = (
        UniqueConstraint("entry_id", "expectation_id"),
        Index("ix_entry_expectations_expectation_id", "expectation_id"),
    )

    entry_id: Mapped[int] = mapped_column(ForeignKey("evidence_entries.id", ondelete="CASCADE"))
    expectation_id: Mapped[int] = mapped_column(ForeignKey("expectations.id", ondelete="CASCADE"))
    # True: the coach suggested it from the text; False: the person chose it.
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PromotionStory(_OwnedByUser, Base):
    """A person's promotion story for one local quarter (issue 17.5): the draft the coach
    assembled from that quarter's log, and the story they edited it into. Private to them."""

    __tablename__ = "promotion_stories"
    __table_args__ = (UniqueConstraint("user_id", "quarter"),)

    # The quarter the story tells, YYYY-Qn (the person's local calendar).
    quarter: Mapped[str] = mapped_column(String(7))
    # Stored Slack text (escaped, see bot.ui.text.from_typed), as are both texts.
    draft: Mapped[str] = mapped_column(UserText)
    # How many items the draft left out to fit Slack's form.
    omitted: Mapped[int] = mapped_column(Integer, default=0)
    story: Mapped[str | None] = mapped_column(UserText)
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PromotionStoryPost(_OwnedByUser, QueuedPost, Base):
    """The one quarterly promotion-story DM of a person (issue 17.5), sent with their first
    check-in of the quarter: unique per person and local quarter (the quarter it is sent in;
    the draft tells the quarter before)."""

    __tablename__ = "promotion_story_posts"
    __table_args__ = QueuedPost.table_args(__tablename__, UniqueConstraint("user_id", "quarter"))

    # The person's local quarter it is sent in, YYYY-Qn.
    quarter: Mapped[str] = mapped_column(String(7))


class QuoteRequest(_InWorkspace, Base):
    """A quote the person asked one peer for (issue 17.5): one sentence about their
    influence, which comes back as kudos on their log. Private to the requester (their
    export, gone with their forget-me); the peer is kept by Slack id only (they may never
    have used the app), so the peer's forget-me deletes the request too.

    `status`: open → answered (`kudos_id`: the kudos it became) or declined; an open one
    older than EXPIRES_AFTER (bot/quotes/service.py) is expired. `open_key` is set while
    open and unique: one open request per requester and peer, even when two race."""

    __tablename__ = "quote_requests"
    __table_args__ = (Index("ix_quote_requests_requester_created", "requester_id", "created_at"),)

    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    peer_slack_user_id: Mapped[str] = mapped_column(SlackId)
    # The requester's optional note to the peer (stored Slack text, see from_typed).
    note: Mapped[str | None] = mapped_column(UserText)
    status: Mapped[str] = mapped_column(String(16), default="open")
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    kudos_id: Mapped[int | None] = mapped_column(ForeignKey("kudos.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuotePost(QueuedPost, Base):
    """A DM about a quote request, through the outbox: the ask to the peer (`ask`), and
    what the requester is told (`answered`, `declined`); one of each kind per request. Its
    channel is the recipient's Slack id (a DM to a user id: the peer may never have opened
    the app)."""

    __tablename__ = "quote_posts"
    __table_args__ = QueuedPost.table_args(__tablename__, UniqueConstraint("request_id", "kind"))

    request_id: Mapped[int] = mapped_column(ForeignKey("quote_requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))


class StaffProblem(_OwnedByUser, Base):
    """The staff-shaped problem a person took on (issue 17 item 3), and seed 001's path
    through it: which steps are done and when. One open problem per person (`closed_at` is
    empty); a closed one is kept (cleared, let go, or replaced by the next). Private to its
    owner."""

    __tablename__ = "staff_problems"
    __table_args__ = (
        # At most one open problem per person (both databases take a partial unique index).
        Index(
            "ux_staff_problems_open",
            "user_id",
            unique=True,
            sqlite_where=sql_text("closed_at IS NULL"),
            postgresql_where=sql_text("closed_at IS NULL"),
        ),
        CheckConstraint(allowed_closed_how(), name="closed_how"),
    )

    # Its name, stored Slack text (as Slack sent the command: escaped, mentions as <@U…>).
    text: Mapped[str] = mapped_column(UserText)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Step id (prompts/staff_problem.yaml) → when it was ticked, an ISO 8601 UTC instant.
    steps_done: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The check-in that asked "is this still the right problem?" for the current stall (asked
    # once per stall: a step, or the next stall's weeks, moves on from it), and when.
    stall_checkin_id: Mapped[int | None] = mapped_column(Integer)
    stall_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it closed (bot/problems/states.py): "cleared" (`problem clear`, the person's reset),
    # "let_go" ("Let it go" on the stall question) or "replaced" (a new one named).
    closed_how: Mapped[str | None] = mapped_column(String(16))


class ExpectationCheck(_OwnedByUser, QueuedPost, Base):
    """The monthly expectations check of a person (issue 17): "did you and your manager map
    your recent work to your staff expectations?", sent with their first check-in of the
    month that no other periodic DM rode (unique per person and local month: the DM's
    outbox row), and their answer. Private to them."""

    __tablename__ = "expectation_checks"
    __table_args__ = QueuedPost.table_args(
        __tablename__,
        UniqueConstraint("user_id", "month"),
        CheckConstraint("answer IN ('yes', 'no', 'skip')", name="answer"),
    )

    # The person's local month, YYYY-MM.
    month: Mapped[str] = mapped_column(String(7))
    # yes: mapped with their manager; no: not yet; skip: not this month (counts as neither).
    answer: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When this answer brought seed 002's red-flag advice (a second "no" in a row).
    advised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
