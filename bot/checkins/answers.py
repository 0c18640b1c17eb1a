"""Answering a check-in: the modal, "nothing this week", a free-text DM, snooze, skip, pause.

Every function starts from the acting user and re-checks that the check-in (or answer) is
theirs in their workspace, with the row locked, so a tampered id or a double click changes
nothing. Answers with content become evidence entries (source "checkin") linked to their
check-in; late answers count for the check-in's week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import schedule, service, silence
from bot.checkins.schedule import Preferences
from bot.coaching import classify
from bot.coaching.library import CoachingLibrary
from bot.coaching.models import Prompt
from bot.db.models import Answer, CheckIn, EvidenceEntry, User
from bot.delivery.status import CheckInStatus
from bot.evidence import examples
from bot.evidence import service as evidence
from bot.evidence.parsing import FormChoices, form_choices
from bot.expectations import mapping as expectation_mapping
from bot.ui.checkins import AnswerForm

# A check-in stays open for top-level replies this long after it was sent.
OPEN_FOR = timedelta(days=7)
# Statuses of a check-in whose message the user has (or had): answers are welcome.
ANSWERABLE = ("sent", "answered", "snoozed", "skipped", "expired")
# Statuses in which a top-level DM (not in the check-in's thread) can answer it: a snoozed
# check-in is still the open one, just coming back tomorrow.
OPEN_AT_TOP_LEVEL = ("sent", "answered", "snoozed")


class NotYours(Exception):
    """The id names no check-in or answer of this user in this workspace."""


@dataclass(frozen=True)
class Change:
    """What an action did: `changed` is False when it had already been done (a second click)."""

    checkin: CheckIn
    changed: bool
    answer: Answer | None = None
    until: datetime | None = None
    # @names typed in a form's text that matched no one.
    unresolved: tuple[str, ...] = ()


def _checkin(session: Session, user: User, checkin_id: int | None) -> CheckIn:
    checkin = service.own_checkin(session=session, user=user, checkin_id=checkin_id, lock=True)
    if checkin is None or checkin.status not in ANSWERABLE:
        raise NotYours(checkin_id)
    return checkin


def answers_of(session: Session, checkin: CheckIn) -> list[Answer]:
    return list(
        session.scalars(select(Answer).where(Answer.checkin_id == checkin.id).order_by(Answer.id))
    )


def open_prompts(session: Session, checkin: CheckIn) -> list[str]:
    """The check-in's questions (prompt ids) without an answer yet, in their order."""
    answered = {a.prompt_id for a in answers_of(session, checkin) if a.prompt_id}
    return [p for p in checkin.prompt_ids or [] if p not in answered]


def _question(
    session: Session, user: User, checkin_id: int | None, index: int | None
) -> tuple[CheckIn, str, Answer | None]:
    """The user's check-in, the prompt id of its question `index`, and that question's answer
    when it has one."""
    checkin = _checkin(session, user, checkin_id)
    prompts = checkin.prompt_ids or []
    if index is None or not 0 <= index < len(prompts):
        raise NotYours(checkin.id)
    answered = select(Answer).where(
        Answer.checkin_id == checkin.id, Answer.prompt_id == prompts[index]
    )
    return checkin, prompts[index], session.scalars(answered).first()


def _mark_answered(checkin: CheckIn, now: datetime) -> None:
    checkin.status = CheckInStatus.ANSWERED
    if checkin.answered_at is None:
        checkin.answered_at = now


def _prompt(library: CoachingLibrary, prompt_id: str | None) -> Prompt | None:
    """The question a check-in asked (None when the library no longer has it)."""
    try:
        return library.prompt(prompt_id) if prompt_id else None
    except KeyError:
        return None


def read_form_text(
    form: AnswerForm,
    library: CoachingLibrary,
    *,
    prefilled_dimension: str | None,
    prefilled_people: tuple[str, ...] = (),
    named: Mapping[str, str] | None = None,
    author: str | None = None,
    guess: bool = True,
    learned: classify.ExampleIndex = classify.NO_EXAMPLES,
) -> tuple[AnswerForm, FormChoices]:
    """The form with its text read as the command line reads it (#hashtags, @mentions);
    the fields' own choices win as `bot.evidence.parsing.form_choices` says."""
    choices = form_choices(
        form.text,
        library,
        field_dimension=form.dimension,
        field_people=form.people,
        prefilled_dimension=prefilled_dimension,
        prefilled_people=prefilled_people,
        named=dict(named or {}),
        author=author,
        guess=guess,
        examples=learned,
    )
    return replace(form, dimension=choices.dimension, people=choices.people), choices


