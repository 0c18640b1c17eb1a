"""A top-level DM answers the newest open question: a judgment follow-up asked after the
check-in gets its outcome (not a check-in answer), a quote request its sentence; when the
conversation has moved on the bot asks which question it answers, and "Just a note" stores
no evidence. A new person's first DM gets the welcome. Signed requests → app → DB; the clock
moved like the sandbox's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import clock
from bot.db.models import Answer, DirectMessage, EvidenceEntry, JudgmentCall, User
from tests.checkins.support import add_users, checkin_messages, checkins, dispatcher
from tests.e2e.test_checkin_answers import SLOT, count
from tests.e2e.test_quotes import kudos_rows, requested, requests
from tests.judgments.test_followups_e2e import followups, run
from tests.support import logbook
from tests.support.apps import RunningApp

NEW_YORK = "America/New_York"
# The Monday after the check-in (Friday 15:00 in New York): the follow-up at 10:00 there,
# the DMs an hour later.
ASKED = SLOT + timedelta(days=2, hours=19)
TYPED = ASKED + timedelta(hours=1)


@pytest.fixture
def moved_clock() -> Iterator[None]:
    """The app's clock may be moved (as the sandbox moves it); put back after."""
    try:
        yield
    finally:
        clock.reset()


def _move_clock(to: datetime) -> None:
    clock.shift(to - clock.now())


def _replies(app: RunningApp) -> list[dict[str, Any]]:
    """What the bot posted in reply to DMs (no check-ins, no follow-ups)."""
    return [
        c.params
        for c in app.standin.calls_to("chat.postMessage")
        if "metadata" not in c.params and "Weekly reflection" not in str(c.params.get("text"))
    ]


def _dm(app: RunningApp, text: str, user_id: str = "UALICE") -> None:
    app.slack.dm_message(text, user_id=user_id)
    app.wait_idle()


def _buttons(post: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["action_id"], (e.get("text") or {}).get("text", ""))
        for b in post.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def _followup_open(app: RunningApp) -> dict[str, Any]:
    """Alice's check-in is open since Friday; on Monday the bot asks how a decision logged
    three months ago turned out."""
    _move_clock(SLOT - timedelta(days=7))  # she came a week before: a whole week to ask about
    add_users(app.database, ["UALICE"], now=SLOT - timedelta(hours=1), tz=NEW_YORK)
    _move_clock(SLOT)
    dispatcher(app.standin, app.database).run(SLOT)
    assert checkin_messages(app.standin, "UALICE")
    _move_clock(TYPED)
    with app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        logged: datetime = ASKED - timedelta(days=90, minutes=1)
        logbook.entry(
            session, alice, logged, text="Argued for one event bus", dimension="decisions"
        )
    run(app, ASKED)
    (asked,) = followups(app.standin, "UALICE")
    return asked


def test_a_top_level_dm_after_a_followup_answers_the_followup(
    running_app: RunningApp, moved_clock: None
) -> None:
    """The follow-up is the newest question: a top-level DM becomes the call's outcome, not
    an answer to the older check-in (failed before: saved as the check-in's first answer,
    dated its week, the call still awaiting its verdict)."""
    app = running_app
    _followup_open(app)
    _dm(app, "Right call: billing runs hourly now & two teams subscribe to its events")
    with app.database.session() as session:
        (call,) = session.scalars(select(JudgmentCall))
        assert (
            call.outcome
            == "Right call: billing runs hourly now & two teams subscribe to its events"
        )
        assert call.answered_at is not None
    assert count(app, Answer) == 0
    assert count(app, EvidenceEntry) == 1  # the decision itself, nothing new
    assert checkins(app.database, "UALICE")[0].status == "sent"
    (reply,) = _replies(app)
    assert reply["text"].startswith("🔮 Saved as how your call turned out")
    assert reply["thread_ts"]  # in the DM's thread


