"""One staff-shaped problem (issue 17 item 3), pure: seed 001's path through it, the step a
person is on, and whether the work has stalled.

The path is the library's `problem_steps` (prompts/staff_problem.yaml), in order. The current
step is the first one not ticked (steps may be ticked out of order: a plan written before the
problem was named counts). A problem stalls when STALL_WEEKS check-in weeks have come and gone
since its last sign of life (named, a step ticked, or the last time the coach asked whether
it is still the right problem) with no step ticked. Weeks are counted from check-ins the
person actually received, so paused and away weeks (no check-in goes out) never count; a
twice-weekly cadence counts its two check-ins as one week. Asking resets the count: the
question comes once per stall, not every week after.

The current step's question is asked whole by ASKED_IN_FULL check-ins since the problem last
moved; the check-ins after those only remind of the step in one line (with its Done
button), so the same question is not repeated word for word every week until the stall
question comes. A step ticked, or the stall question asked, starts the asking over.

Everything takes `now` explicitly; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.coaching.models import ProblemStep

# Check-in weeks with no step before the coach asks whether this is still the right problem.
STALL_WEEKS = 4
# Check-ins that ask the current step's whole question before the next ones only remind.
ASKED_IN_FULL = 2
# The longest problem name kept, in characters as typed (it is one line on the Home).
MAX_NAME_LENGTH = 200

CHOOSE_TEXT = "choose"
STALL_TEXT = "stall-right-problem"
STAFF_LEVEL_TEXT = "stall-staff-level"
KEPT_TEXT = "stall-kept"
LET_GO_TEXT = "stall-let-go"


@dataclass(frozen=True)
class StepState:
    """One step of the path for a person's problem: done (and when) or not, current or not."""

    step: ProblemStep
    number: int
    done_at: datetime | None
    current: bool


@dataclass(frozen=True)
class Shown:
    """A person's open problem (detached, read) and the path through it."""

    name: str  # stored Slack text
    started_at: datetime
    path: tuple[StepState, ...]
    problem_id: int

    @property
    def current(self) -> StepState | None:
        return next((state for state in self.path if state.current), None)


@dataclass(frozen=True)
class OnCheckin:
    """What one check-in shows about the person's problem: the current step's question (with
    its Done button), or, once per stall, the honest question whether it is still the right
    problem. `ticked` are the steps ticked since the check-in went out (shown as done);
    `reminder`: the step's question was asked often enough, so it is only named (`reminds`)."""

    problem_id: int
    name: str  # stored Slack text
    step: ProblemStep | None
    number: int
    total: int
    stalled: bool
    ticked: tuple[ProblemStep, ...] = ()
    # The step was asked whole ASKED_IN_FULL times already: one line reminds of it instead.
    reminder: bool = False


@dataclass(frozen=True)
class LetGo:
    """A problem the person let go (the stall question's "Let it go"): its name (stored
    text), when, and how many whole weeks it had gone without a step by then."""

    name: str
    on: datetime
    weeks: int


def done_instants(raw: Mapping[str, object]) -> dict[str, datetime]:
    """The stored `steps_done` (step id → ISO instant) as instants; a value that does not
    read as one is left out rather than trusted."""
    done: dict[str, datetime] = {}
    for step_id, value in raw.items():
        if not isinstance(step_id, str) or not isinstance(value, str):
            continue
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            continue
        done[step_id] = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return done


def path(steps: Sequence[ProblemStep], done: Mapping[str, datetime]) -> list[StepState]:
    """Every step in order, with the first one not done marked current."""
    current = current_step(steps, done)
    return [
        StepState(
            step=step,
            number=number,
            done_at=done.get(step.id),
            current=current is not None and step.id == current.id,
        )
        for number, step in enumerate(steps, start=1)
    ]


def current_step(steps: Sequence[ProblemStep], done: Mapping[str, datetime]) -> ProblemStep | None:
    """The first step not done yet; None once the whole path is walked."""
    return next((step for step in steps if step.id not in done), None)


def find_step(steps: Sequence[ProblemStep], typed: str) -> ProblemStep | None:
    """The step a person means: its number on the list, its id or its label (any case,
    hyphens or spaces alike), or a word that starts exactly one label ("plan", "mentoring")."""
    word = " ".join(typed.replace("-", " ").split()).lower()
    if not word:
        return None
    if word.isdigit():
        number = int(word)
        return steps[number - 1] if 1 <= number <= len(steps) else None
    for step in steps:
        if word in (step.id.replace("-", " "), step.label.lower()):
            return step
    matches = [
        step
        for step in steps
        if any(w.startswith(word) for w in (*step.label.lower().split(), *step.id.split("-")))
    ]
    if not matches or matches[1:]:
        return None  # no label starts with it, or several do: ambiguous
    return matches[0]


def last_sign_of_life(
    *, started_at: datetime, done: Mapping[str, datetime], stall_asked_at: datetime | None
) -> datetime:
    """When the problem last moved: named, a step ticked, or the stall question asked."""
    return max([started_at, *done.values(), *([stall_asked_at] if stall_asked_at else [])])


def weeks_without_step(
    *, started_at: datetime, done: Mapping[str, datetime], until: datetime
) -> int:
    """Whole weeks from the problem's last step (or its naming, before any) to `until`: how
    long it went without a step when it was let go."""
    return max(0, (until - max([started_at, *done.values()])).days // 7)


def checkin_weeks(slots: Iterable[datetime], tz: ZoneInfo) -> int:
    """How many distinct local weeks (ISO, Monday first) these check-in slots fall in."""
    return len({slot.astimezone(tz).isocalendar()[:2] for slot in slots})


def stalls(
    *,
    steps: Sequence[ProblemStep],
    started_at: datetime,
    done: Mapping[str, datetime],
    stall_asked_at: datetime | None,
    received: Iterable[datetime],
    tz: ZoneInfo,
    now: datetime,
    weeks: int = STALL_WEEKS,
) -> bool:
    """Whether a check-in at `now` should ask if this is still the right problem.

    `received` are the slots of the person's earlier check-ins that reached them (a check-in
    never sent, paused or away, is not among them). True when `weeks` distinct weeks of them
    passed since the problem's last sign of life, with a step still to do.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    if current_step(steps, done) is None:
        return False  # the path is walked: nothing to stall on
    since = last_sign_of_life(started_at=started_at, done=done, stall_asked_at=stall_asked_at)
    quiet = [slot for slot in received if since < slot <= now]
    return checkin_weeks(quiet, tz) >= weeks


def reminds(
    *,
    started_at: datetime,
    done: Mapping[str, datetime],
    stall_asked_at: datetime | None,
    earlier: Iterable[datetime],
    before: datetime,
    times: int = ASKED_IN_FULL,
) -> bool:
    """Whether the check-in at `before` only reminds of the current step instead of asking
    its question: `times` of the person's earlier check-ins (`earlier`: slots of those that
    reached them) came since the problem last moved, and each carried the step already.
    (Taking a tick off a step makes it current again without moving the problem: it is then
    named, not asked, as the person has just chosen it.)"""
    since = last_sign_of_life(started_at=started_at, done=done, stall_asked_at=stall_asked_at)
    return sum(1 for slot in earlier if since < slot < before) >= times