def answer_with_form(
    *,
    session: Session,
    user: User,
    checkin_id: int | None,
    index: int | None,
    form: AnswerForm,
    now: datetime,
    library: CoachingLibrary,
    named: Mapping[str, str] | None = None,
) -> Change:
    """Store the modal's answer to one question, once.

    The form came filled with the question's dimension: a #hashtag in the text overrides
    it, a dimension picked in the form overrides both; @mentions in the text add people.
    """
    checkin, prompt_id, existing = _question(session, user, checkin_id, index)
    if existing is not None:
        return Change(checkin, changed=False, answer=existing)
    prompt = _prompt(library, prompt_id)
    form, choices = read_form_text(
        form,
        library,
        prefilled_dimension=prompt.dimension if prompt else None,
        named=named,
        author=user.slack_user_id,
        learned=examples.workspace_examples(session=session, workspace_id=user.workspace_id),
    )
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=form.text,
        source="checkin",
        dimension=form.dimension,
        scope=form.scope,
        people=list(form.people),
        link=form.link,
        impact=form.impact,
        visibility=form.visibility,
        occurred_at=schedule.answer_instant(Preferences.of(user), checkin.slot_at, now),
        checkin_id=checkin.id,
    )
    (answer,) = _add_answers(
        session, user, checkin, now, [prompt_id], "answer", "modal", form.text, entry.id
    )
    return Change(checkin, changed=True, answer=answer, unresolved=choices.unresolved)


def answer_nothing(
    *, session: Session, user: User, checkin_id: int | None, index: int | None, now: datetime
) -> Change:
    """ "Nothing this week" for one question, once."""
    checkin, prompt_id, existing = _question(session, user, checkin_id, index)
    if existing is not None:
        return Change(checkin, changed=False, answer=existing)
    (answer,) = _add_answers(session, user, checkin, now, [prompt_id], "nothing", "button")
    return Change(checkin, changed=True, answer=answer)


def _add_answers(
    session: Session,
    user: User,
    checkin: CheckIn,
    now: datetime,
    prompt_ids: Sequence[str | None],
    kind: str,
    source: str,
    text: str | None = None,
    evidence_id: int | None = None,
    message: tuple[str, str] | None = None,
) -> tuple[Answer, ...]:
    """Store answers to a check-in's questions (one a prompt id) and mark it answered.
    `message`: the DM they came in (channel, ts)."""
    channel_id, message_ts = message or (None, None)
    made = tuple(
        Answer(
            workspace_id=user.workspace_id,
            user_id=user.id,
            checkin_id=checkin.id,
            prompt_id=prompt_id,
            kind=kind,
            text=text,
            source=source,
            evidence_id=evidence_id,
            channel_id=channel_id,
            message_ts=message_ts,
        )
        for prompt_id in prompt_ids
    )
    session.add_all(made)
    _mark_answered(checkin, now)
    session.flush()
    return made


def _still_open(checkin: CheckIn) -> bool:
    return checkin.status == "sent"


def snooze(*, session: Session, user: User, checkin_id: int | None, now: datetime) -> Change:
    """Bring the check-in back tomorrow at the user's check-in time (only while unanswered)."""
    checkin = _checkin(session, user, checkin_id)
    if not _still_open(checkin):
        return Change(checkin, changed=False, until=checkin.snoozed_until)
    until = schedule.snooze_until(Preferences.of(user), now)
    checkin.status = CheckInStatus.SNOOZED
    checkin.snoozed_until = until
    checkin.reminded_at = None
    return Change(checkin, changed=True, until=until)


def skip(*, session: Session, user: User, checkin_id: int | None, now: datetime) -> Change:
    """Skip this week's check-in (only while unanswered)."""
    checkin = _checkin(session, user, checkin_id)
    if not _still_open(checkin):
        return Change(checkin, changed=False)
    checkin.status = CheckInStatus.SKIPPED
    return Change(checkin, changed=True)


