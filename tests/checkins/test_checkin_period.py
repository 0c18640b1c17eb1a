"""A check-in early in the week (Monday, Tuesday) asks about the week that ended.

Its period key names that week, its wording says so, and answers to it are dated inside
that week (its last work day), so they count there however late they come.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins import answers, present, schedule
from bot.checkins.schedule import Preferences
from bot.coaching.library import default_library
from bot.db.engine import Database
from bot.db.models import Answer, CheckIn, EvidenceEntry, User
from bot.summaries import service as summaries
from sandbox.render import render_message
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, dispatcher, utc

LIB = default_library(None)
MONDAY, TUESDAY, WEDNESDAY, FRIDAY, SUNDAY = 0, 1, 2, 4, 6
# The people of the sandbox: alice in New York, bob in Berlin, carol in Kolkata.
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata"]
PROMPT = "unblock-who-was-stuck"  # "Who, if anyone, was stuck this week until you stepped in?"


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize(
    ("weekday", "key"),
    [(MONDAY, "2026-W49"), (TUESDAY, "2026-W49"), (WEDNESDAY, "2026-W50"), (FRIDAY, "2026-W50")],
)
def test_the_period_of_a_slot_is_the_week_it_asks_about(tz: str, weekday: int, key: str) -> None:
    """In week 50 (7–13 Dec 2026) a Monday or Tuesday slot is about week 49, later ones week 50."""
    prefs = Preferences(tz=tz, weekday=weekday, minute=9 * 60 + 30)
    (slot,) = schedule.slots_between(prefs, utc(2026, 12, 6, 12), utc(2026, 12, 13, 12))
    assert slot.period_key == key


def test_the_period_key_across_new_year() -> None:
    """Monday 4 Jan 2027 asks about 28 Dec 2026 – 3 Jan 2027: ISO week 2026-W53."""
    prefs = Preferences(tz="Europe/Berlin", weekday=MONDAY, minute=9 * 60)
    slot = schedule.next_slot(prefs, utc(2027, 1, 2))
    assert slot is not None and slot.local.date() == date(2027, 1, 4)
    assert slot.period_key == "2026-W53"


@pytest.mark.parametrize(
    ("tz", "workdays", "slot", "dated"),
    [
        # bob, Berlin, Monday 09:30 (08:30 UTC): dated Friday 09:30 Berlin.
        ("Europe/Berlin", None, utc(2026, 12, 7, 8, 30), utc(2026, 12, 4, 8, 30)),
        # alice, New York, Tuesday 09:00 after the fall-back night: Friday 30 Oct was EDT.
        ("America/New_York", None, utc(2026, 11, 3, 14), utc(2026, 10, 30, 13)),
        # carol, Kolkata (+05:30), works Monday to Saturday: dated Saturday.
        ("Asia/Kolkata", 0b0111111, utc(2026, 12, 7, 4), utc(2026, 12, 5, 4)),
        # A Friday check-in asks about its own week: dated at its slot.
        ("Europe/Berlin", None, utc(2026, 12, 4, 14), utc(2026, 12, 4, 14)),
    ],
)
def test_answers_are_dated_in_the_week_asked_about(
    tz: str, workdays: int | None, slot: datetime, dated: datetime
) -> None:
    """An answer to a Monday/Tuesday check-in is dated on the ended week's last work day."""
    prefs = Preferences(tz=tz, workdays=schedule.valid_workdays(workdays))
    assert schedule.answer_instant(prefs, slot) == dated


def _lines(slot_local: datetime) -> list[str]:
    message = present.new_message(
        library=LIB, checkin_id=7, prompt_ids=[PROMPT], slot_local=slot_local
    )
    return render_message(message)


