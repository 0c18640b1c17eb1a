"""Evidence mapped to expectations (issue 17): suggested when an entry is logged, changed by
the person in one click, counted per expectation (coverage).

Ids that arrive from Slack (an entry in a block id, expectations in option values) are never
trusted: an entry must be the person's own, and every expectation one of theirs that still
exists; anything else is refused whole, with nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, false, func, select
from sqlalchemy.orm import Session

from bot.coaching.mapping import Coverage, EntryMapping, suggest
from bot.coaching.mapping import follow_text as follow
from bot.db.base import utcnow
from bot.db.models import EntryExpectation, EvidenceEntry, Expectation, User
from bot.evidence import visibility
from bot.expectations.service import expectations_of
from bot.values import parse_id


def suggest_for_entry(*, session: Session, user: User, entry: EvidenceEntry) -> list[int]:
    """Store the coach's suggested expectations for a new entry (none when the person has no
    expectations or nothing overlaps); the ids suggested."""
    rows = expectations_of(session=session, user=user)
    if not rows:
        return []
    matches = suggest(entry.text, [(row.id, row.text) for row in rows])
    ids = [match.expectation_id for match in matches]
    _map(session=session, user=user, entry=entry, existing={}, wanted=ids, suggested=True)
    return ids


def follow_text(*, session: Session, user: User, entry: EvidenceEntry) -> bool:
    """After the entry's text was edited: when the person never changed its mapping by hand,
    the coach's suggestion follows the new words (the old suggestion replaced); a mapping
    they chose is kept. True when the mapping changed."""
    links = _links(session, entry)
    rows = expectations_of(session=session, user=user)
    wanted = follow(
        entry.text,
        [(row.id, row.text) for row in rows],
        [(expectation_id, link.suggested) for expectation_id, link in links.items()],
        by_hand=entry.mapped_by_hand,
    )
    if wanted is None:
        return False
    _map(session=session, user=user, entry=entry, existing=links, wanted=wanted, suggested=True)
    return True


def mapping_of(*, session: Session, user: User, entry_id: int) -> EntryMapping | None:
    """The entry's mapping as the confirmation shows it; None when the person has no
    expectations (nothing to map to)."""
    rows = expectations_of(session=session, user=user)
    if not rows:
        return None
    links = list(
        session.scalars(
            select(EntryExpectation).where(
                EntryExpectation.entry_id == entry_id, EntryExpectation.user_id == user.id
            )
        )
    )
    order = {row.id: n for n, row in enumerate(rows)}
    chosen = sorted((link.expectation_id for link in links), key=lambda i: order.get(i, 0))
    return EntryMapping(
        entry_id=entry_id,
        choices=tuple((row.id, row.text) for row in rows),
        chosen=tuple(chosen),
        suggested=bool(links) and all(link.suggested for link in links),
    )


def mapped_ids(*, session: Session, user: User, entry_ids: Sequence[int]) -> dict[int, list[int]]:
    """The expectation ids each of the user's entries is mapped to, in the person's order."""
    if not entry_ids:
        return {}
    rows = session.execute(
        select(EntryExpectation.entry_id, EntryExpectation.expectation_id)
        .join(Expectation, Expectation.id == EntryExpectation.expectation_id)
        .where(EntryExpectation.user_id == user.id, EntryExpectation.entry_id.in_(entry_ids))
        .order_by(Expectation.position, Expectation.id)
    )
    found: dict[int, list[int]] = {}
    for entry_id, expectation_id in rows:
        found.setdefault(entry_id, []).append(expectation_id)
    return found


class MappingRefused(ValueError):
    """A change we will not make; the message says why, for the person."""


NOT_YOUR_ENTRY = (
    "I couldn't find that among your entries (it may have been deleted), so nothing changed."
)
NOT_YOUR_EXPECTATION = (
    "That choice isn't one of your current expectations (it may have been edited away), so "
    "nothing changed. `/multiplier expectations list` shows them."
)


def _option_ids(values: Sequence[str], entry_id: int) -> list[int]:
    """Expectation ids from option values `<entry id>:<expectation id>` (refused whole when
    one is malformed or names another entry)."""
    ids: list[int] = []
    for value in values:
        entry_text, sep, expectation_text = str(value).partition(":")
        expectation_id = parse_id(expectation_text)
        if not sep or parse_id(entry_text) != entry_id or expectation_id is None:
            raise MappingRefused(NOT_YOUR_EXPECTATION)
        if expectation_id not in ids:
            ids.append(expectation_id)
    return ids


def set_mapping(
    *, session: Session, user: User, entry_id: str | int | None, values: Sequence[str]
) -> EvidenceEntry:
    """Map one of the user's entries to exactly the chosen expectations (none: unmapped).
    Raises MappingRefused (nothing changed) for an entry or expectation not theirs."""
    wanted_entry = parse_id(entry_id)
    entry = (
        session.scalars(
            select(EvidenceEntry).where(EvidenceEntry.id == wanted_entry, visibility.owned_by(user))
        ).one_or_none()
        if wanted_entry is not None
        else None
    )
    if entry is None or not visibility.can_change(entry, user):
        raise MappingRefused(NOT_YOUR_ENTRY)
    if len(values) > 100:
        raise MappingRefused(NOT_YOUR_EXPECTATION)
    ids = _option_ids(values, entry.id)
    own = {row.id for row in expectations_of(session=session, user=user)}
    if any(expectation_id not in own for expectation_id in ids):
        raise MappingRefused(NOT_YOUR_EXPECTATION)
    entry.mapped_by_hand = True  # an edit of its words keeps this choice
    existing = _links(session, entry)
    _map(session=session, user=user, entry=entry, existing=existing, wanted=ids, suggested=False)
    return entry


def _links(session: Session, entry: EvidenceEntry) -> dict[int, EntryExpectation]:
    """The entry's expectation links, by expectation id."""
    return {
        link.expectation_id: link
        for link in session.scalars(
            select(EntryExpectation).where(EntryExpectation.entry_id == entry.id)
        )
    }


