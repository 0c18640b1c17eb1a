"""Evidence entries: the engineer's private log of multiplier work, and peer kudos.

Every function takes the acting `User` and re-checks ownership (workspace and user) through
`bot.evidence.visibility` before reading or changing an entry: ids that arrive in button
values or view metadata are never trusted on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.base import utcnow
from bot.db.models import EvidenceEntry, Kudos, User
from bot.evidence import examples, visibility
from bot.evidence.parsing import MAX_KUDOS_RECIPIENTS, ParsedEvidence, parse_evidence
from bot.evidence.periods import user_zone
from bot.expectations import mapping
from bot.values import parse_id

MAX_TEXT_LENGTH = 10_000
MAX_PEOPLE = 50
SLACKBOT_ID = "USLACKBOT"

# How an entry was logged (the `source` column).
BRAG, SHORTCUT, MODAL, CHECKIN, DM, KUDOS = "brag", "shortcut", "modal", "checkin", "dm", "kudos"
REACTION = "reaction"  # React to log: a capture-emoji reaction (bot.evidence.reaction_flows)
THANKS = "thanks"  # a thanks suggestion the person logged (bot/suggestions)


class EvidenceTextError(ValueError):
    """Text we will not store; the caller echoes it back so nothing is lost."""


class EvidenceTooLong(EvidenceTextError):
    """The text is longer than we store."""


def check_text(text: str, *, limit: int = MAX_TEXT_LENGTH) -> None:
    """Raise EvidenceTextError when `text` is too long to store.

    Any character is stored exactly as typed, NUL included (bot.db.base.UserText).
    """
    if len(text) > limit:
        raise EvidenceTooLong(f"{len(text)} characters; the limit is {limit}")


def _known(value: str | None, allowed: Sequence[str]) -> str | None:
    return value if value in allowed else None


def _clean_people(people: Sequence[str] | None, *, author: User | None = None) -> list[str]:
    seen: dict[str, None] = {}
    for person in people or ():
        well_formed = isinstance(person, str) and 2 < len(person) <= 32 and person.isalnum()
        if well_formed and (author is None or person != author.slack_user_id):
            seen.setdefault(person, None)
    return list(seen)[:MAX_PEOPLE]


def create_entry(
    *,
    session: Session,
    user: User,
    text: str,
    source: str,
    dimension: str | None = None,
    scope: str | None = None,
    people: list[str] | None = None,
    link: str | None = None,
    impact: str | None = None,
    visibility: str = visibility.DEFAULT_VISIBILITY,
    occurred_at: datetime | None = None,
    permalink: str | None = None,
    source_channel_id: str | None = None,
    source_message_ts: str | None = None,
    checkin_id: int | None = None,
) -> EvidenceEntry:
    """Store a new evidence entry exactly as typed; when the person has expectations, the
    coach maps it to those its words speak to (bot/expectations/mapping.py)."""
    check_text(text)
    for extra in (link, impact):
        if extra is not None:
            check_text(extra)
    entry = EvidenceEntry(
        workspace_id=user.workspace_id,
        user_id=user.id,
        text=text,
        source=source,
        dimension=dimension,
        scope=scope,
        people=list(people or []),
        link=link or None,
        impact=impact or None,
        visibility=_visibility(visibility),
        occurred_at=occurred_at or utcnow(),
        permalink=permalink,
        source_channel_id=source_channel_id,
        source_message_ts=source_message_ts,
        checkin_id=checkin_id,
    )
    session.add(entry)
    session.flush()
    mapping.suggest_for_entry(session=session, user=user, entry=entry)
    return entry


def _visibility(value: str | None) -> str:
    return visibility.normalise_visibility(value)


def log_text(
    *, session: Session, user: User, text: str, source: str, library: CoachingLibrary
) -> tuple[EvidenceEntry, ParsedEvidence]:
    """Log a typed text: stored as is, with people, first link, dimension and scope read out
    (by the workspace's classifier: its people's corrections count)."""
    check_text(text)
    learned = examples.workspace_examples(session=session, workspace_id=user.workspace_id)
    parsed = parse_evidence(text, library, author=user.slack_user_id, examples=learned)
    entry = create_entry(
        session=session,
        user=user,
        text=text,
        source=source,
        dimension=parsed.dimension,
        scope=parsed.scope,
        people=_clean_people(parsed.people, author=user),
        link=parsed.links[0] if parsed.links else None,
    )
    return entry, parsed


def get_own_entry(
    *, session: Session, user: User, entry_id: int | str | None
) -> EvidenceEntry | None:
    """The entry with this id if `user` owns it; None for anything else (tampered ids too)."""
    wanted = parse_id(entry_id)
    if wanted is None:
        return None
    entry = session.scalars(
        select(EvidenceEntry).where(EvidenceEntry.id == wanted, visibility.owned_by(user))
    ).one_or_none()
    if entry is None or not visibility.can_change(entry, user):
        return None
    return entry


@dataclass(frozen=True)
class EntryChanges:
    """A full set of editable fields, as the modal submits them; text None keeps the text."""

    text: str | None
    dimension: str | None
    scope: str | None
    people: list[str]
    link: str | None
    impact: str | None
    visibility: str


def update_entry(
    *,
    session: Session,
    user: User,
    entry_id: int | str | None,
    changes: EntryChanges,
    library: CoachingLibrary,
) -> EvidenceEntry | None:
    """Apply an edit to the user's own entry; None (and nothing changed) when it isn't theirs.
    New words bring a new suggestion of its expectations unless the person chose them."""
    entry = get_own_entry(session=session, user=user, entry_id=entry_id)
    if entry is None:
        return None
    if changes.text is not None:
        check_text(changes.text)
    for extra in (changes.link, changes.impact):
        if extra is not None:
            check_text(extra)
    edited = changes.text is not None and changes.text != entry.text
    if changes.text is not None:
        entry.text = changes.text
    entry.dimension = _known(changes.dimension, library.dimension_ids)
    entry.scope = _known(changes.scope, library.scope_ids)
    entry.people = _clean_people(changes.people, author=user)
    entry.link = changes.link or None
    entry.impact = changes.impact or None
    entry.visibility = _visibility(changes.visibility)
    session.flush()
    if edited:
        mapping.follow_text(session=session, user=user, entry=entry)
    return entry


def delete_entry(*, session: Session, user: User, entry_id: int | str | None) -> bool:
    """Delete the user's own entry; False (nothing deleted) when it isn't theirs."""
    entry = get_own_entry(session=session, user=user, entry_id=entry_id)
    if entry is None:
        return False
    session.delete(entry)
    session.flush()
    return True


def relabel(
    *,
    session: Session,
    user: User,
    entry_id: int | str | None,
    label: Literal["dimension", "scope"],
    value: str | None,
    library: CoachingLibrary,
) -> EvidenceEntry | None:
    """Re-file the user's own entry under another dimension, or set how far it reached
    (`label`; an empty value: none): a correction the workspace's classifier remembers."""
    known = library.dimension_ids if label == "dimension" else library.scope_ids
    if value and value not in known:
        return None
    entry = get_own_entry(session=session, user=user, entry_id=entry_id)
    if entry is None:
        return None
    setattr(entry, label, value or None)
    session.flush()
    examples.remember_correction(session=session, user=user, entry=entry)
    return entry