def test_a_monday_checkin_says_it_is_about_last_week() -> None:
    """Golden text: the intro names last week's dates; the question and button say "last week"."""
    monday = utc(2026, 12, 7, 8, 30).astimezone(schedule.zone_for("Europe/Berlin"))
    lines = _lines(monday)
    assert lines[2].startswith("Your reflection on last week (30 Nov–6 Dec). A minute now")
    assert lines[3] == "1. Who, if anyone, was stuck last week until you stepped in?"
    assert lines[5] == "[-] Answer  [-] Nothing last week"


def test_a_friday_checkin_says_it_is_about_this_week() -> None:
    """Golden text: a Friday check-in is about this week, dates and words alike."""
    friday = utc(2026, 12, 11, 20).astimezone(schedule.zone_for("America/New_York"))
    lines = _lines(friday)
    assert lines[2].startswith("Your reflection on this week (7–13 Dec). A minute now")
    assert lines[3] == "1. Who, if anyone, was stuck this week until you stepped in?"
    assert lines[5] == "[-] Answer  [-] Nothing this week"


def test_a_late_answer_to_a_monday_checkin_counts_for_the_week_that_ended(
    database: Database, standin: SlackStandIn
) -> None:
    """bob answers Monday's check-in on Wednesday: the entry counts in last week's summary."""
    monday = utc(2026, 12, 7, 8, 30)  # 09:30 in Berlin
    add_users(
        database, ["UBOB"], now=monday - timedelta(days=1), tz="Europe/Berlin", standin=standin,
        checkin_weekday=MONDAY, checkin_minute=9 * 60 + 30,
        created_at=monday - timedelta(weeks=2),  # here all last week
    )  # fmt: skip
    assert dispatcher(standin, database).run(monday).sent == 1
    with database.session() as session:
        bob = session.scalars(select(User)).one()
        checkin = session.scalars(select(CheckIn)).one()
        assert checkin.period_key == "2026-W49"
        answers.answer_with_form(
            session=session, user=bob, checkin_id=checkin.id, index=0,
            form=answers.AnswerForm(text="Paired with dana on the flaky deploy"),
            now=monday + timedelta(days=2), library=LIB,
        )  # fmt: skip
    with database.session() as session:
        bob = session.scalars(select(User)).one()
        entry = session.scalars(select(EvidenceEntry)).one()
        assert entry.occurred_at == utc(2026, 12, 4, 8, 30)  # Friday 09:30 in Berlin
        last_week = summaries.previous_week(bob, monday)
        summary = summaries.build_summary(session=session, user=bob, week=last_week, library=LIB)
        this_week = summaries.build_summary(
            session=session,
            user=bob,
            week=summaries.current_week(bob, monday),
            library=LIB,
            in_progress=True,
        )
    assert summary.current.entries == 1
    assert summary.current.checkins_answered == 1
    assert this_week.current.entries == 0 and this_week.current.checkins_answered == 0


def test_moving_from_friday_to_monday_does_not_ask_about_a_week_twice(
    database: Database, standin: SlackStandIn
) -> None:
    """Friday's check-in was about this week; Monday's would be about the same week: skipped."""
    friday = utc(2026, 12, 4, 14)  # 15:00 in Berlin
    add_users(
        database, ["UBOB"], now=friday - timedelta(days=1), tz="Europe/Berlin", standin=standin
    )
    run = dispatcher(standin, database)
    assert run.run(friday).sent == 1
    with database.session() as session:
        from bot.checkins import service

        bob = session.scalars(select(User)).one()
        service.enable(session=session, user=bob, now=friday + timedelta(hours=1), weekday=MONDAY)
        # Monday 7 Dec would ask about 30 Nov – 6 Dec, already asked on Friday: the next is 14 Dec.
        assert bob.next_checkin_at == utc(2026, 12, 14, 14)
    assert run.run(utc(2026, 12, 7, 14)).sent == 0
    assert run.run(utc(2026, 12, 14, 14)).sent == 1
    with database.session() as session:
        keys = sorted(session.scalars(select(CheckIn.period_key)))
    assert keys == ["2026-W49", "2026-W50"]


