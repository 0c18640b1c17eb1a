"""Nudges in realistic lives: each scenario is weeks of entries as people type them.

Every entry goes through the classifier (as /brag does), weeks become `WeeklyStats`, and
the nudge rules run on the history a weekly summary would see. The rules pinned here:
no nudge before 3 counted weeks and 6 own entries; paused and away weeks are neither
counted nor critiqued; kudos received never feed a nudge about your own behaviour;
"solving everything yourself" weighs delivery against all multiplier work and says the
counts; "optimising for being right" is retired; at most one nudge every other week, and a
summary that nudges also says what went well; broadening never asks to give up depth.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.coaching.classify import classify
from bot.coaching.library import default_library
from bot.coaching.nudges import (
    ShownNudge,
    WeeklyStats,
    away_weeks,
    firing_nudges,
    pick_nudge,
    what_went_well,
)

from ._support import build_weekly_stats

LIB = default_library()
START = date(2026, 9, 7)  # a Monday


@dataclass(frozen=True)
class Logged:
    """An entry as the summary loads it: classified text, with its source."""

    dimension: str | None
    scope: str | None
    source: str
    people: Sequence[str] = ()


def logged(text: str, source: str = "brag") -> Logged:
    understood = classify(text, LIB)
    return Logged(understood.dimension_id, understood.scope_id, source)


def week(
    n: int,
    texts: Sequence[str] = (),
    *,
    kudos: Sequence[str] = (),
    paused: bool = False,
    checkins: int = 0,
) -> WeeklyStats:
    """Week `n` after START with these own texts and kudos received."""
    entries = [logged(t) for t in texts] + [logged(t, "kudos") for t in kudos]
    return build_weekly_stats(
        week_start=START + timedelta(weeks=n),
        entries=entries,
        library=LIB,
        checkins_answered=checkins,
        paused=paused,
    )


SHIPPING = [
    "Shipped the new billing export feature",
    "Implemented pagination for the orders API",
    "Fixed a bug where emails were sent twice on retry",
    "Built the CSV import for the admin panel",
    "Deployed the new version of the ingestion worker to production",
    "Finished the OAuth integration with Google Workspace",
]
MULTIPLYING = [
    "Mentored Priya through her first on-call week",
    "Reviewed Tom's design doc and flagged that the retry path double-charges",
    "Debugged the CI cache issue with Kenji, he'd been stuck for two days",
    "Convinced the team to use Postgres advisory locks instead of Zookeeper",
    "Wrote the trade-off summary for the queue options",
    "Gave feedback on Marco's doc before arch review",
]
TEAM_ONLY = [
    "Mentored Priya through her first on-call week",
    "Reviewed Tom's design doc and flagged that the retry path double-charges",
    "Shipped the new billing export feature",
    "Wrote the design doc for the rate limiter with my team",
]


def ids(nudges: Sequence[object]) -> list[str]:
    return [n.id for n in nudges]  # type: ignore[attr-defined]


# ── A new user ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("weeks", [1, 2, 3, 4])
def test_a_new_user_with_few_entries_gets_no_nudge(weeks: int) -> None:
    """Weeks 1–4 with an entry or two, all own delivery: a welcome, not a critique."""
    history = [week(n, SHIPPING[n : n + 1]) for n in range(weeks)]
    assert firing_nudges(history, LIB) == []
    assert pick_nudge(history, LIB) is None


def test_two_busy_weeks_are_not_enough_history() -> None:
    """Twelve entries in two weeks: still too early to call a pattern."""
    history = [week(0, SHIPPING), week(1, SHIPPING)]
    assert pick_nudge(history, LIB) is None


def test_the_same_log_gets_its_nudge_once_there_is_enough_history() -> None:
    """The third counted week of all-delivery crosses the line (≥ 3 weeks, ≥ 6 own entries)."""
    history = [week(n, SHIPPING) for n in range(4)]
    nudge = pick_nudge(history, LIB)
    assert nudge is not None and nudge.id == "solving-everything-yourself"


# ── Vacation ─────────────────────────────────────────────────────────────────────────────


def _before_vacation() -> list[WeeklyStats]:
    return [
        week(0, [*MULTIPLYING[:3], "Noticed three teams duplicating the API client code"]),
        week(1, MULTIPLYING[3:]),
        week(2, [MULTIPLYING[0], "Helped the iOS team get past the certificate pinning issue"]),
    ]


@pytest.mark.parametrize("paused", [True, False], ids=["paused", "two-empty-weeks"])
def test_a_vacation_is_neither_critiqued_nor_counted(paused: bool) -> None:
    """Two weeks away (paused, or just empty): no nudge about them, and on return the rules'
    windows reach back past them to the weeks before."""
    away = [week(3, paused=paused), week(4, paused=paused)]
    history = [*_before_vacation(), *away]
    assert {START + timedelta(weeks=3), START + timedelta(weeks=4)} <= away_weeks(history)
    for weeks_seen in (4, 5):
        assert pick_nudge(history[:weeks_seen], LIB) is None
        assert what_went_well(history[weeks_seen - 1], LIB) is None
    back = [*history, week(5, TEAM_ONLY)]
    # Counted, the last three weeks are 1, 2 and 5: week 2 reached another team.
    assert "no-cross-team-evidence" not in ids(firing_nudges(back, LIB))


def test_a_paused_week_with_entries_still_counts() -> None:
    """Pausing check-ins but logging anyway is not being away."""
    history = [*_before_vacation(), week(3, MULTIPLYING[:2], paused=True)]
    assert START + timedelta(weeks=3) not in away_weeks(history)


def test_a_single_quiet_week_is_not_a_vacation() -> None:
    """One empty week counts as a week with nothing in it, not as time away."""
    history = [*_before_vacation(), week(3), week(4, TEAM_ONLY)]
    assert away_weeks(history) == set()


# ── Kudos received ───────────────────────────────────────────────────────────────────────


def test_a_log_of_mostly_kudos_received_gets_no_nudge() -> None:
    """Kudos are other people's words about you: they neither make history nor feed rules."""
    kudos = ["Thanks for shipping the export so fast", "Thanks for fixing the deploy script"]
    history = [week(n, SHIPPING[n : n + 1], kudos=kudos * 3) for n in range(6)]
    assert sum(w.kudos_received for w in history) == 36
    assert pick_nudge(history, LIB) is None