def _map(
    *,
    session: Session,
    user: User,
    entry: EvidenceEntry,
    existing: dict[int, EntryExpectation],
    wanted: Sequence[int],
    suggested: bool,
) -> None:
    """The entry's links become `wanted`: the others go, new ones come as the coach's
    suggestion or the person's choice; a link the person kept is theirs from then on."""
    for expectation_id, link in existing.items():
        if expectation_id not in wanted:
            session.delete(link)
        elif not suggested:
            link.suggested = False  # the person confirmed it
    for expectation_id in wanted:
        if expectation_id not in existing:
            session.add(
                EntryExpectation(
                    workspace_id=user.workspace_id,
                    user_id=user.id,
                    entry_id=entry.id,
                    expectation_id=expectation_id,
                    suggested=suggested,
                    created_at=utcnow(),
                )
            )
    session.flush()


def coverage(
    *,
    session: Session,
    user: User,
    week_start: datetime | None = None,
    week_end: datetime | None = None,
) -> list[Coverage]:
    """Per expectation, in the person's order: how many entries are mapped to it (and how
    many of them fall in [week_start, week_end)), and the newest one's stored text. One
    statement without expectations or evidence mapped, two with (the summary's and Home's
    statement counts do not grow with the log)."""
    in_week = (
        and_(EvidenceEntry.occurred_at >= week_start, EvidenceEntry.occurred_at < week_end)
        if week_start is not None and week_end is not None
        else false()
    )
    rows = session.execute(
        select(
            Expectation.id,
            Expectation.text,
            func.count(EntryExpectation.id),
            func.coalesce(func.sum(case((in_week, 1), else_=0)), 0),
        )
        .select_from(Expectation)
        .outerjoin(EntryExpectation, EntryExpectation.expectation_id == Expectation.id)
        .outerjoin(EvidenceEntry, EvidenceEntry.id == EntryExpectation.entry_id)
        .where(Expectation.user_id == user.id)
        .group_by(Expectation.id, Expectation.text, Expectation.position)
        .order_by(Expectation.position, Expectation.id)
    ).all()
    newest: dict[int, str] = {}
    if any(row[2] for row in rows):
        ranked = (
            select(
                EntryExpectation.expectation_id,
                EvidenceEntry.text,
                func.row_number()
                .over(
                    partition_by=EntryExpectation.expectation_id,
                    order_by=(EvidenceEntry.occurred_at.desc(), EvidenceEntry.id.desc()),
                )
                .label("n"),
            )
            .join(EvidenceEntry, EvidenceEntry.id == EntryExpectation.entry_id)
            .where(EntryExpectation.user_id == user.id)
            .subquery()
        )
        found = session.execute(
            select(ranked.c.expectation_id, ranked.c.text).where(ranked.c.n == 1)
        )
        newest = {row.expectation_id: row.text for row in found}
    return [
        Coverage(
            expectation_id=expectation_id,
            text=text,
            count=int(count),
            newest=newest.get(expectation_id),
            this_week=int(week),
        )
        for expectation_id, text, count, week in rows
    ]
