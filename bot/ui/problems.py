"""One staff-shaped problem's surfaces (issue 17 item 3): the Home's section with its progress
list, the `/multiplier problem` replies, the modal naming it, and the check-in's question.

Button values carry ids only (problem id, step id, check-in id); the flows check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.coaching.models import CoachingText, ProblemStep
from bot.coaching.staff_problem import MAX_NAME_LENGTH, LetGo, OnCheckin, Shown, StepState
from bot.problems.states import ClosedHow
from bot.timetext import day_label
from bot.ui.blocks import (
    Block,
    Button,
    Payload,
    actions,
    button,
    confirm_dialog,
    context,
    element,
    header,
    input_block,
    message,
    modal,
    section,
)
from bot.ui.messages import CommandNames, echo_messages
from bot.ui.text import display, plural, safe

OPEN = "problem_open"
DONE = "problem_step_done"
CLEAR = "problem_clear"
# The stall question's answers on a check-in (values: problem id:check-in id).
KEEP = "problem_stall_keep"
LET_GO = "problem_stall_let_go"
VIEW = "staff_problem"
# The modal carries no ids: the submitter is the owner. Anything else came from elsewhere.
METADATA = "staff_problem:v1"
NAME_BLOCK = "name"
TITLE = "Your staff-shaped problem"


def done_label(step: ProblemStep) -> str:
    """The Done button's text: "Done: written plan"."""
    return f"Done: {step.label[:1].lower()}{step.label[1:]}"


def done_value(problem_id: int, step: ProblemStep, checkin_id: int | None = None) -> str:
    base = f"{problem_id}:{step.id}"
    return base if checkin_id is None else f"{base}:{checkin_id}"


def stall_value(problem_id: int, checkin_id: int) -> str:
    """The stall answers' value: the problem asked about, on which check-in."""
    return f"{problem_id}:{checkin_id}"


