"""Golden tests: a hand-built week whose every metric was counted by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.library import default_library
from bot.coaching.nudges import ShownNudge
from bot.summaries import metrics, periods
from bot.summaries.metrics import Activity, EntryRow

LIB = default_library()
UTCZ = ZoneInfo("UTC")
WEEK = periods.week_of_monday(date(2026, 11, 16), UTCZ)  # Mon 16 – Sun 22 Nov 2026
WINDOW = periods.weeks_ending_with(WEEK, 6, UTCZ)
STREAK = periods.weeks_ending_with(WEEK, 52, UTCZ)


def at(day: int, month: int = 11, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def e(
    id: int,
    when: datetime,
    dimension: str | None,
    scope: str | None,
    people: tuple[str, ...] = (),
    text: str = "",
    source: str = "brag",
) -> EntryRow:
    return EntryRow(
        id=id,
        occurred_at=when,
        dimension=dimension,
        scope=scope,
        people=people,
        text=text,
        source=source,
    )


# The week under test (Mon 16 – Sun 22 Nov).
THIS_WEEK = [
    e(1, at(16), "unblocking", "team", ("UBOB", "UCAROL"), "Unblocked bob and carol on the deploy"),
    e(
        2,
        at(17),
        "reviews",
        "cross_team",
        ("UDAN",),
        "Caught a race condition in the payments review",
    ),
    e(3, at(18), "writing", "org", (), "Wrote the caching RFC"),
    e(4, at(19), "writing", "cross_team", ("UBOB",), "Migration plan for the queue"),
    e(5, at(20), "delivery", "self", (), "Shipped the retry logic"),
    e(6, at(21), None, None, ("UERIN", "UALICE"), "Fixed a flaky test in CI"),
    # Kudos on Alice's log: received recognition, not her own entries; `people` is the giver,
    # who is not someone Alice helped.
    e(7, at(22, hour=23), "mentoring", "team", ("UFRED",), "Thanks for pairing with me", "kudos"),
    e(8, at(17), "reviews", "org", ("UGINA",), "Your review saved the launch", "kudos"),
]
# The trailing weeks: Oct 12 (window start), Oct 19, Oct 26 (no entry; a check-in), Nov 2, Nov 9.
EARLIER = [
    e(10, at(13, 10), "delivery", "self"),
    e(11, at(20, 10), "unblocking", "team"),
    e(12, at(21, 10), "delivery", "self"),
    e(13, at(3), "unblocking", "team"),
    e(14, at(4), "reviews", "team"),
    e(15, at(5), "mentoring", "team"),
    e(16, at(10), "writing", "team"),
    e(17, at(11), "delivery", "self"),
]
TEAMS = {
    "UALICE": {"#payments"},  # Alice's own team: helping a teammate reaches no other team
    "UBOB": {"#payments"},
    "UCAROL": {"#payments", "#search"},
    "UDAN": {"#infra"},
    "UZED": {"#other"},  # never helped: not reached
}
KUDOS_GIVEN = [at(18), at(10)]  # the second, the week before, is not this week's
CHECKINS = [at(27, 10), at(20)]  # Oct 27 (keeps Oct 26 active) and this week
OLDER = [at(28, 9)]  # Sep 28; Oct 5 has nothing, so the streak starts Oct 12


def activity() -> Activity:
    return Activity(
        slack_user_id="UALICE",
        entries=[*EARLIER, *THIS_WEEK],
        kudos_given=KUDOS_GIVEN,
        answered_checkins=CHECKINS,
        active_instants=OLDER,
        teams_of=TEAMS,
        own_teams=frozenset(TEAMS["UALICE"]),
    )


def summary() -> metrics.MultiplierSummary:
    return metrics.summarise(activity(), weeks=WINDOW, streak_weeks=STREAK, library=LIB)


def test_the_fixture_window_is_the_six_weeks_ending_with_the_week() -> None:
    """The window runs Mon 12 Oct – Sun 22 Nov 2026, one UTC week per row."""
    assert [w.monday for w in WINDOW] == [date(2026, 10, 12) + timedelta(weeks=n) for n in range(6)]
    assert WEEK.key == "2026-W47"
    assert WEEK.start == datetime(2026, 11, 16, tzinfo=UTC)
    assert WEEK.end == datetime(2026, 11, 23, tzinfo=UTC)


def test_counts_per_dimension() -> None:
    """Each dimension counts Alice's own entries; one without a dimension is unclassified.

    The two kudos she received (mentoring, reviews) are not her entries and count nowhere here.
    """
    current = summary().current
    assert current.entries == 6
    assert dict(current.by_dimension) == {
        "unblocking": 1,
        "reviews": 1,
        "writing": 2,
        "delivery": 1,
        "unclassified": 1,
    }
    # Own delivery and unclassified entries are not multiplier work: 6 - 2.
    assert current.multiplier_entries == 4


def test_people_helped_are_distinct_and_exclude_self_and_kudos_givers() -> None:
    """Bob (twice), Carol, Dan, Erin: four people; Alice herself and Fred (a giver) are not."""
    assert summary().current.people_helped == 4


def test_teams_reached_come_from_digest_channel_membership() -> None:
    """Carol's #search and Dan's #infra: two teams; #payments is Alice's own, reaching nothing."""
    current = summary().current
    assert current.teams_reached == 2
    assert current.teams == ("#infra", "#search")


