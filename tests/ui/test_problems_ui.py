"""The staff problem's blocks (bot/ui/problems.py): within Slack's limits for the longest name,
Slack markup inert, no buttons on a closed check-in, and the step asked when a workspace
turned the stall texts off."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.coaching import staff_problem as sp
from bot.coaching.library import default_library
from bot.ui import problems as ui
from bot.ui.blocks import BUTTON_TEXT_LIMIT, SECTION_TEXT_LIMIT
from bot.ui.messages import CommandNames
from standin.blockkit_checks import broadcast_mentions

LIB = default_library()
STEPS = LIB.problem_steps
NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)
# The longest name a person can give, as Slack stores it: every character escaped.
LONGEST = "&lt;!channel&gt; &amp; " * (sp.MAX_NAME_LENGTH // 12)


def on(*, stalled: bool = False, reminder: bool = False) -> sp.OnCheckin:
    return sp.OnCheckin(
        problem_id=7,
        name=LONGEST,
        step=STEPS[1],
        number=2,
        total=5,
        stalled=stalled,
        reminder=reminder,
    )


def sections(blocks: list) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_the_longest_name_fits_every_surface_and_broadcasts_nothing() -> None:
    shown = sp.Shown(
        name=LONGEST,
        started_at=NOW,
        path=tuple(sp.path(STEPS, {STEPS[0].id: NOW})),
        problem_id=7,
    )
    stall = (LIB.problem_text(sp.STALL_TEXT), LIB.problem_text(sp.STAFF_LEVEL_TEXT))
    surfaces = [
        ui.home_section(shown, LIB.problem_text(sp.CHOOSE_TEXT), ZoneInfo("UTC")),
        ui.reply(shown, None, ZoneInfo("UTC"), CommandNames())["blocks"],
        ui.checkin_blocks(on(), checkin_id=3),
        ui.checkin_blocks(on(reminder=True), checkin_id=3),
        ui.checkin_blocks(on(stalled=True), checkin_id=3, stall=[t for t in stall if t]),
    ]
    for blocks in surfaces:
        assert all(len(text) <= SECTION_TEXT_LIMIT for text in sections(blocks))
        assert broadcast_mentions({"blocks": blocks}) == []
        for block in blocks:
            for element in block.get("elements") or []:
                if element.get("type") == "button":
                    assert len(element["text"]["text"]) <= BUTTON_TEXT_LIMIT
                    assert LONGEST not in element.get("value", "")  # ids only
        assert "<!channel>" not in json.dumps(blocks)


def test_a_closed_checkin_keeps_the_question_without_buttons() -> None:
    blocks = ui.checkin_blocks(on(), checkin_id=3, closed=True)
    assert STEPS[1].label in sections(blocks)[0]
    assert [b for b in blocks if b["type"] == "actions"] == []


def test_without_stall_texts_the_step_is_asked() -> None:
    blocks = ui.checkin_blocks(on(stalled=True), checkin_id=3, stall=())
    assert "Still the right problem?" not in json.dumps(blocks)
    assert "step 2 of 5" in sections(blocks)[0]


def test_the_done_button_names_the_step_and_carries_ids() -> None:
    blocks = ui.checkin_blocks(on(), checkin_id=3)
    (button,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Done: stakeholders aligned"
    assert button["value"] == f"7:{STEPS[1].id}:3"


def test_a_reminder_is_one_line_with_the_done_button_and_no_question() -> None:
    """Once the step was asked twice: one line naming the step (not its question), and its
    Done button as on the question; a closed check-in keeps the line without it."""
    asked = ui.checkin_blocks(on(), checkin_id=3)
    reminded = ui.checkin_blocks(on(reminder=True), checkin_id=3)
    (line,) = sections(reminded)
    assert "\n" not in line and STEPS[1].label in line and "step 2 of 5" in line
    question = " ".join(STEPS[1].question.split())
    assert question in sections(asked)[0] and question not in json.dumps(reminded)
    assert [b for b in reminded if b["type"] == "actions"] == [
        b for b in asked if b["type"] == "actions"
    ]
    closed = ui.checkin_blocks(on(reminder=True), checkin_id=3, closed=True)
    assert sections(closed) == [line] and [b for b in closed if b["type"] == "actions"] == []


def test_the_stall_question_is_asked_whole_even_after_reminders() -> None:
    stall = [t for t in (LIB.problem_text(sp.STALL_TEXT),) if t]
    blocks = ui.checkin_blocks(on(stalled=True, reminder=True), checkin_id=3, stall=stall)
    assert "Still the right problem?" in json.dumps(blocks)


def test_the_stall_answers_carry_ids_and_leave_with_the_check_in() -> None:
    stall = [t for t in (LIB.problem_text(sp.STALL_TEXT),) if t]
    blocks = ui.checkin_blocks(on(stalled=True), checkin_id=3, stall=stall)
    buttons = {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert [e["text"]["text"] for e in buttons.values()] == [
        "Done: stakeholders aligned",
        "Still the right one",
        "Name another",
        "Let it go",
    ]
    assert buttons[ui.KEEP]["value"] == buttons[ui.LET_GO]["value"] == "7:3"
    assert "confirm" in buttons[ui.LET_GO] and "confirm" not in buttons[ui.KEEP]
    closed = ui.checkin_blocks(on(stalled=True), checkin_id=3, stall=stall, closed=True)
    assert "Still the right problem?" in json.dumps(closed)
    assert [b for b in closed if b["type"] == "actions"] == []


def test_the_stall_answers_words_fit_and_broadcast_nothing() -> None:
    kept, let_go = LIB.problem_text(sp.KEPT_TEXT), LIB.problem_text(sp.LET_GO_TEXT)
    assert kept is not None and kept.seed == "000_2b2af25af9349d96.txt"
    assert let_go is not None and let_go.seed == "002_ab6cc0801e6074bc.txt"
    notes = [ui.kept_note(LONGEST, kept), ui.let_go_note(LONGEST, let_go)]
    moved = ui.stall_moved_reply(LONGEST, "replaced", LONGEST)
    for text in [*notes, moved["text"]]:
        assert len(text) <= SECTION_TEXT_LIMIT
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "which you have since replaced" in moved["text"]
    assert "which you have since cleared" in ui.stall_moved_reply("x", "cleared", None)["text"]
    assert "which you have since let go" in ui.stall_moved_reply("x", "let_go", None)["text"]
    # A workspace that disabled the coach's words still gets the plain acknowledgement.
    assert ui.kept_note("Shared API", None) == ":dart: Keeping _Shared API_."