def _day(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return day_label(local, year=True)


def progress_lines(path: Sequence[StepState], tz: ZoneInfo) -> list[str]:
    """The path as a list: ticked steps with their day, the current one marked."""
    lines = []
    for state in path:
        label = safe(state.step.label, 100)
        if state.done_at is not None:
            lines.append(f":white_check_mark: ~{label}~ · done {_day(state.done_at, tz)}")
        elif state.current:
            lines.append(f":arrow_right: *{label}* · you are here")
        else:
            lines.append(f":heavy_minus_sign: {label}")
    return lines


def _problem_blocks(shown: Shown, tz: ZoneInfo) -> list[Block]:
    blocks: list[Block] = [
        section(f"*{display(shown.name, 600)}*"),
        context(f"Taken on {_day(shown.started_at, tz)} · private to you"),
        section("\n".join(progress_lines(shown.path, tz))),
    ]
    current = shown.current
    if current is None:
        blocks.append(
            section(
                "The whole path is walked: plan, people, mentoring, numbers and the story. "
                "When the next problem comes, name it here."
            )
        )
    else:
        blocks.append(context(f"*Now:* {safe(current.step.question, 1000)}"))
    buttons: list[Button] = []
    if current is not None:
        buttons.append(
            button(
                done_label(current.step),
                DONE,
                done_value(shown.problem_id, current.step),
                style="primary",
            )
        )
    buttons.append(button("Name another problem", OPEN))
    buttons.append(
        button(
            "Clear it",
            CLEAR,
            str(shown.problem_id),
            confirm=confirm_dialog(
                "Clear this problem?",
                "It leaves your Home and check-ins; it stays in your export.",
                yes="Clear it",
                no="Keep it",
            ),
        )
    )
    blocks.append(actions(*buttons, block_id="staff_problem"))
    return blocks


def let_go_line(let_go: LetGo, tz: ZoneInfo) -> str:
    """What the Home says of the problem last let go, while none is open (a cleared one is
    simply gone)."""
    weeks = f", after {plural(let_go.weeks, 'week')} without a step" if let_go.weeks else ""
    return (
        f"You let go of _{display(let_go.name, 300)}_ on {_day(let_go.on, tz)}{weeks}. "
        "Your packet and your story say so."
    )


def home_section(
    shown: Shown | None, choose: CoachingText | None, tz: ZoneInfo, let_go: LetGo | None = None
) -> list[Block]:
    """The Home's staff-problem section, whole: a progress list, or the invitation to name
    one (and, when the last problem was let go, that it was: a self-contained piece of the
    Home: bot/ui/home.py places it)."""
    blocks: list[Block] = [header(TITLE)]
    if shown is None:
        if let_go is not None:
            blocks.append(context(let_go_line(let_go, tz)))
        blocks.append(
            section(safe(choose.text) if choose else "Name the problem you are taking on.")
        )
        blocks.append(actions(button("Name my problem", OPEN, style="primary")))
        return blocks
    return blocks + _problem_blocks(shown, tz)


def reply(
    shown: Shown | None, choose: CoachingText | None, tz: ZoneInfo, names: CommandNames
) -> Payload:
    """`/multiplier problem`: the open problem and its path, or how to name one."""
    m = names.multiplier
    if shown is None:
        text = safe(choose.text) if choose else "Name the problem you are taking on."
        return message(
            text,
            section(text),
            context(f"`{m} problem <what you are taking on>` names it. Private to you."),
            actions(button("Name my problem", OPEN, style="primary")),
            ephemeral=True,
        )
    blocks = _problem_blocks(shown, tz)
    blocks.append(
        context(
            f"`{m} problem done <step>` ticks a step (its number or name), "
            f"`{m} problem undo <step>` takes a tick off, `{m} problem clear` closes it."
        )
    )
    return message(
        f"Your staff-shaped problem: {display(shown.name, 300)}", *blocks, ephemeral=True
    )


def named_reply(shown: Shown, replaced: str | None, tz: ZoneInfo) -> Payload:
    """After naming: what it is, the path, and (when one was open) what it replaced."""
    text = f"Your staff-shaped problem is now *{display(shown.name, 600)}*."
    blocks: list[Block] = [section(text)]
    if replaced is not None:
        blocks.append(context(f"It replaces _{display(replaced, 300)}_ (kept in your export)."))
    blocks.append(
        section(
            "Your check-ins will walk this path with you, one question a week about the step "
            "you are on:\n" + "\n".join(progress_lines(shown.path, tz))
        )
    )
    return message(text, *blocks, ephemeral=True)


def ticked_reply(step: ProblemStep, newly: bool, shown: Shown, tz: ZoneInfo) -> Payload:
    label = safe(step.label, 100)
    text = f":white_check_mark: {label}: done." if newly else f"{label} was already done."
    current = shown.current
    following = (
        f"Next: *{safe(current.step.label, 100)}*. {safe(current.step.question, 1000)}"
        if current is not None
        else "That was the last step: the whole path is walked."
    )
    return message(text, section(text), section(following), ephemeral=True)


def unticked_reply(step: ProblemStep, changed: bool) -> Payload:
    label = safe(step.label, 100)
    text = f"{label} is not ticked any more." if changed else f"{label} was not ticked."
    return message(text, ephemeral=True)


def cleared_reply(name: str) -> Payload:
    text = (
        f"Cleared _{display(name, 600)}_. It stays in your export; name the next one "
        "whenever it comes."
    )
    return message(text, ephemeral=True)


def problem_reply(text: str) -> Payload:
    """A refusal (empty or long name, unknown step, stale button): nothing changed."""
    return message(safe(text), ephemeral=True, replace_original=False)


def refused_name(reason: str, typed: str) -> list[Payload]:
    """A name refused (too long, several lines): why, and everything typed given back."""
    return echo_messages([section(safe(reason))], typed, text=safe(reason))


def unknown_step_reply(steps: Sequence[ProblemStep], names: CommandNames) -> Payload:
    listed = ", ".join(f"{n}. {safe(step.label, 100)}" for n, step in enumerate(steps, start=1))
    text = (
        f"Which step? Use its number or name: {listed}. "
        f"For example `{names.multiplier} problem done 1`."
    )
    return message(text, ephemeral=True)


def name_modal(choose: CoachingText | None, error: str | None = None) -> Payload:
    """Name the problem you are taking on (one line)."""
    blocks: list[Block] = []
    if choose is not None:
        blocks.append(section(safe(choose.text)))
    blocks.append(
        input_block(
            NAME_BLOCK,
            "The problem you are taking on",
            element(
                "plain_text_input",
                NAME_BLOCK,
                max_length=MAX_NAME_LENGTH,
                placeholder="e.g. three teams each run their own deploy pipeline",
            ),
            hint="One line. Naming a new one replaces the one you have (it stays in your export).",
        )
    )
    return modal("Your problem", blocks, callback_id=VIEW, submit="Save", metadata=METADATA)


def checkin_blocks(
    on: OnCheckin | None,
    *,
    checkin_id: int,
    stall: Sequence[CoachingText] = (),
    closed: bool = False,
) -> list[Block]:
    """The check-in's one question about the person's problem: the current step's, with its
    Done button (once it was asked twice, `on.reminder`: one line naming the step instead);
    or, once per stall, whether this is still the right problem (`stall`: the texts saying
    so). `closed`: the check-in no longer takes answers, so no buttons."""
    if on is None:
        return []
    name = display(on.name, 300)
    blocks: list[Block] = []
    for step in on.ticked:
        blocks.append(context(f":white_check_mark: Ticked: {safe(step.label, 100)}."))
    if on.stalled and stall:
        blocks.append(section(f":dart: *Still the right problem?* _{name}_"))
        blocks.extend(section(safe(text.text)) for text in stall)
        if not closed:
            buttons: list[Button] = []
            if on.step is not None:
                buttons.append(
                    button(
                        done_label(on.step), DONE, done_value(on.problem_id, on.step, checkin_id)
                    )
                )
            asked = stall_value(on.problem_id, checkin_id)
            buttons += [
                button("Still the right one", KEEP, asked, style="primary"),
                button("Name another", OPEN),
                button(
                    "Let it go",
                    LET_GO,
                    asked,
                    confirm=confirm_dialog(
                        "Let this problem go?",
                        "It leaves your check-ins, closed as let go: your packet and your "
                        "story say you let it go after weeks without a step; it stays in "
                        "your export.",
                        yes="Let it go",
                        no="Keep it",
                    ),
                ),
            ]
            blocks.append(actions(*buttons, block_id="checkin_problem"))
        return blocks
    if on.step is None:
        return blocks
    if on.reminder:  # asked twice already: the step named in one line, its Done below
        blocks.append(
            section(
                f":dart: Still on step {on.number} of {on.total} of your problem: "
                f"*{safe(on.step.label, 100)}* · _{name}_"
            )
        )
    else:
        blocks.append(
            section(
                f":dart: *Your problem, step {on.number} of {on.total}: "
                f"{safe(on.step.label, 100)}* · _{name}_\n{safe(on.step.question, 1000)}"
            )
        )
    if not closed:
        blocks.append(
            actions(
                button(
                    done_label(on.step),
                    DONE,
                    done_value(on.problem_id, on.step, checkin_id),
                    style="primary",
                ),
                block_id="checkin_problem",
            )
        )
    return blocks


def kept_note(name: str, kept: CoachingText | None) -> str:
    """Under the check-in once "Still the right one" is pressed (its step asked again)."""
    said = f" {safe(kept.text)}" if kept is not None else ""
    return f":dart: Keeping _{display(name, 300)}_.{said}"


def let_go_note(name: str, let_go: CoachingText | None) -> str:
    """Under the check-in once "Let it go" is pressed (the problem closed as let go)."""
    said = f" {safe(let_go.text)}" if let_go is not None else ""
    return f"Let go of _{display(name, 300)}_; it stays in your export.{said}"


def stall_moved_reply(asked: str, how: str | None, now_open: str | None) -> Payload:
    """A stall answer pressed on an older check-in, about a problem since closed: nothing
    changed, said plainly (what it asked about, what happened to it, what is open now)."""
    done = "cleared"
    if how == ClosedHow.REPLACED:
        done = "replaced"
    elif how == ClosedHow.LET_GO:
        done = "let go"
    text = (
        f"That check-in asked about _{display(asked, 300)}_, which you have since {done}, "
        "so nothing changed."
    )
    if now_open is not None:
        text += f" Your problem now is _{display(now_open, 300)}_."
    return message(text, section(text), ephemeral=True, replace_original=False)
