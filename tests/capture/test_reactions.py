"""Capture reactions: which reaction logs, offers a choice, undoes, or does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.capture.reactions import (
    UNDO_WINDOW,
    CaptureAction,
    CaptureEmojiError,
    Reaction,
    capture_emoji,
    decide_reaction,
)

ALICE, BOB, GRID_DANA = "U04ALICE9", "U04B0B777", "W012DANA3"
APP, DEPLOYBOT = "U0MULTIPL", "U09DEPLOY"
ADDED_TS = "1764770400.000200"  # 2025-12-03 14:00:00 UTC
ADDED_AT = datetime(2025, 12, 3, 14, 0, 0, 200, tzinfo=UTC)
TROPHY = capture_emoji(None)


def event(kind: str = "reaction_added", **changes: Any) -> dict[str, Any]:
    """A reaction event shaped as Slack sends it."""
    base: dict[str, Any] = {
        "type": kind,
        "user": ALICE,
        "reaction": "trophy",
        "item_user": BOB,
        "item": {"type": "message", "channel": "C0PAYMENTS", "ts": "1764770000.000100"},
        "event_ts": ADDED_TS,
    }
    base.update(changes)
    return base


def reaction(kind: str = "reaction_added", **changes: Any) -> Reaction:
    read = Reaction.from_event(event(kind, **changes))
    assert read is not None
    return read


def later(seconds: float) -> str:
    return f"{ADDED_AT.timestamp() + seconds:.6f}"


# ── Reading the event ────────────────────────────────────────────────────────────────────


def test_a_reaction_event_is_read_with_its_times() -> None:
    """The event's fields become a Reaction with event_ts as a UTC instant."""
    assert reaction() == Reaction(
        added=True,
        reactor=ALICE,
        emoji="trophy",
        item_type="message",
        channel="C0PAYMENTS",
        ts="1764770000.000100",
        author=BOB,
        at=ADDED_AT,
    )
    assert reaction("reaction_removed").added is False


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "message", "text": "hi"},
        event(item="C0PAYMENTS"),
        event(user=None),
        event(reaction=None),
        event(reaction=""),
        event(event_ts="not a time"),
        event(event_ts=None),
        event(event_ts="1e400"),
    ],
)
def test_events_that_are_not_usable_reactions_are_none(payload: dict[str, Any]) -> None:
    """Other events, missing fields or tampered times give None, never an error."""
    assert Reaction.from_event(payload) is None


# ── The emoji setting ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("setting", "names"),
    [
        (None, {"trophy"}),
        ("", {"trophy"}),
        ("trophy", {"trophy"}),
        (":Trophy:", {"trophy"}),
        ("🏆", {"trophy"}),
        ("trophy, :star:", {"trophy", "star"}),
        ("thumbsup", {"+1"}),
        ("👍🏽", {"+1"}),
        ("custom_brag-emoji", {"custom_brag-emoji"}),
    ],
)
def test_the_capture_emoji_setting_is_normalised(setting: str | None, names: set[str]) -> None:
    """Colons, case, characters and aliases all become the names reactions arrive with."""
    assert capture_emoji(setting) == names


@pytest.mark.parametrize("setting", ["trophy star", ",,", "<!channel>", "x" * 200])
def test_an_unusable_capture_emoji_setting_is_refused(setting: str) -> None:
    """A setting that names no emoji stops with a message saying what it should look like."""
    with pytest.raises(CaptureEmojiError, match="CAPTURE_EMOJI must be emoji names"):
        capture_emoji(setting)


# ── Adding ───────────────────────────────────────────────────────────────────────────────


def test_the_capture_emoji_on_your_own_message_logs_it() -> None:
    """Reacting on a message you wrote logs it as your evidence."""
    decision = decide_reaction(reaction(item_user=ALICE), emoji=TROPHY)
    assert decision.action is CaptureAction.LOG_OWN
    assert decision.why == "your own message: log it as evidence"


def test_the_capture_emoji_on_someone_elses_message_offers_the_choice() -> None:
    """Reacting on another person's message offers: log it as yours, or kudos to its author."""
    decision = decide_reaction(reaction(), emoji=TROPHY)
    assert decision.action is CaptureAction.OFFER_CHOICE
    assert decision.can_give_kudos


def test_an_enterprise_grid_author_is_another_person() -> None:
    """A W… author is someone else, and can get kudos."""
    decision = decide_reaction(reaction(item_user=GRID_DANA), emoji=TROPHY)
    assert decision.action is CaptureAction.OFFER_CHOICE
    assert decision.can_give_kudos


def test_own_message_passed_in_wins_over_item_user() -> None:
    """When the wiring knows the author (item_user missing), its answer decides."""
    missing = reaction(item_user=None)
    assert decide_reaction(missing, emoji=TROPHY).action is CaptureAction.IGNORE
    assert decide_reaction(missing, emoji=TROPHY).why == "the message's author is unknown"
    assert decide_reaction(missing, emoji=TROPHY, own_message=True).action is CaptureAction.LOG_OWN
    offered = decide_reaction(missing, emoji=TROPHY, own_message=False)
    assert offered.action is CaptureAction.OFFER_CHOICE
    assert not offered.can_give_kudos  # no author to give kudos to


