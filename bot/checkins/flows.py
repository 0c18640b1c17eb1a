"""What a person does with check-ins in Slack: each function owns its unit of work.

The listener parses the request and does the Slack side (reading a profile, opening a
modal, answering); these functions take plain data, call the services, commit (or roll back
and raise `NotYours` when the check-in or answer is not the caller's) and say what to
redraw or post. A check-in's buttons and answers are redrawn from what was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.checkins import answers, present, schedule, service, silence
from bot.checkins.answers import AnswerForm, NotYours
from bot.coaching.library import CoachingLibrary
from bot.db.base import utcnow
from bot.db.engine import Database
from bot.db.models import Answer, CheckIn, EvidenceEntry, User
from bot.evidence.parsing import bare_names
from bot.expectations import service as expectations
from bot.problems import service as problems
from bot.ui import checkins as ui
from bot.workspaces import flows as workspace_flows
from bot.workspaces import service as workspaces
from bot.workspaces.flows import ProfileReader

logger = logging.getLogger(__name__)

__all__ = ["NotYours"]

# `@name`s typed as text → the Slack ids they name (those found).
PeopleFinder = Callable[[Sequence[str]], dict[str, str]]

_T = TypeVar("_T")


@dataclass(frozen=True)
class Redraw:
    """A check-in message as it should look now (chat.update of the stored channel/ts)."""

    channel: str
    ts: str
    message: dict[str, Any]

    def arguments(self) -> dict[str, Any]:
        return {"channel": self.channel, "ts": self.ts, **self.message}


@dataclass(frozen=True)
class Post:
    """A message to post: in a check-in's thread, or as a DM (no thread)."""

    channel: str
    message: dict[str, Any]
    thread_ts: str | None = None

    def arguments(self) -> dict[str, Any]:
        where = {"channel": self.channel}
        if self.thread_ts is not None:
            where["thread_ts"] = self.thread_ts
        return {**where, **self.message}


def _refusing(session: Session, act: Callable[[], _T]) -> _T:
    """Run `act`; when it refuses (NotYours), roll back whatever the request changed."""
    try:
        return act()
    except NotYours:
        session.rollback()
        raise


def discard(*, session: Session) -> None:
    """A refused command changes nothing: what the unit of work did so far is dropped, and
    its transaction ends before the reply goes to Slack."""
    session.rollback()


def ensure_timezone(*, session: Session, user: User, read_profile: ProfileReader) -> None:
    """Before scheduling, the user's own zone (see bot.workspaces.flows.learn_zone)."""
    workspace_flows.learn_zone(session=session, user=user, read_profile=read_profile)


def redraw(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin: CheckIn,
    note: str | None = None,
    prefs: schedule.Preferences | None = None,
) -> Redraw | None:
    """The check-in message with its answers and the buttons its status leaves; None when
    it was never posted (no stored channel/ts). `prefs`: the schedule it was sent under,
    when it has just changed (its days are named as they were asked)."""
    if not checkin.channel_id or not checkin.message_ts:
        return None
    message = present.current_message(
        library=library,
        checkin=checkin,
        answers=answers.answers_of(session, checkin),
        tz=user.tz,
        note=note,
        prefs=prefs or schedule.Preferences.of(user),
        ask_expectations=expectations.asks_on_checkin(
            session=session, user_id=user.id, checkin_id=checkin.id
        ),
        problem=problems.on_checkin(
            session=session, user_id=user.id, checkin=checkin, library=library
        ),
        silence=present.silence_line(
            library,
            checkin_id=checkin.id,
            notices=silence.notices(session, checkin),
            cadence=user.cadence,
        ),
    )
    return Redraw(checkin.channel_id, checkin.message_ts, message)


# --- schedule -------------------------------------------------------------------------


