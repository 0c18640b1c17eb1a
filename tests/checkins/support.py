"""Helpers for check-in tests: users in bulk, a dispatcher pointed at the stand-in."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from bot.checkins import service
from bot.checkins.dispatch import Dispatcher
from bot.coaching.library import default_library
from bot.config import Settings
from bot.db.engine import Database
from bot.db.models import CheckIn, User, Workspace
from bot.ui import checkins as checkins_ui
from bot.ui.checkins import METADATA_EVENT
from standin.webapi import SlackStandIn
from tests.support.apps import RunningApp, make_settings

TEAM = "T0001"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def settings_for(standin: SlackStandIn, database: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_send_rate_per_minute": 100_000,
        "slack_send_channel_per_second": 1000.0,
        "slack_send_backoff_seconds": 0.01,
    }
    values.update(overrides)
    return make_settings(standin=standin, database_url=database.url, **values)


def dispatcher(standin: SlackStandIn, database: Database, **overrides: Any) -> Dispatcher:
    settings = settings_for(standin, database, **overrides)
    return Dispatcher(
        database=database,
        settings=settings,
        library=default_library(None),
        token_for=lambda _team: standin.bot_token,
        worker_id="test",
    )


def workspace_id(database: Database, team_id: str = TEAM) -> int:
    with database.session() as session:
        found = session.scalar(select(Workspace.id).where(Workspace.team_id == team_id))
        if found is not None:
            return found
        workspace = Workspace(team_id=team_id, name="Acme", settings={})
        session.add(workspace)
        session.flush()
        return workspace.id


def add_users(
    database: Database,
    slack_ids: list[str],
    *,
    now: datetime,
    tz: str = "UTC",
    team_id: str = TEAM,
    standin: SlackStandIn | None = None,
    **preferences: Any,
) -> None:
    """Opted-in users (bulk insert), scheduled from `now`; also known to the stand-in."""
    ws = workspace_id(database, team_id)
    rows = [
        {
            "workspace_id": ws,
            "slack_user_id": slack_id,
            "tz": tz,
            "checkins_enabled": True,
            **preferences,
        }
        for slack_id in slack_ids
    ]
    with database.session() as session:
        session.execute(insert(User), rows)
    with database.session() as session:
        users = session.scalars(select(User).where(User.slack_user_id.in_(slack_ids))).all()
        # All share preferences, so one schedule computation serves them all.
        slot = service.upcoming_slot(session=session, user=users[0], now=now)
        for user in users:
            user.next_checkin_at = slot.at if slot else None
    if standin is not None:
        for slack_id in slack_ids:
            if standin.user(slack_id) is None:
                standin.add_user(slack_id, name=slack_id.lower(), tz=tz, team_id=team_id)


def user(database: Database, slack_id: str) -> User:
    with database.session() as session:
        return session.scalars(select(User).where(User.slack_user_id == slack_id)).one()


def checkins(database: Database, slack_id: str | None = None) -> list[CheckIn]:
    with database.session() as session:
        query = select(CheckIn).order_by(CheckIn.id)
        if slack_id is not None:
            query = query.join(User).where(User.slack_user_id == slack_id)
        return list(session.scalars(query))


def checkin_messages(standin: SlackStandIn, slack_id: str) -> list[dict[str, Any]]:
    """Bot messages in the user's DM that are check-ins (carry our metadata)."""
    return [
        m
        for m in standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == METADATA_EVENT
    ]


def nothing_this_week(app: RunningApp, slack_id: str = "UALICE") -> None:
    """The person presses "Nothing this week" on their newest check-in: a response (someone
    who answers is not silent, so the periodic DMs may ride their check-ins)."""
    message = checkin_messages(app.standin, slack_id)[-1]
    app.slack.block_action(
        checkins_ui.NOTHING,
        user_id=slack_id,
        message=message,
        block_id=checkins_ui.question_block_id(0),
    )
    app.wait_idle()


def posts_per_user(standin: SlackStandIn) -> Counter[str]:
    """How many check-in messages each user's DM holds at the stand-in."""
    counts: Counter[str] = Counter()
    for message in standin.messages():
        if (message.get("metadata") or {}).get("event_type") == METADATA_EVENT:
            counts[message["channel"]] += 1
    return counts