def _spans(prefs: Preferences, start: datetime, end: datetime) -> list[schedule.Span]:
    return [schedule.span(prefs, s.local.date()) for s in schedule.slots_between(prefs, start, end)]


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("weekday", [MONDAY, TUESDAY, WEDNESDAY, FRIDAY, SUNDAY])
@pytest.mark.parametrize("cadence", ["weekly", "biweekly"])
def test_weekly_and_biweekly_checkins_ask_about_every_day_once(
    tz: str, weekday: int, cadence: str
) -> None:
    """Consecutive check-ins ask about consecutive days: none twice, none skipped (every two
    weeks failed before: a check-in asked about one week of the two)."""
    prefs = Preferences(tz=tz, cadence=cadence, weekday=weekday, minute=9 * 60)
    spans = _spans(prefs, utc(2026, 11, 1), utc(2027, 3, 1))
    assert len(spans) > 6
    for earlier, later in itertools.pairwise(spans):
        assert later.first == earlier.last + timedelta(days=1), (earlier, later)
        assert (later.last - later.first).days + 1 == (14 if cadence == "biweekly" else 7)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize(("first", "second"), [(FRIDAY, None), (MONDAY, WEDNESDAY), (TUESDAY, 5)])
def test_twice_weekly_checkins_ask_about_the_days_since_the_other(
    tz: str, first: int, second: int | None
) -> None:
    """Twice a week, each check-in asks about the days since the other one's day (failed
    before: the early-week one asked about the week that ended, which Friday's had asked)."""
    prefs = Preferences(
        tz=tz, cadence="twice_weekly", weekday=first, second_weekday=second, minute=15 * 60
    )
    slots = schedule.slots_between(prefs, utc(2026, 11, 1), utc(2027, 1, 1))
    spans = [schedule.span(prefs, s.local.date()) for s in slots]
    assert len(spans) >= 16
    for slot, span in zip(slots, spans, strict=True):
        assert span.kind == "since" and span.last == slot.local.date()
    for earlier, later in itertools.pairwise(spans):
        assert later.first == earlier.last, (earlier, later)


def test_a_twice_weekly_checkin_names_the_days_since_the_other() -> None:
    """Golden text: alice's Tuesday and Friday check-ins (twice a week, Friday 15:00 and the
    default Tuesday) name the days since the other, in the intro, question and buttons."""
    prefs = Preferences(tz="America/New_York", cadence="twice_weekly", weekday=FRIDAY)
    tuesday, friday = schedule.slots_between(prefs, utc(2026, 12, 7), utc(2026, 12, 12))
    lines = render_message(
        present.new_message(
            library=LIB, checkin_id=7, prompt_ids=[PROMPT], slot_local=tuesday.local, prefs=prefs
        )
    )
    assert lines[0] == "Reflection"
    assert lines[2].startswith("Your reflection on the days since Friday (4–8 Dec). A minute")
    assert lines[3] == "1. Who, if anyone, was stuck since Friday until you stepped in?"
    assert lines[5] == "[-] Answer  [-] Nothing since Friday"
    assert "[-] Skip this check-in" in lines
    lines = render_message(
        present.new_message(
            library=LIB, checkin_id=8, prompt_ids=[PROMPT], slot_local=friday.local, prefs=prefs
        )
    )
    assert lines[2].startswith("Your reflection on the days since Tuesday (8–11 Dec). A minute")
    assert lines[3] == "1. Who, if anyone, was stuck since Tuesday until you stepped in?"


def test_a_biweekly_checkin_names_both_weeks() -> None:
    """Golden text: every two weeks, a Friday check-in is about that week and the one before."""
    prefs = Preferences(tz="Europe/Berlin", cadence="biweekly", weekday=FRIDAY)
    slot = schedule.next_slot(prefs, utc(2026, 12, 7))
    assert slot is not None and slot.local.date() == date(2026, 12, 18)
    lines = render_message(
        present.new_message(
            library=LIB, checkin_id=7, prompt_ids=[PROMPT], slot_local=slot.local, prefs=prefs
        )
    )
    assert lines[0] == "Two-week reflection"
    assert lines[2].startswith("Your reflection on the last two weeks (7–20 Dec). A minute")
    assert lines[3] == "1. Who, if anyone, was stuck over the last two weeks until you stepped in?"
    assert lines[5] == "[-] Answer  [-] Nothing in these two weeks"


