"""Evidence actions that span several rows or people: each owns its unit of work.

The listener does the Slack side (reading profiles, answering, DMs); these functions take
plain data, call the services and commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.classify import reframe_for
from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import EntryMapping
from bot.coaching.models import Reframe
from bot.db.models import EvidenceEntry, Kudos, User, Workspace
from bot.delivery.messages import SendFailed, Slack, post_message
from bot.evidence import filters, packet
from bot.evidence import service as evidence
from bot.evidence.examples import ExampleIndex, workspace_examples
from bot.evidence.packet import PacketEntry
from bot.evidence.parsing import MAX_KUDOS_RECIPIENTS, parse_evidence
from bot.evidence.periods import Period
from bot.expectations import mapping as expectation_mapping
from bot.expectations import service as expectation_service
from bot.home.service import request_home_refresh
from bot.judgments import records as judgment_records
from bot.privacy.flows import DmFile
from bot.problems import service as problem_service
from bot.sponsors import flows as sponsor_flows
from bot.stories import flows as story_flows
from bot.ui import evidence as ui
from bot.ui.blocks import Payload
from bot.ui.text import mentioned_ids, plural
from bot.workspaces import flows as workspace_flows
from bot.workspaces import service as workspaces
from bot.workspaces.flows import ProfileReader, no_profile
from bot.workspaces.membership import is_member


@dataclass(frozen=True)
class Confirmation:
    """What a `/brag <text>` stored, and what to tell its author about it."""

    entry: EvidenceEntry
    tz: str | None
    # Why the dimension was chosen (ParsedEvidence.dimension_source) and the words behind it.
    dimension_source: str | None
    matched: Sequence[str]
    reframe: Reframe | None = None
    # Mentions Slack did not resolve (``@dana``, broken ``<@…``): the text keeps them as typed.
    unmatched: Sequence[str] = ()
    # Which of the person's expectations it is evidence for (None: they have none).
    mapping: EntryMapping | None = None


def log_brag(
    *,
    session: Session,
    team_id: str,
    slack_user_id: str,
    text: str,
    library: CoachingLibrary,
    read_profile: ProfileReader = no_profile,
) -> Confirmation:
    """Store a `/brag` text exactly as typed as the author's private entry, and commit.

    Raises EvidenceTextError for a text that cannot be stored (the listener checks first,
    to answer with the text echoed back). The author's Home is republished after the commit.
    """
    # Someone who revoked the app's access and is back (this command) becomes active again;
    # someone new is dated in their own zone (`read_profile`: Slack's users.info) from now on.
    user = workspace_flows.meet(
        session=session,
        team_id=team_id,
        slack_user_id=slack_user_id,
        enterprise_id=None,
        read_profile=read_profile,
    )
    entry, parsed = evidence.log_text(
        session=session, user=user, text=text, source=evidence.BRAG, library=library
    )
    request_home_refresh(session=session, user=user)
    mapped = expectation_mapping.mapping_of(session=session, user=user, entry_id=entry.id)
    session.commit()
    reframe, _ = reframe_for(text, library, dimension=entry.dimension, scope=entry.scope)
    return Confirmation(
        entry=entry,
        tz=user.tz,
        dimension_source=parsed.dimension_source,
        matched=tuple(parsed.matched),
        reframe=reframe,
        unmatched=tuple(parsed.malformed_mentions),
        mapping=mapped,
    )


@dataclass(frozen=True)
class KudosGiven:
    """One person who received the kudos: their new entry and user row."""

    kudos: Kudos
    entry: EvidenceEntry
    recipient: User
    # The same kudos was given them minutes ago (a retry): that one, not stored again.
    repeated: bool = False


@dataclass
class KudosOutcome:
    """What one /kudos did: who got it, who did not and why, and what is left today."""

    given: list[KudosGiven] = field(default_factory=list)
    refused: list[ui.KudosNotSent] = field(default_factory=list)
    daily_left: int = 0
    cap: int = 0


def give_kudos(
    *,
    session: Session,
    giver: User,
    team_id: str,
    enterprise_id: str | None = None,
    recipients: Sequence[str],
    profiles: Mapping[str, dict[str, Any] | None],
    unresolved: Sequence[str],
    text: str,
    library: CoachingLibrary,
    daily_cap: int,
    now: datetime,
) -> KudosOutcome:
    """Give the same kudos to each named person, each counted against the giver's daily cap.

    `profiles` holds Slack's user object for each id (None when Slack does not know it).
    Everyone named ends up in `given` or in `refused`: nobody is dropped. The same words
    given the same person minutes ago (a retry) are not stored again: that kudos is in
    `given`, marked `repeated`.
    """
    outcome = KudosOutcome(cap=daily_cap)
    outcome.refused.extend(
        ui.KudosNotSent(name, evidence.KudosRefused.UNRESOLVED, resolved=False)
        for name in unresolved
    )
    for index, slack_id in enumerate(recipients):
        if index >= MAX_KUDOS_RECIPIENTS:
            outcome.refused.append(ui.KudosNotSent(slack_id, evidence.KudosRefused.TOO_MANY))
            continue
        try:
            with session.begin_nested():
                outcome.given.append(
                    _give_one(
                        session=session,
                        giver=giver,
                        team_id=team_id,
                        enterprise_id=enterprise_id,
                        slack_id=slack_id,
                        profile=profiles.get(slack_id),
                        co_recipients=[r for r in recipients if r != slack_id],
                        text=text,
                        library=library,
                        daily_cap=daily_cap,
                        now=now,
                    )
                )
        except evidence.KudosRefused as refused:
            outcome.refused.append(ui.KudosNotSent(slack_id, refused.reason))
    session.commit()
    given_today = evidence.kudos_given_today(session=session, giver=giver, now=now)
    outcome.daily_left = max(0, daily_cap - given_today)
    return outcome


def give_kudos_asking_slack(
    *,
    session: Session,
    giver: User,
    profile_of: Callable[[str], dict[str, Any] | None],
    team_id: str,
    enterprise_id: str | None = None,
    recipients: Sequence[str],
    unresolved: Sequence[str],
    text: str,
    library: CoachingLibrary,
    daily_cap: int,
    now: datetime,
) -> KudosOutcome:
    """give_kudos, with the recipients' Slack profiles fetched through `profile_of`.

    The giver's row is committed before Slack is asked, and the read that counts what is
    left today is ended before returning: no connection (on SQLite, the write lock) is held
    while Slack answers.
    """
    session.commit()
    wanted = [s for s in recipients[:MAX_KUDOS_RECIPIENTS] if s != giver.slack_user_id]
    profiles = {slack_id: profile_of(slack_id) for slack_id in wanted}
    outcome = give_kudos(
        session=session,
        giver=giver,
        team_id=team_id,
        enterprise_id=enterprise_id,
        recipients=recipients,
        profiles=profiles,
        unresolved=unresolved,
        text=text,
        library=library,
        daily_cap=daily_cap,
        now=now,
    )
    session.commit()
    return outcome


def dm_kudos(
    slack: Slack, *, giver: User, given: Sequence[KudosGiven], library: CoachingLibrary
) -> list[str]:
    """DM each recipient their kudos through the delivery core (pacing, Retry-After, the
    one error classification), at once: the kudos is already on each log, so the DM is a
    notice, not a record to keep safe. The recipients it could not reach."""
    undelivered = []
    for one in given:
        if one.repeated:
            continue  # told when it was given
        received = ui.kudos_received(
            one.entry,
            giver.slack_user_id,
            library,
            one.recipient.tz,
            recipient_slack_id=one.recipient.slack_user_id,
        )
        try:
            post_message(slack, channel=one.recipient.slack_user_id, **received)
        except SendFailed:
            undelivered.append(one.recipient.slack_user_id)
    return undelivered


def _give_one(
    *,
    session: Session,
    giver: User,
    team_id: str,
    enterprise_id: str | None,
    slack_id: str,
    profile: dict[str, Any] | None,
    co_recipients: Sequence[str],
    text: str,
    library: CoachingLibrary,
    daily_cap: int,
    now: datetime,
) -> KudosGiven:
    if slack_id == giver.slack_user_id:
        raise evidence.KudosRefused(evidence.KudosRefused.SELF)
    if profile is None and slack_id != evidence.SLACKBOT_ID:
        raise evidence.KudosRefused(evidence.KudosRefused.NOT_FOUND)
    evidence.check_kudos_recipient(giver=giver, recipient_slack_id=slack_id, profile=profile)
    if not is_member(profile or {}, team_id=team_id, enterprise_id=enterprise_id):
        raise evidence.KudosRefused(evidence.KudosRefused.ELSEWHERE)
    recipient = workspaces.ensure_user(session=session, team_id=team_id, slack_user_id=slack_id)
    workspaces.apply_profile(recipient, profile or {})
    again = evidence.repeated_kudos(
        session=session, giver=giver, recipient=recipient, text=text, now=now
    )
    if again is not None:
        return KudosGiven(again[0], again[1], recipient, repeated=True)
    kudos, entry = evidence.give_kudos(
        session=session,
        giver=giver,
        recipient=recipient,
        text=text,
        library=library,
        daily_cap=daily_cap,
        now=now,
        co_recipients=co_recipients,
    )
    return KudosGiven(kudos, entry, recipient)


@dataclass(frozen=True)
class PacketContent:
    """What a promotion packet for a period holds (empty: there is nothing to export)."""

    items: list[PacketEntry]
    workspace_name: str | None
    # How the owner's judgment calls turned out, by entry id (their own packet only).
    outcomes: dict[int, str] = field(default_factory=dict)
    # The owner's expectations with the period's entries mapped to each (issue 17).
    expectations: tuple[packet.ExpectationGroup, ...] = ()


def packet_content(*, session: Session, user: User, period: Period) -> PacketContent:
    """The user's entries in the period, each with the kudos behind it (giver or former)."""
    entries = evidence.entries_between(
        session=session, user=user, start=period.start, end=period.end
    )
    kudos = evidence.kudos_for_entries(
        session=session, user=user, entry_ids=[e.id for e in entries]
    )
    giver_ids = [k.giver_id for k in kudos.values() if k.giver_id is not None]
    givers = (
        {
            row.id: row.slack_user_id
            for row in session.scalars(select(User).where(User.id.in_(giver_ids)))
        }
        if giver_ids
        else {}
    )
    items = []
    for entry in entries:
        behind = kudos.get(entry.id)
        giver = givers.get(behind.giver_id) if behind and behind.giver_id is not None else None
        items.append(
            PacketEntry(
                entry,
                kudos_from=giver,
                is_kudos=behind is not None,
                owner=user.slack_user_id,
            )
        )
    workspace = session.get(Workspace, user.workspace_id)
    told = {o.entry_id: o.outcome for o in judgment_records.outcomes(session, user.id)}
    grouped = _by_expectation(session=session, user=user, entry_ids=[e.id for e in entries])
    session.commit()
    return PacketContent(items, workspace.name if workspace else None, told, grouped)


