"""Helpers shared by the evidence end-to-end tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.models import EvidenceEntry, User
from tests.support.apps import RunningApp


def entries(running_app: RunningApp, slack_user_id: str | None = None) -> list[EvidenceEntry]:
    """Stored entries (of one user), oldest first."""
    with running_app.database.session() as session:
        query = select(EvidenceEntry).order_by(EvidenceEntry.id)
        if slack_user_id is not None:
            query = query.join(User, User.id == EvidenceEntry.user_id).where(
                User.slack_user_id == slack_user_id
            )
        found = list(session.scalars(query))
        session.expunge_all()
        return found


def count(running_app: RunningApp, model: Any) -> int:
    with running_app.database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def last_response(running_app: RunningApp, count: int = 1) -> dict[str, Any]:
    """The payload of the `count`-th response_url call (waiting for it)."""
    calls = running_app.standin.wait_for("response_url", count=count)
    return calls[count - 1].params


def element(payload: dict[str, Any], action_id: str) -> tuple[str | None, dict[str, Any]]:
    """(block_id, element) of the first element with this action id in a message or view."""
    for block in payload.get("blocks") or []:
        for candidate in [
            block.get("accessory"),
            block.get("element"),
            *(block.get("elements") or []),
        ]:
            if isinstance(candidate, dict) and candidate.get("action_id") == action_id:
                return block.get("block_id"), candidate
    raise AssertionError(f"no {action_id} in {payload}")


def brag(running_app: RunningApp, text: str, user_id: str = "UALICE", n: int = 1) -> dict[str, Any]:
    """Send /brag and return its ephemeral confirmation (the n-th response so far)."""
    running_app.slack.slash_command("/brag", text, user_id=user_id)
    payload = last_response(running_app, n)
    running_app.wait_idle()
    return payload


def click(
    running_app: RunningApp,
    payload: dict[str, Any],
    action_id: str,
    *,
    user_id: str = "UALICE",
    value: str | None = None,
    selected: str | None = None,
) -> None:
    """Press an element of an ephemeral message the way Slack would (optionally tampered)."""
    block_id, found = element(payload, action_id)
    if value is None and selected is None:
        value = found.get("value")
    running_app.slack.block_action(
        action_id,
        user_id=user_id,
        value=value,
        block_id=block_id,
        action_type=found.get("type"),
        selected_option=selected,
        message={"blocks": payload.get("blocks"), "message_ts": "1.000001", "channel": "C0GENERAL"},
    )
    running_app.wait_idle()
