"""Thanks suggestions, one function per step; each owns its unit of work.

No Slack client here: what Slack must do (read a message, its permalink) comes in as plain
callables, and DMs go through the delivery core, only after the session has committed (no
connection held meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot.capture.thanks import thanks_in_event
from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceEntry, User
from bot.delivery import reconcile
from bot.delivery.messages import Slack, open_dm, post_message
from bot.evidence import service as evidence
from bot.evidence.parsing import parse_evidence
from bot.suggestions import service as suggestions
from bot.ui import suggestions as ui
from bot.workspaces import service as workspaces

# The suggestion DM's message metadata: a retried event finds the DM it already sent.
EVENT_TYPE = "multiplier_thanks_suggestion"


@dataclass(frozen=True)
class Suggested:
    """A suggestion to DM: who was thanked, by whom, where (ids only)."""

    id: int
    thanked: str
    thanker: str
    channel_id: str
    message_ts: str
    # Made by an earlier delivery of this event (Slack's retry after that one failed): its
    # DM may have gone out before the failure.
    again: bool = False


def thanks_seen(
    *,
    session: Session,
    team_id: str,
    event: Mapping[str, Any],
    bots: Collection[str],
    now: datetime,
) -> list[Suggested]:
    """A public-channel message: the people it thanks who opted in (in a workspace that
    did) get an open suggestion each. Nothing of the text is kept; the caller DMs them."""
    if event.get("channel_type") != "channel":  # only public channels, whatever arrives
        return []
    # The workspace's opt-in first: while it is off, not even the detector reads the text.
    workspace = workspaces.get_workspace(session=session, team_id=team_id)
    if workspace is None or not suggestions.workspace_allows(workspace):
        session.commit()
        return []
    verdict = thanks_in_event(event, bots=bots)
    if not verdict:
        session.commit()
        return []
    thanker, channel_id, ts = str(event["user"]), str(event["channel"]), str(event["ts"])
    made: list[Suggested] = []
    for user in suggestions.opted_in(
        session=session, workspace_id=workspace.id, slack_user_ids=verdict.people
    ):
        row = suggestions.add_suggestion(
            session=session,
            user=user,
            thanker=thanker,
            channel_id=channel_id,
            message_ts=ts,
            thread_ts=event.get("thread_ts"),
            now=now,
        )
        again = row is None
        if again:
            row = suggestions.suggestion_of(
                session=session, user=user, channel_id=channel_id, message_ts=ts
            )
        if row is not None and row.status == suggestions.OPEN:
            made.append(Suggested(row.id, user.slack_user_id, thanker, channel_id, ts, again))
    session.commit()
    return made


def dm_suggestions(
    made: Sequence[Suggested], *, slack: Slack, permalink: Callable[[str, str], str | None]
) -> None:
    """DM each person thanked their suggestion, through the delivery core, with metadata
    naming it. One an earlier delivery of the event made is looked for in the DM first, so
    Slack's retry of an event whose DM failed sends it, and one whose DM went out (the
    failure came after) sends no second. A failed post raises SendFailed: the event fails,
    and Slack's retry of it tries again."""
    for suggestion in made:
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": str(suggestion.id)}}
        if suggestion.again and reconcile.find_posted(
            slack,
            channel=open_dm(slack, suggestion.thanked),
            match=reconcile.metadata_matches(EVENT_TYPE, key=str(suggestion.id)),
        ):
            continue
        post_message(
            slack,
            channel=suggestion.thanked,
            metadata=metadata,
            **ui.suggestion_message(
                suggestion_id=suggestion.id,
                thanker=suggestion.thanker,
                channel_id=suggestion.channel_id,
                permalink=permalink(suggestion.channel_id, suggestion.message_ts),
                days=suggestions.SUGGESTION_LIFETIME.days,
            ),
        )


class Logged(StrEnum):
    LOGGED = "logged"
    GONE = "gone"  # expired, already decided, or not theirs
    UNREADABLE = "unreadable"  # Slack no longer gives the message (deleted, app removed)


