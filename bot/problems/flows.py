"""Staff-problem requests: name, show, tick a step, clear (each flow owns its commit and asks
for the Home to be republished)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.checkins import flows as checkin_flows
from bot.checkins import silence
from bot.coaching import staff_problem as coaching
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import ProblemStep
from bot.db.models import CheckIn, StaffProblem, User
from bot.home.service import request_home_refresh
from bot.problems import service
from bot.ui import problems as ui
from bot.ui.text import from_typed, readable
from bot.ui.utf16 import utf16_len


class ProblemError(ValueError):
    """A request we will not carry out; the message says why, for the person."""


class UnknownStep(ProblemError):
    """`problem done <step>` naming no step of the path."""


class Stale(ProblemError):
    """A button about a problem that is no longer the person's open one (or never was)."""


def show(*, session: Session, user: User, library: CoachingLibrary) -> coaching.Shown | None:
    """The open problem; the transaction ends before Slack is called."""
    shown = service.shown(session=session, user=user, library=library)
    session.commit()
    return shown


def check_name(stored: str) -> str:
    """The name as stored (trimmed), or ProblemError saying what is wrong with it."""
    stored = stored.strip()
    typed = readable(stored)
    if not typed.strip():
        raise ProblemError("Name the problem, in a few words.")
    if "\n" in typed.strip():
        raise ProblemError("Keep the name to one line; the plan is where the detail goes.")
    if utf16_len(typed) > coaching.MAX_NAME_LENGTH:
        raise ProblemError(
            f"Keep the name under {coaching.MAX_NAME_LENGTH} characters (it is "
            f"{utf16_len(typed):,}); the plan is where the detail goes."
        )
    return stored


@dataclass(frozen=True)
class Named:
    shown: coaching.Shown
    replaced: str | None  # the previous problem's name (stored text), when one was open


def name(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    text: str,
    now: datetime,
    typed: bool = False,
) -> Named:
    """Name the problem: `text` as Slack sent a command's text, or as typed into the modal
    (`typed`: escaped before it is stored). Raises ProblemError (nothing stored)."""
    try:
        stored = check_name(from_typed(text) if typed else text)
    except ProblemError:
        session.rollback()
        raise
    problem, previous = service.name(session=session, user=user, text=stored, now=now)
    named = Named(
        shown=service.shown_of(problem, library), replaced=previous.text if previous else None
    )
    request_home_refresh(session=session, user=user)
    session.commit()
    return named


@dataclass(frozen=True)
class Ticked:
    step: ProblemStep
    newly: bool
    shown: coaching.Shown
    redraw: checkin_flows.Redraw | None = None


def _open(session: Session, user: User) -> StaffProblem:
    problem = service.open_problem(session=session, user_id=user.id)
    if problem is None:
        session.rollback()
        raise ProblemError("You have no problem named yet.")
    return problem


def tick(
    *, session: Session, user: User, library: CoachingLibrary, word: str, now: datetime
) -> Ticked:
    """`problem done <step>`: tick the step the person names (number, id or label)."""
    problem = _open(session, user)
    step = coaching.find_step(library.problem_steps, word)
    if step is None:
        session.rollback()
        raise UnknownStep("unknown step")
    newly = service.tick(session=session, problem=problem, step=step, now=now)
    shown = service.shown_of(problem, library)
    request_home_refresh(session=session, user=user)
    session.commit()
    return Ticked(step=step, newly=newly, shown=shown)


def untick(*, session: Session, user: User, library: CoachingLibrary, word: str) -> Ticked:
    """`problem undo <step>`: take a tick off (ticked by mistake)."""
    problem = _open(session, user)
    step = coaching.find_step(library.problem_steps, word)
    if step is None:
        session.rollback()
        raise UnknownStep("unknown step")
    changed = service.untick(session=session, problem=problem, step=step)
    shown = service.shown_of(problem, library)
    request_home_refresh(session=session, user=user)
    session.commit()
    return Ticked(step=step, newly=changed, shown=shown)


def parse_value(value: str) -> tuple[int, str, int | None]:
    """A Done button's value, `problem id:step id[:check-in id]`; Stale when it isn't one."""
    parts = value.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise Stale("That button is out of date.")
    try:
        problem_id = int(parts[0])
        checkin_id = int(parts[2]) if len(parts) == 3 else None
    except ValueError as error:
        raise Stale("That button is out of date.") from error
    return problem_id, parts[1], checkin_id