def test_kudos_never_feed_a_nudge_about_your_own_behaviour() -> None:
    """Thanks for shipping are not your delivery: solving-everything-yourself stays quiet."""
    kudos = [f"Thanks for shipping the {thing} so fast" for thing in ("export", "importer", "fix")]
    history = [week(n, MULTIPLYING[n % 6 : n % 6 + 3], kudos=kudos * 4) for n in range(4)]
    assert "solving-everything-yourself" not in ids(firing_nudges(history, LIB))


# ── Solving everything yourself ──────────────────────────────────────────────────────────


def test_three_deliveries_beside_six_multiplier_entries_is_not_solving_it_all_yourself() -> None:
    """Delivery is weighed against all multiplier work, not just unblocking and mentoring."""
    history = [week(n, [*SHIPPING[:3], *MULTIPLYING]) for n in range(4)]
    assert "solving-everything-yourself" not in ids(firing_nudges(history, LIB))


def test_solving_everything_yourself_quotes_the_counts() -> None:
    """When it fires, the message says how many of each the log holds."""
    history = [week(n, [*SHIPPING[:4], MULTIPLYING[n]]) for n in range(4)]
    nudge = pick_nudge(history, LIB)
    assert nudge is not None and nudge.id == "solving-everything-yourself"
    assert nudge.message.startswith("In the last 4 weeks you logged 16 things you built yourself")
    assert "and 4 where you multiplied someone else's work" in nudge.message


# ── Work that looks like something else ──────────────────────────────────────────────────