def test_after_another_answer_the_bot_asks_which_question(
    running_app: RunningApp, moved_clock: None
) -> None:
    """Once the follow-up is answered, the next top-level DM is not taken for the check-in
    unasked: one line with a button per open question and "Just a note"; a note stores
    nothing, the reflection's button saves it as that check-in's answer (failed before:
    "Random thought not in thread" became a Mentoring entry)."""
    app = running_app
    _followup_open(app)
    _dm(app, "Right call: billing runs hourly now & two teams subscribe to its events")
    _dm(app, "Random thought not in thread")
    which = _replies(app)[-1]
    assert which["text"].startswith("Which question does this answer?")
    # A button per unanswered question of the check-in, in its wording.
    assert [a for a, _ in _buttons(which)] == [
        "dm_route_checkin",
        "dm_route_checkin_1",
        "dm_route_checkin_2",
        "dm_route_note",
    ]
    assert _buttons(which)[0][1].startswith("❓ ")
    assert count(app, Answer) == 0 and count(app, EvidenceEntry) == 1

    app.slack.block_action("dm_route_note", user_id="UALICE", message=which)
    app.wait_idle()
    assert count(app, Answer) == 0 and count(app, EvidenceEntry) == 1

    _dm(app, "Walked the platform team through the ledger migration plan")
    which = _replies(app)[-1]
    app.slack.block_action("dm_route_checkin", user_id="UALICE", message=which)
    app.wait_idle()
    (checkin,) = checkins(app.database, "UALICE")
    with app.database.session() as session:
        (answer,) = session.scalars(select(Answer))
    assert answer.text == "Walked the platform team through the ledger migration plan"
    assert (answer.checkin_id, checkin.status) == (checkin.id, "answered")
    with app.database.session() as session:
        kept = list(session.scalars(select(DirectMessage.text).order_by(DirectMessage.id)))
    assert "Random thought not in thread" in kept  # nothing typed is lost


def test_a_new_persons_first_dm_gets_the_welcome(running_app: RunningApp) -> None:
    """Check-ins off, never welcomed: the first DM, even "hello", gets the acknowledgement
    with the welcome's "Start weekly check-ins"; later chatter gets nothing (failed before:
    the first "hello" got silence)."""
    app = running_app
    app.standin.add_user("UNEW", name="newbie")
    _dm(app, "hello", user_id="UNEW")
    (first,) = _replies(app)
    assert "Start weekly check-ins" in [t for _, t in _buttons(first)]
    assert first["text"].startswith("Got it — I keep what you send me here.")
    _dm(app, "hello", user_id="UNEW")
    assert len(_replies(app)) == 1


def test_a_top_level_dm_after_a_quote_request_is_the_sentence(running_app: RunningApp) -> None:
    """Bob, asked by alice for one sentence and never a user of the app, types it at top
    level: it is his sentence (kudos on alice's log, the ask keeps one button, to change it), as the form
    would make it (failed before: "Got it — I keep what you send me here", nothing sent)."""
    app = running_app
    app.standin.add_user("UBOB", name="bob")
    asked = requested(app)
    _dm(
        app,
        "Her event-bus design let my team ship billing alerts without waiting on anyone",
        "UBOB",
    )
    (kudos,) = kudos_rows(app)
    assert (
        kudos.text
        == "Her event-bus design let my team ship billing alerts without waiting on anyone"
    )
    (request,) = requests(app)
    assert request.status == "answered"
    reply = _replies(app)[-1]
    assert reply["text"].startswith("Thank you. I sent that as your sentence")
    redrawn = [
        c.params for c in app.standin.calls_to("chat.update") if c.params["ts"] == asked["ts"]
    ]
    assert redrawn and _buttons(redrawn[-1]) == [("quote_write", "Change my sentence")]


def test_a_reply_in_the_followups_thread_is_its_outcome(
    running_app: RunningApp, moved_clock: None
) -> None:
    """A few words in the follow-up's own thread are the call's outcome, as in a check-in's
    thread (failed before: "Got it — I keep what you send me here", the call unanswered)."""
    app = running_app
    asked = _followup_open(app)
    app.slack.dm_message("Too early to tell", user_id="UALICE", thread_ts=asked["ts"])
    app.wait_idle()
    with app.database.session() as session:
        (call,) = session.scalars(select(JudgmentCall))
        assert call.outcome == "Too early to tell"
    assert count(app, Answer) == 0
    (reply,) = _replies(app)
    assert reply["thread_ts"] == asked["ts"]


