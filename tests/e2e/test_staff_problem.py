"""One staff-shaped problem end to end (issue 17 item 3): named with `/multiplier problem`,
shown on the Home as seed 001's path, the next check-in asks the current step's question, a
Done button on it ticks the step, and after four check-in weeks with no step the check-in
asks, once, whether this is still the right problem (and, per seed 002, whether the
organisation has staff-level problems at all). Signed requests → app → DB; the app's clock
moved, the check-in job run with an explicit `now`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.coaching.library import default_library
from bot.coaching.staff_problem import MAX_NAME_LENGTH
from bot.db.models import StaffProblem
from bot.ui import problems as ui
from sandbox.render import Names, mrkdwn
from standin.signing import Input
from tests.checkins.support import add_users, checkin_messages, dispatcher, utc
from tests.e2e.evidence_helpers import click, last_response
from tests.e2e.test_checkin_answers import action_ids
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp

LIB = default_library()
STEPS = LIB.problem_steps
MoveClock = Callable[[datetime], None]
NAMES = Names.of({"UALICE": "alice", "UBOB": "bob"}, {})
# Alice (UTC) opts in on Monday 30 Nov 2026; her check-ins are Thursdays 15:00.
MONDAY_30 = utc(2026, 11, 30, 9)
DEC_3 = utc(2026, 12, 3, 15)
# What she types, and what Slack sends for it in a slash command (escaped, @bob a mention).
TYPED = "Unify the 3 deploy pipelines & ask @bob first <!channel>"
SENT = "Unify the 3 deploy pipelines &amp; ask <@UBOB|bob> first &lt;!channel&gt;"
SHOWN = "Unify the 3 deploy pipelines & ask @bob first <!channel>"


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def command(app: RunningApp, text: str) -> dict[str, Any]:
    """`/multiplier <text>` and its first answer."""
    return multiplier(app, text, n=responses(app) + 1)


def seen(blocks: Any) -> str:
    """Every mrkdwn text of the blocks, as Slack shows it (mentions by name, escapes undone)."""
    texts: list[str] = []
    for block in blocks:
        if block.get("type") == "section":
            texts.append(block["text"]["text"])
        elif block.get("type") == "context":
            texts.extend(e["text"] for e in block["elements"] if e.get("type") == "mrkdwn")
    return "\n".join(mrkdwn(text, NAMES) for text in texts)


def home(app: RunningApp) -> dict[str, Any]:
    before = len(app.standin.calls_to("views.publish"))
    app.slack.app_home_opened(user_id="UALICE")
    app.standin.wait_for("views.publish", count=before + 1)
    app.wait_idle()
    view = app.standin.home_view("UALICE")
    assert view is not None
    return view


def problem_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The Home's staff-problem section: from its header to the next divider."""
    blocks = view["blocks"]
    start = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "header" and b["text"]["text"] == "Your staff-shaped problem"
    )
    end = next(i for i in range(start, len(blocks)) if blocks[i]["type"] == "divider")
    return blocks[start:end]


def week(app: RunningApp, move_clock: MoveClock, n: int) -> dict[str, Any]:
    """The check-in of week `n` (0: 3 Dec), sent; its message."""
    at = DEC_3 + timedelta(weeks=n)
    move_clock(at)
    dispatcher(app.standin, app.database).run(at)
    messages = checkin_messages(app.standin, "UALICE")
    assert len(messages) == n + 1
    return messages[-1]


def problem_text(message: dict[str, Any]) -> str:
    """What the check-in says about the problem: its blocks from the first one naming it."""
    blocks = message["blocks"]
    start = next(
        (i for i, b in enumerate(blocks) if ":dart:" in str(b) or "Ticked:" in str(b)),
        len(blocks),
    )
    return seen(blocks[start:])


def stored(app: RunningApp) -> list[StaffProblem]:
    with app.database.session() as session:
        return list(session.scalars(select(StaffProblem).order_by(StaffProblem.id)))


def opted_in(app: RunningApp, move_clock: MoveClock) -> None:
    move_clock(MONDAY_30)
    add_users(app.database, ["UALICE"], now=MONDAY_30, standin=app.standin, checkin_weekday=3)


