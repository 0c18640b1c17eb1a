"""A one-click dimension or scope change redraws the answer's confirmation as it was, with
only the changed label different: the question in the check-in's period words ("since
Tuesday"), and the edited-text quote of an edited DM answer.

Signed requests → app → database → stand-in, as Slack would do it.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from bot.db.models import Answer, CheckIn
from tests.checkins.support import add_users, checkin_messages, dispatcher, utc
from tests.e2e.evidence_helpers import element
from tests.support.apps import RunningApp

SLOT = utc(2026, 11, 20, 20)  # Friday 15:00 in New York: twice a week, "since Tuesday"
SCOPE = "checkin_answer_scope"
WORDED = "unblock-who-was-stuck"  # "Who, if anyone, was stuck this week until you stepped in?"


def _twice_weekly_checkin(app: RunningApp) -> dict[str, Any]:
    tz = app.standin.user("UALICE")["tz"]
    add_users(
        app.database, ["UALICE"], now=utc(2026, 11, 20, 10), tz=tz, standin=app.standin,
        cadence="twice_weekly", checkin_weekday=4, second_weekday=1,
    )  # fmt: skip
    dispatcher(app.standin, app.database).run(SLOT)
    with app.database.session() as session:  # a question that says "this week"
        session.scalars(select(CheckIn)).one().prompt_ids = [WORDED, "unblock-other-team"]
    (message,) = checkin_messages(app.standin, "UALICE")
    return message


def _answer_in_thread(app: RunningApp, checkin: dict[str, Any], text: str) -> dict[str, Any]:
    app.slack.dm_message(text, user_id="UALICE", thread_ts=checkin["ts"])
    app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    app.wait_idle()
    return _confirmation(app)


def _confirmation(app: RunningApp) -> dict[str, Any]:
    return next(
        m
        for m in reversed(app.standin.dm_messages("UALICE"))
        if m.get("text") in ("Saved your answer.", "Updated your answer.")
    )


def _answer_id(app: RunningApp) -> int:
    with app.database.session() as session:
        return session.scalars(select(Answer.id)).one()


def _pick_scope(app: RunningApp, confirmation: dict[str, Any], scope: str) -> dict[str, Any]:
    before = len(app.standin.calls_to("response_url"))
    app.slack.block_action(
        SCOPE,
        user_id="UALICE",
        message=confirmation,
        selected_option=f"{_answer_id(app)}:{scope}",
    )
    app.standin.wait_for("response_url", count=before + 1)
    app.wait_idle()
    replaced = app.standin.calls_to("response_url")[-1].params
    assert replaced["replace_original"] is True
    return replaced


def _with_scope(message: dict[str, Any], option_value: str) -> list[dict[str, Any]]:
    """The message's blocks with another scope: in its select and in the details line."""
    blocks = copy.deepcopy(message["blocks"])
    _, select_element = element(message, SCOPE)
    was = select_element["initial_option"]["text"]["text"]
    now = next(o for o in select_element["options"] if o["value"] == option_value)
    for block in blocks:
        for item in block.get("elements") or []:
            if item.get("action_id") == SCOPE:
                item["initial_option"] = now
            elif block["type"] == "context" and item["text"].startswith("*Dimension:*"):
                details = item["text"].split(" · ")
                assert f"*Scope:* {was}" in details
                item["text"] = " · ".join(
                    f"*Scope:* {now['text']['text']}" if d == f"*Scope:* {was}" else d
                    for d in details
                )
    return blocks


def test_a_scope_change_keeps_the_period_wording(running_app: RunningApp) -> None:
    """The redraw equals the first confirmation but for the scope picked (failed before:
    the question lost its "since Tuesday" wording)."""
    checkin = _twice_weekly_checkin(running_app)
    original = _answer_in_thread(running_app, checkin, "Reviewed <@UBOB>'s design doc")
    assert "since Tuesday" in original["blocks"][0]["text"]["text"]
    value = f"{_answer_id(running_app)}:cross_team"
    replaced = _pick_scope(running_app, original, "cross_team")
    assert replaced["blocks"] == _with_scope(original, value)
    assert replaced["text"] == original["text"]


def test_a_scope_change_after_an_edit_keeps_the_edited_quote(running_app: RunningApp) -> None:
    """alice edits her DM answer (the confirmation is redrawn with the edited text quoted),
    then changes the scope: the quote stays (failed before: it vanished)."""
    checkin = _twice_weekly_checkin(running_app)
    _answer_in_thread(running_app, checkin, "Reviewed <@UBOB>'s design doc")
    with running_app.database.session() as session:
        ts = session.scalars(select(Answer.message_ts)).one()
    edit = running_app.slack.message_changed_event(
        user_id="UALICE", ts=ts, text="Reviewed <@UCAROL>'s design doc", thread_ts=checkin["ts"]
    )
    assert running_app.slack.event(edit).status == 200
    running_app.standin.wait_for(
        "chat.update", predicate=lambda c: c.params.get("text") == "Updated your answer."
    )
    running_app.wait_idle()
    edited = _confirmation(running_app)
    assert edited["text"] == "Updated your answer."
    assert "since Tuesday" in edited["blocks"][0]["text"]["text"]
    value = f"{_answer_id(running_app)}:cross_team"
    replaced = _pick_scope(running_app, edited, "cross_team")
    assert replaced["blocks"] == _with_scope(edited, value)
    assert replaced["text"] == edited["text"]
