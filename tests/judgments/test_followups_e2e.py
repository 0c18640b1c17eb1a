"""Judgment calls followed up (issue 17 item 4), end to end: a decision logged in June is
asked about once in September ("what happened?"), however often the job runs and on how
many workers; a marked bet is asked about after the months the person picked; the answer
lands as the entry's outcome; forget-me leaves no follow-up behind. Signed requests → app →
DB; the jobs run with an explicit `now`."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.coaching.library import default_library
from bot.db.models import JudgmentCall, JudgmentFollowupPost, User
from bot.judgments.followups import EVENT_TYPE, next_followup_due, send_followups
from bot.summaries import service as summaries
from bot.ui import summary as summary_ui
from standin.signing import Input
from standin.webapi import SlackStandIn
from tests.checkins.support import add_users, settings_for, utc
from tests.e2e.evidence_helpers import click
from tests.e2e.test_evidence_data import multiplier
from tests.support import logbook
from tests.support.apps import RunningApp

LIB = default_library()
NEW_YORK = "America/New_York"
# Tuesday 9 June 2026, 11:00 in New York; three months (90 days) on: Monday 7 September.
LOGGED = utc(2026, 6, 9, 15)
THREE_MONTHS = LOGGED + timedelta(days=90)
FIVE_MONTHS = LOGGED + timedelta(days=150)  # Friday 6 November, 10:00 in New York (EST)


def followups(standin: SlackStandIn, slack_id: str) -> list[dict[str, Any]]:
    return [
        m
        for m in standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def run(app: RunningApp, now: datetime, worker: str = "test") -> None:
    send_followups(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=now,
        worker_id=worker,
    )


def log(app: RunningApp, text: str, dimension: str, at: datetime = LOGGED) -> int:
    with app.database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        return logbook.entry(session, owner, at, text=text, dimension=dimension).id


def answer(app: RunningApp, message: dict[str, Any], text: str) -> None:
    app.slack.block_action("judgment_answer", user_id="UALICE", message=message)
    (opened,) = app.standin.wait_for("views.open")
    assert opened.data["view"]["callback_id"] == "judgment_outcome"
    reply = app.slack.view_submission(
        "judgment_outcome",
        user_id="UALICE",
        values={"judgment_outcome_text": {"text": Input.plain_text(text)}},
    )
    assert reply.status == 200
    app.wait_idle()


def calls(app: RunningApp) -> list[JudgmentCall]:
    with app.database.session() as session:
        found = list(session.scalars(select(JudgmentCall).order_by(JudgmentCall.id)))
        session.expunge_all()
        return found


# Two workers racing to queue the same follow-up: the loser steps aside, it does not crash
# (CI saw a UniqueViolation on judgment_calls.entry_id in the second worker's thread).
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_decision_is_followed_up_once_after_three_months(running_app: RunningApp) -> None:
    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    entry_id = log(app, "Argued for one event bus instead of three queues", "decisions")
    log(app, "Unblocked the deploy", "unblocking")  # not a judgment call: never asked

    run(app, THREE_MONTHS - timedelta(minutes=1))
    assert followups(app.standin, "UALICE") == []
    hint = next_followup_due(app.database, THREE_MONTHS - timedelta(minutes=1))
    assert hint == THREE_MONTHS

    # Two workers at once, then the job replayed: one message.
    workers = [
        threading.Thread(target=run, args=(app, THREE_MONTHS, f"worker-{n}")) for n in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run(app, THREE_MONTHS + timedelta(minutes=1))
    run(app, THREE_MONTHS + timedelta(days=3))
    (asked,) = followups(app.standin, "UALICE")
    assert asked["text"] == (
        "In June you logged this call: “Argued for one event bus instead of three queues” — how did it turn out?"
    )
    (call,) = calls(app)
    assert (call.entry_id, call.months, call.bet, call.outcome) == (entry_id, 3, False, None)

    answer(app, asked, "Right call: the third team joined in a week")
    (call,) = calls(app)
    assert call.outcome == "Right call: the third team joined in a week"
    assert call.answered_at is not None


def test_a_marked_bet_waits_the_months_picked(running_app: RunningApp) -> None:
    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    entry_id = log(app, "Bet on migrating billing to the new ledger", "delivery")
    # The person marks it a bet from the entry's overflow: ask in 5 months.
    app.slack.block_action(
        "judgment_bet",
        user_id="UALICE",
        action_type="overflow",
        selected_option={"value": f"{entry_id}:5", "text": {"type": "plain_text", "text": "5"}},
    )
    app.wait_idle()
    (call,) = calls(app)
    assert (call.bet, call.months) == (True, 5)

    run(app, THREE_MONTHS)
    assert followups(app.standin, "UALICE") == []
    assert next_followup_due(app.database, THREE_MONTHS) == FIVE_MONTHS
    run(app, FIVE_MONTHS)
    run(app, FIVE_MONTHS + timedelta(hours=1))
    (asked,) = followups(app.standin, "UALICE")
    assert asked["text"] == (
        "In June you logged this call: “Bet on migrating billing to the new ledger” — how did it turn out?"
    )


def test_a_bet_on_someone_elses_entry_is_refused(running_app: RunningApp) -> None:
    app = running_app
    add_users(app.database, ["UALICE", "UBOB"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    entry_id = log(app, "Chose Postgres over Mongo", "decisions")
    app.slack.block_action(
        "judgment_bet",
        user_id="UBOB",
        action_type="overflow",
        selected_option={"value": f"{entry_id}:6", "text": {"type": "plain_text", "text": "6"}},
    )
    app.wait_idle()
    assert calls(app) == []


def test_quiet_hours_and_a_pause_hold_the_followup(running_app: RunningApp) -> None:
    app = running_app
    add_users(
        app.database,
        ["UALICE"],
        now=LOGGED,
        tz=NEW_YORK,
        standin=app.standin,
        quiet_start_minute=18 * 60,
        quiet_end_minute=9 * 60,
    )
    log(app, "Framed the outage as a missing owner, not a bug", "problem_framing")
    night = utc(2026, 9, 8, 2)  # Monday 7 September, 22:00 in New York: quiet hours
    run(app, night)
    assert followups(app.standin, "UALICE") == []
    # The next morning, after quiet hours: it goes out.
    morning = utc(2026, 9, 8, 13)  # Tuesday, 09:00 in New York
    assert next_followup_due(app.database, night) == morning
    run(app, morning)
    assert len(followups(app.standin, "UALICE")) == 1


def test_forget_me_removes_pending_followups(running_app: RunningApp) -> None:
    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    entry_id = log(app, "Bet the quarter on the cache rewrite", "long_horizon")
    app.slack.block_action(
        "judgment_bet",
        user_id="UALICE",
        action_type="overflow",
        selected_option={"value": f"{entry_id}:4", "text": {"type": "plain_text", "text": "4"}},
    )
    app.wait_idle()
    assert len(calls(app)) == 1

    prompt = multiplier(app, "forget-me", n=2)  # after the bet's "Marked as a bet"
    click(app, prompt, "forget_me_confirm")
    assert calls(app) == []
    with app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(JudgmentFollowupPost)) == 0
    run(app, utc(2026, 10, 9, 15))
    assert followups(app.standin, "UALICE") == []


def test_the_outcome_lands_in_the_next_summary_the_packet_and_the_export(
    running_app: RunningApp,
) -> None:
    """Answered on Monday 7 September: that week's summary lists the call and what
    happened; the packet has it under "Judgment calls, followed up"; `export json` holds it."""
    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    log(app, "Argued for one event bus instead of three queues", "decisions")
    run(app, THREE_MONTHS)
    (asked,) = followups(app.standin, "UALICE")
    clock.shift(THREE_MONTHS + timedelta(hours=1) - clock.now())
    try:
        answer(app, asked, "Right call: the third team joined in a week")
    finally:
        clock.reset()

    with app.database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        week = summaries.current_week(owner, THREE_MONTHS + timedelta(days=1))
        summary = summaries.build_summary(session=session, user=owner, week=week, library=LIB)
        blocks = summary_ui.summary_blocks(summary, LIB, multiplier_command="/multiplier")
    assert summary.outcomes == (
        (
            "Argued for one event bus instead of three queues",
            "Right call: the third team joined in a week",
        ),
    )
    heads = [b["text"]["text"].split("\n")[0] for b in blocks if b["type"] == "section"]
    assert "🔮 *1 judgment call followed up this week*" in heads

    multiplier(app, "export packet 2026", n=1)
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    (packet,) = app.standin.uploaded_files()
    lines = packet.content.decode().splitlines()
    at = lines.index("## Judgment calls, followed up")
    assert lines[at + 4 : at + 6] == [
        "- **Tue 9 Jun 2026:** Argued for one event bus instead of three queues",
        "  - _What happened:_ Right call: the third team joined in a week",
    ]

    multiplier(app, "export json", n=3)
    app.standin.wait_for("files.completeUploadExternal", count=2)
    app.wait_idle()
    data = json.loads(app.standin.uploaded_files()[-1].content)
    (exported,) = data["tables"]["judgment_calls"]
    assert (exported["outcome"], exported["months"]) == (
        "Right call: the third team joined in a week",
        3,
    )


def test_a_quiet_week_with_calls_waiting_is_named_for_what_it_is(
    running_app: RunningApp,
) -> None:
    """Nothing logged in a week of July while June's decision waits for its verdict: the
    summary says so with seed 000's slow feedback loop, not only "nothing logged"."""
    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    log(app, "Argued for one event bus instead of three queues", "decisions")
    quiet_week = utc(2026, 7, 15, 15)
    with app.database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        week = summaries.current_week(owner, quiet_week)
        summary = summaries.build_summary(session=session, user=owner, week=week, library=LIB)
        blocks = summary_ui.summary_blocks(summary, LIB, multiplier_command="/multiplier")
    assert summary.awaiting_calls == 1
    said = LIB.judgment_text("empty-week")
    assert said.seed == "000_2b2af25af9349d96.txt"
    expected = said.text.format(calls="1 judgment call")
    contexts = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert expected in contexts