def turn_on(
    *,
    session: Session,
    user: User,
    now: datetime,
    weekdays: tuple[int, ...] = (),
    minute: int | None,
    read_profile: ProfileReader,
) -> service.Schedule:
    """Check-ins on (on these days — two for twice a week — and at this time, if given).
    PreferenceError: nothing changed."""
    ensure_timezone(session=session, user=user, read_profile=read_profile)
    try:
        described = service.enable(
            session=session, user=user, now=now, weekdays=weekdays, minute=minute
        )
    except service.PreferenceError:
        session.rollback()
        raise
    session.commit()
    return described


def turn_off(*, session: Session, user: User, now: datetime) -> None:
    """Check-ins off; those not sent yet are cancelled."""
    service.disable(session=session, user=user, now=now)
    session.commit()


def start_from_welcome(
    *, session: Session, user: User, now: datetime, read_profile: ProfileReader
) -> service.Schedule:
    """The welcome's one-click start: check-ins on with the defaults, the welcome done."""
    ensure_timezone(session=session, user=user, read_profile=read_profile)
    described = service.enable(session=session, user=user, now=now)
    if user.welcomed_at is None:
        service.mark_welcomed(session=session, user=user, now=now)
    session.commit()
    return described


def pause_until(*, session: Session, user: User, until: date, now: datetime) -> service.Schedule:
    """Pause check-ins until a day. PreferenceError: nothing changed."""
    try:
        described = service.pause(session=session, user=user, until=until, now=now)
    except service.PreferenceError:
        session.rollback()
        raise
    session.commit()
    return described


def resume(*, session: Session, user: User, now: datetime) -> service.Schedule:
    """End a pause now."""
    described = service.resume(session=session, user=user, now=now)
    session.commit()
    return described


def settings_form(*, session: Session, user: User, read_profile: ProfileReader) -> ui.SettingsForm:
    """The settings modal's fields (the time zone read from Slack first, on first contact)."""
    ensure_timezone(session=session, user=user, read_profile=read_profile)
    session.commit()
    return present.settings_form(user)


def settings_problems(
    *, session: Session, user: User, prefs: service.NewPreferences, now: datetime
) -> dict[str, str]:
    """What is wrong with submitted settings, by field (empty: fine). Nothing is kept when
    something is wrong."""
    errors = service.validate(prefs, today=service.local_today(user, now))
    if prefs.minute < 0:
        errors["time"] = "Pick a time."
    if errors:
        session.rollback()
    return errors


def apply_settings(
    *, session: Session, user: User, prefs: service.NewPreferences, now: datetime
) -> service.Schedule:
    """Store checked settings (see `settings_problems`) and reschedule."""
    described = service.update_preferences(session=session, user=user, prefs=prefs, now=now)
    session.commit()
    return described


# --- buttons on a check-in ------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOpening:
    """The answer modal for one question; `answered` when that question already has one."""

    checkin_id: int
    index: int
    question: ui.Question | None = None
    dimension: str | None = None
    answered: bool = False

    @property
    def metadata(self) -> str:
        """The modal's private_metadata: ids only, re-checked on submission."""
        return f"{self.checkin_id}:{self.index}"


def open_answer(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    index: int | None,
) -> AnswerOpening:
    """What "Answer" on a question opens. NotYours for a check-in of someone else, or one
    no longer answerable, or a question it does not have."""
    checkin = service.own_checkin(session=session, user=user, checkin_id=checkin_id)
    session.commit()
    if (
        checkin is None
        or checkin.status not in answers.ANSWERABLE
        or index is None
        or index >= len(checkin.prompt_ids or [])
    ):
        raise NotYours(checkin_id)
    prompt_id = checkin.prompt_ids[index]
    if any(a.prompt_id == prompt_id for a in answers.answers_of(session, checkin)):
        return AnswerOpening(checkin.id, index, answered=True)
    period = present.shown_period(checkin, schedule.Preferences.of(user))
    (question,) = present.questions(library, [prompt_id], period=period) or (None,)
    dimension = library.prompt(prompt_id).dimension if question else None
    return AnswerOpening(checkin.id, index, question, dimension)


