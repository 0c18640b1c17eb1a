"""Messages keep their buttons: a press never leaves a message worse than it found it."""

from __future__ import annotations

from typing import Any

from standin.signing import Input
from tests.checkins.support import user
from tests.e2e.evidence_helpers import brag, click, entries, last_response
from tests.e2e.test_checkin_answers import action_ids, latest, send_checkin
from tests.support.apps import RunningApp


def _block_types(message: dict[str, Any]) -> list[str]:
    return [block["type"] for block in message["blocks"]]


def test_answered_checkin_says_so_and_keeps_open_questions(running_app: RunningApp) -> None:
    """After a first answer the check-in says it is answered (no dangling divider), open
    questions keep their buttons; once all are answered no button is left."""
    row, message = send_checkin(running_app)
    slack = running_app.slack
    slack.block_action("checkin_nothing", user_id="UALICE", message=message, block_id="checkin_q_0")
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    first = latest(running_app)
    assert _block_types(first)[-2:] == ["divider", "context"]
    assert "Answered — thank you" in first["blocks"][-1]["elements"][0]["text"]
    assert action_ids(first) == ["checkin_answer", "checkin_nothing"] * (len(row.prompt_ids) - 1)
    for index in range(1, len(row.prompt_ids)):
        slack.block_action(
            "checkin_nothing", user_id="UALICE", message=message, block_id=f"checkin_q_{index}"
        )
        running_app.wait_idle()
    done = latest(running_app)
    assert action_ids(done) == []
    assert _block_types(done)[-2:] == ["divider", "context"]
    assert "All answered" in done["blocks"][-1]["elements"][0]["text"]


def test_start_checkins_under_a_brag_confirmation_keeps_the_confirmation(
    running_app: RunningApp,
) -> None:
    """The welcome's Start button on a first /brag answers in a new message, never replacing
    the confirmation (whose Edit, Share and Delete stay)."""
    confirmation = brag(running_app, "Reviewed the on-call RFC and caught a gap")
    assert {"evidence_edit", "evidence_share", "evidence_delete", "checkins_start"} <= set(
        _action_ids(confirmation)
    )
    click(running_app, confirmation, "checkins_start")
    started = last_response(running_app, 2)
    assert started["replace_original"] is False
    assert started["text"].startswith("Check-ins: every Friday at 15:00")
    assert user(running_app.database, "UALICE").checkins_enabled


def test_saving_an_edit_from_the_evidence_list_confirms(running_app: RunningApp) -> None:
    """Edit from /multiplier evidence, then Save: the form turns into what was saved."""
    brag(running_app, "Wrote the caching RFC")
    running_app.slack.slash_command("/multiplier", "evidence", user_id="UALICE")
    listing = last_response(running_app, 2)
    running_app.wait_idle()
    click(running_app, listing, "evidence_edit")
    view = running_app.standin.find_open_view("UALICE", "evidence_entry")
    reply = running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        view=view,
        values={
            "text": {"text": Input.plain_text("Wrote the caching RFC; three teams adopted it")},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    running_app.wait_idle()
    ack = reply.json()
    assert ack["response_action"] == "update"
    assert ack["view"]["title"]["text"] == "Saved"
    first = ack["view"]["blocks"][0]["text"]["text"]
    assert first == "*Saved your changes.*\nWrote the caching RFC; three teams adopted it"
    (entry,) = entries(running_app)
    assert entry.text == "Wrote the caching RFC; three teams adopted it"


def _action_ids(payload: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in payload["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
