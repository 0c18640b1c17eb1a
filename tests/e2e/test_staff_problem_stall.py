"""The stall question's answers on the check-in (issue 17 item 3): after four check-in weeks
without a step the check-in asks whether this is still the right problem, with "Still the
right one" (kept: the coach says so, the step's question comes back and the count starts
again), "Name another" (the naming form) and "Let it go" (closed as let go, told apart from
the person's own clear on the Home, in the packet and the export). Tampered
values change nothing; a press on an older check-in after the problem changed says so.
Signed requests → app → DB; the clock moved, the check-in job run with an explicit `now`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot import clock
from bot.coaching.library import default_library
from bot.ui import problems as ui
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, click, last_response
from tests.e2e.test_checkin_answers import action_ids
from tests.e2e.test_staff_problem import (
    DEC_3,
    MoveClock,
    command,
    home,
    opted_in,
    problem_blocks,
    problem_text,
    responses,
    seen,
    stored,
    week,
)
from tests.e2e.test_staff_problem_packet import packet_text, section_of
from tests.support.apps import RunningApp

LIB = default_library()
STEPS = LIB.problem_steps
STALLED = "Still the right problem?"


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def press(app: RunningApp, action_id: str, message: dict[str, Any], **kwargs: Any) -> None:
    app.slack.block_action(
        action_id, user_id=kwargs.pop("user_id", "UALICE"), message=message, **kwargs
    )


def redrawn(app: RunningApp, count: int) -> dict[str, Any]:
    """The `count`-th chat.update so far, as a message."""
    update = app.standin.wait_for("chat.update", count=count)[count - 1]
    app.wait_idle()
    return {"blocks": update.json("blocks")}


def refusal(app: RunningApp, before: int) -> str:
    """The ephemeral answer to a refused press (the first response after `before`)."""
    call = app.standin.wait_for("response_url", count=before + 1)[before]
    app.wait_idle()
    return str(call.params["text"])


def stall(app: RunningApp, move_clock: MoveClock, first: int, upto: int) -> tuple[int, dict]:
    """Check-in weeks `first`..`upto` until one asks the stall question: (week, message)."""
    for n in range(first, upto + 1):
        message = week(app, move_clock, n)
        if STALLED in problem_text(message):
            return n, message
    raise AssertionError(f"no stall question in weeks {first}..{upto}")


def test_still_the_right_one_keeps_it_and_the_count_starts_again(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Unify the 3 deploy pipelines & more")
    # Named on Monday 30 Nov; no step: the fifth check-in (week 4) asks.
    n, asked = stall(app, move_clock, 0, 6)
    assert n == 4
    ids = action_ids(asked)
    for action in (ui.DONE, ui.KEEP, ui.OPEN, ui.LET_GO):
        assert action in ids
    labels = [
        e["text"]["text"]
        for b in asked["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("type") == "button"
    ]
    assert {"Still the right one", "Name another", "Let it go"} <= set(labels)

    # She keeps it: the check-in is redrawn with the step's question back and the coach's
    # word (seed 000's slow feedback loop); no stall buttons any more.
    pressed_at = DEC_3 + timedelta(weeks=4, hours=2)
    move_clock(pressed_at)
    press(app, ui.KEEP, asked)
    kept = redrawn(app, 1)
    text = problem_text(kept) + "\n" + json.dumps(kept)
    assert STALLED not in problem_text(kept)
    assert f"step 1 of {len(STEPS)}: {STEPS[0].label}" in problem_text(kept)
    assert "Keeping _Unify the 3 deploy pipelines &amp; more_." in text
    said = LIB.problem_text("stall-kept")
    assert said is not None and said.seed == "000_2b2af25af9349d96.txt"
    assert " ".join(said.text.split()) in " ".join(text.split()).replace("\\n", " ")
    assert ui.KEEP not in action_ids(kept) and ui.DONE in action_ids(kept)
    (problem,) = stored(app)
    assert problem.closed_at is None and problem.stall_checkin_id is None
    assert problem.stall_asked_at is not None
    assert abs(problem.stall_asked_at - pressed_at) < timedelta(minutes=1)

    # The count starts again from her answer: four more check-in weeks before it asks.
    n, again = stall(app, move_clock, 5, 10)
    assert n == 9
    assert ui.KEEP in action_ids(again)


def test_let_it_go_closes_it_and_an_older_check_in_says_so(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    _, asked = stall(app, move_clock, 0, 6)
    move_clock(DEC_3 + timedelta(weeks=4, hours=2))
    press(app, ui.LET_GO, asked)
    gone = redrawn(app, 1)
    assert ":dart:" not in json.dumps(gone) and ui.KEEP not in action_ids(gone)
    assert "Let go of _Shared API client for three teams_" in json.dumps(gone)
    (problem,) = stored(app)
    assert problem.closed_how == "let_go" and problem.closed_at is not None

    # The same check-in's "Still the right one", pressed afterwards (another device): the
    # problem is not reopened, and she is told why in plain words.
    before = len(app.standin.calls_to("response_url"))
    press(app, ui.KEEP, asked)
    said = refusal(app, before)
    assert said.startswith("That check-in asked about _Shared API client for three teams_")
    assert "which you have since let go, so nothing changed." in said
    (problem,) = stored(app)
    assert problem.closed_how == "let_go" and len(app.standin.calls_to("chat.update")) == 1


def test_let_go_and_cleared_are_told_apart_wherever_problems_are_shown(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Letting a stalled problem go is stored as let go, not as cleared: the Home says it
    was let go after so many weeks without a step, the packet and the export say so too; a
    problem the person clears is simply gone from the Home, cleared in the packet.
    Forget-me deletes both."""
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    _, asked = stall(app, move_clock, 0, 6)
    # Named Monday 30 Nov 09:00, no step since; let go on Thursday 31 Dec: four whole weeks.
    move_clock(DEC_3 + timedelta(weeks=4, hours=2))
    press(app, ui.LET_GO, asked)
    redrawn(app, 1)
    (problem,) = stored(app)
    assert problem.closed_how == "let_go"
    brag(app, "Wrote the API client RFC #writing", n=responses(app) + 1)  # the packet's evidence

    said = seen(problem_blocks(home(app)))
    assert (
        "You let go of Shared API client for three teams on Thu 31 Dec 2026, "
        "after 4 weeks without a step." in said
    )
    section = section_of(packet_text(app, "this month"))
    assert (
        "### Shared API client for three teams\n\n_Taken on Mon 30 Nov 2026 · let go on Thu 31 Dec 2026 "
        "after 4 weeks without a step_" in section
    )
    assert "cleared" not in section

    # Another, cleared by her own hand the same day: gone from the Home, "cleared" in the
    # packet, and the Home no longer speaks of the one let go before it.
    command(app, "problem Cut CI time in half")
    command(app, "problem clear")
    assert [p.closed_how for p in stored(app)] == ["let_go", "cleared"]
    said = seen(problem_blocks(home(app)))
    assert "let go" not in said and "Cut CI time in half" not in said
    section = section_of(packet_text(app, "this month"))
    assert (
        "### Cut CI time in half\n\n_Taken on Thu 31 Dec 2026 · cleared on Thu 31 Dec 2026_"
        in section
    )
    assert "let go on Thu 31 Dec 2026 after 4 weeks without a step" in section

    command(app, "export json")
    app.standin.wait_for("files.completeUploadExternal", count=3)
    app.wait_idle()
    exported = json.loads(app.standin.uploaded_files()[-1].content)
    rows = exported["tables"]["staff_problems"]
    assert sorted((row["text"], row["closed_how"]) for row in rows) == [
        ("Cut CI time in half", "cleared"),
        ("Shared API client for three teams", "let_go"),
    ]
    prompt = command(app, "forget-me")
    done = responses(app) + 1
    click(app, prompt, "forget_me_confirm")
    assert "Done" in last_response(app, done)["text"]
    assert stored(app) == []