def test_a_twice_weekly_tuesday_answer_counts_in_its_own_week() -> None:
    """A Tuesday check-in twice a week asks about the days since Friday, up to Tuesday: its
    answers are dated when given (in Tuesday's week), not on the Friday before."""
    prefs = Preferences(tz="Europe/Berlin", cadence="twice_weekly", weekday=FRIDAY)
    tuesday = utc(2026, 12, 8, 14)
    assert schedule.answer_instant(prefs, tuesday) == tuesday
    wednesday = tuesday + timedelta(days=1)
    assert schedule.answer_instant(prefs, tuesday, wednesday) == wednesday


def test_an_answers_confirmation_quotes_the_question_in_the_checkins_words() -> None:
    """alice (twice a week) answers Tuesday's check-in in the DM: the confirmation quotes the
    question as the check-in asked it, "since Friday" (failed before: "this week")."""
    prefs = Preferences(tz="America/New_York", cadence="twice_weekly", weekday=FRIDAY)
    tuesday = schedule.next_slot(prefs, utc(2026, 12, 7))
    assert tuesday is not None
    checkin = CheckIn(id=7, slot_at=tuesday.at, status="answered", prompt_ids=[PROMPT])
    answer = Answer(id=3, checkin_id=7, prompt_id=PROMPT, kind="answer", text="Paired with dana")
    reply = answers.Reply(checkin=checkin, answers=(answer,), kind="answer", question="x")
    lines = render_message(present.reply_confirmation(LIB, reply, prefs))
    assert lines[0] == (
        "Saved as your answer to Who, if anyone, was stuck since Friday until you stepped in?"
    )


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        ("twice_weekly", "1. Pick one thing from the days since Tuesday: in one sentence, why"),
        ("biweekly", "1. Pick one thing from the last two weeks: in one sentence, why did"),
    ],
)
def test_from_this_week_reads_right_in_every_period(cadence: str, expected: str) -> None:
    """ "Pick one thing from this week" said for a twice-weekly or two-week check-in (failed
    before: "from since Tuesday", "from over the last two weeks")."""
    prefs = Preferences(tz="America/New_York", cadence=cadence, weekday=FRIDAY)
    slot = schedule.next_slot(prefs, utc(2026, 12, 9))
    assert slot is not None
    lines = render_message(
        present.new_message(
            library=LIB,
            checkin_id=7,
            prompt_ids=["impact-why-it-mattered"],
            slot_local=slot.local,
            prefs=prefs,
        )
    )
    assert lines[3].startswith(expected), lines[3]


def _tuesday_message(prefs: Preferences) -> list[str]:
    tuesday = schedule.next_slot(prefs, utc(2026, 12, 7))
    assert tuesday is not None and tuesday.local.date() == date(2026, 12, 8)
    return render_message(
        present.new_message(
            library=LIB, checkin_id=7, prompt_ids=[PROMPT], slot_local=tuesday.local, prefs=prefs
        )
    )