def test_scope_mix() -> None:
    """Scopes of own entries as logged, with the unscoped entry counted apart."""
    assert dict(summary().current.scope_mix) == {
        "team": 1,
        "cross_team": 2,
        "org": 1,
        "self": 1,
        "unscoped": 1,
    }


def test_written_artefacts() -> None:
    """The two entries in the writing dimension (marked written_artefact) count."""
    assert summary().current.written_artefacts == 2


def test_kudos_received_and_given() -> None:
    """Two kudos entries received and one given this week; last week's given is not counted."""
    current = summary().current
    assert (current.kudos_received, current.kudos_given) == (2, 1)


def test_checkins_answered() -> None:
    """One check-in answered this week."""
    assert summary().current.checkins_answered == 1


def test_streak() -> None:
    """Six weeks in a row (12 Oct – 22 Nov; Oct 26 by a check-in alone); 5 Oct broke it."""
    result = summary()
    assert result.streak == 6
    assert not result.streak_capped


def test_change_against_the_trailing_four_weeks() -> None:
    """Trailing multiplier entries 1, 0, 3, 1 average 1.25; this week's 4 is +2.75 (+220%)."""
    result = summary()
    assert [p.multiplier_entries for p in result.trailing] == [1, 0, 3, 1]
    assert result.trend_week == WEEK
    trend = result.trend
    assert trend is not None
    assert trend.periods == 4
    assert trend.average_multiplier == pytest.approx(1.25)
    assert trend.average_entries == pytest.approx(1.75)
    assert trend.change_multiplier == pytest.approx(2.75)
    assert trend.change_percent == pytest.approx(2.2)
    assert trend.direction == "up"
    assert dict(trend.average_by_dimension) == pytest.approx(
        {"unblocking": 0.5, "delivery": 0.5, "reviews": 0.25, "mentoring": 0.25, "writing": 0.25}
    )


def test_the_nudge_that_fires() -> None:
    """Fourteen own entries in six weeks (the kudos is not hers), no alignment work among them.

    "Waiting for permission" stays quiet: the caching RFC reached the whole org; the
    narrow-scope rule too: 3 of 13 scoped own entries reach beyond the team (23 % > 20 %).
    """
    nudge = summary().nudge
    assert nudge is not None
    assert nudge.id == "ignoring-organisational-dynamics"
    assert nudge.message.startswith("14 entries in 6 weeks and no stakeholder")


def test_a_nudge_last_week_means_none_this_week() -> None:
    """At most one nudge every other week: a nudge shown for 9 Nov silences 16 Nov."""
    result = metrics.summarise(
        activity(),
        weeks=WINDOW,
        streak_weeks=STREAK,
        library=LIB,
        recently_shown_nudges=[ShownNudge(date(2026, 11, 9), "neglecting-writing")],
    )
    assert result.nudge is None
    assert result.went_well is not None


def test_the_same_nudge_is_not_repeated_within_six_weeks() -> None:
    """Shown for 26 Oct, the same nudge stays quiet on 16 Nov; shown in September, it may return."""
    for shown_on, expected in ((date(2026, 10, 26), None), (date(2026, 9, 28), "ignoring")):
        result = metrics.summarise(
            activity(),
            weeks=WINDOW,
            streak_weeks=STREAK,
            library=LIB,
            recently_shown_nudges=[ShownNudge(shown_on, "ignoring-organisational-dynamics")],
        )
        found = result.nudge.id.split("-")[0] if result.nudge else None
        assert found == expected


def test_what_went_well() -> None:
    """Three of this week's own entries reached beyond the team (two across teams, one org)."""
    assert summary().went_well == (
        "3 entries reached beyond your team: the scope staff work is judged at."
    )


