"""Free-text replies to a check-in in the DM: stored as answers, confirmed, editable."""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import answers, present
from bot.db.base import utcnow
from bot.db.models import User
from bot.listeners.actions.checkins import refresh_checkin_message
from bot.listeners.support import coaching_library
from bot.ui import checkins as ui


def take_answer(
    *,
    session: Session,
    context: BoltContext,
    client: WebClient,
    user: User,
    channel_id: str,
    ts: str,
    thread_ts: str | None,
    text: str,
) -> bool:
    """Store a DM as a check-in answer if it is one; confirm it in a thread. True if taken."""
    reply = answers.answer_from_dm(
        session=session,
        user=user,
        library=coaching_library(context),
        channel_id=channel_id,
        ts=ts,
        thread_ts=thread_ts,
        text=text,
        now=utcnow(),
    )
    session.commit()
    if reply is None:
        return False
    if not reply.new:
        return True
    first = reply.answers[0]
    library = coaching_library(context)
    client.chat_postMessage(
        channel=channel_id,
        thread_ts=thread_ts or ts,
        **ui.answer_confirmation(
            answer_id=first.id,
            question=reply.question,
            dimension_label=reply.dimension_label,
            people=reply.entry.people if reply.entry else [],
            visibility=reply.entry.visibility if reply.entry else "private",
            kind=reply.kind,
            understood=present.understood(library, reply.entry, first.prompt_id),
        ),
    )
    refresh_checkin_message(
        client=client, session=session, context=context, checkin=reply.checkin, user=user
    )
    return True


def apply_edit(
    *,
    session: Session,
    context: BoltContext,
    client: WebClient,
    user: User,
    channel_id: str,
    ts: str,
    text: str,
) -> None:
    """An edited DM that was an answer edits the answer and its evidence entry."""
    checkin = answers.edit_dm_answer(
        session=session,
        user=user,
        library=coaching_library(context),
        channel_id=channel_id,
        ts=ts,
        text=text,
    )
    session.commit()
    if checkin is not None:
        refresh_checkin_message(
            client=client, session=session, context=context, checkin=checkin, user=user
        )
