"""The monthly expectations check end to end (issue 17 item 1): with the second check-in of
the month (the first brings the month's sponsor DM: one periodic DM a check-in), people who entered their staff expectations are
asked whether they and their manager mapped recent work to them; a second "Not yet" in a row
gets seed 002's red flag, kindly, once. Not for someone without expectations, not while
paused or away. Buttons naming someone else's check, or garbage, are refused; a double click
is one answer. Exported by `export json`, deleted by forget-me.
Signed requests → app → DB; the app's clock moved over three months, the jobs run with an
explicit `now`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.coaching.library import default_library
from bot.db.models import ExpectationCheck, User
from bot.expectations.monthly import EVENT_TYPE, send_expectation_checks
from bot.sponsors.monthly import EVENT_TYPE as SPONSOR_EVENT
from bot.sponsors.monthly import send_sponsor_dms
from bot.ui import expectation_check as ui
from standin.signing import Input
from tests.checkins.support import (
    add_users,
    checkin_messages,
    dispatcher,
    nothing_this_week,
    settings_for,
    utc,
)
from tests.e2e.evidence_helpers import click, last_response
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp

LIB = default_library()
SEED_002 = "002_ab6cc0801e6074bc.txt"
MoveClock = Callable[[datetime], None]
# Everyone (UTC) opts in on Monday 30 Nov 2026; check-ins are Thursdays 15:00.
MONDAY_30 = utc(2026, 11, 30, 9)
DEC_3 = utc(2026, 12, 3, 15)
# The first check-ins of January (month 1 of the check), February and March: each brings
# the month's sponsor DM, the next week's the check.
JAN_7 = utc(2027, 1, 7, 15)
FEB_4 = utc(2027, 2, 4, 15)
MAR_4 = utc(2027, 3, 4, 15)
WEEK = timedelta(weeks=1)
PEOPLE = ["UALICE", "UBOB", "UCAROL"]  # Bob enters no expectations


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def dms(app: RunningApp, slack_id: str, event_type: str = EVENT_TYPE) -> list[dict[str, Any]]:
    return [
        m
        for m in app.standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == event_type
    ]


def send_checks(app: RunningApp, now: datetime) -> None:
    send_sponsor_dms(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=now,
        library=LIB,
    )
    send_expectation_checks(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=now,
        library=LIB,
    )


def tick(app: RunningApp, now: datetime) -> None:
    """One scheduler tick's check-ins, sponsor DMs, then expectations checks (catalog order);
    then everyone answers the check-in it brought them ("Nothing this week": nobody here is
    silent, bot/checkins/silence.py)."""
    before = {who: len(checkin_messages(app.standin, who)) for who in PEOPLE}
    dispatcher(app.standin, app.database).run(now)
    send_checks(app, now)
    for who in PEOPLE:
        if len(checkin_messages(app.standin, who)) > before[who]:
            nothing_this_week(app, who)


def first_and_next(app: RunningApp, move_clock: MoveClock, first: datetime) -> None:
    """Tick a month's first check-in (it brings the sponsor DM) and the next week's (it
    brings the check: one periodic DM a check-in)."""
    for at in (first, first + WEEK):
        move_clock(at)
        tick(app, at)


def responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def enter_expectations(app: RunningApp, slack_id: str) -> None:
    before = len(app.standin.calls_to("views.open"))
    app.slack.slash_command("/multiplier", "expectations", user_id=slack_id)
    app.standin.wait_for("views.open", count=before + 1)
    values = {"expectations": {"text": Input.plain_text("Sets direction\nMentors seniors")}}
    reply = app.slack.view_submission("expectations", user_id=slack_id, values=values)
    assert reply.status == 200 and reply.body == ""
    app.wait_idle()


def press(app: RunningApp, dm: dict[str, Any], action_id: str, **kwargs: Any) -> dict[str, Any]:
    """Press a button of a monthly check DM; the response it brought."""
    n = responses(app) + 1
    app.slack.block_action(
        action_id,
        message={"blocks": dm["blocks"], "ts": dm["ts"], "channel": dm["channel"]},
        **({"user_id": "UALICE"} | kwargs),
    )
    answered = last_response(app, n)
    app.wait_idle()
    return answered


def text_of(payload: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] if b["type"] == "section" else b["elements"][0]["text"]
        for b in payload["blocks"]
    )


def checks(app: RunningApp) -> list[tuple[str, str, str | None, bool]]:
    with app.database.session() as session:
        rows = session.execute(
            select(User.slack_user_id, ExpectationCheck)
            .join(User, User.id == ExpectationCheck.user_id)
            .order_by(ExpectationCheck.month, User.slack_user_id)
        )
        return [(who, c.month, c.answer, c.advised_at is not None) for who, c in rows]


def december(app: RunningApp, move_clock: MoveClock) -> None:
    """All three opted in; Alice and Carol enter expectations with their first check-in.
    December brings no check: the question is about work since they entered them."""
    move_clock(MONDAY_30)
    add_users(app.database, PEOPLE, now=MONDAY_30, standin=app.standin, checkin_weekday=3)
    move_clock(DEC_3)
    tick(app, DEC_3)
    move_clock(DEC_3 + timedelta(hours=1))
    enter_expectations(app, "UALICE")
    enter_expectations(app, "UCAROL")
    for week in range(1, 5):
        move_clock(DEC_3 + timedelta(weeks=week))
        tick(app, DEC_3 + timedelta(weeks=week))
    assert len(checkin_messages(app.standin, "UALICE")) == 5
    assert all(dms(app, who) == [] for who in PEOPLE)


def test_two_not_yets_in_a_row_bring_the_red_flag_once(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    december(app, move_clock)
    question = LIB.expectation_check("question")
    red_flag = LIB.expectation_check("red-flag")
    assert question is not None and red_flag is not None
    assert (question.seed, red_flag.seed) == (SEED_002, SEED_002)
    assert "that is a red flag" in red_flag.seed_quote

    # Month 1: January's first check-in brings the sponsor DM only; the next week's the check.
    move_clock(JAN_7)
    tick(app, JAN_7)
    assert all(dms(app, who) == [] for who in PEOPLE)
    assert all(len(dms(app, who, SPONSOR_EVENT)) == 1 for who in PEOPLE)
    move_clock(JAN_7 + WEEK)
    tick(app, JAN_7 + WEEK)
    (jan,) = dms(app, "UALICE")
    kinds = [(m.get("metadata") or {}).get("event_type") for m in app.standin.dm_messages("UALICE")]
    assert kinds[-4:] == ["multiplier_checkin", SPONSOR_EVENT, "multiplier_checkin", EVENT_TYPE]
    assert jan["text"] == f"Your monthly expectations check: {question.text}"
    labels = [e["text"]["text"] for e in jan["blocks"][-1]["elements"]]
    assert labels == ["Yes, we mapped them", "Not yet", "Skip this month"]
    # Not for Bob, who has entered no expectations (he got his check-in and sponsor DM).
    assert dms(app, "UBOB") == [] and len(dms(app, "UBOB", SPONSOR_EVENT)) == 1
    assert len(dms(app, "UCAROL")) == 1
    # A replay of the tick, and the next weeks' check-ins: no second one this month.
    tick(app, JAN_7 + WEEK + timedelta(minutes=1))
    for week in (2, 3):
        move_clock(JAN_7 + timedelta(weeks=week))
        tick(app, JAN_7 + timedelta(weeks=week))
    assert len(dms(app, "UALICE")) == 1

    first = press(app, jan, ui.NO)
    assert first["replace_original"] is True
    said = text_of(first)
    not_yet = LIB.expectation_check("not-yet")
    assert not_yet is not None and not_yet.text in said
    assert red_flag.text not in said and "actions" not in [b["type"] for b in first["blocks"]]
    assert "You answered *Not yet* for January 2027" in said

    # Month 2: a second "Not yet" in a row brings seed 002's red flag, kindly.
    first_and_next(app, move_clock, FEB_4)
    (_, feb) = dms(app, "UALICE")
    second = press(app, feb, ui.NO)
    assert red_flag.text in text_of(second)
    assert "two months in a row" in second["text"] and "nobody's fault" in second["text"]
    # A double click, or a stale copy's other button: the first answer stands, said again.
    again = press(app, feb, ui.NO)
    other = press(app, feb, ui.YES)
    assert text_of(again) == text_of(second) == text_of(other)

    # Month 3: a third "Not yet" is answered as the first was: the red flag came once.
    first_and_next(app, move_clock, MAR_4)
    (_, _, mar) = dms(app, "UALICE")
    third = press(app, mar, ui.NO)
    assert red_flag.text not in text_of(third) and not_yet.text in text_of(third)

    assert [row for row in checks(app) if row[0] == "UALICE"] == [
        ("UALICE", "2027-01", "no", False),
        ("UALICE", "2027-02", "no", True),
        ("UALICE", "2027-03", "no", False),
    ]


def test_a_yes_ends_the_row_and_not_this_month_neither_breaks_nor_extends_it(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    december(app, move_clock)
    said: list[str] = []
    for month, action in ((JAN_7, ui.NO), (FEB_4, ui.YES), (MAR_4, ui.NO)):
        first_and_next(app, move_clock, month)
        said.append(text_of(press(app, dms(app, "UALICE")[-1], action)))
    mapped = LIB.expectation_check("mapped")
    red_flag = LIB.expectation_check("red-flag")
    assert mapped is not None and red_flag is not None
    assert mapped.text in said[1] and red_flag.text not in said[2]

    apr_1 = utc(2027, 4, 1, 15)
    may_6 = utc(2027, 5, 6, 15)
    for month, action in ((apr_1, ui.SKIP), (may_6, ui.NO)):
        first_and_next(app, move_clock, month)
        said.append(text_of(press(app, dms(app, "UALICE")[-1], action)))
    assert "You answered *Skip this month*" in said[3] and "ask again next month" in said[3]
    assert red_flag.text in said[4]  # March and May: two "Not yet"s in a row of answers


def test_no_check_while_paused_or_away(running_app: RunningApp, move_clock: MoveClock) -> None:
    """Paused in February: no check-in, no check. Away (a status set just after the March
    check-in the check would come with went out, the one after the sponsor DM's): the check
    waits, and goes out with the next check-in once back."""
    app = running_app
    december(app, move_clock)
    first_and_next(app, move_clock, JAN_7)
    with app.database.session() as session:
        carol = session.scalars(select(User).where(User.slack_user_id == "UCAROL")).one()
        carol.paused_until = date(2027, 2, 27)
    first_and_next(app, move_clock, FEB_4)
    assert len(checkin_messages(app.standin, "UCAROL")) == 7  # none in February
    assert len(dms(app, "UCAROL")) == 1  # January's only
    assert len(dms(app, "UALICE")) == 2

    move_clock(MAR_4)
    tick(app, MAR_4)
    assert len(dms(app, "UCAROL", SPONSOR_EVENT)) == 2  # January's and March's
    mar_11 = MAR_4 + WEEK
    move_clock(mar_11)
    dispatcher(app.standin, app.database).run(mar_11)
    assert checkin_messages(app.standin, "UCAROL")[-1]["ts"]
    with app.database.session() as session:
        carol = session.scalars(select(User).where(User.slack_user_id == "UCAROL")).one()
        carol.away_from, carol.away_until = mar_11, mar_11 + timedelta(days=3)
        carol.away_why = "Vacationing"
    send_checks(app, mar_11 + timedelta(minutes=1))
    assert len(dms(app, "UCAROL")) == 1 and len(dms(app, "UALICE")) == 3
    move_clock(mar_11 + WEEK)
    tick(app, mar_11 + WEEK)
    assert [row[1] for row in checks(app) if row[0] == "UCAROL"] == ["2027-01", "2027-03"]


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1.5", "9" * 40, "1 OR 1=1"])
def test_garbage_values_are_refused(
    running_app: RunningApp, move_clock: MoveClock, value: str
) -> None:
    app = running_app
    december(app, move_clock)
    first_and_next(app, move_clock, JAN_7)
    (jan,) = dms(app, "UALICE")
    refused = press(app, jan, ui.NO, value=value)
    assert refused["response_type"] == "ephemeral" and refused["replace_original"] is False
    assert "doesn't belong to one of your monthly expectations checks" in refused["text"]
    assert "nothing was saved" in refused["text"]
    assert all(answer is None for *_, answer, _ in checks(app))


def test_another_persons_check_is_refused_and_stays_theirs(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Carol presses "Not yet" with Alice's check id (a tampered value, or Alice's message
    forwarded): refused, Alice's check unanswered, Carol's own too."""
    app = running_app
    december(app, move_clock)
    first_and_next(app, move_clock, JAN_7)
    (alices,) = dms(app, "UALICE")
    refused = press(app, alices, ui.NO, user_id="UCAROL")
    assert "nothing was saved" in refused["text"]
    assert [answer for _, _, answer, _ in checks(app)] == [None, None]
    # Alice's own press still counts.
    press(app, alices, ui.YES)
    assert [(who, answer) for who, _, answer, _ in checks(app)] == [
        ("UALICE", "yes"),
        ("UCAROL", None),
    ]


def test_checks_are_exported_and_forgotten(running_app: RunningApp, move_clock: MoveClock) -> None:
    app = running_app
    december(app, move_clock)
    first_and_next(app, move_clock, JAN_7)
    press(app, dms(app, "UALICE")[0], ui.NO)
    n = responses(app) + 1
    multiplier(app, "export json", user_id="UALICE", n=n)
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    exported = json.loads(app.standin.uploaded_files()[-1].content)
    (row,) = exported["tables"]["expectation_checks"]
    assert (row["month"], row["answer"]) == ("2027-01", "no")

    prompt = multiplier(app, "forget-me", user_id="UALICE", n=responses(app) + 1)
    done = responses(app) + 1
    click(app, prompt, "forget_me_confirm")
    assert "Done" in last_response(app, done)["text"]
    assert [who for who, *_ in checks(app)] == ["UCAROL"]
    with app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(ExpectationCheck)) == 1
