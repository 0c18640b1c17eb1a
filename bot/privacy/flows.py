"""Data rights (export, forget-me): each function owns its unit of work.

Slack calls come in as small callables, so the flow decides when Slack is asked: always
after its commit, never while a connection (on SQLite, the write lock) is held.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import SummaryPost, User
from bot.delivery.status import DeliveryStatus
from bot.evidence import service as evidence
from bot.privacy import service as privacy
from bot.ui import evidence as ui
from bot.ui.text import plural
from bot.workspaces import service as workspaces

NameLookup = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True)
class DmFile:
    """A file to upload in someone's DM with the bot."""

    content: str
    filename: str
    title: str
    comment: str


def json_export(
    *, session: Session, user: User, look_up_names: NameLookup, now: datetime
) -> DmFile:
    """Everything stored about the user, as JSON (names read from Slack after the commit)."""
    data = privacy.export_user_data(session=session, user=user)
    session.commit()
    names = look_up_names(privacy.unnamed_in_export(data))
    if names:
        privacy.add_readable_fields(data["tables"], names)
    content = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    counts = (
        ", ".join(
            count for name, rows in data["tables"].items() if rows for count in _counted(name, rows)
        )
        or "no rows yet"
    )
    return DmFile(
        content=content,
        filename=f"multiplier-export-{user.slack_user_id}-{now:%Y-%m-%d}.json".lower(),
        title="Everything Multiplier stores about you",
        comment=ui.export_comment(
            "everything Multiplier stores about you, as JSON", f"It holds {counts}."
        ),
    )


def _counted(table: str, rows: list[dict[str, Any]]) -> list[str]:
    """A table's rows in words. Summary rows are also kept for weeks that sent none (skipped,
    nothing to say): only the sent ones are summaries the person received."""
    if table != SummaryPost.__tablename__:
        return [plural(len(rows), privacy.row_noun(table))]
    sent = sum(1 for row in rows if row.get("status") == DeliveryStatus.SENT)
    counts = [f"{plural(sent, 'weekly summary', 'weekly summaries')} you received"]
    if len(rows) > sent:
        counts.append(f"{plural(len(rows) - sent, 'week')} with no summary sent")
    return counts


def send_to_dm(
    *,
    session: Session,
    user: User,
    file: DmFile,
    open_dm: Callable[[], str],
    upload: Callable[[str, DmFile], Any],
) -> str:
    """Upload the file in the user's DM (the channel is remembered on the user row); its name."""
    channel = open_dm()
    if user.dm_channel_id != channel:
        user.dm_channel_id = channel
        session.commit()
    upload(channel, file)
    return file.filename


def kudos_given(*, session: Session, user: User) -> int:
    """How many kudos the user gave (they stay with their recipients after forget-me)."""
    given = evidence.count_kudos_given(session=session, giver=user)
    session.commit()
    return given


@dataclass(frozen=True)
class Forgotten:
    """What a forget-me confirmation did: `deleted` rows, or why nothing was deleted."""

    deleted: int = 0
    nothing_stored: bool = False
    not_theirs: bool = False


def forget(*, session: Session, team_id: str, slack_user_id: str, confirmed_for: str) -> Forgotten:
    """Delete everything about the person — only if the button (`confirmed_for`) names them."""
    workspace = workspaces.get_workspace(session=session, team_id=team_id)
    user = (
        workspaces.get_user(session=session, workspace_id=workspace.id, slack_user_id=slack_user_id)
        if workspace is not None
        else None
    )
    if user is None:
        return Forgotten(nothing_stored=True)
    if confirmed_for != str(user.id):
        return Forgotten(not_theirs=True)
    report = privacy.forget_user(session=session, user=user)
    session.commit()
    return Forgotten(deleted=report.total_deleted)