def answer_nothing(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    index: int | None,
    now: datetime,
) -> Redraw | None:
    """ "Nothing this week" on a question; the redraw, unless it was already so."""
    change = _refusing(
        session,
        lambda: answers.answer_nothing(
            session=session, user=user, checkin_id=checkin_id, index=index, now=now
        ),
    )
    session.commit()
    if not change.changed:
        return None
    return redraw(session=session, user=user, library=library, checkin=change.checkin)


def postpone(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    now: datetime,
    skip: bool,
) -> Redraw | None:
    """Snooze the check-in (or skip it, `skip`); the redraw with a note of until when."""
    act = answers.skip if skip else answers.snooze
    change = _refusing(
        session, lambda: act(session=session, user=user, checkin_id=checkin_id, now=now)
    )
    until = change.until.astimezone(schedule.zone_for(user.tz)) if change.until else None
    period = present.shown_period(change.checkin, schedule.Preferences.of(user))
    note = ui.status_note(change.checkin.status, until=until, period=period)
    session.commit()
    if not change.changed:
        return None
    return redraw(session=session, user=user, library=library, checkin=change.checkin, note=note)


def pause_from_checkin(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    weeks: int,
    now: datetime,
) -> Redraw | None:
    """Pause check-ins for some weeks from a check-in's menu; the redraw says until when."""
    change = _refusing(
        session,
        lambda: answers.pause_from_checkin(
            session=session, user=user, checkin_id=checkin_id, weeks=weeks, now=now
        ),
    )
    zone = schedule.zone_for(user.tz)
    next_at = user.next_checkin_at
    note = ui.status_note(
        "paused",
        until=user.paused_until,
        next_local=next_at.astimezone(zone) if next_at is not None else None,
    )
    session.commit()
    if not change.changed:
        return None
    return redraw(session=session, user=user, library=library, checkin=change.checkin, note=note)


def respond_to_silence(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    cadence: str | None,
    now: datetime,
) -> Redraw | None:
    """A choice on the line that noticed three check-ins went unanswered: a calmer `cadence`
    ("biweekly", "weekly"; applied as the settings modal applies one), or None to keep them
    as they are. Either is a response: the silence ends (this check-in, just seen, gets no
    reminder; the next ones do). The redraw says what the schedule is now; None when nothing
    changed (a second click)."""
    change = _refusing(
        session,
        lambda: answers.respond_to_silence(
            session=session, user=user, checkin_id=checkin_id, now=now
        ),
    )
    if not change.changed:
        session.commit()
        return None
    asked = schedule.Preferences.of(user)  # this check-in still asks about what it asked
    if cadence in ui.CALMER_LABELS and cadence != user.cadence:
        described = service.update_preferences(
            session=session, user=user, prefs=_with_cadence(user, cadence), now=now
        )
        note = f":white_check_mark: {ui.summary_line(described.description, described.next_local)}"
    else:
        note = ui.kept_note(service.describe(user, now=now).description)
    session.commit()
    return redraw(
        session=session, user=user, library=library, checkin=change.checkin, note=note, prefs=asked
    )


def _with_cadence(user: User, cadence: str) -> service.NewPreferences:
    """The person's settings as they stand, with another cadence."""
    return service.NewPreferences(
        cadence=cadence,
        weekday=user.checkin_weekday,
        second_weekday=user.second_weekday,
        minute=user.checkin_minute,
        quiet_start=user.quiet_start_minute,
        quiet_end=user.quiet_end_minute,
        reminder=user.reminder_enabled,
        paused_until=user.paused_until,
    )


# --- answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerEditing:
    """The answer modal filled in with a stored answer."""

    answer_id: int
    question: ui.Question | None
    form: AnswerForm


def open_edit(
    *, session: Session, user: User, library: CoachingLibrary, answer_id: int | None
) -> AnswerEditing:
    """What "Edit" on an answer's confirmation opens (NotYours for anyone else's)."""
    answer, form = _refusing(
        session, lambda: answers.answer_form_of(session=session, user=user, answer_id=answer_id)
    )
    session.commit()
    question = None
    if answer.prompt_id:
        found = present.questions(library, [answer.prompt_id])
        question = found[0] if found else None
    return AnswerEditing(answer.id, question, form)


