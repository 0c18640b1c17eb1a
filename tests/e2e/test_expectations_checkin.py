"""The first check-in asks for the person's staff expectations (issue 17), end to end: the
clock moved to the slot, the ask and its button on the first check-in only, the button
opening the form, and a later check-in without it."""

from __future__ import annotations

from datetime import timedelta

from bot.coaching.library import default_library
from standin.signing import Input
from tests.checkins.support import checkin_messages, dispatcher
from tests.e2e.test_checkin_answers import SLOT, action_ids, send_checkin
from tests.support.apps import RunningApp


def _ask_text(message: dict) -> list[str]:
    return [
        block["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith(":compass:")
    ]


def test_the_first_checkin_asks_for_expectations_and_later_ones_do_not(
    running_app: RunningApp,
) -> None:
    """At the first slot the check-in carries the ask (text and seed from prompts/) and a
    button opening the form; entered, a week later the next check-in does not ask."""
    _row, message = send_checkin(running_app)
    ask = default_library().expectation_ask("first-checkin")
    assert ask is not None and ask.seed == "001_25b0c1775d5382ce.txt"
    assert _ask_text(message) == [f":compass: {ask.text}"]
    assert "expectations_open" in action_ids(message)

    running_app.slack.block_action("expectations_open", user_id="UALICE", message=message)
    (opened,) = running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    assert opened.data["view"]["callback_id"] == "expectations"
    values = {"expectations": {"text": Input.plain_text("Sets direction\nMentors")}}
    reply = running_app.slack.view_submission("expectations", user_id="UALICE", values=values)
    assert reply.body == ""
    running_app.wait_idle()

    dispatcher(running_app.standin, running_app.database).run(SLOT + timedelta(days=7))
    first, second = checkin_messages(running_app.standin, "UALICE")
    assert first == message
    assert _ask_text(second) == [] and "expectations_open" not in action_ids(second)


def test_only_the_first_checkin_asks_even_without_expectations(
    running_app: RunningApp,
) -> None:
    """Someone who never entered them is asked once, not every week."""
    _row, message = send_checkin(running_app)
    assert "expectations_open" in action_ids(message)
    dispatcher(running_app.standin, running_app.database).run(SLOT + timedelta(days=7))
    _first, second = checkin_messages(running_app.standin, "UALICE")
    assert "expectations_open" not in action_ids(second)


def test_a_closed_first_checkin_drops_the_ask(running_app: RunningApp) -> None:
    """Skipped, the first check-in is redrawn without buttons: the ask goes with them."""
    _row, message = send_checkin(running_app)
    running_app.slack.block_action("checkin_skip", user_id="UALICE", message=message)
    (update,) = running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    redrawn = {"blocks": update.json("blocks")}
    assert "Skipped" in str(redrawn["blocks"])
    assert _ask_text(redrawn) == [] and action_ids(redrawn) == []


def test_the_first_answer_takes_the_ask_off(running_app: RunningApp) -> None:
    """Once a question is answered the redraw keeps the open questions' buttons only."""
    row, message = send_checkin(running_app)
    running_app.slack.block_action(
        "checkin_nothing", user_id="UALICE", message=message, block_id="checkin_q_0"
    )
    (update,) = running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    redrawn = {"blocks": update.json("blocks")}
    assert _ask_text(redrawn) == []
    assert action_ids(redrawn) == ["checkin_answer", "checkin_nothing"] * (len(row.prompt_ids) - 1)
