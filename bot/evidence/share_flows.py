"""Sharing a summary or promotion packet with a named person: each function owns its unit of
work, and Slack is asked (through the callables passed in) only after a commit.

Nothing leaves without two acts of the owner: the command prepares a pending share and
shows what would go to whom; only their Send sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.coaching.library import CoachingLibrary
from bot.db.models import EvidenceShare, User
from bot.evidence import packet
from bot.evidence import service as evidence
from bot.evidence import shares as service
from bot.evidence.flows import packet_content
from bot.evidence.parsing import MAX_KUDOS_RECIPIENTS, leading_people
from bot.evidence.periods import Period, user_zone
from bot.privacy.flows import DmFile
from bot.ui import sharing as ui
from bot.ui.blocks import Payload
from bot.ui.text import plural

NameLookup = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True)
class Prepared:
    """A pending share (`share_id`), or why there is none (`refused`, `empty`)."""

    share_id: int | None = None
    entries: int = 0
    refused: str | None = None
    empty: bool = False


def prepare_share(
    *,
    session: Session,
    owner: User,
    recipient_slack_id: str,
    profile: Mapping[str, Any] | None,
    kind: str,
    period: Period,
    now: datetime,
) -> Prepared:
    """Check the recipient and that the period holds evidence; write the pending share."""
    try:
        service.check_recipient(owner=owner, recipient_slack_id=recipient_slack_id, profile=profile)
    except service.ShareRefused as refused:
        return Prepared(refused=refused.reason)
    content = packet_content(session=session, user=owner, period=period)
    if not content.items:
        return Prepared(empty=True)
    share = service.prepare(
        session=session,
        owner=owner,
        recipient_slack_id=recipient_slack_id,
        kind=kind,
        period=period,
        now=now,
    )
    share_id = share.id
    session.commit()
    return Prepared(share_id=share_id, entries=len(content.items))


def _period_of(share: EvidenceShare, tz: str | None) -> Period:
    """The period a share was asked for, read back from its row (days in the owner's zone)."""
    zone = user_zone(tz)
    return Period(
        start=share.period_start,
        end=share.period_end,
        first_day=share.period_start.astimezone(zone).date(),
        last_day=(share.period_end - timedelta(microseconds=1)).astimezone(zone).date(),
        label=share.period_label,
    )


def share_file(
    *,
    session: Session,
    owner: User,
    kind: str,
    period: Period,
    library: CoachingLibrary,
    look_up_names: NameLookup,
    now: datetime,
) -> DmFile | None:
    """The file a share sends (the summary, or the packet); None when the period is empty."""
    content = packet_content(session=session, user=owner, period=period)
    if not content.items:
        return None
    names = look_up_names([owner.slack_user_id, *packet.people_in(content.items)])
    owner_name = names.get(owner.slack_user_id) or owner.display_name or owner.slack_user_id
    build = packet.build_summary if kind == "summary" else packet.build_packet
    markdown = build(
        entries=content.items,
        library=library,
        period=period,
        owner_name=owner_name,
        workspace_name=content.workspace_name,
        names=names,
        tz=owner.tz,
        generated_at=now,
    )
    slug = "".join(c if c.isalnum() else "-" for c in f"{owner_name} {period.label}".lower())
    stem = "multiplier-summary" if kind == "summary" else "promotion-packet"
    return DmFile(
        content=markdown,
        filename=f"{stem}-{'-'.join(filter(None, slug.split('-')))[:80]}.md",
        title=f"{ui.SHARE_KINDS[kind].capitalize()}: {owner_name}, {period.label}"[:250],
        comment=ui.share_note(owner.slack_user_id, kind, period.label),
    )


@dataclass(frozen=True)
class SendOutcome:
    """What pressing Send did."""

    payload: Payload
    sent: bool = False


class DeliveryFailed(Exception):
    """The deliverer could not send the file; `error` is Slack's code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def send_share(
    *,
    session: Session,
    owner: User,
    share_id: str,
    library: CoachingLibrary,
    look_up_names: NameLookup,
    deliver: Callable[[str, DmFile], None],
    now: datetime,
) -> SendOutcome:
    """The owner pressed Send: claim the pending share (once), then deliver the file.

    `deliver(recipient_slack_id, file)` raises DeliveryFailed; it runs after the claim's
    commit, so a second press (or a second process) sends nothing.
    """
    share = service.own_share(session=session, owner=owner, share_id=share_id)
    if share is None or not service.claim(session=session, share=share, to=service.SENDING):
        session.rollback()
        return SendOutcome(ui.share_gone())
    session.commit()
    recipient, kind = share.recipient_slack_user_id, share.kind
    label = share.period_label
    if recipient is None:  # the recipient used forget-me meanwhile
        service.finish(session=session, share=share, filename=None, error="recipient_gone", now=now)
        session.commit()
        return SendOutcome(ui.share_gone())
    file = share_file(
        session=session,
        owner=owner,
        kind=kind,
        period=_period_of(share, owner.tz),
        library=library,
        look_up_names=look_up_names,
        now=now,
    )
    error: str | None = None
    if file is None:
        error = "nothing_to_share"
    else:
        try:
            deliver(recipient, file)
        except DeliveryFailed as failed:
            error = failed.error
    share = session.get(EvidenceShare, share.id) or share
    service.finish(
        session=session, share=share, filename=file.filename if file else None, error=error, now=now
    )
    session.commit()
    if error is not None:
        return SendOutcome(ui.share_failed(recipient, error))
    return SendOutcome(ui.share_done(recipient, kind, label), sent=True)


def cancel_share(*, session: Session, owner: User, share_id: str) -> Payload:
    """The owner pressed Cancel: the pending share is cancelled, nothing is sent."""
    share = service.own_share(session=session, owner=owner, share_id=share_id)
    if share is None or not service.claim(session=session, share=share, to=service.CANCELLED):
        session.rollback()
        return ui.share_gone()
    session.commit()
    return ui.share_cancelled()


def list_shares(*, session: Session, owner: User) -> Payload:
    """Everything the owner has shared, as a message."""
    shown = [
        ui.ShareShown(
            id=share.id,
            recipient=share.recipient_slack_user_id,
            kind=share.kind,
            period_label=share.period_label,
            status=share.status,
            at=share.sent_at or share.created_at,
        )
        for share in service.sent_by(session=session, owner=owner)
    ]
    tz = owner.tz
    session.commit()
    return ui.share_list(shown, tz)


def detail(kind: str, entries: int) -> str:
    """What the file holds, for the confirmation."""
    what = "a Markdown summary" if kind == "summary" else "a Markdown promotion packet"
    return f"{what} of {plural(entries, 'entry')}"


@dataclass(frozen=True)
class ShoutOut:
    """What a public kudos post names: the giver, the recipients, the kudos's words."""

    giver: str
    recipients: list[str]
    text: str


def kudos_shout_out(*, session: Session, giver: User, kudos_ids: str) -> ShoutOut | None:
    """The giver's own kudos (ids from a button, re-checked) as a shout-out; None if any id
    is not a kudos they gave."""
    ids = [k for k in kudos_ids.split(",") if k]
    found = [evidence.get_given_kudos(session=session, giver=giver, kudos_id=k) for k in ids]
    chosen = [k for k in found if k is not None]
    if not ids or len(ids) > MAX_KUDOS_RECIPIENTS or len(chosen) != len(ids):
        session.rollback()
        return None
    recipients = [session.get(User, k.recipient_id) for k in chosen]
    shout = ShoutOut(
        giver=giver.slack_user_id,
        recipients=[r.slack_user_id for r in recipients if r is not None],
        text=leading_people(chosen[0].text).rest.strip(),
    )
    session.commit()
    return shout