def set_visibility(
    *, session: Session, user: User, entry_id: int | str | None, value: str
) -> EvidenceEntry | None:
    """Share the user's own entry with their team, or make it private again."""
    if value not in visibility.VISIBILITIES:
        return None
    entry = get_own_entry(session=session, user=user, entry_id=entry_id)
    if entry is None:
        return None
    entry.visibility = value
    session.flush()
    return entry


@dataclass(frozen=True)
class EntryFilter:
    """Which of the user's entries to list: a dimension, a period, the newest N."""

    dimension: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    limit: int | None = None


@dataclass(frozen=True)
class EntryPage:
    entries: list[EvidenceEntry]
    total: int
    offset: int
    # All entries matching the filter before `last N` cut them to `total`.
    matching: int = 0


def list_entries(
    *, session: Session, user: User, where: EntryFilter, offset: int = 0, page_size: int = 15
) -> EntryPage:
    """One page of the user's own entries matching the filter, newest first."""
    conditions = [visibility.owned_by(user)]
    if where.dimension:
        conditions.append(EvidenceEntry.dimension == where.dimension)
    if where.start is not None:
        conditions.append(EvidenceEntry.occurred_at >= where.start)
    if where.end is not None:
        conditions.append(EvidenceEntry.occurred_at < where.end)
    matching = (
        session.scalar(select(func.count()).select_from(EvidenceEntry).where(*conditions)) or 0
    )
    total = matching if where.limit is None else min(matching, where.limit)
    offset = max(0, min(offset, max(total - 1, 0)))
    size = max(0, min(page_size, total - offset))
    entries = (
        list(
            session.scalars(
                select(EvidenceEntry)
                .where(*conditions)
                .order_by(EvidenceEntry.occurred_at.desc(), EvidenceEntry.id.desc())
                .offset(offset)
                .limit(size)
            )
        )
        if size
        else []
    )
    return EntryPage(entries=entries, total=total, offset=offset, matching=matching)