@dataclass(frozen=True)
class Undone:
    """ "Not an answer" done: the check-in's redraw, and where the removed answer's DM is
    (channel, ts; None for an answer given with the buttons) and which question it had."""

    redraw: Redraw | None
    dm: tuple[str, str] | None
    prompt_id: str | None


def undo_answer(
    *, session: Session, user: User, library: CoachingLibrary, answer_id: int | None
) -> Undone:
    """ "Not an answer": forget the answer and its evidence entry; the check-in's redraw."""
    change = _refusing(
        session, lambda: answers.undo_answer(session=session, user=user, answer_id=answer_id)
    )
    removed = change.answer
    dm = None
    if removed is not None and removed.channel_id and removed.message_ts:
        dm = (removed.channel_id, removed.message_ts)
    prompt_id = removed.prompt_id if removed is not None else None
    session.commit()
    drawn = redraw(session=session, user=user, library=library, checkin=change.checkin)
    return Undone(drawn, dm, prompt_id)


@dataclass(frozen=True)
class Relabelled:
    """An answer after a one-click change of what it was filed under, and its confirmation
    redrawn as it was (period wording, edited-text quote) but for the changed label."""

    answer: Answer
    entry: EvidenceEntry | None
    message: dict[str, Any]


def relabel(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    answer_id: int | None,
    change: str,
    choice: str | None,
    edited: bool = False,
) -> Relabelled:
    """Change an answer's `change` ("dimension" or "scope") to `choice` (`edited`: its
    confirmation quotes the edited answer, and keeps doing so)."""
    answer, entry = _refusing(
        session,
        lambda: answers.relabel(
            session=session,
            user=user,
            answer_id=answer_id,
            library=library,
            change=change,
            **{change: choice},
        ),
    )
    checkin = session.get(CheckIn, answer.checkin_id)
    period = present.shown_period(checkin, schedule.Preferences.of(user)) if checkin else None
    message = present.answer_confirmation(
        library=library, answer=answer, entry=entry, edited=edited, period=period
    )
    session.commit()
    return Relabelled(answer, entry, message)


@dataclass(frozen=True)
class AnswerSaved:
    """What to redraw and post once an answer from the modal is stored."""

    redraw: Redraw | None = None
    confirmation: Post | None = None
    unresolved: Post | None = None


def submit_answer(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    checkin_id: int | None,
    index: int | None,
    form: AnswerForm,
    people: PeopleFinder,
    now: datetime,
) -> AnswerSaved:
    """Store the answer to one question (NotYours: not the caller's check-in).

    Nothing to post when it had been answered already (a second submission).
    """
    named = people(bare_names(form.text))
    change = _refusing(
        session,
        lambda: answers.answer_with_form(
            session=session,
            user=user,
            checkin_id=checkin_id,
            index=index,
            form=form,
            now=now,
            library=library,
            named=named,
        ),
    )
    session.commit()
    if not change.changed:
        return AnswerSaved()
    return AnswerSaved(
        redraw=redraw(session=session, user=user, library=library, checkin=change.checkin),
        confirmation=_confirmation(session=session, user=user, library=library, change=change),
        unresolved=_unresolved(user, change),
    )


def save_edit(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    answer_id: int | None,
    restate: Callable[[AnswerForm], AnswerForm],
    people: PeopleFinder,
) -> AnswerSaved:
    """Save an edited answer (NotYours: not the caller's).

    `restate` turns the stored answer as it was into the form to store (the edit, with
    text left as prefilled kept exactly).
    """

    def edit() -> answers.Change:
        _, before = answers.answer_form_of(session=session, user=user, answer_id=answer_id)
        form = restate(before)
        return answers.edit_answer(
            session=session,
            user=user,
            answer_id=answer_id,
            form=form,
            library=library,
            named=people(bare_names(form.text)),
        )

    change = _refusing(session, edit)
    session.commit()
    drawn = None
    if change.checkin is not None:
        drawn = redraw(session=session, user=user, library=library, checkin=change.checkin)
    return AnswerSaved(redraw=drawn, unresolved=_unresolved(user, change))


