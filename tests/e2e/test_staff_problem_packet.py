"""The staff-shaped problem in the owner's own promotion packet (issue 17 item 3): named,
a step ticked on the check-in, `export packet` for the month, the file read back from the
stand-in's upload. The open problem with each step's day and the steps not done yet; a
problem replaced within the period said so; one closed before the period left out. Never in
a packet shared with someone else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot import clock
from bot.coaching.library import default_library
from bot.db.models import User
from bot.evidence import share_flows
from bot.evidence.periods import parse_period
from bot.ui import problems as ui
from tests.e2e.evidence_helpers import brag
from tests.e2e.test_staff_problem import (
    DEC_3,
    MONDAY_30,
    SENT,
    MoveClock,
    command,
    opted_in,
    responses,
    stored,
    week,
)
from tests.support.apps import RunningApp

LIB = default_library()
STEPS = LIB.problem_steps


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def packet_text(app: RunningApp, period: str) -> str:
    before = len(app.standin.calls_to("files.completeUploadExternal"))
    command(app, f"export packet {period}")
    app.standin.wait_for("files.completeUploadExternal", count=before + 1)
    app.wait_idle()
    return app.standin.uploaded_files()[-1].content.decode()


def section_of(content: str) -> str:
    assert content.count("## Your staff-shaped problem") == 1
    return content.split("## Your staff-shaped problem\n")[1].split("\n## ", maxsplit=1)[0]


def test_the_owners_packet_tells_the_problem_along_the_path(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    # One cleared in November (before the period asked for): left out.
    command(app, "problem Old November problem")
    command(app, "problem clear")
    # One named on 1 Dec and replaced on 2 Dec by the one she keeps.
    move_clock(MONDAY_30 + timedelta(days=1))
    command(app, "problem First try at a staff problem")
    command(app, "problem done stakeholders")
    move_clock(MONDAY_30 + timedelta(days=2))
    command(app, f"problem {SENT}")
    # The check-in of 3 Dec asks the first step; she ticks it there.
    message = week(app, move_clock, 0)
    move_clock(DEC_3 + timedelta(minutes=5))
    app.slack.block_action(ui.DONE, user_id="UALICE", message=message)
    app.standin.wait_for("chat.update")
    app.wait_idle()
    brag(app, "Wrote the deploy RFC #writing", n=responses(app) + 1)
    assert [p.closed_how for p in stored(app)] == ["cleared", "replaced", None]

    content = packet_text(app, "this month")
    section = section_of(content)
    assert "Old November problem" not in section
    open_part, replaced_part = section.split("### First try at a staff problem\n")
    # The open one first: its name as typed (`&` as typed, @bob by name, no broadcast).
    assert open_part.startswith("\n### Unify the 3 deploy pipelines & ask @")
    assert "&amp;" not in open_part and "<@UBOB" not in open_part
    assert "_Taken on Wed 2 Dec 2026 · open_" in open_part
    assert f"- [x] {STEPS[0].label} — done Thu 3 Dec 2026" in open_part
    for step in STEPS[1:]:
        assert f"- [ ] {step.label} — not done yet" in open_part
    assert f"1 of {len(STEPS)} steps done." in open_part
    # The replaced one, said so, with the step ticked on it.
    assert (
        "_Taken on Tue 1 Dec 2026 · replaced by the next problem on Wed 2 Dec 2026_"
        in replaced_part
    )
    assert f"- [x] {STEPS[1].label} — done Tue 1 Dec 2026" in replaced_part
    assert f"- [ ] {STEPS[0].label} — not done yet" in replaced_part
    # "The right opportunity" (seed 002) points at it.
    opportunity = content.split("The right opportunity (")[2].split("\n## ", maxsplit=1)[0]
    assert "The problem you took on: **Unify the 3 deploy pipelines & ask @" in opportunity
    assert "(its path is under *Your staff-shaped problem*, above)." in opportunity

    # Over the last six months the November one, cleared, is there too (said so).
    section = section_of(packet_text(app, ""))
    assert (
        "### Old November problem\n\n_Taken on Mon 30 Nov 2026 · cleared on Mon 30 Nov 2026_"
        in section
    )


def test_a_shared_packet_leaves_the_problem_out(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """The packet `evidence share` sends is built without it: the name never leaves."""
    app = running_app
    opted_in(app, move_clock)
    command(app, "problem SECRET-PROBLEM three deploy pipelines")
    brag(app, "Wrote the deploy RFC #writing", n=responses(app) + 1)
    assert "SECRET-PROBLEM" in section_of(packet_text(app, "this month"))
    with app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        shared = share_flows.share_file(
            session=session,
            owner=alice,
            kind="packet",
            period=parse_period("this month", now=MONDAY_30, tz="UTC"),
            library=LIB,
            look_up_names=lambda _ids: {},
            now=MONDAY_30,
        )
    assert shared is not None and "Wrote the deploy RFC" in shared.content
    assert "SECRET-PROBLEM" not in shared.content
    assert "staff-shaped problem" not in shared.content