def test_a_named_problem_walks_seed_001s_path_and_asks_once_when_it_stalls(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    opted_in(running_app, move_clock)
    # Before one is named, the Home invites her to name it (seed 001's words from prompts/).
    section = problem_blocks(home(running_app))
    assert LIB.problem_text("choose") is not None
    assert "Choose one problem" in LIB.problem_text("choose").seed_quote  # type: ignore[union-attr]
    assert ui.OPEN in action_ids({"blocks": section})

    # Named with the command: shown as typed (no broadcast, @bob by name), the path listed.
    reply = command(running_app, f"problem {SENT}")
    assert SHOWN in seen(reply["blocks"])
    assert "<!channel>" not in json.dumps(reply)
    (problem,) = stored(running_app)
    assert problem.text == SENT and problem.closed_at is None

    # The Home shows the progress list: nothing ticked, the first step current.
    section = problem_blocks(home(running_app))
    shown = seen(section)
    assert SHOWN in shown
    assert f"➡️ {STEPS[0].label} · you are here" in shown
    for step in STEPS[1:]:
        assert f"➖ {step.label}" in shown
    assert "Done: written plan" in json.dumps(section)

    # The next check-in asks the current step's question, with its Done button.
    message = week(running_app, move_clock, 0)
    asked = problem_text(message)
    assert f"Your problem, step 1 of {len(STEPS)}: {STEPS[0].label}" in asked
    assert " ".join(STEPS[0].question.split()) in asked
    assert STEPS[0].seed == "001_25b0c1775d5382ce.txt"
    assert ui.DONE in action_ids(message)

    # Ticking it on the check-in redraws the check-in: done, and the next step asked.
    move_clock(DEC_3 + timedelta(minutes=5))
    running_app.slack.block_action(ui.DONE, user_id="UALICE", message=message)
    (update,) = running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    redrawn = {"blocks": update.json("blocks")}
    assert f"✅ Ticked: {STEPS[0].label}." in problem_text(redrawn)
    assert f"step 2 of {len(STEPS)}: {STEPS[1].label}" in problem_text(redrawn)
    (problem,) = stored(running_app)
    assert list(problem.steps_done) == [STEPS[0].id]
    ticked_at = datetime.fromisoformat(problem.steps_done[STEPS[0].id])  # an ISO instant
    assert timedelta(0) <= ticked_at - (DEC_3 + timedelta(minutes=5)) < timedelta(minutes=1)
    shown = seen(problem_blocks(home(running_app)))
    assert f"✅ {STEPS[0].label} · done Thu 3 Dec 2026" in shown
    assert f"➡️ {STEPS[1].label} · you are here" in shown

    # Four check-in weeks with no step: the first two ask the step's question, the next two
    # remind of the step in one line with its Done button (failed before: the whole question
    # word for word every week); none asks the stall one.
    question = " ".join(STEPS[1].question.split())
    for n in (1, 2, 3, 4):
        message = week(running_app, move_clock, n)
        asked = problem_text(message)
        assert f"step 2 of {len(STEPS)}" in asked and "Still the right problem?" not in asked
        assert (question in asked) is (n <= 2), n
        assert ui.DONE in action_ids(message)
        if n > 2:
            (line,) = [b for b in message["blocks"] if ":dart:" in json.dumps(b)]
            assert line["type"] == "section" and "\n" not in line["text"]["text"]

    # The fifth: the honest question, with seed 002's texts, once.
    stalled = week(running_app, move_clock, 5)
    asked = problem_text(stalled)
    assert "Still the right problem?" in asked and SHOWN in asked
    right, staff_level = (
        LIB.problem_text("stall-right-problem"),
        LIB.problem_text("stall-staff-level"),
    )
    assert right is not None and staff_level is not None
    assert right.seed == staff_level.seed == "002_ab6cc0801e6074bc.txt"
    assert " ".join(right.text.split()) in asked and " ".join(staff_level.text.split()) in asked
    assert "staff-level problems" in staff_level.seed_quote
    assert ui.OPEN in action_ids(stalled) and ui.DONE in action_ids(stalled)
    # Not every week after: the next check-in is back to the step, its question asked again
    # (the stall question starts the asking over).
    asked = problem_text(week(running_app, move_clock, 6))
    assert "Still the right problem?" not in asked and f"step 2 of {len(STEPS)}" in asked
    assert question in asked
    (problem,) = stored(running_app)
    assert problem.stall_checkin_id is not None


def test_a_paused_month_is_not_a_stall(running_app: RunningApp, move_clock: MoveClock) -> None:
    """Weeks without a check-in (paused) do not count: only check-ins she received do."""
    opted_in(running_app, move_clock)
    command(running_app, "problem Shared API client for three teams")
    week(running_app, move_clock, 0)
    with running_app.database.session() as session:
        from bot.db.models import User

        alice = session.scalars(select(User)).one()
        alice.paused_until = (DEC_3 + timedelta(weeks=5)).date()
    for n in (1, 2, 3, 4):
        at = DEC_3 + timedelta(weeks=n)
        move_clock(at)
        dispatcher(running_app.standin, running_app.database).run(at)
    assert len(checkin_messages(running_app.standin, "UALICE")) == 1
    for n in (5, 6, 7):
        at = DEC_3 + timedelta(weeks=n)
        move_clock(at)
        dispatcher(running_app.standin, running_app.database).run(at)
        asked = problem_text(checkin_messages(running_app.standin, "UALICE")[-1])
        assert "Still the right problem?" not in asked and "step 1 of" in asked


def test_commands_show_tick_undo_replace_and_clear(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    opted_in(running_app, move_clock)
    empty = command(running_app, "problem")
    assert "Choose one problem" not in seen(empty["blocks"])  # the coach's words, not the quote
    assert "cross-team or business-level importance" in seen(empty["blocks"])

    command(running_app, "problem Shared API client for three teams")
    ticked = command(running_app, "problem done stakeholders")
    assert f"{STEPS[1].label}: done" in seen(ticked["blocks"])
    assert f"Next: {STEPS[0].label}" in seen(ticked["blocks"])  # the first one not done
    again = command(running_app, "problem done 2")
    assert "was already done" in again["text"]
    unknown = command(running_app, "problem done the-moon")
    assert "Which step?" in unknown["text"] and "1. Written plan" in unknown["text"]
    undone = command(running_app, "problem undo stakeholders aligned")
    assert "not ticked any more" in undone["text"]
    shown = command(running_app, "problem")
    assert "Shared API client for three teams" in seen(shown["blocks"])
    assert "problem done &lt;step&gt;" in json.dumps(shown) or "problem done <step>" in seen(
        shown["blocks"]
    )

    # A new name replaces the open one, which is kept, closed as replaced.
    replaced = command(running_app, "problem Cut CI time in half")
    assert "It replaces" in seen(replaced["blocks"])
    first, second = stored(running_app)
    assert (first.closed_how, second.closed_at) == ("replaced", None)

    cleared = command(running_app, "problem clear")
    assert "Cleared" in cleared["text"]
    assert [p.closed_how for p in stored(running_app)] == ["replaced", "cleared"]
    nothing = command(running_app, "problem done 1")
    assert "no problem named yet" in nothing["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   ", None),  # only spaces: shows (there is nothing to name)
        ("x" * (MAX_NAME_LENGTH + 1), f"under {MAX_NAME_LENGTH} characters"),
        ("&amp;" * (MAX_NAME_LENGTH + 1), f"under {MAX_NAME_LENGTH} characters"),
    ],
)
def test_empty_or_huge_names_store_nothing(
    running_app: RunningApp, move_clock: MoveClock, text: str, expected: str | None
) -> None:
    opted_in(running_app, move_clock)
    reply = command(running_app, f"problem {text}")
    if expected is not None:
        assert expected in reply["text"]
        # Everything typed is given back (the first part of it in this first message).
        assert "You typed:" in seen(reply["blocks"])
        assert text[:100] in json.dumps(reply)
    assert stored(running_app) == []