def _confirmation(
    *, session: Session, user: User, library: CoachingLibrary, change: answers.Change
) -> Post | None:
    """A form answer confirmed in the check-in's thread: what was understood, one-click
    changes, and the follow-ups the answer could still use."""
    checkin, answer = change.checkin, change.answer
    if answer is None or not checkin.channel_id or not checkin.message_ts:
        return None
    _, entry = answers.answer_entry(session=session, user=user, answer_id=answer.id)
    period = present.shown_period(checkin, schedule.Preferences.of(user))
    message = present.answer_confirmation(
        library=library, answer=answer, entry=entry, period=period
    )
    return Post(checkin.channel_id, message, thread_ts=checkin.message_ts)


def _unresolved(user: User, change: answers.Change) -> Post | None:
    """@names in the answer that matched no one, said in the check-in's thread (or a DM),
    so they can be picked with Edit."""
    if not change.unresolved or change.answer is None:
        return None
    message = ui.unresolved_people(names=change.unresolved, answer_id=change.answer.id)
    checkin = change.checkin
    if checkin is not None and checkin.channel_id and checkin.message_ts:
        return Post(checkin.channel_id, message, thread_ts=checkin.message_ts)
    return Post(user.slack_user_id, message)


def needs_welcome(*, database: Database, team_id: str, slack_user_id: str) -> bool:
    """True for someone never welcomed whose check-ins are off (a read; no lock taken).

    The welcome is a nicety: if the database cannot answer, the command goes ahead without
    it (and reports the outage itself).
    """
    try:
        with database.read_session() as session:
            user = workspaces.find_user(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            return user is None or (user.welcomed_at is None and not user.checkins_enabled)
    except SQLAlchemyError:
        logger.warning("welcome skipped: database unavailable", exc_info=True)
        return False


def record_welcome(*, database: Database, team_id: str, slack_user_id: str) -> None:
    """Remember the welcome was shown (after the reply went: it may wait for the write lock)."""
    try:
        with database.session() as session:
            user = workspaces.ensure_user(
                session=session, team_id=team_id, slack_user_id=slack_user_id
            )
            service.mark_welcomed(session=session, user=user, now=utcnow())
    except SQLAlchemyError:
        logger.warning("could not record the welcome", exc_info=True)


def remember_confirmation(
    *, session: Session, user: User, channel_id: str, answer_ts: str, confirmation_ts: str
) -> None:
    """Note where the confirmation of a DM answer was posted, to redraw it after an edit."""
    answer = service.dm_answer(session=session, user=user, channel_id=channel_id, ts=answer_ts)
    if answer is not None:
        answer.confirmation_ts = confirmation_ts
    session.commit()


def edited_confirmation(
    *, session: Session, user: User, library: CoachingLibrary, channel_id: str, answer_ts: str
) -> Redraw | None:
    """The confirmation of a DM answer the person has just edited, as it reads now: the
    edited text and what the bot understood from it (None when none was posted)."""
    answer = service.dm_answer(session=session, user=user, channel_id=channel_id, ts=answer_ts)
    if answer is None or not answer.confirmation_ts or answer.kind != "answer":
        session.commit()
        return None
    _, entry = answers.answer_entry(session=session, user=user, answer_id=answer.id)
    checkin = session.get(CheckIn, answer.checkin_id)
    period = present.shown_period(checkin, schedule.Preferences.of(user)) if checkin else None
    message = present.answer_confirmation(
        library=library, answer=answer, entry=entry, edited=True, period=period
    )
    session.commit()
    return Redraw(channel_id, answer.confirmation_ts, message)
