"""Staff problems: one open per person, its steps ticked with dates, closed when cleared or
replaced. Private to their owner: read only through the owner's user id, never by digests
or shares. The coaching (which step is current, whether it stalls) is bot/coaching/
staff_problem.py; this module reads and writes the rows it needs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching import staff_problem as coaching
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import ProblemStep
from bot.coaching.staff_problem import LetGo, OnCheckin, Shown
from bot.db.models import CheckIn, StaffProblem, User
from bot.evidence.packet import PacketProblem, PacketStep
from bot.evidence.periods import Period
from bot.problems.states import ClosedHow
from bot.summaries.periods import zone

CLEARED, LET_GO, REPLACED = ClosedHow.CLEARED, ClosedHow.LET_GO, ClosedHow.REPLACED


def open_problem(*, session: Session, user_id: int) -> StaffProblem | None:
    """The person's open problem, or None."""
    return session.scalars(
        select(StaffProblem).where(
            StaffProblem.user_id == user_id, StaffProblem.closed_at.is_(None)
        )
    ).first()


def close(*, session: Session, problem: StaffProblem, how: ClosedHow, now: datetime) -> None:
    problem.closed_at = now
    problem.closed_how = how
    session.flush()


def name(
    *, session: Session, user: User, text: str, now: datetime
) -> tuple[StaffProblem, StaffProblem | None]:
    """Open a problem named `text` (stored Slack text): the new one, and the open one it
    replaced (closed as replaced first), if any."""
    previous = open_problem(session=session, user_id=user.id)
    if previous is not None:
        close(session=session, problem=previous, how=REPLACED, now=now)
    problem = StaffProblem(
        workspace_id=user.workspace_id,
        user_id=user.id,
        text=text,
        started_at=now,
        steps_done={},
    )
    session.add(problem)
    session.flush()
    return problem, previous


def done(problem: StaffProblem) -> dict[str, datetime]:
    return coaching.done_instants(problem.steps_done or {})


def tick(*, session: Session, problem: StaffProblem, step: ProblemStep, now: datetime) -> bool:
    """Mark the step done now; False when it already was (its first date is kept)."""
    stored = dict(problem.steps_done or {})
    if step.id in stored:
        return False
    stored[step.id] = now.astimezone(UTC).isoformat()
    problem.steps_done = stored  # a new dict: the JSON column sees the change
    session.flush()
    return True


def untick(*, session: Session, problem: StaffProblem, step: ProblemStep) -> bool:
    """Take the tick off a step; False when it was not ticked."""
    stored = dict(problem.steps_done or {})
    if stored.pop(step.id, None) is None:
        return False
    problem.steps_done = stored
    session.flush()
    return True


def shown_of(problem: StaffProblem, library: CoachingLibrary) -> Shown:
    return Shown(
        name=problem.text,
        started_at=problem.started_at,
        path=tuple(coaching.path(library.problem_steps, done(problem))),
        problem_id=problem.id,
    )


def shown(*, session: Session, user: User, library: CoachingLibrary) -> Shown | None:
    """The open problem and its path, read (the Home, `/multiplier problem`)."""
    problem = open_problem(session=session, user_id=user.id)
    return None if problem is None else shown_of(problem, library)


def for_packet(
    *, session: Session, user: User, library: CoachingLibrary, period: Period
) -> list[PacketProblem]:
    """The owner's problems as their own packet tells them: the open one (whenever it was
    named), then those closed within the period, newest first (read only: the packet flow
    owns the transaction)."""
    rows = session.scalars(
        select(StaffProblem)
        .where(
            StaffProblem.user_id == user.id,
            StaffProblem.closed_at.is_(None)
            | ((StaffProblem.closed_at >= period.start) & (StaffProblem.closed_at < period.end)),
        )
        .order_by(StaffProblem.closed_at.is_not(None), StaffProblem.closed_at.desc())
    )
    problems = []
    for problem in rows:
        steps_done = done(problem)
        problems.append(
            PacketProblem(
                name=problem.text,
                started_at=problem.started_at,
                steps=tuple(
                    PacketStep(label=step.label, done_at=steps_done.get(step.id))
                    for step in library.problem_steps
                ),
                closed_at=problem.closed_at,
                closed_how=problem.closed_how,
                weeks_without_step=_weeks_without_step(problem, steps_done),
            )
        )
    return problems


def _weeks_without_step(problem: StaffProblem, steps_done: dict[str, datetime]) -> int | None:
    """For a problem let go: whole weeks from its last step (or naming) to letting it go."""
    if problem.closed_how != LET_GO or problem.closed_at is None:
        return None
    return coaching.weeks_without_step(
        started_at=problem.started_at, done=steps_done, until=problem.closed_at
    )


