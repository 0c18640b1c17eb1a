"""Messages keep their buttons: a press never leaves a message worse than it found it."""

from __future__ import annotations

from typing import Any

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