def test_the_glue_work_reframe() -> None:
    """ "Fixed a flaky test" is glue work: the staff version is an org-wide testing strategy."""
    reframe = summary().reframe
    assert reframe is not None
    assert reframe.entry_id == 6
    assert reframe.reframe.id == "flaky-test-to-testing-strategy"


def test_a_newcomer_has_no_trend_and_no_nudge() -> None:
    """A first week has nothing to compare with, and no rule has enough history to fire."""
    newcomer = Activity(slack_user_id="UALICE", entries=THIS_WEEK)
    result = metrics.summarise(newcomer, weeks=WINDOW, streak_weeks=STREAK, library=LIB)
    assert result.trend is None
    assert result.trailing == ()
    assert result.nudge is None
    assert result.streak == 1


def test_a_two_week_newcomer_is_compared_with_one_week_only() -> None:
    """Weeks before someone's first entry are not averaged in as zeros."""
    two_weeks = Activity(slack_user_id="UALICE", entries=[EARLIER[-1], *THIS_WEEK])
    result = metrics.summarise(two_weeks, weeks=WINDOW, streak_weeks=STREAK, library=LIB)
    assert result.trend is not None
    assert result.trend.periods == 1
    assert result.trend.average_multiplier == 0
    assert result.trend.change_percent is None


def test_an_empty_week_in_progress_keeps_last_weeks_streak() -> None:
    """On a Monday morning with nothing yet, the streak is the one that ended last week."""
    next_week = periods.week_of_monday(date(2026, 11, 23), UTCZ)
    result = metrics.summarise(
        activity(),
        weeks=periods.weeks_ending_with(next_week, 6, UTCZ),
        streak_weeks=periods.weeks_ending_with(next_week, 52, UTCZ),
        library=LIB,
        in_progress=True,
    )
    assert result.current.entries == 0
    assert result.streak == 6
    finished = metrics.summarise(
        activity(),
        weeks=periods.weeks_ending_with(next_week, 6, UTCZ),
        streak_weeks=periods.weeks_ending_with(next_week, 52, UTCZ),
        library=LIB,
    )
    assert finished.streak == 0


def test_streak_is_capped_at_the_lookback() -> None:
    """Activity in every one of the 52 weeks reads as a capped streak (shown as 52+)."""
    every_week = [
        e(100 + n, w.start + timedelta(hours=1), "delivery", "self") for n, w in enumerate(STREAK)
    ]
    result = metrics.summarise(
        Activity(slack_user_id="UALICE", entries=every_week),
        weeks=WINDOW,
        streak_weeks=STREAK,
        library=LIB,
    )
    assert result.streak == 52
    assert result.streak_capped


def test_streak_function() -> None:
    """Trailing run of active periods; an empty in-progress period is skipped, not counted."""
    assert metrics.streak([True, False, True, True]) == 2
    assert metrics.streak([True, True, False]) == 0
    assert metrics.streak([True, True, False], current_in_progress=True) == 2
    assert metrics.streak([]) == 0


# ── Team digest ────────────────────────────────────────────────────────────────────────────

START = datetime(2026, 11, 16, 9, tzinfo=UTC)
END = datetime(2026, 11, 23, 9, tzinfo=UTC)


def te(
    id: int,
    author: str,
    occurred: datetime,
    created: datetime | None = None,
    dimension: str | None = "unblocking",
    scope: str | None = "team",
    people: tuple[str, ...] = (),
    shared: str | None = None,
) -> metrics.TeamEntryRow:
    return metrics.TeamEntryRow(
        id=id,
        author=author,
        occurred_at=occurred,
        created_at=created or occurred,
        dimension=dimension,
        scope=scope,
        people=people,
        shared_text=shared,
    )


TEAM_ENTRIES = [
    te(1, "UA", at(16, hour=10), people=("UB", "UX")),
    te(2, "UA", at(17), dimension="writing", scope="org", shared="Wrote the on-call RFC"),
    te(3, "UB", at(18), dimension="delivery", scope="self"),
    te(4, "UC", at(19), dimension="reviews", scope="cross_team", people=("UX",)),
    # Logged after this digest's cut-off: next week's "also from last week".
    te(5, "UD", at(20), created=END + timedelta(hours=1), shared="too late for this one"),
    # Occurred last period, logged after last week's digest: late, shown now.
    te(
        6,
        "UD",
        at(15),
        created=at(16, hour=12),
        dimension="mentoring",
        shared="Paired with a new hire",
    ),
    # Occurred last period, logged in time for last week's digest: not repeated.
    te(7, "UB", at(14), created=at(14)),
    # An author outside the team.
    te(8, "UOUT", at(18), shared="not in this team"),
]