def pause_from_checkin(
    *, session: Session, user: User, checkin_id: int | None, weeks: int, now: datetime
) -> Change:
    """Skip this check-in and pause for `weeks` weeks (only while unanswered)."""
    checkin = _checkin(session, user, checkin_id)
    if not _still_open(checkin) or weeks not in (1, 2, 3, 4, 6, 8):
        return Change(checkin, changed=False)
    checkin.status = CheckInStatus.SKIPPED
    service.pause_weeks(session=session, user=user, weeks=weeks, now=now)
    until = user.paused_until
    return Change(
        checkin,
        changed=True,
        until=schedule.local_instant(until, 0, schedule.zone_for(user.tz)) if until else None,
    )


def respond_to_silence(
    *, session: Session, user: User, checkin_id: int | None, now: datetime
) -> Change:
    """A choice on the line that noticed three check-ins went unanswered (a calmer cadence,
    or keep as is): a response to this check-in, once, while it is open."""
    checkin = _checkin(session, user, checkin_id)
    if not _still_open(checkin) or checkin.responded_at is not None:
        return Change(checkin, changed=False)
    silence.responded(checkin, now)
    return Change(checkin, changed=True)


# ── Free-text replies in the DM ─────────────────────────────────────────────────────────


def checkin_for_reply(
    *,
    session: Session,
    user: User,
    channel_id: str,
    thread_ts: str | None,
    now: datetime,
    lock: bool = True,
) -> CheckIn | None:
    """The check-in a DM answers: the one whose thread it is in, else the open one."""
    if thread_ts:
        query = select(CheckIn).where(
            CheckIn.user_id == user.id,
            CheckIn.workspace_id == user.workspace_id,
            CheckIn.message_ts == thread_ts,
            CheckIn.status.in_(ANSWERABLE),
        )
        return session.scalars(query.with_for_update() if lock else query).first()
    query = (
        select(CheckIn)
        .where(
            CheckIn.user_id == user.id,
            CheckIn.workspace_id == user.workspace_id,
            CheckIn.message_ts.is_not(None),
        )
        .order_by(CheckIn.slot_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    latest = session.scalars(query.with_for_update() if lock else query).first()
    if latest is None or latest.status not in OPEN_AT_TOP_LEVEL:
        return None
    if latest.sent_at is not None and latest.sent_at < now - OPEN_FOR:
        return None
    if latest.channel_id and latest.channel_id != channel_id:
        return None
    return latest


@dataclass(frozen=True)
class Reply:
    """A DM stored as an answer, and what the bot understood from it."""

    checkin: CheckIn
    answers: tuple[Answer, ...]
    kind: str  # answer | nothing
    question: str | None = None
    dimension_label: str | None = None
    entry: EvidenceEntry | None = None
    # False when this message was already stored as an answer (Slack sent it twice).
    new: bool = True


def _dimension_for(
    text: str,
    library: CoachingLibrary,
    prompt_id: str | None,
    learned: classify.ExampleIndex = classify.NO_EXAMPLES,
) -> tuple[str | None, str | None]:
    """The entry's dimension and its label: a #hashtag, the workspace's own correction of a
    text like it, or an activity the answer names ("reviewed", "mentored") wins; then the
    question's dimension; then other keywords."""
    suggestion = classify.suggest_dimension(text, library, learned)
    prompt = _prompt(library, prompt_id)
    dimension_id = prompt.dimension if prompt else None
    decisive = suggestion is not None and (
        suggestion.source in ("hashtag", "example") or suggestion.activity > 0
    )
    if suggestion is not None and (decisive or dimension_id is None):
        dimension_id = suggestion.dimension_id
    if dimension_id is None:
        return None, None
    try:
        return dimension_id, library.dimension(dimension_id).label
    except KeyError:
        return dimension_id, None


def answer_from_dm(
    *,
    session: Session,
    user: User,
    library: CoachingLibrary,
    channel_id: str,
    ts: str,
    thread_ts: str | None,
    text: str,
    now: datetime,
    as_nothing: bool = False,
    checkin_id: int | None = None,
    prompt_id: str | None = None,
) -> Reply | None:
    """Store a DM as an answer when it replies to a check-in; None when it does not.

    `as_nothing`: the text says "nothing this week" (bot.checkins.replies decides).
    `checkin_id`: the check-in it answers, when the person chose it (else the one whose
    thread it is in, or the open one).
    """
    stripped = text.strip()
    if not stripped:
        return None
    existing = session.scalars(
        select(Answer).where(
            Answer.user_id == user.id, Answer.channel_id == channel_id, Answer.message_ts == ts
        )
    ).all()
    if checkin_id is not None:
        checkin = service.own_checkin(session=session, user=user, checkin_id=checkin_id, lock=True)
        if checkin is not None and checkin.status not in ANSWERABLE:
            checkin = None
    else:
        checkin = checkin_for_reply(
            session=session, user=user, channel_id=channel_id, thread_ts=thread_ts, now=now
        )
    if existing:  # Slack delivered the same message twice
        # An answer's check-in is a non-null foreign key: it is there.
        stored = session.get_one(CheckIn, existing[0].checkin_id)
        return Reply(stored, tuple(existing), existing[0].kind, new=False)
    if checkin is None:
        return None
    unanswered = open_prompts(session, checkin)
    if as_nothing:
        return _nothing_from_dm(session, user, checkin, unanswered, channel_id, ts, text, now)
    try:
        evidence.check_text(text)
    except evidence.EvidenceTextError:
        return None  # kept as a DM, exactly as typed; too long or unstorable as evidence
    if prompt_id not in unanswered:
        prompt_id = unanswered[0] if unanswered else None
    learned = examples.workspace_examples(session=session, workspace_id=user.workspace_id)
    parsed = classify.parse_text(text, library, learned)
    dimension, label = _dimension_for(text, library, prompt_id, learned)
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=text,
        source="checkin",
        dimension=dimension,
        scope=parsed.scope.scope_id if parsed.scope else None,
        people=list(parsed.people),
        link=parsed.links[0] if parsed.links else None,
        occurred_at=schedule.answer_instant(Preferences.of(user), checkin.slot_at, now),
        source_channel_id=channel_id,
        source_message_ts=ts,
        checkin_id=checkin.id,
    )
    made = _add_answers(
        session, user, checkin, now, [prompt_id], "answer", "dm", text, entry.id, (channel_id, ts)
    )
    prompt = _prompt(library, prompt_id)
    return Reply(checkin, made, "answer", prompt.text if prompt else None, label, entry)


def _nothing_from_dm(
    session: Session,
    user: User,
    checkin: CheckIn,
    open_prompts: list[str],
    channel_id: str,
    ts: str,
    text: str,
    now: datetime,
) -> Reply | None:
    """ "Nothing this week" typed as a reply: every open question answered with nothing."""
    if not open_prompts:
        return None
    made = _add_answers(
        session, user, checkin, now, open_prompts, "nothing", "dm", text, None, (channel_id, ts)
    )
    return Reply(checkin, made, "nothing")


def edit_dm_answer(
    *, session: Session, user: User, library: CoachingLibrary, channel_id: str, ts: str, text: str
) -> CheckIn | None:
    """Apply an edit the user made to a DM that was stored as an answer; its check-in."""
    answers = session.scalars(
        select(Answer).where(
            Answer.user_id == user.id,
            Answer.workspace_id == user.workspace_id,
            Answer.channel_id == channel_id,
            Answer.message_ts == ts,
        )
    ).all()
    try:
        evidence.check_text(text)
    except evidence.EvidenceTextError:
        return None
    if not answers:
        return None
    for answer in answers:
        answer.text = text
        entry = evidence.get_own_entry(session=session, user=user, entry_id=answer.evidence_id)
        if entry is None:
            continue
        parsed = classify.parse_text(text, library)
        edited = entry.text != text
        entry.text = text
        entry.people = list(parsed.people)
        if parsed.links:
            entry.link = parsed.links[0]
        if parsed.dimension is not None and parsed.dimension.source == "hashtag":
            entry.dimension = parsed.dimension.dimension_id
        if edited:
            session.flush()
            expectation_mapping.follow_text(session=session, user=user, entry=entry)
    return session.get(CheckIn, answers[0].checkin_id)


def answer_form_of(
    *, session: Session, user: User, answer_id: int | None
) -> tuple[Answer, AnswerForm]:
    """An answer of this user and the form values to edit it with."""
    answer = service.own_answer(session=session, user=user, answer_id=answer_id)
    if answer is None or answer.kind != "answer":
        raise NotYours(answer_id)
    entry = evidence.get_own_entry(session=session, user=user, entry_id=answer.evidence_id)
    if entry is None:
        return answer, AnswerForm(text=answer.text or "")
    return answer, AnswerForm(
        text=entry.text,
        people=tuple(entry.people or ()),
        dimension=entry.dimension,
        scope=entry.scope,
        link=entry.link,
        impact=entry.impact,
        visibility=entry.visibility,
    )


def edit_answer(
    *,
    session: Session,
    user: User,
    answer_id: int | None,
    form: AnswerForm,
    library: CoachingLibrary,
    named: Mapping[str, str] | None = None,
) -> Change:
    """Save the edit modal over an answer and its evidence entry (text read as in
    `answer_with_form`, against what the form was filled with: the entry as stored)."""
    answer = service.own_answer(session=session, user=user, answer_id=answer_id, lock=True)
    if answer is None or answer.kind != "answer":
        raise NotYours(answer_id)
    checkin = session.get_one(CheckIn, answer.checkin_id)
    answer.text = form.text
    entry = evidence.get_own_entry(session=session, user=user, entry_id=answer.evidence_id)
    choices = None
    if entry is not None:
        form, choices = read_form_text(
            form,
            library,
            prefilled_dimension=entry.dimension,
            prefilled_people=tuple(entry.people or ()),
            named=named,
            author=user.slack_user_id,
            guess=False,
        )
        edited = entry.text != form.text
        entry.text = form.text
        entry.people = list(form.people)
        entry.dimension = form.dimension
        entry.scope = form.scope
        entry.link = form.link
        entry.impact = form.impact
        entry.visibility = form.visibility
        if edited:
            session.flush()
            expectation_mapping.follow_text(session=session, user=user, entry=entry)
    session.flush()
    unresolved = choices.unresolved if choices is not None else ()
    return Change(checkin, changed=True, answer=answer, unresolved=unresolved)


def answer_entry(
    *, session: Session, user: User, answer_id: int | None
) -> tuple[Answer, EvidenceEntry | None]:
    """One of the user's answers and its evidence entry (NotYours for anything else)."""
    answer = service.own_answer(session=session, user=user, answer_id=answer_id)
    if answer is None:
        raise NotYours(answer_id)
    return answer, evidence.get_own_entry(session=session, user=user, entry_id=answer.evidence_id)


def relabel(
    *,
    session: Session,
    user: User,
    answer_id: int | None,
    library: CoachingLibrary,
    dimension: str | None = None,
    scope: str | None = None,
    change: str,
) -> tuple[Answer, EvidenceEntry]:
    """Change the dimension or the scope (`change`) of an answer's evidence in one click;
    the workspace's classifier remembers it as a labelled example."""
    answer, entry = answer_entry(session=session, user=user, answer_id=answer_id)
    if entry is None or change not in ("dimension", "scope"):
        raise NotYours(answer_id)
    changed = evidence.relabel(
        session=session,
        user=user,
        entry_id=entry.id,
        label="dimension" if change == "dimension" else "scope",
        value=dimension if change == "dimension" else scope,
        library=library,
    )
    if changed is None:
        raise NotYours(answer_id)
    return answer, changed


def undo_answer(*, session: Session, user: User, answer_id: int | None) -> Change:
    """ "Not an answer": forget the answer and its evidence (the DM itself stays stored)."""
    answer = service.own_answer(session=session, user=user, answer_id=answer_id, lock=True)
    if answer is None:
        raise NotYours(answer_id)
    checkin = session.get_one(CheckIn, answer.checkin_id)
    entry = evidence.get_own_entry(session=session, user=user, entry_id=answer.evidence_id)
    session.delete(answer)
    if entry is not None:
        session.delete(entry)
    session.flush()
    if checkin.status == "answered" and not answers_of(session, checkin):
        checkin.status = CheckInStatus.SENT
        checkin.answered_at = None
    return Change(checkin, changed=True, answer=answer)