def for_home(
    *, session: Session, user: User, library: CoachingLibrary
) -> tuple[Shown | None, LetGo | None]:
    """The Home's problem section in one read: the open problem and its path or, with none
    open, the last one when it was let go (None when it was cleared or replaced, or none)."""
    last = session.scalars(
        select(StaffProblem)
        .where(StaffProblem.user_id == user.id)
        .order_by(
            StaffProblem.closed_at.is_not(None),  # the open one first
            StaffProblem.closed_at.desc(),
            StaffProblem.id.desc(),
        )
        .limit(1)
    ).first()
    if last is None:
        return None, None
    if last.closed_at is None:
        return shown_of(last, library), None
    if last.closed_how != LET_GO:
        return None, None
    let_go = LetGo(
        name=last.text,
        on=last.closed_at,
        weeks=coaching.weeks_without_step(
            started_at=last.started_at, done=done(last), until=last.closed_at
        ),
    )
    return None, let_go


def _received_slots(
    *, session: Session, user_id: int, checkin_id: int, since: datetime
) -> list[datetime]:
    """Slots of the person's other check-ins since `since` that reached them (a message was
    posted: a paused or away week has none)."""
    return list(
        session.scalars(
            select(CheckIn.slot_at).where(
                CheckIn.user_id == user_id,
                CheckIn.id != checkin_id,
                CheckIn.message_ts.is_not(None),
                CheckIn.slot_at > since,
            )
        )
    )


def for_new_checkin(
    *,
    session: Session,
    user: User,
    checkin: CheckIn,
    library: CoachingLibrary,
    now: datetime,
    weeks: int = coaching.STALL_WEEKS,
) -> OnCheckin | None:
    """What a check-in about to go out shows; when the problem has stalled, this check-in
    becomes the one that asks (recorded: asked once per stall, the same on a resend)."""
    problem = open_problem(session=session, user_id=user.id)
    if problem is None or not library.problem_steps:
        return None
    if problem.stall_checkin_id != checkin.id:
        steps_done = done(problem)
        since = coaching.last_sign_of_life(
            started_at=problem.started_at, done=steps_done, stall_asked_at=problem.stall_asked_at
        )
        stalled = coaching.stalls(
            steps=library.problem_steps,
            started_at=problem.started_at,
            done=steps_done,
            stall_asked_at=problem.stall_asked_at,
            received=_received_slots(
                session=session, user_id=user.id, checkin_id=checkin.id, since=since
            ),
            tz=zone(user.tz),
            now=now,
            weeks=weeks,
        )
        if stalled and library.problem_text(coaching.STALL_TEXT) is not None:
            problem.stall_checkin_id = checkin.id
            problem.stall_asked_at = now
            session.flush()
    return on_checkin(session=session, user_id=user.id, checkin=checkin, library=library)


def on_checkin(
    *, session: Session, user_id: int, checkin: CheckIn, library: CoachingLibrary
) -> OnCheckin | None:
    """What this check-in shows now (a redraw): nothing is decided or written here. The
    step's question, or once it was asked often enough since the problem last moved, a
    one-line reminder of it (`coaching.reminds`, read from the check-ins before this one)."""
    problem = open_problem(session=session, user_id=user_id)
    if problem is None or not library.problem_steps:
        return None
    steps = library.problem_steps
    steps_done = done(problem)
    current = coaching.current_step(steps, steps_done)
    sent = checkin.sent_at or checkin.slot_at
    ticked = tuple(step for step in steps if step.id in steps_done and steps_done[step.id] >= sent)
    reminder = False
    if current is not None:
        since = coaching.last_sign_of_life(
            started_at=problem.started_at, done=steps_done, stall_asked_at=problem.stall_asked_at
        )
        earlier = session.scalars(
            select(CheckIn.slot_at)
            .where(
                CheckIn.user_id == user_id,
                CheckIn.message_ts.is_not(None),
                CheckIn.slot_at > since,
                CheckIn.slot_at < checkin.slot_at,
            )
            .limit(coaching.ASKED_IN_FULL)
        ).all()
        reminder = coaching.reminds(
            started_at=problem.started_at,
            done=steps_done,
            stall_asked_at=problem.stall_asked_at,
            earlier=earlier,
            before=checkin.slot_at,
        )
    return OnCheckin(
        problem_id=problem.id,
        name=problem.text,
        step=current,
        number=steps.index(current) + 1 if current is not None else len(steps),
        total=len(steps),
        stalled=problem.stall_checkin_id == checkin.id,
        ticked=ticked,
        reminder=reminder,
    )
