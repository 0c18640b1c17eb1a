"""One plural helper: no "1 entries", "1 people helped", "1 checkins" in anything people read."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.library import default_library
from bot.evidence.periods import parse_period
from bot.privacy.service import row_noun
from bot.summaries.metrics import MultiplierSummary, PeriodMetrics, TeamDigest, TeamTotals, Trend
from bot.summaries.periods import week_of_monday
from bot.ui import checkins as checkin_ui
from bot.ui import digest as digest_ui
from bot.ui import evidence as evidence_ui
from bot.ui import summary as summary_ui
from bot.ui.messages import CommandNames
from bot.ui.text import noun, plural

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = default_library()
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
COUNTS = (0, 1, 2)

NOUNS = (
    r"entry|entries|person|people|artefacts?|artifacts?|check-?ins?|weeks?|days?|teams?"
    r"|answers?|messages?|files?|hours?|minutes?|reflections?|suggestions?|rows?|items?"
    r"|members?|questions?|times"
)
# The sandbox-smells rule: "1" followed by a plural noun.
WRONG_PLURAL = re.compile(
    r"(?<![\d.,])\b1\*? (?:more |multiplier |written |shared )?"
    r"(entries|artefacts|artifacts|people|checkins|check-ins|messages|weeks|days|teams|answers"
    r"|reflections|suggestions|files|rows|items)\b"
)
WRONG_SINGULAR = re.compile(
    r"(?<![\d.,])\b(?:0|2)\*? (?:more |multiplier |written |shared )?"
    r"(entry|artefact|person|check-in|checkin|week|day|team|answer|row|item)\b(?!-)"
)


def _wrong(text: str) -> list[str]:
    return [m.group(0) for m in (*WRONG_PLURAL.finditer(text), *WRONG_SINGULAR.finditer(text))]


def test_plural_helper() -> None:
    """Counts take the noun that goes with them, irregular ones included."""
    assert [plural(n, "entry") for n in COUNTS] == ["0 entries", "1 entry", "2 entries"]
    assert [plural(n, "person") for n in COUNTS] == ["0 people", "1 person", "2 people"]
    assert plural(1, "written artefact") == "1 written artefact"
    assert plural(2, "check-in") == "2 check-ins" and plural(3, "kudos") == "3 kudos"
    assert plural(1200, "day") == "1,200 days" and noun(1.0, "multiplier entry") == (
        "multiplier entry"
    )
    assert [row_noun(t) for t in ("checkins", "evidence_entries", "kudos", "answers")] == [
        "check-in",
        "evidence entry",
        "kudos",
        "answer",
    ]


# ── Every builder that puts a count in front of a noun, with 0, 1 and 2 ──────────────────


def _metrics(n: int) -> PeriodMetrics:
    return PeriodMetrics(
        entries=n, by_dimension={"writing": n}, multiplier_entries=n, people_helped=n,
        teams_reached=n, teams=("#team",) * n, scope_mix={"team": n}, written_artefacts=n,
        kudos_received=n, kudos_given=n, checkins_answered=n,
    )  # fmt: skip


def _summaries(n: int) -> list[MultiplierSummary]:
    """Summaries with an upward trend and one level with the average, for count n, both for a
    week that ended and one in progress."""
    week = week_of_monday(date(2026, 11, 16), ZoneInfo("UTC"))
    return [
        MultiplierSummary(
            week=week,
            current=_metrics(n),
            trailing=(_metrics(n),),
            trend=Trend(
                periods=max(n, 1),
                average_entries=float(n),
                average_multiplier=float(n),
                average_by_dimension={},
                change_multiplier=change,
                change_percent=0.5 if change else None,
            ),
            streak=n,
            streak_capped=False,
            nudge=None,
            reframe=None,
            in_progress=in_progress,
            trend_week=week,
            trend_metrics=_metrics(n),
        )
        for change in (1.0, 0.0)
        for in_progress in (False, True)
    ]


def _totals(n: int) -> TeamTotals:
    return TeamTotals(
        participants=n, members=n, entries=n, multiplier_entries=n, by_dimension={},
        people_helped=n, cross_team_entries=n, written_artefacts=n,
    )  # fmt: skip


def _digest(n: int) -> TeamDigest:
    return TeamDigest(
        period_start=NOW, period_end=NOW, members=n, totals=_totals(n), highlights=(),
        highlights_more=n, kudos=(), kudos_more=n, late_totals=_totals(n), late_highlights=(),
        min_group_size=n,
    )  # fmt: skip


def _texts(n: int) -> list[str]:
    """What every count-bearing builder says for a count of n."""
    out: list[str] = []
    current = _metrics(n)
    out.append(summary_ui.headline(current))
    for summary in _summaries(n):
        out += [summary_ui.trend_line(summary), summary_ui.fallback_text(summary)]
    out.append(str(digest_ui.digest_message(
        _digest(n), channel_name="team", tz_name="UTC", library=LIBRARY, names=CommandNames()
    )))  # fmt: skip
    channel = SimpleNamespace(
        channel_id="C0TEAM", channel_name="team", weekday=0, minute_of_day=540, tz="UTC",
        next_post_at=NOW, active=True, stopped_at=None, stopped_reason=None,
    )  # fmt: skip
    out.append(str(digest_ui.digest_list([(channel, n)], CommandNames())))  # type: ignore[list-item]
    out.append(str(digest_ui.digest_added(channel, n)))  # type: ignore[arg-type]
    out.append(str(evidence_ui.entry_list(
        entries=[], total=n, offset=0, label="all", spec_at=lambda _o: "x", library=LIBRARY,
        tz="UTC", command="/brag",
    )))  # fmt: skip
    out.append(str(checkin_ui.checkin_message(checkin_id=1, questions=[], status="sent",
                                              slot_local=NOW)))  # fmt: skip
    # Coverage per expectation (issue 17): n expectations with n entries each, or none.
    from bot.coaching.mapping import Coverage
    from bot.ui.mapping import coverage_home_blocks, coverage_summary_blocks

    for count in (n, 0):
        coverage = [Coverage(i, f"Item {i}", count, "x", this_week=n) for i in range(max(n, 1))]
        out.append(str(coverage_home_blocks(coverage, multiplier_command="/multiplier")))
        out.append(str(coverage_summary_blocks(coverage)))
    if n:
        out.append(parse_period(f"last {n} days", now=NOW, tz="UTC").label)
        out.append(parse_period(f"last {n} weeks", now=NOW, tz="UTC").label)
    return out


@pytest.mark.parametrize("n", COUNTS)
def test_no_wrong_plural_in_any_builder(n: int) -> None:
    """Summaries, digests, the evidence list, check-in menus and period labels agree with
    their counts (failed before: "1 multiplier entries a week", "1 written artefacts" in the
    notification text, "team of 1 …", "at least 1 people")."""
    for text in _texts(n):
        assert _wrong(text) == [], text


# ── And no builder counts without the helper ─────────────────────────────────────────────

# `{count} entries` in an f-string, outside `code` (command names such as `{m} checkins`).
_COUNTED = re.compile(
    r"\{([^{}]+)\}\*?\s+(?:more\s+|multiplier\s+|written\s+|shared\s+)?(" + NOUNS + r")\b"
)
_HAND_MADE = re.compile(r"""(?:==|!=) ?1 else|['"]s['"] if|entr\{|\}[\w ]*\(s\)""")
# Counts that are never 1 (constants of at least two) may be written out.
_NEVER_ONE = re.compile(r"^[A-Z_][A-Z0-9_.]*$|^MAX_JUMP\.days$")


