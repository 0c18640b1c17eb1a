"""React to log (issue 18), end to end over signed HTTP: a capture-emoji reaction on your own
message logs it; on someone else's a DM offers log it / kudos / dismiss; removing the
reaction within a minute undoes it, later it does not; a repeated event logs once; a
channel the bot is not in logs nothing and says why.

The undo window counts Slack's own event times (`event_ts`), so each test sets them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry, Kudos, ReactionCapture
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import count, entries
from tests.support.apps import RunningApp, make_settings, start_app

GENERAL = "C0GENERAL"


def _channel(running_app: RunningApp, channel: str = GENERAL, *, bot_in: bool = True) -> None:
    members = ["UALICE", "UBOB", "UCAROL"]
    if bot_in:
        members.append(running_app.standin.bot_user_id())
    running_app.standin.add_channel(channel, channel.lower(), members=members)


def _post(
    running_app: RunningApp, text: str, *, user: str, channel: str = GENERAL, **kw: Any
) -> str:
    return running_app.standin.add_message(channel, user=user, text=text, **kw)["ts"]


def _at(seconds: float) -> str:
    """A Slack event time `seconds` after a fixed start."""
    return f"{1_765_000_000 + seconds:.6f}"


def _react(
    running_app: RunningApp, ts: str, *, user: str = "UALICE", at: float = 0, name: str = "trophy",
    channel: str = GENERAL, event_id: str | None = None,
) -> None:  # fmt: skip
    reply = running_app.slack.reaction_added(
        user_id=user, channel_id=channel, ts=ts, name=name, event_ts=_at(at), event_id=event_id
    )
    assert reply.status == 200
    running_app.wait_idle()


def _unreact(
    running_app: RunningApp, ts: str, *, user: str = "UALICE", at: float, name: str = "trophy"
) -> None:
    reply = running_app.slack.reaction_removed(
        user_id=user, channel_id=GENERAL, ts=ts, name=name, event_ts=_at(at)
    )
    assert reply.status == 200
    running_app.wait_idle()


def _action_ids(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def _captures(running_app: RunningApp) -> list[ReactionCapture]:
    with running_app.database.session() as session:
        found = list(session.scalars(select(ReactionCapture).order_by(ReactionCapture.id)))
        session.expunge_all()
        return found


def _offer(running_app: RunningApp) -> dict[str, Any]:
    (offer,) = running_app.standin.wait_for_dm("UALICE")
    return offer


def test_reaction_on_own_message_logs_it_with_its_permalink(running_app: RunningApp) -> None:
    """Your own message becomes your evidence: Slack's text, permalink, dimension, a DM."""
    _channel(running_app)
    text = "Reviewed <@UBOB>'s migration plan &amp; caught the double-charge bug before launch"
    ts = _post(running_app, text, user="UALICE")
    _react(running_app, ts)
    (entry,) = entries(running_app, "UALICE")
    permalink = running_app.standin.calls_to("chat.getPermalink")[0].response["permalink"]
    assert (entry.text, entry.source, entry.permalink) == (text, "reaction", permalink)
    assert (entry.source_channel_id, entry.source_message_ts) == (GENERAL, ts)
    assert entry.dimension == "reviews" and entry.people == ["UBOB"]
    assert running_app.standin.calls_to("conversations.history")[0].ok
    (confirmation,) = running_app.standin.wait_for_dm("UALICE")
    assert "evidence_edit" in _action_ids(confirmation)
    linked = [
        element["text"]
        for block in confirmation["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
        if permalink in element["text"]
    ]
    assert len(linked) == 1, linked


def test_thread_reply_is_read_from_its_thread(running_app: RunningApp) -> None:
    """A reply in a thread (not in channel history) is read with conversations.replies."""
    _channel(running_app)
    root = _post(running_app, "Deploy is stuck", user="UBOB")
    reply = _post(
        running_app, "Mentored <@UBOB> through the rollback", user="UALICE", thread_ts=root
    )
    _react(running_app, reply)
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == "Mentored <@UBOB> through the rollback"
    assert running_app.standin.calls_to("conversations.replies")[0].ok
    assert f"thread_ts={root}" in (entry.permalink or "")


def test_other_message_offers_a_choice_and_logs_it_as_yours(running_app: RunningApp) -> None:
    """On someone else's message a DM offers the choice; "Log it" makes it yours, author a
    person; nothing of the message is kept before the click."""
    _channel(running_app)
    ts = _post(running_app, "Unblocked the payments release with <@UALICE>", user="UBOB")
    _react(running_app, ts)
    offer = _offer(running_app)
    assert _action_ids(offer) == ["capture_log_it", "capture_send_kudos", "capture_dismiss"]
    assert count(running_app, EvidenceEntry) == 0
    (capture,) = _captures(running_app)
    assert (capture.status, capture.author, capture.entry_id) == ("offered", "UBOB", None)

    running_app.slack.block_action("capture_log_it", user_id="UALICE", message=offer)
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == "Unblocked the payments release with <@UALICE>"
    assert entry.people == ["UBOB"] and entry.source == "reaction" and entry.permalink
    confirmation = running_app.standin.responses()[-1]
    assert confirmation["replace_original"] is True
    # The message is linked once, in "From a message in #…" (failed before: the meta line
    # linked it too, "· message").
    texts = [
        element["text"]
        for block in confirmation["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
    ]
    assert sum(entry.permalink in text for text in texts) == 1, texts
    # A second click (or a replay of it) logs nothing more.
    running_app.slack.block_action("capture_log_it", user_id="UALICE", message=offer)
    running_app.wait_idle()
    assert len(entries(running_app)) == 1


def test_other_message_kudos_lands_on_the_authors_log(running_app: RunningApp) -> None:
    """ "Send kudos" records kudos on the author's log with the permalink, and DMs them."""
    _channel(running_app)
    ts = _post(running_app, "Wrote the on-call runbook for the new hires", user="UBOB")
    _react(running_app, ts)
    running_app.slack.block_action(
        "capture_send_kudos", user_id="UALICE", message=_offer(running_app)
    )
    running_app.wait_idle()
    (entry,) = entries(running_app, "UBOB")
    assert entry.source == "kudos" and entry.people == ["UALICE"]
    assert entry.text == "Wrote the on-call runbook for the new hires" and entry.permalink
    assert entries(running_app, "UALICE") == []
    assert count(running_app, Kudos) == 1
    (told,) = running_app.standin.wait_for_dm("UBOB")
    assert "evidence_edit" in _action_ids(told)
    (capture,) = _captures(running_app)
    assert capture.status == "kudos"


def test_dismiss_logs_nothing(running_app: RunningApp) -> None:
    """Dismiss closes the offer; a later "Log it" on it does nothing."""
    _channel(running_app)
    ts = _post(running_app, "Shipped the search rewrite", user="UBOB")
    _react(running_app, ts)
    offer = _offer(running_app)
    running_app.slack.block_action("capture_dismiss", user_id="UALICE", message=offer)
    running_app.wait_idle()
    running_app.slack.block_action("capture_log_it", user_id="UALICE", message=offer)
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    assert _captures(running_app)[0].status == "dismissed"


def test_someone_else_cannot_press_your_offer(running_app: RunningApp) -> None:
    """Bob pressing the buttons of alice's offer (a tampered click) logs nothing."""
    _channel(running_app)
    ts = _post(running_app, "Paired on the flaky deploy", user="UCAROL")
    _react(running_app, ts)
    offer = _offer(running_app)
    running_app.slack.block_action("capture_log_it", user_id="UBOB", message=offer)
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0 and _captures(running_app)[0].status == "offered"


def test_removing_within_a_minute_deletes_the_entry(running_app: RunningApp) -> None:
    """Removing the reaction 59 s after adding it deletes what it logged; the DM says so."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    _react(running_app, ts, at=0)
    assert len(entries(running_app)) == 1
    _unreact(running_app, ts, at=59)
    assert entries(running_app) == []
    (capture,) = _captures(running_app)
    assert (capture.status, capture.entry_id) == ("undone", None)
    (updated,) = running_app.standin.wait_for("chat.update")
    assert updated.data["text"].startswith("Undone")
    # Reacting again later logs it again.
    _react(running_app, ts, at=120)
    assert len(entries(running_app)) == 1


def test_removing_after_a_minute_keeps_it(running_app: RunningApp) -> None:
    """After more than a minute, the entry stays."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    _react(running_app, ts, at=0)
    _unreact(running_app, ts, at=61)
    assert len(entries(running_app)) == 1
    assert _captures(running_app)[0].status == "logged"
    assert running_app.standin.calls_to("chat.update") == []


def test_removing_within_a_minute_withdraws_the_offer(running_app: RunningApp) -> None:
    """On someone else's message, a quick removal withdraws the DM choice."""
    _channel(running_app)
    ts = _post(running_app, "Shipped the search rewrite", user="UBOB")
    _react(running_app, ts, at=0)
    offer = _offer(running_app)
    _unreact(running_app, ts, at=30)
    running_app.standin.wait_for("chat.update")
    assert _action_ids(running_app.standin.dm_messages("UALICE")[-1]) == []
    running_app.slack.block_action("capture_log_it", user_id="UALICE", message=offer)
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0


def test_replayed_event_logs_once(running_app: RunningApp) -> None:
    """Slack's retry of the same event, and a second delivery of the add, log one entry."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    event = running_app.slack.reaction_event(
        "reaction_added", user_id="UALICE", channel_id=GENERAL, ts=ts, event_ts=_at(0)
    )
    first = running_app.slack.event(event)
    running_app.wait_idle()
    running_app.slack.event(
        event, event_id=first.event_id, retry_num=1, retry_reason="http_timeout"
    )
    running_app.slack.event(event)  # the same add under another event id
    running_app.wait_idle()
    assert len(entries(running_app)) == 1
    assert len(running_app.standin.wait_for_dm("UALICE")) == 1


def test_removal_seen_before_its_add_is_not_logged(running_app: RunningApp) -> None:
    """Events out of order: a removal that arrives first makes the late add a no-op."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    added = running_app.slack.reaction_event(
        "reaction_added", user_id="UALICE", channel_id=GENERAL, ts=ts, event_ts=_at(0)
    )
    removed = running_app.slack.reaction_event(
        "reaction_removed", user_id="UALICE", channel_id=GENERAL, ts=ts, event_ts=_at(5)
    )
    running_app.slack.event(removed)
    running_app.wait_idle()
    running_app.slack.event(added)
    running_app.wait_idle()
    assert entries(running_app) == []


def test_channel_the_bot_is_not_in_logs_nothing_and_says_so(running_app: RunningApp) -> None:
    """Slack answers not_in_channel: nothing is logged and the person is told to add the app."""
    _channel(running_app, "C0SECRET", bot_in=False)
    ts = _post(running_app, "Led the incident review", user="UALICE", channel="C0SECRET")
    _react(running_app, ts, channel="C0SECRET")
    assert running_app.standin.calls_to("conversations.history")[0].error == "not_in_channel"
    assert count(running_app, EvidenceEntry) == 0 and _captures(running_app) == []
    (told,) = running_app.standin.wait_for_dm("UALICE")
    assert "not in that channel" in told["text"] and "<#C0SECRET>" in told["text"]


def test_other_reactions_touch_nothing(running_app: RunningApp) -> None:
    """A reaction that is not the capture emoji makes no Web API call and stores nothing."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    before = len(running_app.standin.calls)
    _react(running_app, ts, name="eyes")
    assert running_app.standin.calls[before:] == []
    assert _captures(running_app) == [] and count(running_app, EvidenceEntry) == 0


def test_the_capture_emoji_is_configurable(database: Database, standin: SlackStandIn) -> None:
    """CAPTURE_EMOJI=:star: — a star logs, a trophy does nothing."""
    settings = make_settings(standin=standin, database_url=database.url, capture_emoji=":star:")
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        _channel(running)
        ts = _post(running, "Led the incident review", user="UALICE")
        _react(running, ts, name="trophy")
        assert entries(running) == []
        _react(running, ts, name="star", at=1)
        assert len(entries(running)) == 1
    finally:
        running.stop()


def test_removal_at_exactly_a_minute_still_undoes(running_app: RunningApp) -> None:
    """The window is Slack's event times, not the app's clock: 60 s after the add (however
    late it is delivered) still undoes."""
    _channel(running_app)
    ts = _post(running_app, "Led the incident review", user="UALICE")
    _react(running_app, ts, at=0)
    _unreact(running_app, ts, at=60)
    assert entries(running_app) == []


def test_a_message_without_text_logs_nothing_and_says_so(running_app: RunningApp) -> None:
    """A message with no text (a file alone) is not logged; the DM says to use /brag."""
    _channel(running_app)
    ts = _post(running_app, "", user="UALICE")
    _react(running_app, ts)
    assert count(running_app, EvidenceEntry) == 0 and _captures(running_app) == []
    (told,) = running_app.standin.wait_for_dm("UALICE")
    assert "no text" in told["text"]