def entries_between(
    *, session: Session, user: User, start: datetime, end: datetime
) -> list[EvidenceEntry]:
    """The user's own entries in [start, end), oldest first (for the promotion packet)."""
    return list(
        session.scalars(
            select(EvidenceEntry)
            .where(
                visibility.owned_by(user),
                EvidenceEntry.occurred_at >= start,
                EvidenceEntry.occurred_at < end,
            )
            .order_by(EvidenceEntry.occurred_at, EvidenceEntry.id)
        )
    )


def kudos_for_entries(
    *, session: Session, user: User, entry_ids: Sequence[int]
) -> dict[int, Kudos]:
    """The kudos behind some of the user's own entries, by entry id."""
    if not entry_ids:
        return {}
    rows = session.scalars(
        select(Kudos).where(
            Kudos.workspace_id == user.workspace_id,
            Kudos.recipient_id == user.id,
            Kudos.evidence_id.in_(list(entry_ids)),
        )
    )
    return {k.evidence_id: k for k in rows if k.evidence_id is not None}


# ── Kudos ────────────────────────────────────────────────────────────────────────────────


class KudosRefused(Exception):
    """A kudos we will not record; `reason` is one of the class constants."""

    SELF = "self"
    BOT = "bot"
    INACTIVE = "inactive"
    ELSEWHERE = "elsewhere"
    DAILY_CAP = "daily_cap"
    NOT_FOUND = "not_found"  # Slack does not know the id
    UNRESOLVED = "unresolved"  # a name Slack did not turn into a person (@dana)
    TOO_MANY = "too_many"  # more people than one /kudos may name

    def __init__(self, reason: str, *, cap: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cap = cap


def _start_of_local_day(now: datetime, tz: str | None) -> datetime:
    zone = user_zone(tz)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time.min, zone)


def kudos_given_today(*, session: Session, giver: User, now: datetime) -> int:
    """Kudos the giver has given since the start of their local day."""
    since = _start_of_local_day(now, giver.tz)
    return (
        session.scalar(
            select(func.count())
            .select_from(Kudos)
            .where(
                Kudos.workspace_id == giver.workspace_id,
                Kudos.giver_id == giver.id,
                Kudos.created_at >= since,
            )
        )
        or 0
    )