def test_a_pause_holds_the_followup_until_it_ends(running_app: RunningApp) -> None:
    """Paused until Thursday 10 September: the follow-up due on Monday 7 waits, and the
    sandbox's hint jumps to the morning the pause ends rather than ticking every minute."""
    app = running_app
    add_users(
        app.database,
        ["UALICE"],
        now=LOGGED,
        tz=NEW_YORK,
        standin=app.standin,
        paused_until=date(2026, 9, 10),
    )
    log(app, "Argued for one event bus instead of three queues", "decisions")
    run(app, THREE_MONTHS)
    assert followups(app.standin, "UALICE") == []
    resumes = utc(2026, 9, 10, 13)  # Thursday, the first day back, at 09:00 in New York
    assert next_followup_due(app.database, THREE_MONTHS) == resumes
    run(app, resumes)
    assert len(followups(app.standin, "UALICE")) == 1


def test_a_call_logged_at_midnight_is_asked_about_in_the_day(running_app: RunningApp) -> None:
    """Logged at 00:34 on a Tuesday in New York (no quiet hours set): three months on, the
    follow-up waits for 09:00 that Monday instead of arriving at 00:34 (the sandbox sent one
    at midnight), and the sandbox's hint jumps straight to 09:00."""
    app = running_app
    late = utc(2026, 6, 9, 4, 34)  # Tuesday 9 June, 00:34 in New York
    add_users(app.database, ["UALICE"], now=late, tz=NEW_YORK, standin=app.standin)
    log(app, "Argued for one event bus instead of three queues", "decisions", at=late)
    due = late + timedelta(days=90)  # Monday 7 September, 00:34 in New York
    morning = utc(2026, 9, 7, 13)  # 09:00 in New York (EDT)

    run(app, due)
    run(app, morning - timedelta(minutes=1))
    assert followups(app.standin, "UALICE") == []
    assert next_followup_due(app.database, due) == morning
    run(app, morning)
    assert len(followups(app.standin, "UALICE")) == 1