def test_a_bots_message_can_be_logged_but_not_kudosed() -> None:
    """On a bot's message the choice is offered without kudos."""
    decision = decide_reaction(reaction(item_user=DEPLOYBOT), emoji=TROPHY, bots={DEPLOYBOT})
    assert decision.action is CaptureAction.OFFER_CHOICE
    assert not decision.can_give_kudos
    assert decision.why == "a bot's message: log it as yours (no kudos to bots)"


@pytest.mark.parametrize(
    ("emoji", "setting"),
    [
        ("trophy::skin-tone-2", None),
        ("+1::skin-tone-5", "thumbsup"),
        ("+1", "👍"),
        ("star", "trophy,star"),
    ],
)
def test_skin_tones_and_aliases_still_capture(emoji: str, setting: str | None) -> None:
    """A skin-toned or aliased reaction matches the configured emoji."""
    decision = decide_reaction(reaction(reaction=emoji), emoji=capture_emoji(setting))
    assert decision.action is CaptureAction.OFFER_CHOICE


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"reaction": "tada"}, ":tada: is not the capture emoji"),
        (
            {"item": {"type": "file", "file": "F0123"}},
            "only messages are captured, not files or comments",
        ),
        (
            {"item": {"type": "message", "channel": "C0PAYMENTS"}},
            "only messages are captured, not files or comments",
        ),
        ({"user": DEPLOYBOT}, "a bot reacted"),
        ({"user": APP}, "a bot reacted"),
        ({"item_user": APP}, "a message from this app"),
    ],
)
def test_reactions_that_capture_nothing(changes: dict[str, Any], why: str) -> None:
    """Other emoji, files, bots and the app's own messages are ignored, with the reason."""
    decision = decide_reaction(reaction(**changes), emoji=TROPHY, bots={DEPLOYBOT}, app_user=APP)
    assert decision.action is CaptureAction.IGNORE
    assert not decision
    assert decision.why == why


def test_a_second_capture_of_the_same_message_is_ignored() -> None:
    """A message already captured for this person (another capture emoji, a retry) is not again."""
    decision = decide_reaction(reaction(), emoji=TROPHY, already_captured=True)
    assert decision.action is CaptureAction.IGNORE


def test_an_add_that_arrives_after_its_removal_is_ignored() -> None:
    """Out of order: the removal came first, so the late add captures nothing."""
    added = reaction()
    stale = decide_reaction(added, emoji=TROPHY, removed_at=ADDED_AT + timedelta(seconds=5))
    assert stale.action is CaptureAction.IGNORE
    assert stale.why == "the reaction was already removed again"
    # A removal older than this add belongs to an earlier add: this one still counts.
    older = decide_reaction(added, emoji=TROPHY, removed_at=ADDED_AT - timedelta(seconds=5))
    assert older.action is CaptureAction.OFFER_CHOICE


# ── Removing ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("seconds", [0, 1, 59.9, 60])
def test_removing_within_a_minute_undoes(seconds: float) -> None:
    """A removal up to 60 s after the add undoes what the add did."""
    removed = reaction("reaction_removed", event_ts=later(seconds))
    decision = decide_reaction(removed, emoji=TROPHY, added_at=ADDED_AT)
    assert decision.action is CaptureAction.UNDO
    assert decision.why == f"removed {int(seconds)} s after adding"


@pytest.mark.parametrize("seconds", [60.001, 61, 3600])
def test_removing_later_keeps_the_evidence(seconds: float) -> None:
    """A removal more than a minute after the add leaves the evidence alone."""
    removed = reaction("reaction_removed", event_ts=later(seconds))
    decision = decide_reaction(removed, emoji=TROPHY, added_at=ADDED_AT)
    assert decision.action is CaptureAction.IGNORE
    assert decision.why == "removed after more than 60 s: kept"
    assert timedelta(seconds=60) == UNDO_WINDOW


def test_removing_a_reaction_that_captured_nothing_does_nothing() -> None:
    """A removal with no captured add (an old reaction, an ignored one) is ignored."""
    removed = reaction("reaction_removed", event_ts=later(5))
    decision = decide_reaction(removed, emoji=TROPHY, added_at=None)
    assert decision.action is CaptureAction.IGNORE
    assert decision.why == "nothing was captured by this reaction"


def test_removing_another_emoji_does_not_undo() -> None:
    """Removing a reaction that is not the capture emoji never undoes a capture."""
    removed = reaction("reaction_removed", reaction="tada", event_ts=later(5))
    assert decide_reaction(removed, emoji=TROPHY, added_at=ADDED_AT).action is CaptureAction.IGNORE