@dataclass(frozen=True)
class LogOutcome:
    outcome: Logged
    entry: EvidenceEntry | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class MessageRef:
    channel_id: str
    ts: str
    thread_ts: str | None


def log_suggestion(
    *,
    session: Session,
    user: User,
    suggestion_id: int,
    library: CoachingLibrary,
    read_text: Callable[[MessageRef], str | None],
    permalink: Callable[[MessageRef], str | None],
    now: datetime,
) -> LogOutcome:
    """ "Log it": read the message from Slack now, and keep it as the user's evidence with its
    permalink, crediting who thanked them."""
    row = suggestions.get_open(session=session, user=user, suggestion_id=suggestion_id, now=now)
    if row is None:
        session.commit()
        return LogOutcome(Logged.GONE)
    ref = MessageRef(row.channel_id, row.message_ts, row.thread_ts)
    session.commit()  # hold no connection while Slack answers
    text = read_text(ref)
    link = permalink(ref)
    row = suggestions.get_open(session=session, user=user, suggestion_id=suggestion_id, now=now)
    if row is None:  # decided in another click meanwhile
        session.commit()
        return LogOutcome(Logged.GONE)
    if not text or not text.strip():
        session.delete(row)
        session.commit()
        return LogOutcome(Logged.UNREADABLE, channel_id=ref.channel_id)
    text = text[: evidence.MAX_TEXT_LENGTH]
    parsed = parse_evidence(text, library, author=user.slack_user_id)
    people = [row.thanker_slack_user_id]
    people += [p for p in parsed.people if p not in people]
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=text,
        source=evidence.THANKS,
        dimension=parsed.dimension,
        scope=parsed.scope,
        people=people,
        permalink=link,
        source_channel_id=ref.channel_id,
        source_message_ts=ref.ts,
    )
    session.flush()
    row.status = suggestions.LOGGED
    row.evidence_id = entry.id
    session.commit()
    return LogOutcome(Logged.LOGGED, entry, ref.channel_id)


def dismiss(*, session: Session, user: User, suggestion_id: int, now: datetime) -> bool:
    """ "Dismiss": the suggestion is closed (its ids go at expiry); False when not open."""
    row = suggestions.get_open(session=session, user=user, suggestion_id=suggestion_id, now=now)
    if row is not None:
        row.status = suggestions.DISMISSED
    session.commit()
    return row is not None


def set_capture(*, session: Session, user: User, on: bool) -> bool:
    """The person's own opt-in; whether the workspace allows capture too."""
    user.capture_thanks = on
    allowed = suggestions.workspace_allows(user.workspace)
    session.commit()
    return allowed


def set_workspace_capture(*, session: Session, user: User, on: bool) -> None:
    """An admin's choice for the whole workspace (the caller checked they are one)."""
    suggestions.set_workspace_allows(user.workspace, on)
    session.commit()


@dataclass(frozen=True)
class CaptureStatus:
    person: bool
    workspace: bool


def capture_status(*, session: Session, user: User) -> CaptureStatus:
    status = CaptureStatus(user.capture_thanks, suggestions.workspace_allows(user.workspace))
    session.commit()
    return status


@dataclass(frozen=True)
class OpenSuggestion:
    id: int
    thanker: str
    channel_id: str


def open_this_week(
    *, session: Session, user_id: int, now: datetime, days: int = 7
) -> list[OpenSuggestion]:
    """The user's open suggestions of the last `days` days, for the weekly check-in."""
    rows = suggestions.open_suggestions(
        session=session, user_id=user_id, since=now - timedelta(days=days), now=now
    )
    return [OpenSuggestion(r.id, r.thanker_slack_user_id, r.channel_id) for r in rows]


def forget_expired(*, session: Session, now: datetime) -> int:
    removed = suggestions.delete_expired(session=session, now=now)
    session.commit()
    return removed
