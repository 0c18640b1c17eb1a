"""Who may see and change evidence: the one place these rules live.

- An entry belongs to its author (`user_id`) in one workspace. Only the author sees it, edits
  it, deletes it or changes its visibility. There is no admin override: a team lead or
  workspace admin never reads anyone's private reflections.
- `private` (the default for everything logged) means the author only. `team` means the
  author chose to share it with their team: it may appear as a highlight in their
  workspace's team digest. Nothing else is ever shown to another person.
- A kudos is recorded as an entry on the recipient's log (the recipient owns that entry,
  private by default like any other). Whether the kudos may be quoted in team digests is
  the giver's choice (`Kudos.share_in_digest`, off by default), and only the giver can
  change it; the recipient can always remove it by deleting the entry.

Services call these helpers rather than comparing ids themselves, and every query that reads
entries or kudos for someone filters by workspace *and* owner through them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from bot.db.models import EvidenceEntry, Kudos, User

PRIVATE = "private"
TEAM = "team"
VISIBILITIES: tuple[str, ...] = (PRIVATE, TEAM)
DEFAULT_VISIBILITY = PRIVATE


def normalise_visibility(value: str | None) -> str:
    """A known visibility; anything else falls back to private (never to wider)."""
    return value if value in VISIBILITIES else PRIVATE


def owned_by(user: User) -> ColumnElement[bool]:
    """SQL: the entries of this user in this user's workspace."""
    return and_(EvidenceEntry.workspace_id == user.workspace_id, EvidenceEntry.user_id == user.id)


def is_owner(entry: EvidenceEntry, user: User) -> bool:
    """The user wrote (or received, for kudos) this entry, in the same workspace."""
    return entry.workspace_id == user.workspace_id and entry.user_id == user.id


def can_change(entry: EvidenceEntry, user: User) -> bool:
    """Only the owner edits, deletes or re-shares an entry."""
    return is_owner(entry, user)


def can_change_kudos_sharing(kudos: Kudos, user: User) -> bool:
    """Only the giver decides whether their kudos may be quoted in digests."""
    return kudos.workspace_id == user.workspace_id and kudos.giver_id == user.id