def test_the_home_button_names_it_with_a_modal(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """The Home's button opens the modal; an empty name keeps it open; typed text is stored
    escaped (never a broadcast) and shown as typed; the Home's Done ticks the step."""
    opted_in(running_app, move_clock)
    view = home(running_app)
    running_app.slack.block_action(ui.OPEN, user_id="UALICE", view=view)
    (opened,) = running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    assert opened.data["view"]["callback_id"] == ui.VIEW

    def submit(typed: str | None, metadata: str = ui.METADATA) -> Any:
        return running_app.slack.view_submission(
            ui.VIEW,
            user_id="UALICE",
            values={ui.NAME_BLOCK: {ui.NAME_BLOCK: Input.plain_text(typed)}},
            private_metadata=metadata,
        )

    refused = submit("  ")
    assert json.loads(refused.body)["errors"][ui.NAME_BLOCK].startswith("Name the problem")
    tampered = submit("Fine name", metadata="elsewhere")
    assert "out of date" in json.loads(tampered.body)["errors"][ui.NAME_BLOCK]
    assert stored(running_app) == []

    reply = submit(TYPED)
    assert reply.status == 200 and not reply.body
    running_app.wait_idle()
    (problem,) = stored(running_app)
    assert problem.text == TYPED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    section = problem_blocks(home(running_app))
    assert TYPED in seen(section)

    # Done on the Home ticks the current step; the Home is published again with it ticked.
    before = len(running_app.standin.calls_to("views.publish"))
    running_app.slack.block_action(ui.DONE, user_id="UALICE", view={"blocks": section})
    running_app.standin.wait_for("views.publish", count=before + 1)
    running_app.wait_idle()
    (problem,) = stored(running_app)
    assert list(problem.steps_done) == [STEPS[0].id]


@pytest.mark.parametrize(
    "value",
    ["", "nonsense", "999:written-plan", "{pid}:the-moon", "{pid}:written-plan:999999", "a:b:c"],
)
def test_tampered_done_buttons_change_nothing(
    running_app: RunningApp, move_clock: MoveClock, value: str
) -> None:
    opted_in(running_app, move_clock)
    shown = command(running_app, "problem Shared API client for three teams")
    (problem,) = stored(running_app)
    listed = command(running_app, "problem")
    done = responses(running_app) + 1
    click(running_app, listed, ui.DONE, value=value.format(pid=problem.id))
    refusal = last_response(running_app, done)
    assert "no longer have open" in refusal["text"] or "out of date" in refusal["text"]
    assert stored(running_app)[0].steps_done == {}
    assert shown  # the naming reply came first


def test_someone_elses_done_button_is_refused(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Bob (with a problem of his own) presses Alice's Done: refused, nothing ticked."""
    opted_in(running_app, move_clock)
    command(running_app, "problem Shared API client for three teams")
    listed = command(running_app, "problem")
    bobs = responses(running_app) + 1  # counted before: his answer may come back at once
    running_app.slack.slash_command("/multiplier", "problem Flaky CI", user_id="UBOB")
    last_response(running_app, bobs)
    running_app.wait_idle()
    done = responses(running_app) + 1
    click(running_app, listed, ui.DONE, user_id="UBOB")
    assert "no longer have open" in last_response(running_app, done)["text"]
    assert [p.steps_done for p in stored(running_app)] == [{}, {}]


def test_exported_and_forgotten(running_app: RunningApp, move_clock: MoveClock) -> None:
    opted_in(running_app, move_clock)
    command(running_app, f"problem {SENT}")
    command(running_app, "problem done 1")
    command(running_app, "export json")
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    exported = json.loads(running_app.standin.uploaded_files()[-1].content)
    (row,) = exported["tables"]["staff_problems"]
    assert row["as_stored"]["text"] == SENT and list(row["steps_done"]) == [STEPS[0].id]
    assert row["text"].startswith("Unify the 3 deploy pipelines & ask @")
    prompt = command(running_app, "forget-me")
    done = responses(running_app) + 1
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, done)["text"]
    with running_app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(StaffProblem)) == 0


