"""The staff-shaped problem's coaching, pure (bot/coaching/staff_problem.py): the current step,
finding the step a person names, and when the work has stalled, with an explicit `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coaching import staff_problem as sp
from bot.coaching.library import default_library

STEPS = default_library().problem_steps
UTC_ZONE = ZoneInfo("UTC")
NAMED = datetime(2026, 12, 1, 9, tzinfo=UTC)  # a Tuesday
THURSDAY = datetime(2026, 12, 3, 15, tzinfo=UTC)


def weekly(n: int, start: datetime = THURSDAY) -> list[datetime]:
    return [start + timedelta(weeks=i) for i in range(n)]


def stalls(
    received: list[datetime],
    *,
    now: datetime,
    done: dict[str, datetime] | None = None,
    asked: datetime | None = None,
    tz: ZoneInfo = UTC_ZONE,
) -> bool:
    return sp.stalls(
        steps=STEPS,
        started_at=NAMED,
        done=done or {},
        stall_asked_at=asked,
        received=received,
        tz=tz,
        now=now,
    )


def test_the_current_step_is_the_first_not_done_even_out_of_order() -> None:
    assert sp.current_step(STEPS, {}) == STEPS[0]
    ticked = {STEPS[1].id: NAMED}
    assert sp.current_step(STEPS, ticked) == STEPS[0]
    path = sp.path(STEPS, ticked)
    assert [s.current for s in path] == [True, False, False, False, False]
    assert [s.done_at for s in path][1] == NAMED
    assert sp.current_step(STEPS, {step.id: NAMED for step in STEPS}) is None
    assert not any(s.current for s in sp.path(STEPS, {step.id: NAMED for step in STEPS}))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", "written-plan"),
        ("5", "promotion-story"),
        ("written-plan", "written-plan"),
        ("Written Plan", "written-plan"),
        ("  stakeholders   aligned ", "stakeholders"),
        ("plan", "written-plan"),
        ("mentoring", "mentoring"),
        ("story", "promotion-story"),
        ("0", None),
        ("6", None),
        ("", None),
        ("the moon", None),
        ("m", None),  # starts "mentoring" and "measurable": ambiguous
    ],
)
def test_find_step_by_number_id_label_or_one_unambiguous_word(
    typed: str, expected: str | None
) -> None:
    found = sp.find_step(STEPS, typed)
    assert (found.id if found else None) == expected


def test_four_check_in_weeks_without_a_step_is_a_stall_three_is_not() -> None:
    received = weekly(5)
    assert not stalls(received[:3], now=received[3])
    assert stalls(received[:4], now=received[4])


def test_only_check_ins_since_the_last_sign_of_life_count() -> None:
    received = weekly(6)
    # A step ticked after the second check-in: only the ones after it count.
    ticked = {STEPS[0].id: received[1] + timedelta(hours=1)}
    assert not stalls(received[:5], now=received[5], done=ticked)
    assert stalls(weekly(6, received[2]), now=received[2] + timedelta(weeks=6), done=ticked)


def test_asking_resets_the_count_once_per_stall() -> None:
    received = weekly(10)
    asked = received[4] + timedelta(minutes=1)
    assert not stalls(received[:8], now=received[8], asked=asked)
    assert stalls(received[:9], now=received[9], asked=asked)


def test_a_twice_weekly_cadence_counts_weeks_not_check_ins() -> None:
    monday = THURSDAY - timedelta(days=3)
    twice = sorted([*weekly(3, monday), *weekly(3)])
    assert len(twice) == 6
    assert not stalls(twice, now=THURSDAY + timedelta(weeks=3))
    assert sp.checkin_weeks(twice, UTC_ZONE) == 3


def test_weeks_are_the_persons_local_weeks() -> None:
    """Sunday 23:30 in Auckland is Monday's week there, though Sunday in UTC."""
    auckland = ZoneInfo("Pacific/Auckland")
    sunday_utc = datetime(2026, 12, 6, 11, 30, tzinfo=UTC)  # Monday 00:30 in Auckland
    monday_utc = datetime(2026, 12, 7, 9, tzinfo=UTC)
    assert sp.checkin_weeks([sunday_utc, monday_utc], UTC_ZONE) == 2
    assert sp.checkin_weeks([sunday_utc, monday_utc], auckland) == 1


def test_a_walked_path_never_stalls_and_the_future_does_not_count() -> None:
    done = {step.id: NAMED for step in STEPS}
    assert not stalls(weekly(8), now=THURSDAY + timedelta(weeks=8), done=done)
    received = weekly(8)
    assert not stalls(received, now=received[2])  # check-ins after `now` are not counted yet


def test_stored_instants_are_read_defensively() -> None:
    raw = {
        "written-plan": "2026-12-03T15:05:00+00:00",
        "stakeholders": "2026-12-03T15:05:00",  # naive: read as UTC
        "mentoring": "not a date",
        "outcomes": 7,
    }
    done = sp.done_instants(raw)
    assert done == {
        "written-plan": datetime(2026, 12, 3, 15, 5, tzinfo=UTC),
        "stakeholders": datetime(2026, 12, 3, 15, 5, tzinfo=UTC),
    }


def test_weeks_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        sp.stalls(
            steps=STEPS,
            started_at=NAMED,
            done={},
            stall_asked_at=None,
            received=[],
            tz=UTC_ZONE,
            now=NAMED,
            weeks=0,
        )


def reminds(
    earlier: list[datetime],
    *,
    before: datetime,
    done: dict[str, datetime] | None = None,
    asked: datetime | None = None,
) -> bool:
    return sp.reminds(
        started_at=NAMED, done=done or {}, stall_asked_at=asked, earlier=earlier, before=before
    )


def test_the_step_is_asked_twice_then_only_reminded() -> None:
    """The first two check-ins since the problem was named ask the step's question; from the
    third on they remind of it in one line."""
    received = weekly(5)
    assert [reminds(received[:n], before=received[n]) for n in range(5)] == [
        False,
        False,
        True,
        True,
        True,
    ]


def test_a_step_ticked_or_the_stall_question_asked_starts_the_asking_over() -> None:
    received = weekly(8)
    ticked = {STEPS[0].id: received[1] + timedelta(hours=1)}
    assert [reminds(received[:n], before=received[n], done=ticked) for n in (2, 3, 4)] == [
        False,
        False,
        True,
    ]
    asked = received[4] + timedelta(minutes=1)
    assert [reminds(received[:n], before=received[n], asked=asked) for n in (5, 6, 7)] == [
        False,
        False,
        True,
    ]


def test_only_check_ins_before_this_one_count() -> None:
    """A redraw of an older check-in counts the ones before it, not those sent since."""
    received = weekly(6)
    assert not reminds(received, before=received[1])
