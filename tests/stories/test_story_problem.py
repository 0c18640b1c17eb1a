"""Which staff-shaped problem a quarter's draft opens with (bot/stories/service.py
`problem_in`): the one open in the quarter (the newest, when one replaced another in it), with
only the steps ticked in the quarter, dated in the person's zone; none named yet, or one
closed before the quarter, or named after it, opens nothing. Real database, both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.coaching.library import default_library
from bot.coaching.story import Quarter, StoryProblem, StoryStep
from bot.db.engine import Database
from bot.db.models import User
from bot.problems import service as problems
from bot.stories import service
from tests.checkins.support import add_users

LIB = default_library()
PLAN, STAKEHOLDERS, MENTORING = LIB.problem_steps[:3]
Q4 = Quarter(2026, 4)


def at(year: int, month: int, day: int, hour: int = 16) -> datetime:
    """An instant in UTC (16:00 by default: the same day in New York)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def day(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def _alice(session) -> User:  # type: ignore[no-untyped-def]
    return session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()


def test_the_quarters_problem_and_only_its_steps_in_the_quarter(database: Database) -> None:
    add_users(database, ["UALICE"], now=at(2026, 9, 1), tz="America/New_York")
    with database.session() as session:
        alice = _alice(session)
        assert problems_in(session, alice) is None  # none named yet

        # Closed before the quarter: not this quarter's.
        old, _ = problems.name(session=session, user=alice, text="Old", now=at(2026, 8, 1))
        problems.close(session=session, problem=old, how=problems.CLEARED, now=at(2026, 9, 30))
        assert problems_in(session, alice) is None

        first, _ = problems.name(session=session, user=alice, text="First", now=at(2026, 9, 15))
        problems.tick(session=session, problem=first, step=PLAN, now=at(2026, 9, 20))  # Q3
        problems.tick(session=session, problem=first, step=MENTORING, now=at(2026, 10, 2))
        assert problems_in(session, alice) == StoryProblem(
            "First", day(2026, 9, 15), (StoryStep(MENTORING.label, day(2026, 10, 2)),)
        )

        # Replaced in the quarter: the newest one, its steps in path order; a tick at 01:00
        # UTC on 1 January is still 31 December in New York, so still Q4.
        second, _ = problems.name(
            session=session, user=alice, text="Second &amp; better", now=at(2026, 11, 1, 2)
        )
        problems.tick(session=session, problem=second, step=STAKEHOLDERS, now=at(2027, 1, 1, 1))
        problems.tick(session=session, problem=second, step=PLAN, now=at(2026, 11, 20))
        problems.tick(session=session, problem=second, step=MENTORING, now=at(2027, 1, 1, 6))
        assert problems_in(session, alice) == StoryProblem(
            "Second &amp; better",
            day(2026, 10, 31),  # 1 November 02:00 UTC is New York's 31 October
            (
                StoryStep(PLAN.label, day(2026, 11, 20)),
                StoryStep(STAKEHOLDERS.label, day(2026, 12, 31)),
            ),
        )
        # One named after the quarter (replacing it) does not take its place in Q4's draft.
        problems.name(session=session, user=alice, text="Later", now=at(2027, 1, 5))
        assert problems_in(session, alice).name == "Second &amp; better"  # type: ignore[union-attr]
        later = service.problem_in(session, alice, Q4.next(), LIB)
        assert later == StoryProblem("Later", day(2027, 1, 5), ())


def problems_in(session, alice: User) -> StoryProblem | None:  # type: ignore[no-untyped-def]
    return service.problem_in(session, alice, Q4, LIB)


def test_how_the_quarters_problem_closed_is_told(database: Database) -> None:
    """A problem let go within the quarter is told as let go, with the weeks it went without
    a step; one cleared by the person, as cleared; one closed after the quarter, as open."""
    add_users(database, ["UALICE"], now=at(2026, 9, 1), tz="America/New_York")
    with database.session() as session:
        alice = _alice(session)
        first, _ = problems.name(session=session, user=alice, text="First", now=at(2026, 10, 1))
        problems.tick(session=session, problem=first, step=PLAN, now=at(2026, 10, 8))
        problems.close(session=session, problem=first, how=problems.LET_GO, now=at(2026, 11, 20))
        assert problems_in(session, alice) == StoryProblem(
            "First",
            day(2026, 10, 1),
            (StoryStep(PLAN.label, day(2026, 10, 8)),),
            closed_how="let_go",
            closed_on=day(2026, 11, 20),
            weeks_without_step=6,  # 8 Oct to 20 Nov
        )
        second, _ = problems.name(session=session, user=alice, text="Second", now=at(2026, 12, 1))
        problems.close(session=session, problem=second, how=problems.CLEARED, now=at(2026, 12, 2))
        assert problems_in(session, alice) == StoryProblem(
            "Second", day(2026, 12, 1), closed_how="cleared", closed_on=day(2026, 12, 2)
        )
        third, _ = problems.name(session=session, user=alice, text="Third", now=at(2026, 12, 10))
        problems.close(session=session, problem=third, how=problems.LET_GO, now=at(2027, 2, 1))
        assert problems_in(session, alice) == StoryProblem("Third", day(2026, 12, 10))