# The helper itself, and the coaching library's validation messages (for content authors,
# at start-up; nobody using the app reads them).
_NOT_FOR_USERS = ("bot/ui/text.py", "bot/coaching/library.py", "bot/coaching/schema.py")


def _source_lines() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "sandbox").rglob("*.py")]):
        if path.relative_to(ROOT).as_posix() in _NOT_FOR_USERS or "standin" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found.append((str(path.relative_to(ROOT)), number, line))
    return found


def test_every_count_goes_through_the_plural_helper() -> None:
    """No f-string puts a count before a noun by hand, and nobody picks the plural with
    `if n == 1` (failed before: a dozen places did)."""
    offenders = []
    for where, number, line in _source_lines():
        if _HAND_MADE.search(line):
            offenders.append(f"{where}:{number}: {line.strip()}")
        for match in _COUNTED.finditer(line):
            inside_code = line[: match.start()].count("`") % 2 == 1
            words = re.search(r"['\"]", match.group(1))  # `{'last' if … else 'this'} week`
            if inside_code or words or _NEVER_ONE.match(match.group(1).strip()):
                continue
            offenders.append(f"{where}:{number}: {line.strip()}")
    assert offenders == []


def test_periods_and_pause_options_read_right() -> None:
    """`last 1 day` and the Pause menu's `1 week` are singular."""
    assert parse_period("last 1 week", now=NOW, tz="UTC").label == "the last 1 week"
    message = checkin_ui.checkin_message(
        checkin_id=1,
        questions=[checkin_ui.Question(0, "p", "Q?")],
        status="sent",
        slot_local=NOW,
    )
    options = [o["text"]["text"] for b in message["blocks"] for e in b.get("elements", [])
               if isinstance(e, dict) for o in e.get("options", [])]  # fmt: skip
    assert options == ["Pause for 1 week", "Pause for 2 weeks", "Pause for 4 weeks"]


@pytest.mark.parametrize("awaiting", [1, 2])
def test_a_quiet_week_with_judgment_calls_waiting_agrees_with_its_count(awaiting: int) -> None:
    """ "You have 1 judgment call still waiting for their verdict … these will be judged …
    how each turned out" (failed before): the sentence reads right for one call and for two."""
    from bot.ui.judgments import summary_blocks

    blocks = summary_blocks(outcomes=(), awaiting=awaiting, empty_week=True, library=LIBRARY)
    (said,) = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    calls = plural(awaiting, "judgment call")
    assert f"You have {calls} still awaiting a verdict" in said, said
    assert not re.search(r"\b(their|these|each)\b", said), said