def _by_expectation(
    *, session: Session, user: User, entry_ids: Sequence[int]
) -> tuple[packet.ExpectationGroup, ...]:
    """The user's expectations, each with the ids of these entries mapped to it."""
    rows = expectation_service.expectations_of(session=session, user=user)
    if not rows:
        return ()
    mapped = expectation_mapping.mapped_ids(session=session, user=user, entry_ids=entry_ids)
    under: dict[int, list[int]] = {}
    for entry_id in entry_ids:
        for expectation_id in mapped.get(entry_id, ()):
            under.setdefault(expectation_id, []).append(entry_id)
    return tuple(packet.ExpectationGroup(row.text, tuple(under.get(row.id, ()))) for row in rows)


def packet_file(
    *,
    session: Session,
    user: User,
    period: Period,
    library: CoachingLibrary,
    look_up_names: Callable[[list[str]], dict[str, str]],
    now: datetime,
) -> DmFile | None:
    """The promotion packet for a period as a Markdown file (names read from Slack after the
    commit); None when the period holds no evidence: there is nothing to export."""
    content = packet_content(session=session, user=user, period=period)
    if not content.items:
        return None
    items = content.items
    sponsor = sponsor_flows.current(session=session, user=user)
    sponsor_ids = [sponsor.sponsor_user_id] if sponsor and sponsor.sponsor_user_id else []
    stories = story_flows.for_packet(session=session, user=user, period=period)
    problems = problem_service.for_packet(
        session=session, user=user, library=library, period=period
    )
    story_ids = mentioned_ids(*(story.text for story in stories), *(p.name for p in problems))
    session.commit()  # the reads above end here: nothing is held while Slack is asked
    names = look_up_names([user.slack_user_id, *packet.people_in(items), *sponsor_ids, *story_ids])
    owner = names.get(user.slack_user_id) or user.display_name or user.slack_user_id
    markdown = packet.build_packet(
        entries=items,
        library=library,
        period=period,
        owner_name=owner,
        workspace_name=content.workspace_name,
        names=names,
        tz=user.tz,
        generated_at=now,
        sponsor=sponsor,
        outcomes=content.outcomes,
        expectations=content.expectations,
        stories=stories,
        problems=problems,
    )
    return DmFile(
        content=markdown,
        filename=f"promotion-packet-{_slug(period.label)}.md",
        title=f"Promotion packet: {period.label}"[:250],
        comment=ui.export_comment(
            f"your promotion packet for {period.label}",
            f"{plural(len(items), 'entry')}, grouped by "
            + ("your expectations, then by " if content.expectations else "")
            + "promotion-case element and dimension.",
        ),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def entry_page(
    *,
    session: Session,
    user: User,
    request: filters.ListRequest,
    library: CoachingLibrary,
    command: str,
    note: str | None = None,
    replace: bool = False,
) -> Payload:
    """One page of the user's entries as a message payload (the read ended before Slack)."""
    page = evidence.list_entries(
        session=session,
        user=user,
        where=request.where,
        offset=request.offset,
        page_size=ui.PAGE_SIZE,
    )
    payload = ui.entry_list(
        entries=page.entries,
        total=page.total,
        matching=page.matching,
        offset=page.offset,
        label=request.label,
        spec_at=lambda offset: filters.encode(request, offset),
        library=library,
        tz=user.tz,
        command=command,
        note=note,
        replace=replace,
        owner=user.slack_user_id,
    )
    session.commit()
    return payload


def own_entry(*, session: Session, user: User, entry_id: str) -> EvidenceEntry | None:
    """One of the user's own entries (None for anything else), to open in the form."""
    entry = evidence.get_own_entry(session=session, user=user, entry_id=entry_id)
    session.commit()
    return entry


def delete_entry(
    *,
    session: Session,
    user: User,
    entry_id: str,
    shown_in: filters.ListRequest | None,
    library: CoachingLibrary,
    command: str,
) -> Payload:
    """Delete one of the user's own entries; what to draw where the button was (the list it
    was shown in, when it was in one)."""
    if not evidence.delete_entry(session=session, user=user, entry_id=entry_id):
        session.commit()
        return ui.not_yours()
    session.commit()
    if shown_in is None:
        return ui.deleted()
    return entry_page(
        session=session,
        user=user,
        request=shown_in,
        library=library,
        command=command,
        note="Deleted.",
        replace=True,
    )


def change_entry(
    *,
    session: Session,
    user: User,
    entry_id: str,
    change: str,
    value: str,
    block_id: str,
    library: CoachingLibrary,
) -> Payload:
    """Share an entry with the team or make it private again (`change` "visibility"), or
    file it under another dimension or scope; the message redrawn."""
    if change == "visibility":
        entry = evidence.set_visibility(session=session, user=user, entry_id=entry_id, value=value)
    elif change in ("dimension", "scope"):
        entry = evidence.relabel(
            session=session,
            user=user,
            entry_id=entry_id,
            label="dimension" if change == "dimension" else "scope",
            value=value,
            library=library,
        )
    else:
        entry = None
    return _changed(session=session, user=user, entry=entry, block_id=block_id, library=library)


def _changed(
    *,
    session: Session,
    user: User,
    entry: EvidenceEntry | None,
    block_id: str,
    library: CoachingLibrary,
) -> Payload:
    """Commit one change (None: the entry is not the user's) and redraw where it was made."""
    session.commit()
    if entry is None:
        return ui.not_yours()
    payload = _rerender(session=session, user=user, entry=entry, block_id=block_id, library=library)
    session.commit()
    return payload


def _rerender(
    *,
    session: Session,
    user: User,
    entry: EvidenceEntry,
    block_id: str,
    library: CoachingLibrary,
) -> Payload:
    """The message the action came from, drawn again with the entry's new state."""
    if block_id == ui.KUDOS_RECEIVED_BLOCK:
        kudos = evidence.kudos_for_entries(session=session, user=user, entry_ids=[entry.id])
        if entry.id in kudos:
            giver_id = kudos[entry.id].giver_id
            giver = session.get(User, giver_id) if giver_id is not None else None
            giver_slack_id = giver.slack_user_id if giver is not None else None
            payload = ui.kudos_received(
                entry, giver_slack_id, library, user.tz, recipient_slack_id=user.slack_user_id
            )
            return {**payload, "replace_original": True}
    mapped = expectation_mapping.mapping_of(session=session, user=user, entry_id=entry.id)
    how = _dimension_how(session=session, user=user, entry=entry, library=library)
    return ui.entry_confirmation(entry, library, tz=user.tz, replace=True, mapping=mapped, how=how)


def _dimension_how(
    *, session: Session, user: User, entry: EvidenceEntry, library: CoachingLibrary
) -> str | None:
    """Where the entry's dimension came from, as its confirmation said when it was logged
    ("dimension from #writing"), read again from its words as they were read then; nothing
    once the person picked another dimension (the words no longer say why it is that one)."""
    learned = workspace_examples(session=session, workspace_id=user.workspace_id)
    parsed = parse_evidence(entry.text, library, author=user.slack_user_id, examples=learned)
    if parsed.dimension is None or parsed.dimension != entry.dimension:
        return None
    return ui.dimension_how(parsed.dimension_source, parsed.matched)


def change_mapping(
    *,
    session: Session,
    user: User,
    entry_id: str,
    values: Sequence[str],
    block_id: str,
    library: CoachingLibrary,
) -> Payload:
    """Map one of the user's entries to the expectations chosen in its menu (none: unmapped),
    and redraw the confirmation; a tampered or stale choice is refused, nothing changed."""
    try:
        entry = expectation_mapping.set_mapping(
            session=session, user=user, entry_id=entry_id, values=values
        )
    except expectation_mapping.MappingRefused as refused:
        session.rollback()
        return ui.notice(str(refused))
    request_home_refresh(session=session, user=user)
    return _changed(session=session, user=user, entry=entry, block_id=block_id, library=library)


def mapping_for(*, session: Session, user: User, entry_id: int) -> EntryMapping | None:
    """Which of the user's expectations an entry is evidence for, to show on its
    confirmation (None: they have entered none); the read ended before Slack."""
    mapped = expectation_mapping.mapping_of(session=session, user=user, entry_id=entry_id)
    session.commit()
    return mapped


def share_kudos(*, session: Session, user: User, value: str) -> Payload:
    """The giver allows their kudos (`<ids>:on|off`) in team digests, or takes it back out."""
    ids, _, choice = value.rpartition(":")
    chosen = (
        evidence.set_kudos_sharing_all(
            session=session, giver=user, kudos_ids=ids.split(","), share=choice == "on"
        )
        if choice in ("on", "off")
        else None
    )
    session.commit()
    if chosen is None:
        return ui.notice("That kudos isn't one you gave, so nothing changed.")
    recipients = [session.get(User, kudos.recipient_id) for kudos in chosen]
    payload = ui.kudos_given(
        chosen, [r.slack_user_id if r else "" for r in recipients], replace=True
    )
    session.commit()
    return payload


def discard(*, session: Session) -> None:
    """A refused form changes nothing: what the unit of work did so far is dropped, and its
    transaction ends before the answer goes to Slack."""
    session.rollback()


def own_entry_for_form(*, session: Session, user: User, entry_id: int) -> EvidenceEntry | None:
    """The entry a submitted edit form is about, if it is the user's (the unit of work goes
    on: save_edit or discard ends it)."""
    return evidence.get_own_entry(session=session, user=user, entry_id=entry_id)


def examples(*, session: Session, user: User) -> ExampleIndex:
    """The user's workspace's learned examples, to guess a new entry's dimension."""
    return workspace_examples(session=session, workspace_id=user.workspace_id)


def save_edit(
    *,
    session: Session,
    user: User,
    entry_id: int,
    changes: evidence.EntryChanges,
    library: CoachingLibrary,
) -> EvidenceEntry | None:
    """Save an edit of one of the user's entries and commit; None (nothing kept) when it is
    not theirs any more."""
    entry = evidence.update_entry(
        session=session, user=user, entry_id=entry_id, changes=changes, library=library
    )
    if entry is None:
        session.rollback()
        return None
    session.commit()
    return entry


def save_new(
    *,
    session: Session,
    user: User,
    text: str,
    source: str,
    channel_id: str | None,
    message_ts: str | None,
    changes: evidence.EntryChanges,
    library: CoachingLibrary,
) -> EvidenceEntry:
    """Store a new entry from the form and commit."""
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=text,
        source=source,
        source_channel_id=channel_id,
        source_message_ts=message_ts,
    )
    evidence.update_entry(
        session=session, user=user, entry_id=entry.id, changes=changes, library=library
    )
    session.commit()
    return entry


def add_permalink(
    *, session: Session, entry: EvidenceEntry, permalink_of: Callable[[], str | None]
) -> None:
    """Record the permalink of the message an entry came from (Slack is asked before any
    row is touched: no connection is held while it answers)."""
    entry.permalink = permalink_of()
    session.commit()


def keep_message(
    *,
    session: Session,
    user: User,
    text: str,
    dimension: str | None,
    scope: str | None,
    people: list[str],
    link: str | None,
    permalink: str | None,
    channel_id: str | None,
    message_ts: str | None,
) -> EvidenceEntry:
    """Keep a message too long for the form right away (exactly as sent), and commit."""
    entry = evidence.create_entry(
        session=session,
        user=user,
        text=text,
        source=evidence.SHORTCUT,
        dimension=dimension,
        scope=scope,
        people=people,
        link=link,
        permalink=permalink,
        source_channel_id=channel_id,
        source_message_ts=message_ts,
    )
    session.commit()
    return entry