def tick_button(
    *, session: Session, user: User, library: CoachingLibrary, value: str, now: datetime
) -> Ticked:
    """A Done button (on the Home, a reply or a check-in). Only the person's open problem,
    a step of the path and their own check-in are accepted: anything else is Stale and
    changes nothing. From a check-in, the check-in is redrawn with the step ticked."""
    try:
        problem_id, step_id, checkin_id = parse_value(value)
    except Stale:
        session.rollback()
        raise
    problem = service.open_problem(session=session, user_id=user.id)
    step = next((s for s in library.problem_steps if s.id == step_id), None)
    checkin = session.get(CheckIn, checkin_id) if checkin_id is not None else None
    if (
        problem is None
        or problem.id != problem_id
        or step is None
        or (checkin_id is not None and (checkin is None or checkin.user_id != user.id))
    ):
        session.rollback()
        raise Stale("That button is about a problem or step you no longer have open.")
    newly = service.tick(session=session, problem=problem, step=step, now=now)
    redraw = None
    if checkin is not None:
        silence.responded(checkin, now)  # a step ticked on a check-in answers it, in a way
        redraw = checkin_flows.redraw(session=session, user=user, library=library, checkin=checkin)
    shown = service.shown_of(problem, library)
    request_home_refresh(session=session, user=user)
    session.commit()
    return Ticked(step=step, newly=newly, shown=shown, redraw=redraw)


def clear(*, session: Session, user: User, now: datetime, problem_id: int | None = None) -> str:
    """Close the open problem (kept, closed as cleared); its name. With `problem_id` (a
    button), only that problem: an older button is Stale."""
    problem = service.open_problem(session=session, user_id=user.id)
    if problem is None or (problem_id is not None and problem.id != problem_id):
        session.rollback()
        if problem_id is not None:
            raise Stale("That problem is no longer open.")
        raise ProblemError("You have no problem named yet.")
    service.close(session=session, problem=problem, how=service.CLEARED, now=now)
    text = problem.text
    request_home_refresh(session=session, user=user)
    session.commit()
    return text


# ── The stall question's answers, on the check-in that asked it ────────────────────────────


class Moved(Stale):
    """A stall answer about a problem of theirs that has since closed (replaced, cleared)."""

    def __init__(self, asked: StaffProblem, now_open: StaffProblem | None) -> None:
        super().__init__("That problem is no longer open.")
        self.asked = asked.text
        self.how = asked.closed_how
        self.now_open = now_open.text if now_open is not None else None


@dataclass(frozen=True)
class StallAnswered:
    """ "Still the right one" or "Let it go" done: the problem's name, and the check-in
    redrawn (None when it was never posted)."""

    name: str
    redraw: checkin_flows.Redraw | None


def _stall_target(session: Session, user: User, value: str) -> tuple[StaffProblem, CheckIn]:
    """The open problem and the person's check-in a stall answer names (`problem id:check-in
    id`). Anything else changes nothing: Moved when it is about a problem of theirs since
    closed, Stale otherwise."""
    parts = value.split(":")
    try:
        problem_id, checkin_id = (int(part) for part in parts) if len(parts) == 2 else (0, 0)
    except ValueError:
        problem_id, checkin_id = 0, 0
    asked = session.get(StaffProblem, problem_id) if problem_id > 0 else None
    checkin = session.get(CheckIn, checkin_id) if checkin_id > 0 else None
    if asked is None or asked.user_id != user.id or checkin is None or checkin.user_id != user.id:
        session.rollback()
        raise Stale("That button is out of date.")
    if asked.closed_at is not None:
        moved = Moved(asked, service.open_problem(session=session, user_id=user.id))
        session.rollback()
        raise moved
    return asked, checkin


def keep(
    *, session: Session, user: User, library: CoachingLibrary, value: str, now: datetime
) -> StallAnswered:
    """ "Still the right one": the problem stays, and the stall count starts again from now
    (the question comes back only after STALL_WEEKS more check-in weeks with no step). The
    check-in is redrawn with the step's question back, and the coach's acknowledgement."""
    problem, checkin = _stall_target(session, user, value)
    silence.responded(checkin, now)
    problem.stall_checkin_id = None
    problem.stall_asked_at = now
    session.flush()
    redraw = checkin_flows.redraw(
        session=session,
        user=user,
        library=library,
        checkin=checkin,
        note=ui.kept_note(problem.text, library.problem_text(coaching.KEPT_TEXT)),
    )
    name = problem.text
    session.commit()
    return StallAnswered(name=name, redraw=redraw)


def let_go(
    *, session: Session, user: User, library: CoachingLibrary, value: str, now: datetime
) -> StallAnswered:
    """ "Let it go": the problem is closed as let go (not as cleared: it is the person's
    judgment on a stalled problem, kept for the export, the packet and the story); the
    check-in is redrawn without it, and the Home says so."""
    problem, checkin = _stall_target(session, user, value)
    silence.responded(checkin, now)
    service.close(session=session, problem=problem, how=service.LET_GO, now=now)
    redraw = checkin_flows.redraw(
        session=session,
        user=user,
        library=library,
        checkin=checkin,
        note=ui.let_go_note(problem.text, library.problem_text(coaching.LET_GO_TEXT)),
    )
    name = problem.text
    request_home_refresh(session=session, user=user)
    session.commit()
    return StallAnswered(name=name, redraw=redraw)