def test_an_rfc_circulated_to_six_teams_is_writing_that_reached_across_teams() -> None:
    """Filed as writing, it is both a written artefact and cross-team reach."""
    rfc = "Circulated my RFC on service-to-service auth to six teams for comments"
    understood = classify(rfc, LIB)
    assert (understood.dimension_id, understood.scope_id) == ("writing", "cross_team")
    history = [week(n, [rfc if n == 3 else TEAM_ONLY[0], *TEAM_ONLY[1:]]) for n in range(4)]
    fired = ids(firing_nudges(history, LIB))
    assert "no-cross-team-evidence" not in fired
    assert "neglecting-writing" not in fired


def test_spotting_duplication_and_proposing_a_shared_package_is_found_work() -> None:
    """Nobody assigned it: that is the opposite of waiting for permission."""
    found = "Spotted duplication between our retry logic and the identity team's and proposed a shared package"
    assert classify(found, LIB).dimension_id == "cross_team"
    history = [week(n, [*TEAM_ONLY, found] if n == 2 else TEAM_ONLY) for n in range(6)]
    assert "waiting-for-permission" not in ids(firing_nudges(history, LIB))
    without = [week(n, TEAM_ONLY) for n in range(6)]
    assert "waiting-for-permission" in ids(firing_nudges(without, LIB))


def test_reviews_galore_are_never_called_optimising_for_being_right() -> None:
    """The retired rule punished good reviewing; nothing in the log can show adoption."""
    reviews = [
        "Reviewed Tom's design doc and flagged that the retry path double-charges",
        "Caught a race condition in Priya's PR before it shipped",
        "Code review on the export job: spotted that it loads the whole table into memory",
        "Reviewed the data team's pipeline design and found the dedupe key would collapse events",
    ]
    history = [week(n, reviews) for n in range(6)]
    assert "optimising-for-being-right" not in ids(firing_nudges(history, LIB))
    assert all(n.mistake != "optimising-for-being-right" for n in LIB.nudges)


# ── Rhythm and tone ──────────────────────────────────────────────────────────────────────


def test_at_most_one_nudge_every_other_week_and_each_says_what_went_well() -> None:
    """Twelve weeks of one-sided work: nudges never in consecutive weeks, never the same one
    within six weeks, and every summary that nudges also says what went well."""
    history: list[WeeklyStats] = []
    shown: list[ShownNudge] = []
    nudged_weeks = []
    for n in range(12):
        history.append(week(n, [*SHIPPING[:4], TEAM_ONLY[0]]))
        nudge = pick_nudge(history, LIB, shown=shown)
        if nudge is None:
            continue
        nudged_weeks.append(n)
        assert what_went_well(history[-1], LIB)
        shown.append(ShownNudge(history[-1].week_start, nudge.id))
    assert nudged_weeks, "a one-sided log is worth a nudge now and then"
    assert all(b - a >= 2 for a, b in itertools.pairwise(nudged_weeks))
    for earlier, later in itertools.combinations(shown, 2):
        if earlier.nudge_id == later.nudge_id:
            assert later.week_start - earlier.week_start >= timedelta(weeks=6)
    assert len({item.nudge_id for item in shown}) >= 2, "another pattern gets its turn"


def test_going_broader_keeps_the_seed_s_counterweight() -> None:
    """The nudges toward breadth say that expanding scope does not mean abandoning depth."""
    broader = [n for n in LIB.nudges if n.mistake == "going-deeper-not-broader"]
    assert broader
    for nudge in broader:
        assert "depth" in nudge.template
    assert LIB.nudge("no-cross-team-evidence").seed_quote == (
        "Expanding your scope does not mean abandoning depth."
    )
    history = [week(n, TEAM_ONLY * 2) for n in range(4)]
    nudge = pick_nudge(history, LIB)
    assert nudge is not None and nudge.id == "no-cross-team-evidence"
    assert "expanding your scope does not mean abandoning it" in nudge.message
