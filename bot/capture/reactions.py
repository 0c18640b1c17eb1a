"""What a capture-emoji reaction does: log, offer a choice, undo, or nothing.

Reacting with the capture emoji (`CAPTURE_EMOJI`, default `trophy`) on a message in a
channel the app is in:

* on your **own** message → `LOG_OWN`: it becomes your evidence (text, permalink);
* on **someone else's** → `OFFER_CHOICE`: a DM asks whether to log it as your own evidence
  (you were part of it) or to send its author kudos (not offered when the author is a bot);
* removing that reaction within `UNDO_WINDOW` of adding it → `UNDO` what the add did;
  later, the evidence stays (`IGNORE`);
* anything else → `IGNORE`, with the reason.

Slack delivers events late, twice or out of order: the wiring dedupes on `event_id`, says
whether this add was already captured, and passes the time of a removal it saw before the
add (then the add is stale and ignored).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.capture.emoji import emoji_name, is_emoji_name

DEFAULT_CAPTURE_EMOJI = "trophy"
UNDO_WINDOW = timedelta(seconds=60)


class CaptureEmojiError(ValueError):
    """The CAPTURE_EMOJI setting names no usable emoji (the message says why)."""


def capture_emoji(setting: str | None) -> frozenset[str]:
    """The emoji names a CAPTURE_EMOJI setting stands for ("trophy", ":trophy:, 🏆, star").

    Unset or blank means the default (`trophy`); names are normalised like reactions are
    (`thumbsup` and 👍 both become `+1`).
    """
    if setting is None or not setting.strip():
        return frozenset({DEFAULT_CAPTURE_EMOJI})
    names = [emoji_name(part) for part in setting.split(",") if part.strip()]
    bad = [name for name in names if not is_emoji_name(name)]
    if bad or not names:
        raise CaptureEmojiError(
            "CAPTURE_EMOJI must be emoji names separated by commas, e.g. `trophy` or"
            f" `trophy, star`; {', '.join(repr(b) for b in bad) or 'nothing'} is not one."
        )
    return frozenset(names)


class CaptureAction(StrEnum):
    LOG_OWN = "log_own"
    OFFER_CHOICE = "offer_choice"
    UNDO = "undo"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Reaction:
    """The fields of a `reaction_added` / `reaction_removed` event that decide what to do."""

    added: bool
    reactor: str
    emoji: str  # as Slack sent it, e.g. "+1::skin-tone-2"
    item_type: str
    channel: str | None
    ts: str | None
    author: str | None  # Slack's item_user: who wrote the message (absent for some items)
    at: datetime  # the event's own time (event_ts)

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> Reaction | None:
        """Read a Slack reaction event; None when it is not one or lacks what is needed."""
        kind = event.get("type")
        item = event.get("item")
        if kind not in {"reaction_added", "reaction_removed"} or not isinstance(item, Mapping):
            return None
        reactor, emoji = event.get("user"), event.get("reaction")
        at = _slack_time(event.get("event_ts"))
        if not isinstance(reactor, str) or not isinstance(emoji, str) or not emoji or at is None:
            return None
        author = event.get("item_user")
        return cls(
            added=kind == "reaction_added",
            reactor=reactor,
            emoji=emoji,
            item_type=str(item.get("type") or ""),
            channel=item.get("channel") if isinstance(item.get("channel"), str) else None,
            ts=item.get("ts") if isinstance(item.get("ts"), str) else None,
            author=author if isinstance(author, str) and author else None,
            at=at,
        )

    @property
    def emoji_name(self) -> str:
        return emoji_name(self.emoji)


def _slack_time(value: Any) -> datetime | None:
    """A Slack timestamp ("1764000000.000100") as a UTC instant."""
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class CaptureDecision:
    """What to do about a reaction, and why."""

    action: CaptureAction
    why: str
    can_give_kudos: bool = False  # for OFFER_CHOICE: the author is a person who can get kudos

    def __bool__(self) -> bool:
        return self.action is not CaptureAction.IGNORE


def _ignore(why: str) -> CaptureDecision:
    return CaptureDecision(CaptureAction.IGNORE, why)


def decide_reaction(
    reaction: Reaction,
    *,
    emoji: Collection[str],
    own_message: bool | None = None,
    already_captured: bool = False,
    added_at: datetime | None = None,
    removed_at: datetime | None = None,
    bots: Collection[str] = (),
    app_user: str | None = None,
) -> CaptureDecision:
    """What a capture reaction does (see the module's docstring).

    - `emoji`: the capture emoji names (`capture_emoji(settings.capture_emoji)`);
    - `own_message`: whether the reactor wrote the message; None reads Slack's item_user;
    - `already_captured`: for an add, this person already captured this message;
    - `added_at`: for a removal, when the add it undoes was captured (None: nothing was);
    - `removed_at`: for an add, a removal of it already seen (events out of order);
    - `bots`, `app_user`: bot users, and the app's own user (its messages are not captured).
    """
    refusal = _not_captured_because(reaction, emoji=emoji, bots=bots, app_user=app_user)
    if refusal is not None:
        return _ignore(refusal)
    if not reaction.added:
        return _removal(reaction, added_at)
    if removed_at is not None and removed_at >= reaction.at:
        return _ignore("the reaction was already removed again")
    if already_captured:
        return _ignore("this message is already captured for this person")
    return _addition(reaction, own_message=own_message, bots=bots)


def _not_captured_because(
    reaction: Reaction, *, emoji: Collection[str], bots: Collection[str], app_user: str | None
) -> str | None:
    """Why a reaction can never capture anything, or None."""
    if reaction.emoji_name not in emoji:
        return f":{reaction.emoji_name}: is not the capture emoji"
    if reaction.item_type != "message" or not reaction.channel or not reaction.ts:
        return "only messages are captured, not files or comments"
    if reaction.reactor in bots or reaction.reactor == app_user:
        return "a bot reacted"
    if app_user is not None and reaction.author == app_user:
        return "a message from this app"
    return None


def _addition(
    reaction: Reaction, *, own_message: bool | None, bots: Collection[str]
) -> CaptureDecision:
    own = own_message if own_message is not None else _own_by_author(reaction)
    if own is None:
        return _ignore("the message's author is unknown")
    if own:
        return CaptureDecision(CaptureAction.LOG_OWN, "your own message: log it as evidence")
    can_give_kudos = reaction.author is not None and reaction.author not in bots
    return CaptureDecision(
        CaptureAction.OFFER_CHOICE,
        "someone else's message: log it as yours, or send its author kudos"
        if can_give_kudos
        else "a bot's message: log it as yours (no kudos to bots)",
        can_give_kudos=can_give_kudos,
    )


def _own_by_author(reaction: Reaction) -> bool | None:
    if reaction.author is None:
        return None
    return reaction.author == reaction.reactor


def _removal(reaction: Reaction, added_at: datetime | None) -> CaptureDecision:
    if added_at is None:
        return _ignore("nothing was captured by this reaction")
    waited = reaction.at - added_at
    if waited <= UNDO_WINDOW:
        return CaptureDecision(
            CaptureAction.UNDO, f"removed {max(0, int(waited.total_seconds()))} s after adding"
        )
    return _ignore(f"removed after more than {int(UNDO_WINDOW.total_seconds())} s: kept")
