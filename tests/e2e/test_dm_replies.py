"""Only answers are evidence: chatter, help and questions in the DM while a check-in is open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.models import Answer, DirectMessage, EvidenceEntry
from tests.checkins.support import checkins
from tests.e2e.test_checkin_answers import action_ids, count, latest, send_checkin
from tests.support.apps import RunningApp


def _bot_posts(app: RunningApp) -> list[dict[str, Any]]:
    """What the bot posted with chat.postMessage, other than check-ins."""
    return [
        c.params
        for c in app.standin.calls_to("chat.postMessage")
        if "metadata" not in c.params and "Weekly reflection" not in str(c.params.get("text"))
    ]


def _dm(app: RunningApp, text: str, thread_ts: str | None = None) -> None:
    app.slack.dm_message(text, user_id="UALICE", thread_ts=thread_ts)
    app.wait_idle()


def test_chatter_while_a_checkin_is_open_is_not_an_answer(running_app: RunningApp) -> None:
    """thanks!, ok, an emoji (top level or in the thread) are kept as DMs, not stored as answers."""
    _row, message = send_checkin(running_app)
    for text in ("thanks!", "ok", "👍", ":tada:"):
        _dm(running_app, text)
    _dm(running_app, "thanks!", thread_ts=message["ts"])
    assert count(running_app, Answer) == 0 and count(running_app, EvidenceEntry) == 0
    assert _bot_posts(running_app) == []  # chatter gets no reply
    assert checkins(running_app.database, "UALICE")[0].status == "sent"
    with running_app.database.session() as session:
        kept = list(session.scalars(select(DirectMessage.text).order_by(DirectMessage.id)))
    assert kept == ["thanks!", "ok", "👍", ":tada:", "thanks!"]


def test_help_in_the_dm_shows_the_help(running_app: RunningApp) -> None:
    """`help` in the DM (check-in open or not) shows the /multiplier help, /kudos included."""
    running_app.slack.dm_message("help", user_id="UBOB")  # no check-in open
    running_app.wait_idle()
    send_checkin(running_app)
    _dm(running_app, "Help!")
    helps = _bot_posts(running_app)
    assert len(helps) == 2
    for post in helps:
        text = post["blocks"][0]["text"]["text"]
        assert "/kudos @someone" in text and "/brag <what happened>" in text
        assert "/multiplier forget-me" in text
    assert count(running_app, Answer) == 0


def test_a_question_or_a_few_words_at_top_level_are_not_saved(running_app: RunningApp) -> None:
    """A question to the bot, or two words at top level, get one line saying how to answer."""
    send_checkin(running_app)
    _dm(running_app, "does a code review count?")
    _dm(running_app, "Fixed it")
    first, second = _bot_posts(running_app)
    assert "Not saved as an answer" in first["text"] and "question" in first["text"]
    assert second["text"].startswith("Not saved — reply in the check-in's thread")
    assert [b["type"] for b in second["blocks"]] == ["context"]
    assert count(running_app, Answer) == 0 and count(running_app, EvidenceEntry) == 0


def test_short_reply_in_the_thread_is_an_answer(running_app: RunningApp) -> None:
    """In the check-in's thread two words are an answer, with Edit and Not an answer."""
    _row, message = send_checkin(running_app)
    _dm(running_app, "Mentored Carol", thread_ts=message["ts"])
    (confirmation,) = _bot_posts(running_app)
    assert confirmation["thread_ts"] == message["ts"]
    assert {"checkin_answer_edit", "checkin_answer_undo"} <= set(action_ids(confirmation))
    with running_app.database.session() as session:
        (entry,) = session.scalars(select(EvidenceEntry))
    assert entry.text == "Mentored Carol"


def test_snoozed_checkin_accepts_answers(running_app: RunningApp) -> None:
    """After Snooze, the Answer buttons stay and a top-level answer is taken (the check-in
    has several questions open: the bot asks which, and the one pressed gets it)."""
    row, message = send_checkin(running_app)
    running_app.slack.block_action("checkin_snooze", user_id="UALICE", message=message)
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    snoozed = latest(running_app)
    assert "checkin_answer" in action_ids(snoozed)
    assert "checkin_snooze" not in action_ids(snoozed)
    _dm(running_app, "Reviewed the payments RFC and caught a race")
    which = running_app.standin.calls_to("chat.postMessage")[-1].params
    running_app.slack.block_action("dm_route_checkin", user_id="UALICE", message=which)
    running_app.wait_idle()
    with running_app.database.session() as session:
        (answer,) = session.scalars(select(Answer))
    assert answer.checkin_id == row.id and answer.source == "dm"
    (after,) = checkins(running_app.database, "UALICE")
    assert after.status == "answered"


def _log_it_buttons(post: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e for b in post.get("blocks") or [] if b["type"] == "actions"
        for e in b["elements"] if e.get("action_id") == "dm_log_it"
    ]  # fmt: skip


def test_evidence_typed_in_the_dm_outside_a_checkin_gets_a_log_it_button(
    running_app: RunningApp,
) -> None:
    """No check-in open: a DM that reads as evidence gets "Log it"; pressing it logs the text
    as typed (once, however often it is pressed) and the reply becomes the entry's
    confirmation. Chatter and a few words get no button (failed before: no button at all,
    only "use /brag")."""
    for text in ("thanks!", "ok", "what is this?"):
        _dm(running_app, text)
    # The first DM is someone's first contact (the welcome); then the question's line.
    assert [_log_it_buttons(p) for p in _bot_posts(running_app)] == [[], []]
    typed = "Paired with <@UBOB> on the flaky deploy & unblocked the release #review"
    _dm(running_app, typed)
    reply = _bot_posts(running_app)[-1]
    (button,) = _log_it_buttons(reply)
    assert button["text"]["text"] == "Log it"
    posted = running_app.standin.calls_to("chat.postMessage")[-1].response["message"]
    for _ in range(2):
        running_app.slack.block_action("dm_log_it", user_id="UALICE", message=posted)
        running_app.wait_idle()
    with running_app.database.session() as session:
        (entry,) = session.scalars(select(EvidenceEntry)).all()
        assert (entry.text, entry.source, entry.people) == (typed, "dm", ["UBOB"])
    replaced = running_app.standin.responses()[-1]
    assert replaced.get("replace_original") is True
    assert "evidence_edit" in [
        e.get("action_id") for b in replaced["blocks"] if b["type"] == "actions"
        for e in b["elements"]
    ]  # fmt: skip


def test_nobody_else_can_log_your_dm(running_app: RunningApp) -> None:
    """A tampered "Log it" (bob pressing alice's DM id) logs nothing."""
    _dm(running_app, "Paired with <@UBOB> on the flaky deploy and unblocked the release")
    posted = running_app.standin.calls_to("chat.postMessage")[-1].response["message"]
    running_app.slack.block_action("dm_log_it", user_id="UBOB", message=posted)
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
