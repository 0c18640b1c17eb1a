"""`/brag <text>` after its ack: the request queues the text, a queue runner stores it.

The request path (bot/listeners/commands/brag.py) checks what must be answered at once
(empty text, too long, malformed mentions that need the form) and queues the rest; the
handler below stores the entry exactly as typed, republishes the Home and answers through
the command's `response_url` with the confirmation and its one-click changes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot import clock
from bot.checkins import service as checkins
from bot.coaching.classify import reframe_for
from bot.coaching.library import default_library
from bot.db.models import QueuedWork, User, Workspace
from bot.evidence import service as evidence
from bot.home.service import request_home_refresh
from bot.scheduling.jobs import JobContext
from bot.ui import evidence as ui
from bot.ui import messages
from bot.ui.text import display
from bot.ui.welcome import with_welcome
from bot.workqueue.queue import AfterCommit, QueuedItem, handler
from bot.workqueue.writer import PendingWork
from bot.workspaces import service as workspaces

logger = logging.getLogger(__name__)

KIND = "brag"
RESPONSE_URL_TIMEOUT_SECONDS = 10


def pending_brag(
    *, team_id: str, slack_user_id: str, command: str, text: str, response_url: str, now: datetime
) -> PendingWork:
    """A checked `/brag` text, to hand to the QueueWriter."""
    return PendingWork(
        kind=KIND,
        team_id=team_id,
        slack_user_id=slack_user_id,
        payload={"command": command, "text": text, "response_url": response_url},
        now=now,
    )


def tell_not_queued(batch: list[PendingWork], error: Exception) -> None:
    """The database refused these rows: tell each person, with what they typed, to retry."""
    from bot.errors import user_message

    text = user_message(error)
    for work in batch:
        url = work.payload.get("response_url")
        if not url:
            continue
        typed = f"{work.payload.get('command', '')} {work.payload.get('text', '')}".strip()
        try:
            _post(url, messages.failure_notice(text, typed=typed))
        except Exception:  # Slack unreachable too: the log has the failure
            logger.warning("could not tell the user their work was not queued", exc_info=True)


def _post(response_url: str, payload: dict[str, Any]) -> None:
    """Answer through the command's response_url (valid for 30 minutes, 5 posts)."""
    response = WebhookClient(response_url, timeout=RESPONSE_URL_TIMEOUT_SECONDS).send_dict(payload)
    if response.status_code != 200:
        logger.warning("response_url answered %s", response.status_code)


def _give_up(_ctx: JobContext, item: QueuedItem) -> None:
    typed = f"{item.payload.get('command', '/brag')} {item.payload.get('text', '')}".strip()
    _post(
        item.payload["response_url"],
        messages.failure_notice(
            "Sorry — Multiplier could not save this entry (it has been logged). Nothing was "
            "kept; here is your text to send again:",
            typed=typed,
        ),
    )


@handler(KIND, give_up=_give_up)
def store_brag(ctx: JobContext, session: Session, work: QueuedWork) -> AfterCommit | None:
    """Store the text as a private entry; after the commit, post the confirmation."""
    workspace = session.get(Workspace, work.workspace_id)
    user = session.get(User, work.user_id)
    if workspace is None or user is None or user.workspace_id != workspace.id:
        return None
    if not workspace.active:
        logger.info("dropping a queued /brag: the workspace uninstalled the app")
        return None
    # Someone who revoked the app's access and is back (this command) becomes active again.
    user = workspaces.ensure_user(
        session=session, team_id=workspace.team_id, slack_user_id=user.slack_user_id
    )
    typed: str = work.payload["text"]
    library = default_library(ctx.settings.prompts_dir)
    entry, parsed = evidence.log_text(
        session=session, user=user, text=typed, source=evidence.BRAG, library=library
    )
    request_home_refresh(session=session, user=user)
    session.flush()
    notes = []
    reframe, _ = reframe_for(typed, library, dimension=entry.dimension, scope=entry.scope)
    if reframe is not None:
        notes.append(ui.reframe_note(reframe))
    if parsed.malformed_mentions:
        who = ", ".join(parsed.malformed_mentions[:5])
        notes.append(f"I couldn't match {display(who, 300)} to a person: use Edit to pick people.")
    confirmation = ui.entry_confirmation(
        entry,
        library,
        tz=user.tz,
        notes=notes,
        how=ui.dimension_how(parsed.dimension_source, parsed.matched),
    )
    if not user.checkins_enabled and checkins.mark_welcomed(
        session=session, user=user, now=clock.now()
    ):
        # Their first command: the welcome rides along (see bot/listeners/welcome.py).
        confirmation["blocks"] = with_welcome(
            confirmation.get("text"),
            confirmation.get("blocks"),
            multiplier_command=ctx.settings.command_multiplier,
        )
    response_url: str = work.payload["response_url"]
    return lambda: _post(response_url, confirmation)