def count_kudos_given(*, session: Session, giver: User) -> int:
    """Every kudos this person has given (on other people's logs)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Kudos)
            .where(Kudos.workspace_id == giver.workspace_id, Kudos.giver_id == giver.id)
        )
        or 0
    )


def check_kudos_recipient(*, giver: User, recipient_slack_id: str, profile: dict | None) -> None:
    """Refuse kudos to oneself, to bots (and Slackbot) and to deactivated accounts."""
    if recipient_slack_id == giver.slack_user_id:
        raise KudosRefused(KudosRefused.SELF)
    if recipient_slack_id == SLACKBOT_ID:
        raise KudosRefused(KudosRefused.BOT)
    if profile is not None:
        if profile.get("is_bot") or profile.get("is_app_user") or profile.get("bot_id"):
            raise KudosRefused(KudosRefused.BOT)
        if profile.get("deleted"):
            raise KudosRefused(KudosRefused.INACTIVE)


# The same giver's same words to the same person within this long are one kudos given again
# (a retry, e.g. after a channel was not found): not stored twice.
KUDOS_REPEAT_WINDOW = timedelta(minutes=10)


def repeated_kudos(
    *, session: Session, giver: User, recipient: User, text: str, now: datetime
) -> tuple[Kudos, EvidenceEntry] | None:
    """The giver's kudos to this recipient with exactly these words, given in the last
    KUDOS_REPEAT_WINDOW and still on the recipient's log; None when there is none."""
    found = session.execute(
        select(Kudos, EvidenceEntry)
        .join(EvidenceEntry, EvidenceEntry.id == Kudos.evidence_id)
        .where(
            Kudos.giver_id == giver.id,
            Kudos.recipient_id == recipient.id,
            Kudos.created_at >= now - KUDOS_REPEAT_WINDOW,
            Kudos.created_at <= now,
            Kudos.text == text,
        )
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def give_kudos(
    *,
    session: Session,
    giver: User,
    recipient: User,
    text: str,
    library: CoachingLibrary,
    daily_cap: int,
    now: datetime,
    co_recipients: Sequence[str] = (),
) -> tuple[Kudos, EvidenceEntry]:
    """Record kudos on the recipient's log (source kudos), the giver credited as a person.

    `co_recipients` (Slack ids) received the same kudos: they are not among the people
    this recipient helped.
    """
    check_text(text)
    if recipient.workspace_id != giver.workspace_id:
        raise KudosRefused(KudosRefused.ELSEWHERE)
    if recipient.id == giver.id:
        raise KudosRefused(KudosRefused.SELF)
    if recipient.is_bot or recipient.slack_user_id == SLACKBOT_ID:
        raise KudosRefused(KudosRefused.BOT)
    if not recipient.active:
        raise KudosRefused(KudosRefused.INACTIVE)
    # Serialise one giver's kudos so two at once cannot both slip under the cap (PostgreSQL;
    # SQLite already serialises writers).
    session.execute(select(User.id).where(User.id == giver.id).with_for_update())
    if kudos_given_today(session=session, giver=giver, now=now) >= daily_cap:
        raise KudosRefused(KudosRefused.DAILY_CAP, cap=daily_cap)
    parsed = parse_evidence(text, library, author=recipient.slack_user_id)
    people = [giver.slack_user_id, *(p for p in parsed.people if p not in co_recipients)]
    entry = create_entry(
        session=session,
        user=recipient,
        text=text,
        source=KUDOS,
        dimension=parsed.dimension,
        scope=parsed.scope,
        people=_clean_people(people, author=recipient),
        link=parsed.links[0] if parsed.links else None,
        occurred_at=now,
    )
    kudos = Kudos(
        workspace_id=giver.workspace_id,
        giver_id=giver.id,
        recipient_id=recipient.id,
        evidence_id=entry.id,
        text=text,
        share_in_digest=False,
        created_at=now,
    )
    session.add(kudos)
    session.flush()
    return kudos, entry


def replace_kudos_text(
    *, session: Session, kudos: Kudos, text: str, library: CoachingLibrary
) -> EvidenceEntry | None:
    """Put new words (stored Slack text) in place of a kudos' text, on the recipient's log
    too: the entry's text, the people it names (the giver, then its mentions) and its first
    link follow the new words, and its expectations as any edit's do; the dimension and
    scope the recipient may have set stay. The entry, or None when the recipient deleted
    it."""
    check_text(text)
    kudos.text = text
    entry = session.get(EvidenceEntry, kudos.evidence_id) if kudos.evidence_id else None
    if entry is None:
        session.flush()
        return None
    recipient = session.get(User, entry.user_id)
    giver = session.get(User, kudos.giver_id) if kudos.giver_id is not None else None
    author = recipient.slack_user_id if recipient is not None else None
    parsed = parse_evidence(text, library, author=author)
    people = [*([giver.slack_user_id] if giver is not None else []), *parsed.people]
    edited = entry.text != text
    entry.text = text
    entry.people = _clean_people(people, author=recipient)
    entry.link = parsed.links[0] if parsed.links else None
    session.flush()
    if edited and recipient is not None:
        mapping.follow_text(session=session, user=recipient, entry=entry)
    return entry


def get_given_kudos(*, session: Session, giver: User, kudos_id: int | str | None) -> Kudos | None:
    """A kudos this user gave; None for anything else."""
    wanted = parse_id(kudos_id)
    if wanted is None:
        return None
    kudos = session.scalars(
        select(Kudos).where(
            Kudos.id == wanted, Kudos.workspace_id == giver.workspace_id, Kudos.giver_id == giver.id
        )
    ).one_or_none()
    if kudos is None or not visibility.can_change_kudos_sharing(kudos, giver):
        return None
    return kudos


def set_kudos_sharing_all(
    *, session: Session, giver: User, kudos_ids: Sequence[str], share: bool
) -> list[Kudos] | None:
    """The same switch for the kudos of one /kudos to several people; None (and nothing
    changed) unless every id is a kudos this giver gave."""
    if not kudos_ids or len(kudos_ids) > MAX_KUDOS_RECIPIENTS:
        return None
    found = [get_given_kudos(session=session, giver=giver, kudos_id=k) for k in kudos_ids]
    if any(kudos is None for kudos in found):
        return None
    chosen = [kudos for kudos in found if kudos is not None]
    for kudos in chosen:
        kudos.share_in_digest = share
    session.flush()
    return chosen