def test_the_first_twice_weekly_checkin_starts_when_the_person_did() -> None:
    """alice joined on Monday 7 Dec (`created_at`, in her zone) with check-ins on Tuesday and
    Friday: Tuesday's asks about the days since Monday (7–8 Dec), not since the Friday
    before she joined (failed before: "since Friday (4–8 Dec)"). Friday's is as always."""
    alice = User(
        tz="America/New_York", cadence="twice_weekly", checkin_weekday=TUESDAY,
        second_weekday=FRIDAY, checkin_minute=10 * 60, checkins_enabled=True,
        created_at=utc(2026, 12, 7, 20),  # Monday 15:00 in New York
    )  # fmt: skip
    prefs = Preferences.of(alice)
    assert prefs.started == date(2026, 12, 7)
    lines = _tuesday_message(prefs)
    assert lines[2].startswith("Your reflection on the days since Monday (7–8 Dec). A minute")
    assert lines[3] == "1. Who, if anyone, was stuck since Monday until you stepped in?"
    friday = schedule.span(prefs, date(2026, 12, 11))
    assert (friday.first, friday.last) == (date(2026, 12, 8), date(2026, 12, 11))
    # Someone who joined long before asks about the days since Friday, as ever.
    earlier = Preferences.of(User(**{**_fields(alice), "created_at": utc(2026, 11, 2)}))
    assert _tuesday_message(earlier)[2].startswith("Your reflection on the days since Friday")


def test_a_twice_weekly_checkin_on_the_day_someone_joined_asks_about_today() -> None:
    """Joined on the morning of the first check-in's day: it asks about today (8 Dec), not
    "the days since Tuesday (8–8 Dec)"."""
    prefs = Preferences(
        tz="America/New_York", cadence="twice_weekly", weekday=TUESDAY, second_weekday=FRIDAY,
        minute=10 * 60, started=date(2026, 12, 8),
    )  # fmt: skip
    lines = _tuesday_message(prefs)
    assert lines[2].startswith("Your reflection on today (8 Dec). A minute"), lines[2]
    assert lines[3] == "1. Who, if anyone, was stuck today until you stepped in?"
    assert lines[5] == "[-] Answer  [-] Nothing today"


def _fields(user: User) -> dict[str, object]:
    names = ("tz", "cadence", "checkin_weekday", "second_weekday", "checkin_minute")
    return {name: getattr(user, name) for name in names} | {"checkins_enabled": True}


@pytest.mark.parametrize(
    ("started", "first"),
    [
        # Joined the Sunday before, or on Monday: the whole week.
        (date(2026, 12, 6), date(2026, 12, 11)),
        (date(2026, 12, 7), date(2026, 12, 11)),
        # Wednesday: three of five work days, this Friday, about 9–13 Dec.
        (date(2026, 12, 9), date(2026, 12, 11)),
        # Thursday or Friday: too little of the week; next Friday.
        (date(2026, 12, 10), date(2026, 12, 18)),
        (date(2026, 12, 11), date(2026, 12, 18)),
    ],
)
def test_the_first_weekly_checkin_is_about_a_week_the_person_was_mostly_here(
    started: date, first: date
) -> None:
    """Friday check-ins: the first one comes in the week the person joined only when they
    were here for at least half its work days, and never names days before they came."""
    prefs = Preferences(tz="America/New_York", weekday=FRIDAY, minute=15 * 60, started=started)
    slot = schedule.next_slot(prefs, utc(2026, 12, 7, 5))
    assert slot is not None and slot.local.date() == first
    span = schedule.span(prefs, first)
    assert span.first == max(started, first - timedelta(days=4)), span


@pytest.mark.parametrize("cadence", ["weekly", "biweekly"])
def test_a_monday_checkin_never_asks_about_a_week_before_the_person_came(cadence: str) -> None:
    """Joined Monday 7 Dec at dawn, check-ins on Mondays at 10:00: not that morning's (about
    30 Nov–6 Dec) but 14 Dec's, about 7–13 Dec; every two weeks (14 Dec is a slot week) it
    names the same days, not 30 Nov–13 Dec."""
    prefs = Preferences(
        tz="America/New_York", cadence=cadence, weekday=MONDAY, minute=10 * 60,
        started=date(2026, 12, 7),
    )  # fmt: skip
    slot = schedule.next_slot(prefs, utc(2026, 12, 7, 8))
    assert slot is not None and slot.local.date() == date(2026, 12, 14)
    span = schedule.span(prefs, slot.local.date())
    assert (span.first, span.last) == (date(2026, 12, 7), date(2026, 12, 13))