def test_a_kudos_received_is_no_judgment_call(running_app: RunningApp) -> None:
    """bob's kudos on alice's log, in a judgment dimension (the classifier put it in
    decisions), is his thanks, not her call: never followed up ("In June you argued for
    “<@UALICE> thanks for steering the bus decision”", failed before), not counted as
    waiting for a verdict in her summary, and offers no "A bet" menu."""
    from bot.ui import evidence as evidence_ui

    app = running_app
    add_users(app.database, ["UALICE"], now=LOGGED, tz=NEW_YORK, standin=app.standin)
    with app.database.session() as session:
        owner = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        kudos = logbook.entry(
            session, owner, LOGGED, text="<@UALICE> thanks for steering the bus decision",
            dimension="decisions", source="kudos", people=["UBOB"],
        )  # fmt: skip
        week = summaries.current_week(owner, utc(2026, 7, 15, 15))
        summary = summaries.build_summary(session=session, user=owner, week=week, library=LIB)
        actions = evidence_ui.entry_actions(kudos, LIB, "b")
    assert summary.awaiting_calls == 0
    assert "judgment_bet" not in [e["action_id"] for e in actions["elements"]]
    run(app, THREE_MONTHS + timedelta(days=3))
    assert followups(app.standin, "UALICE") == []
    assert next_followup_due(app.database, THREE_MONTHS) != THREE_MONTHS