def test_name_another_opens_the_form_and_the_old_question_says_it_was_replaced(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    _, asked = stall(app, move_clock, 0, 6)
    press(app, ui.OPEN, asked)
    (opened,) = app.standin.wait_for("views.open")
    app.wait_idle()
    assert opened.data["view"]["callback_id"] == ui.VIEW
    app.slack.view_submission(
        ui.VIEW,
        user_id="UALICE",
        values={ui.NAME_BLOCK: {ui.NAME_BLOCK: Input.plain_text("Cut CI time in half")}},
        private_metadata=ui.METADATA,
    )
    app.wait_idle()
    first, second = stored(app)
    assert (first.closed_how, second.text, second.closed_at) == (
        "replaced",
        "Cut CI time in half",
        None,
    )

    before = len(app.standin.calls_to("response_url"))
    press(app, ui.LET_GO, asked)
    said = refusal(app, before)
    assert "which you have since replaced, so nothing changed." in said
    assert said.endswith("Your problem now is _Cut CI time in half_.")
    first, second = stored(app)
    assert second.closed_at is None and first.closed_how == "replaced"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nonsense",
        "{pid}",
        "{pid}:{cid}:1",
        "999999:{cid}",
        "{pid}:999999",
        "-1:{cid}",
        "{pid}:x",
    ],
)
@pytest.mark.parametrize("action", [ui.KEEP, ui.LET_GO])
def test_tampered_stall_answers_change_nothing(
    running_app: RunningApp, move_clock: MoveClock, action: str, value: str
) -> None:
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    _, asked = stall(app, move_clock, 0, 6)
    (problem,) = stored(app)
    pid, cid = ui_value(asked).split(":")
    before = len(app.standin.calls_to("response_url"))
    press(app, action, asked, value=value.format(pid=pid, cid=cid))
    assert refusal(app, before) == "That button is out of date."
    (after,) = stored(app)
    assert (after.closed_at, after.stall_checkin_id, after.stall_asked_at) == (
        None,
        problem.stall_checkin_id,
        problem.stall_asked_at,
    )
    assert app.standin.calls_to("chat.update") == []


def test_someone_elses_stall_answer_is_refused(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Bob (with a problem of his own) presses Alice's "Let it go" (the value names her
    problem and check-in)."""
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    app.slack.slash_command("/multiplier", "problem Flaky CI", user_id="UBOB")
    app.standin.wait_for("response_url", count=2)
    app.wait_idle()
    _, asked = stall(app, move_clock, 0, 6)
    before = len(app.standin.calls_to("response_url"))
    press(app, ui.LET_GO, asked, user_id="UBOB")
    assert refusal(app, before) == "That button is out of date."
    assert [p.closed_at for p in stored(app)] == [None, None]


def ui_value(message: dict[str, Any]) -> str:
    for block in message["blocks"]:
        for element in block.get("elements") or []:
            if element.get("action_id") == ui.KEEP:
                return str(element["value"])
    raise AssertionError("no stall answer on the message")