def test_the_database_holds_one_open_problem_per_person(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """A second open row for the same person is refused by the partial unique index; closed
    ones may be many."""
    from sqlalchemy.exc import IntegrityError

    opted_in(running_app, move_clock)
    command(running_app, "problem First")
    command(running_app, "problem Second")
    (first, second) = stored(running_app)
    with running_app.database.session() as session:
        session.add(
            StaffProblem(
                workspace_id=second.workspace_id,
                user_id=second.user_id,
                text="A third, open at once",
                started_at=clock.now(),
                steps_done={},
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert first.closed_at is not None and second.closed_at is None


def test_a_stale_home_button_is_answered_in_the_dm(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """The Home's Done for a problem since replaced: refused in a DM (the Home has no
    response_url), nothing ticked on either problem."""
    opted_in(running_app, move_clock)
    command(running_app, "problem First")
    section = problem_blocks(home(running_app))
    command(running_app, "problem Second")
    running_app.slack.block_action(ui.DONE, user_id="UALICE", view={"blocks": section})
    (dm,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "no longer have open" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert dm.params["channel"] == "UALICE"
    assert "response_type" not in dm.params
    assert [p.steps_done for p in stored(running_app)] == [{}, {}]


def test_answering_by_typing_in_the_thread_keeps_the_done_button(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """She answers the step's question by typing in the check-in's thread: the check-in is
    redrawn as answered, still with "Done: written plan", which then ticks the step."""
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem Shared API client for three teams")
    message = week(app, move_clock, 0)
    move_clock(DEC_3 + timedelta(minutes=10))
    app.slack.dm_message(
        "The plan is in the RFC doc: problem, three options, the proposal",
        user_id="UALICE",
        thread_ts=message["ts"],
    )
    app.wait_idle()
    (update,) = app.standin.wait_for("chat.update")
    answered = {"blocks": update.json("blocks")}
    assert "Answered" in json.dumps(answered)
    assert f"step 1 of {len(STEPS)}: {STEPS[0].label}" in problem_text(answered)
    assert ui.DONE in action_ids(answered)
    assert ui.done_label(STEPS[0]) == "Done: written plan"
    assert "Done: written plan" in json.dumps(answered)

    # The redrawn check-in's button ticks it, and the check-in says so.
    current = checkin_messages(app.standin, "UALICE")[-1]
    app.slack.block_action(ui.DONE, user_id="UALICE", message=current)
    app.standin.wait_for("chat.update", count=2)
    app.wait_idle()
    (problem,) = stored(app)
    assert list(problem.steps_done) == [STEPS[0].id]
    redrawn = {"blocks": app.standin.calls_to("chat.update")[-1].json("blocks")}
    assert f"✅ Ticked: {STEPS[0].label}." in problem_text(redrawn)