def digest(min_group_size: int = 3, checkins: list | None = None) -> metrics.TeamDigest:
    return metrics.team_digest(
        period_start=START,
        period_end=END,
        members=["UA", "UB", "UC", "UD", "UE"],
        entries=TEAM_ENTRIES,
        # UE took part by answering a check-in; UA and UC answered last week's.
        answered_checkins=checkins
        if checkins is not None
        else [("UE", at(20)), ("UA", at(12)), ("UC", at(13))],
        kudos=[
            metrics.TeamKudosRow(1, "UB", "UA", "Thanks for the RFC", at(18)),
            metrics.TeamKudosRow(2, "UA", "UOUT", "recipient outside the team", at(18)),
            metrics.TeamKudosRow(3, "UC", "UB", "last week", at(14)),
        ],
        library=LIB,
        min_group_size=min_group_size,
    )


def test_team_totals() -> None:
    """UA, UB, UC logged and UE answered a check-in: 4 took part; 4 entries, 3 multiplier."""
    totals = digest().totals
    assert totals is not None
    assert totals.participants == 4
    assert totals.entries == 4
    assert totals.multiplier_entries == 3
    assert dict(totals.by_dimension) == {"unblocking": 1, "writing": 1, "delivery": 1, "reviews": 1}
    assert totals.people_helped == 2  # UB and UX
    assert totals.cross_team_entries == 2  # org + cross_team
    assert totals.written_artefacts == 1


def test_highlights_are_only_shared_entries_of_members_in_the_period() -> None:
    """One shared entry this period; the late one is apart; outsiders never appear."""
    result = digest()
    assert [h.text for h in result.highlights] == ["Wrote the on-call RFC"]
    assert [h.text for h in result.late_highlights] == ["Paired with a new hire"]
    assert result.late_totals is not None and result.late_totals.entries == 1


def test_kudos_for_team_members_in_the_period() -> None:
    """Only the kudos to a member within the period is shown."""
    assert [k.id for k in digest().kudos] == [1]


def test_no_aggregates_below_the_minimum_group() -> None:
    """With five required and four taking part (four last week too), no totals are shown."""
    result = digest(min_group_size=5)
    assert result.totals is None
    assert result.late_totals is None
    # What authors chose to share is still theirs to show.
    assert [h.text for h in result.highlights] == ["Wrote the on-call RFC"]


def test_one_kudos_to_several_people_is_one_line() -> None:
    """/kudos @UA @UC stores a row per recipient; the digest shows it once, naming both
    (failed before: the same text twice, once per recipient)."""
    result = metrics.team_digest(
        period_start=START,
        period_end=END,
        members=["UA", "UB", "UC"],
        entries=[],
        answered_checkins=[],
        kudos=[
            metrics.TeamKudosRow(1, "UB", "UA", "Great incident review", at(18)),
            metrics.TeamKudosRow(2, "UB", "UC", "Great incident review", at(18)),
            metrics.TeamKudosRow(3, "UB", "UC", "Great incident review", at(19)),  # another one
        ],
        library=LIB,
        min_group_size=3,
    )
    assert [(k.giver, k.recipients, k.created_at) for k in result.kudos] == [
        ("UB", ("UA", "UC"), at(18)),
        ("UB", ("UC",), at(19)),
    ]


def test_a_paused_empty_week_neither_counts_nor_breaks_the_streak() -> None:
    """5 Oct was empty and broke the streak; paused (its check-in skipped), it is skipped
    over: Sep 28 joins the run, and the paused week itself is not counted (failed before:
    the streak was 6, a chosen pause cost the person their streak)."""
    paused = Activity(**{**activity().__dict__, "paused_weeks": frozenset({date(2026, 10, 5)})})
    result = metrics.summarise(paused, weeks=WINDOW, streak_weeks=STREAK, library=LIB)
    assert result.streak == 7


def test_a_paused_empty_last_week_keeps_the_streak_and_says_it_was_paused() -> None:
    """The summary of a paused week with nothing logged keeps the streak that ended before it
    and is marked paused (the summary says so instead of critiquing an empty week)."""
    next_week = periods.week_of_monday(date(2026, 11, 23), UTCZ)
    paused = Activity(**{**activity().__dict__, "paused_weeks": frozenset({next_week.monday})})
    result = metrics.summarise(
        paused,
        weeks=periods.weeks_ending_with(next_week, 6, UTCZ),
        streak_weeks=periods.weeks_ending_with(next_week, 52, UTCZ),
        library=LIB,
    )
    assert (result.streak, result.paused, result.current.active) == (6, True, False)
    assert summary().paused is False
