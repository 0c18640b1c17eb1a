"""What an admin does with team digests from `/multiplier digest`: each owns its unit of work.

The listener does the Slack side (users.info, joining the channel, reading its members)
and passes what it learnt; these functions store it and commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import DigestChannel, User
from bot.digests import service as digests
from bot.digests import slack as digest_slack
from bot.workspaces import service as workspaces


def admins_unless_admin(
    *, session: Session, user: User, read_profile: Callable[[str], dict[str, Any]]
) -> list[str] | None:
    """None when the user's profile (users.info, read now: admin rights change) says they
    are an admin or owner; otherwise the admins the app knows of, to name in the refusal
    (may be empty). The profile, when Slack gave one, is stored either way."""
    session.commit()  # hold no connection while Slack answers
    profile = read_profile(user.slack_user_id)
    if profile:
        workspaces.apply_profile(user, profile)
    if profile and digest_slack.is_admin(profile):
        session.commit()
        return None
    admins = digests.known_admins(session=session, workspace_id=user.workspace_id)
    session.commit()
    return admins


def add_digest(
    *,
    session: Session,
    admin: User,
    channel: digests.ChannelRef,
    schedule: digests.Schedule | None,
    members: Sequence[str] | None,
    now: datetime,
) -> DigestChannel:
    """Set up (or re-schedule) a channel's weekly digest, with its team when known."""
    digest = digests.add_digest(
        session=session,
        admin=admin,
        channel=channel,
        schedule=schedule,
        members=members,
        now=now,
    )
    session.commit()
    return digest


def remove_digest(*, session: Session, user: User, channel_id: str) -> bool:
    """Stop a channel's digest in the user's workspace; False when there was none."""
    removed = digests.remove_digest(
        session=session, workspace_id=user.workspace_id, channel_id=channel_id
    )
    session.commit()
    return removed is not None


def list_digests(
    *, session: Session, user: User, app_user_id: str | None = None
) -> list[tuple[DigestChannel, int]]:
    """The workspace's digests, running or stopped by Slack, each with its team size (the
    app itself, a member of each digest channel, is not counted)."""
    rows = digests.list_digests(
        session=session,
        workspace_id=user.workspace_id,
        not_counting=(app_user_id,) if app_user_id else (),
    )
    session.commit()
    return rows


def bot_left_channel(*, session: Session, team_id: str, channel_id: str, now: datetime) -> bool:
    """Slack says the app left a channel (`channel_left` / `group_left`: someone removed it):
    its digest stops now, and the next `digests` run tells the admin who set it up. False
    when the channel had no running digest."""
    workspace = workspaces.get_workspace(session=session, team_id=team_id)
    digest = (
        digests.get_digest(session=session, workspace_id=workspace.id, channel_id=channel_id)
        if workspace is not None
        else None
    )
    if digest is None or not digest.active:
        session.commit()
        return False
    digests.stop_digest(digest=digest, reason="not_in_channel", now=now)
    session.commit()
    return True
