"""The digest flows: who may set digests up, and what is committed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import DigestPost, User
from bot.digests import flows
from bot.digests import service as digests
from bot.workspaces.service import ensure_user

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def test_an_admin_passes_and_the_profile_is_kept(database: Database) -> None:
    """An admin per users.info (read inside the flow) passes; the flag is stored."""
    with database.session_factory() as session:
        user = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        read: list[str] = []

        def profile(slack_user_id: str) -> dict[str, object]:
            read.append(slack_user_id)
            return {"is_admin": True, "tz": "Europe/Oslo"}

        assert flows.admins_unless_admin(session=session, user=user, read_profile=profile) is None
    assert read == ["UADMIN"]
    with database.session() as other:
        stored = other.query(User).filter_by(slack_user_id="UADMIN").one()
        assert (stored.is_admin, stored.tz) == (True, "Europe/Oslo")


def test_anyone_else_is_told_the_known_admins(database: Database) -> None:
    """A member is refused with the admins the app knows of; an unknown profile counts as
    a member and changes nothing stored."""
    with database.session_factory() as session:
        admin = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        admin.is_admin = True
        member = ensure_user(session=session, team_id="T1", slack_user_id="UMEMBER")
        session.commit()
        assert flows.admins_unless_admin(
            session=session, user=member, read_profile=lambda _id: {}
        ) == ["UADMIN"]
        assert flows.admins_unless_admin(
            session=session, user=member, read_profile=lambda _id: {"is_admin": False}
        ) == ["UADMIN"]


def test_add_list_remove_are_committed(database: Database) -> None:
    """A digest added is listed with its team from another session; removing it twice
    says the second time that there was none."""
    with database.session_factory() as session:
        admin = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        flows.add_digest(
            session=session,
            admin=admin,
            channel=digests.ChannelRef("C1", "team"),
            schedule=None,
            members=["U1", "U2", "U2"],
            now=NOW,
        )
    with database.session_factory() as session:
        admin = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        rows = flows.list_digests(session=session, user=admin)
        assert [(digest.channel_id, size) for digest, size in rows] == [("C1", 2)]
        assert flows.remove_digest(session=session, user=admin, channel_id="C1") is True
        assert flows.remove_digest(session=session, user=admin, channel_id="C1") is False
    with database.session_factory() as session:
        admin = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        assert flows.list_digests(session=session, user=admin) == []


def test_the_first_digest_covers_the_week_after_it_was_added(database: Database) -> None:
    """Added on Monday 07 Dec 03:21 New York time for Mondays 09:00 New York: the first digest
    is on Monday 14 Dec, covering from 07 Dec 03:21 (failed before: it was that very
    morning, about the week before the digest existed). Re-scheduling a running digest
    keeps its next slot, so no week goes unreported."""
    new_york = ZoneInfo("America/New_York")
    added = datetime(2026, 12, 7, 3, 21, tzinfo=new_york)
    with database.session_factory() as session:
        admin = ensure_user(session=session, team_id="T1", slack_user_id="UADMIN")
        digest = flows.add_digest(
            session=session,
            admin=admin,
            channel=digests.ChannelRef("C1", "team"),
            schedule=digests.parse_schedule(["weekly", "mon", "09:00", "America/New_York"]),
            members=None,
            now=added,
        )
        assert digest.next_post_at == datetime(2026, 12, 14, 9, 0, tzinfo=new_york)
        assert digest.covers_from == added
        # Queued at its slot, it covers from 03:21, and the one after is a plain week.
        slot = datetime(2026, 12, 14, 9, 0, tzinfo=new_york)
        assert digests.enqueue_due(session=session, now=slot, grace=timedelta(hours=1)) == (1, 0)
        (post,) = session.scalars(select(DigestPost)).all()
        assert (post.period_start, post.period_end) == (added, slot)
        assert digest.covers_from is None
        digests.enqueue_due(session=session, now=slot + timedelta(days=7), grace=timedelta(hours=1))
        second = session.scalars(select(DigestPost).where(DigestPost.id != post.id)).one()
        assert (second.period_start, second.period_end) == (slot, slot + timedelta(days=7))
        later = datetime(2026, 12, 23, 12, 0, tzinfo=new_york)
        digest = flows.add_digest(
            session=session,
            admin=admin,
            channel=digests.ChannelRef("C1", "team"),
            schedule=digests.parse_schedule(["weekly", "fri", "16:00", "America/New_York"]),
            members=None,
            now=later,
        )
        assert digest.next_post_at == datetime(2026, 12, 25, 16, 0, tzinfo=new_york)