def _checkin_open(app: RunningApp) -> list[str]:
    """Alice's check-in is open since Friday; its questions (prompt ids), in order."""
    _move_clock(SLOT - timedelta(days=7))
    add_users(app.database, ["UALICE"], now=SLOT - timedelta(hours=1), tz=NEW_YORK)
    _move_clock(SLOT)
    dispatcher(app.standin, app.database).run(SLOT)
    _move_clock(SLOT + timedelta(minutes=5))
    (checkin,) = checkins(app.database, "UALICE")
    assert len(checkin.prompt_ids) > 1
    return list(checkin.prompt_ids)


def _answers(app: RunningApp) -> list[tuple[str | None, str]]:
    with app.database.session() as session:
        return [(a.prompt_id, a.text) for a in session.scalars(select(Answer).order_by(Answer.id))]


def _with_button(app: RunningApp, action_id: str) -> dict[str, Any]:
    """The newest message the bot posted or responded with that has a button `action_id`."""
    said = [c.params for c in app.standin.calls if c.method in ("response_url", "chat.postMessage")]
    return next(m for m in reversed(said) if action_id in [a for a, _ in _buttons(m)])


def test_a_checkin_with_several_open_questions_asks_which(
    running_app: RunningApp, moved_clock: None
) -> None:
    """A top-level DM to a check-in with three unanswered questions is not filed under the
    first one: one line with a button per question (each its own action id) and "Just a
    note"; the one pressed gets the answer (failed before: "talked bob out of a rewrite" was
    saved as the first question's answer, unasked)."""
    app = running_app
    prompts = _checkin_open(app)
    _dm(app, "talked bob out of a rewrite")
    assert _answers(app) == []
    which = _replies(app)[-1]
    assert which["text"].startswith("Which question does this answer?")
    ids = [a for a, _ in _buttons(which)]
    assert ids[:3] == ["dm_route_checkin", "dm_route_checkin_1", "dm_route_checkin_2"]
    assert ids[3:] == ["dm_route_note"]
    assert all(label.startswith("❓ ") for _, label in _buttons(which)[:3])
    app.slack.block_action("dm_route_checkin_1", user_id="UALICE", message=which)
    app.wait_idle()
    assert _answers(app) == [(prompts[1], "talked bob out of a rewrite")]


def test_not_an_answer_offers_to_file_it_elsewhere(
    running_app: RunningApp, moved_clock: None
) -> None:
    """ "Not an answer" on a DM answer offers the other open questions ("It answers…") and
    "Just a note", the removed question not among them; pressing one files the same text
    there (failed before: "Removed — that message is not stored as an answer." and no way
    to move it)."""
    app = running_app
    prompts = _checkin_open(app)
    _dm(app, "talked bob out of a rewrite")
    app.slack.block_action("dm_route_checkin", user_id="UALICE", message=_replies(app)[-1])
    app.wait_idle()
    assert _answers(app) == [(prompts[0], "talked bob out of a rewrite")]
    confirmation = _with_button(app, "checkin_answer_undo")
    app.slack.block_action("checkin_answer_undo", user_id="UALICE", message=confirmation)
    app.wait_idle()
    assert _answers(app) == [] and count(app, EvidenceEntry) == 0
    refile = _with_button(app, "dm_route_note")
    assert refile["text"].startswith("Removed — that message is not stored as an answer.")
    assert [a for a, _ in _buttons(refile)] == [
        "dm_route_checkin",
        "dm_route_checkin_1",
        "dm_route_note",
    ]
    app.slack.block_action("dm_route_checkin_1", user_id="UALICE", message=refile)
    app.wait_idle()
    assert _answers(app) == [(prompts[2], "talked bob out of a rewrite")]


def test_words_of_the_quoted_call_route_to_its_followup(
    running_app: RunningApp, moved_clock: None
) -> None:
    """With a check-in and a follow-up open, a DM sharing words with the quoted call (and
    with no check-in question) is its outcome, unasked: several questions are open, but one
    is clearly meant."""
    app = running_app
    _followup_open(app)
    _dm(app, "The event bus saved us two incidents a month")
    with app.database.session() as session:
        (call,) = session.scalars(select(JudgmentCall))
        assert call.outcome == "The event bus saved us two incidents a month"
    assert count(app, Answer) == 0
