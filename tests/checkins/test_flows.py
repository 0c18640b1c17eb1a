"""The check-in flows own their unit of work: what they commit, roll back and hand back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import flows, service
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import CheckIn, User
from bot.workspaces.service import ensure_user

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
LIBRARY = default_library(None)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.session_factory() as session:
        yield session


def _user(session: Session, slack_user_id: str = "U1") -> User:
    user = ensure_user(session=session, team_id="T1", slack_user_id=slack_user_id)
    session.commit()
    return user


def _checkin(session: Session, user: User, *, posted: bool = True) -> CheckIn:
    prompt_ids = [p.id for p in LIBRARY.prompts[:2]]
    checkin = CheckIn(
        workspace_id=user.workspace_id,
        user_id=user.id,
        period_key="2026-W47",
        slot_at=NOW,
        status="sent",
        prompt_ids=prompt_ids,
        channel_id="D1" if posted else None,
        message_ts="1700000000.000100" if posted else None,
        sent_at=NOW,
    )
    session.add(checkin)
    session.commit()
    return checkin


def _stored(database: Database, slack_user_id: str = "U1") -> User:
    with database.session() as other:
        user = other.scalars(select(User).where(User.slack_user_id == slack_user_id)).one()
        other.expunge(user)
        return user


def test_time_zone_is_read_from_slack_once(session: Session, database: Database) -> None:
    """The profile is read on first contact only, and its zone kept with what the flow commits."""
    user = _user(session)
    asked: list[str] = []

    def read(slack_user_id: str) -> dict[str, str]:
        asked.append(slack_user_id)
        return {"tz": "Europe/Paris"}

    flows.settings_form(session=session, user=user, read_profile=read)
    form = flows.settings_form(session=session, user=user, read_profile=read)

    assert asked == ["U1"]
    assert form.tz == "Europe/Paris"
    assert _stored(database).tz == "Europe/Paris"


def test_time_zone_stays_when_slack_cannot_say(session: Session) -> None:
    """No profile: the zone stays as it was and is asked again next time."""
    user = _user(session)
    form = flows.settings_form(session=session, user=user, read_profile=lambda _id: None)
    assert form.tz == "UTC"
    assert user.tz_refreshed_at is None


def test_refused_turn_on_keeps_nothing(session: Session, database: Database) -> None:
    """A time inside quiet hours is refused, and neither it nor the zone read is stored."""
    user = _user(session)
    user.quiet_start_minute, user.quiet_end_minute = 12 * 60, 14 * 60
    session.commit()

    with pytest.raises(service.PreferenceError):
        flows.turn_on(
            session=session,
            user=user,
            now=NOW,
            weekdays=(4,),
            minute=13 * 60,
            read_profile=lambda _id: {"tz": "Asia/Tokyo"},
        )

    stored = _stored(database)
    assert not stored.checkins_enabled
    assert stored.tz == "UTC"
    # Rolled back, not merely left uncommitted: the request's session holds none of it.
    assert (user.checkins_enabled, user.tz) == (False, "UTC")


def test_turn_on_commits_the_schedule(session: Session, database: Database) -> None:
    """Check-ins on at a day and time: stored, and described for the reply."""
    user = _user(session)
    described = flows.turn_on(
        session=session,
        user=user,
        now=NOW,
        weekdays=(4,),
        minute=15 * 60,
        read_profile=lambda _id: None,
    )
    stored = _stored(database)
    assert stored.checkins_enabled
    assert (stored.checkin_weekday, stored.checkin_minute) == (4, 15 * 60)
    assert described.next_local is not None


def test_answer_opening_names_its_question(session: Session) -> None:
    """ "Answer" on a question opens that question, with ids only in the metadata."""
    user = _user(session)
    checkin = _checkin(session, user)
    opening = flows.open_answer(
        session=session, user=user, library=LIBRARY, checkin_id=checkin.id, index=1
    )
    assert opening.metadata == f"{checkin.id}:1"
    assert not opening.answered
    assert opening.question is not None
    assert opening.question.prompt_id == checkin.prompt_ids[1]
    assert opening.dimension == LIBRARY.prompt(checkin.prompt_ids[1]).dimension


@pytest.mark.parametrize("index", [None, 2, 99])
def test_answer_opening_refuses_a_question_the_checkin_lacks(session: Session, index) -> None:
    """An index the check-in has no question for is refused like someone else's check-in."""
    user = _user(session)
    checkin = _checkin(session, user)
    with pytest.raises(flows.NotYours):
        flows.open_answer(
            session=session, user=user, library=LIBRARY, checkin_id=checkin.id, index=index
        )


def test_someone_elses_checkin_is_refused_and_rolled_back(
    session: Session, database: Database
) -> None:
    """Snoozing another person's check-in changes nothing, not even the caller's own row."""
    owner = _user(session, "U1")
    checkin_id = _checkin(session, owner).id
    intruder = _user(session, "U2")
    intruder.display_name = "changed in this request"

    with pytest.raises(flows.NotYours):
        flows.postpone(
            session=session,
            user=intruder,
            library=LIBRARY,
            checkin_id=checkin_id,
            now=NOW,
            skip=False,
        )

    assert _stored(database, "U2").display_name is None
    with database.session() as other:
        assert other.get(CheckIn, checkin_id).status == "sent"
    assert intruder.display_name is None  # rolled back in the request's session too


def test_snooze_hands_back_the_redraw_with_its_note(session: Session) -> None:
    """A snooze is committed and redrawn in the stored channel/ts, saying until when."""
    user = _user(session)
    checkin = _checkin(session, user)
    redraw = flows.postpone(
        session=session, user=user, library=LIBRARY, checkin_id=checkin.id, now=NOW, skip=False
    )
    assert redraw is not None
    arguments = redraw.arguments()
    assert (arguments["channel"], arguments["ts"]) == ("D1", "1700000000.000100")
    assert "Snoozed" in str(arguments["blocks"])
    # A second click changes nothing: nothing to redraw.
    assert (
        flows.postpone(
            session=session,
            user=user,
            library=LIBRARY,
            checkin_id=checkin.id,
            now=NOW,
            skip=False,
        )
        is None
    )


def test_a_checkin_never_posted_has_nothing_to_redraw(session: Session) -> None:
    """Without a stored channel and ts there is no message to update."""
    user = _user(session)
    checkin = _checkin(session, user, posted=False)
    assert flows.redraw(session=session, user=user, library=LIBRARY, checkin=checkin) is None


def test_settings_with_problems_keep_nothing(session: Session, database: Database) -> None:
    """No time picked: said on the field, and the request's changes are rolled back."""
    user = _user(session)
    user.display_name = "changed in this request"
    prefs = service.NewPreferences(
        cadence="weekly",
        weekday=4,
        second_weekday=None,
        minute=-1,
        quiet_start=None,
        quiet_end=None,
        reminder=False,
        paused_until=None,
    )
    errors = flows.settings_problems(session=session, user=user, prefs=prefs, now=NOW)
    assert errors["time"] == "Pick a time."
    assert _stored(database).display_name is None
    assert user.display_name is None  # rolled back in the request's session too


def test_a_post_in_a_dm_has_no_thread() -> None:
    """A post without a thread leaves thread_ts out of chat.postMessage's arguments."""
    assert flows.Post("U1", {"text": "hi"}).arguments() == {"channel": "U1", "text": "hi"}
    assert flows.Post("D1", {"text": "hi"}, thread_ts="1.2").arguments() == {
        "channel": "D1",
        "thread_ts": "1.2",
        "text": "hi",
    }
