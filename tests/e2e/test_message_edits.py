"""message_changed is not always an edit, and edits arrive out of order.

Slack sends message_changed for link unfurls (attachments added, no `edited`), thread-reply
bumps, the bot's own chat.update, and does not guarantee order. Only the author's `edited`
change, newer (edited.ts) than the one applied, counts; anything else changes nothing and
calls no Web API method.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.db.engine import Database
from bot.db.models import Answer, DirectMessage, EvidenceEntry, User
from standin.webapi import SlackStandIn
from tests.e2e.test_checkin_answers import send_checkin
from tests.e2e.test_expectations_mapping import (
    LADDER,
    MENTORING,
    RFC,
    _enter,
    _expectations,
    _mapped,
)
from tests.support.apps import RunningApp, make_settings, start_app

ORIGINAL = "Reviewed <@UBOB>'s design <https://example.com/rfc/1>"


@pytest.fixture
def running_app(database: Database, standin: SlackStandIn) -> Iterator[RunningApp]:
    """The app with a Home republished at once after a change, so each call can be counted."""
    settings = make_settings(
        standin=standin, database_url=database.url, home_refresh_delay_seconds=0.01
    )
    running = start_app(settings=settings, database=database, standin=standin)
    try:
        yield running
    finally:
        running.stop()


def _settle(app: RunningApp) -> None:
    app.wait_idle(timeout=30)  # generous: the machine running the tests may be busy
    refresher = app.app.home_refresher
    assert refresher is None or refresher.wait_idle(30), "Home republishing still pending"


def _answer_in_dm(app: RunningApp, text: str = ORIGINAL) -> str:
    """Deliver alice's check-in, answer it with a top-level DM; the answer message's ts."""
    send_checkin(app)
    app.slack.dm_message(text, user_id="UALICE")
    app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    app.wait_idle()
    with app.database.session() as session:
        return session.scalars(select(Answer.message_ts)).one()


def _stored(app: RunningApp) -> tuple[str, str, str]:
    """(answer text, evidence text, DM text) as stored."""
    with app.database.session() as session:
        answer = session.scalars(select(Answer)).one()
        entry = session.scalars(select(EvidenceEntry)).one()
        dm = session.scalars(select(DirectMessage).where(DirectMessage.ts == answer.message_ts))
        return answer.text or "", entry.text, dm.one().text


def _deliver(app: RunningApp, *events: dict[str, Any]) -> list[str]:
    """Send the events one after the other, in the order given; the Web API methods the app
    called meanwhile."""
    _settle(app)
    before = len(app.standin.calls)
    for event in events:
        assert app.slack.event(event).status == 200
        _settle(app)
    return [call.method for call in app.standin.calls[before:]]


def test_an_unfurl_delivered_after_an_edit_does_not_revert_it(running_app: RunningApp) -> None:
    """The unfurl of the original text, arriving after the user's edit, changes nothing.

    Failed before: the unfurl's message (the old text, no `edited`) was applied as an edit,
    reverting the answer and redrawing the check-in (chat.update).
    """
    ts = _answer_in_dm(running_app)
    slack, dm = running_app.slack, running_app.standin.dm_channel_for("UALICE")
    unfurl = slack.unfurl_event(channel_id=dm, ts=ts)  # Slack unfurled the original...
    edit = slack.message_changed_event(user_id="UALICE", ts=ts, text="Reviewed the design")
    assert "chat.update" in _deliver(running_app, edit)  # ...the edit arrives first
    assert _stored(running_app) == ("Reviewed the design",) * 3
    assert _deliver(running_app, unfurl) == []
    assert _stored(running_app) == ("Reviewed the design",) * 3


def test_an_unfurl_of_an_edited_message_changes_nothing(running_app: RunningApp) -> None:
    """An unfurl repeating the last `edited` is not a new edit: nothing stored, no API call."""
    ts = _answer_in_dm(running_app)
    dm = running_app.standin.dm_channel_for("UALICE")
    running_app.slack.message_changed(user_id="UALICE", ts=ts, text=f"{ORIGINAL} (v2)")
    unfurl = running_app.slack.unfurl_event(channel_id=dm, ts=ts)
    assert unfurl["message"]["attachments"] and unfurl["message"]["edited"]
    assert _deliver(running_app, unfurl) == []
    assert _stored(running_app) == (f"{ORIGINAL} (v2)",) * 3


def test_edits_delivered_out_of_order_keep_the_newest(running_app: RunningApp) -> None:
    """Two edits delivered newest first: the older one, arriving last, changes nothing.

    Failed before: whichever edit arrived last won, so the answer went back to the older text.
    """
    ts = _answer_in_dm(running_app)
    slack = running_app.slack
    first = slack.message_changed_event(user_id="UALICE", ts=ts, text="first edit")
    second = slack.message_changed_event(user_id="UALICE", ts=ts, text="second edit #writing")
    assert "chat.update" in _deliver(running_app, second)
    assert _deliver(running_app, first) == []
    assert _stored(running_app) == ("second edit #writing",) * 3
    with running_app.database.session() as session:
        assert session.scalars(select(EvidenceEntry.dimension)).one() == "writing"


def test_a_thread_bump_changes_nothing(running_app: RunningApp) -> None:
    """The bot's threaded confirmation bumps the answer's message: not an edit, no API call.

    Failed before: the bump (the same text, no `edited`) was applied as an edit and redrew
    the check-in with chat.update.
    """
    ts = _answer_in_dm(running_app)
    dm = running_app.standin.dm_channel_for("UALICE")
    bump = running_app.slack.thread_bump_event(channel_id=dm, thread_ts=ts)
    assert bump["message"]["reply_count"] == 1 and "edited" not in bump["message"]
    assert _deliver(running_app, bump) == []
    assert _stored(running_app) == (ORIGINAL,) * 3


def test_a_thread_bump_of_an_edited_answer_changes_nothing(running_app: RunningApp) -> None:
    """A bump repeats the message's last `edited`; it neither re-applies nor reverts it."""
    ts = _answer_in_dm(running_app)
    dm = running_app.standin.dm_channel_for("UALICE")
    stale = running_app.slack.thread_bump_event(channel_id=dm, thread_ts=ts)
    running_app.slack.message_changed(user_id="UALICE", ts=ts, text="edited once")
    running_app.wait_idle()
    fresh = running_app.slack.thread_bump_event(channel_id=dm, thread_ts=ts)
    assert fresh["message"]["edited"]
    assert _deliver(running_app, fresh, stale) == []
    assert _stored(running_app) == ("edited once",) * 3


def test_the_bots_own_edit_changes_nothing(running_app: RunningApp) -> None:
    """The message_changed for the bot's chat.update of the check-in is ignored entirely."""
    _answer_in_dm(running_app)
    (update,) = running_app.standin.calls_to("chat.update")
    dm = running_app.standin.dm_channel_for("UALICE")
    bot_edit = running_app.slack.bot_edit_event(channel_id=dm, ts=update.params["ts"])
    assert bot_edit["message"]["edited"]["user"] == "UBOT"
    assert _deliver(running_app, bot_edit) == []
    with running_app.database.session() as session:
        users = set(session.scalars(select(User.slack_user_id)))
    assert users == {"UALICE"}


def test_an_edit_by_someone_else_changes_nothing(running_app: RunningApp) -> None:
    """An `edited` whose editor is not the message's author is not the author's edit."""
    ts = _answer_in_dm(running_app)
    edit = running_app.slack.message_changed_event(user_id="UALICE", ts=ts, text="tampered")
    edit["message"]["edited"]["user"] = "UBOB"
    assert _deliver(running_app, edit) == []
    assert _stored(running_app) == (ORIGINAL,) * 3


def test_a_plain_dm_keeps_its_newest_edit(running_app: RunningApp) -> None:
    """A DM that is no answer keeps the newest edit whatever the order; no API call for either."""
    running_app.slack.dm_message("note to self: draft the RFC", user_id="UBOB")
    running_app.standin.wait_for("chat.postMessage")
    running_app.wait_idle()
    with running_app.database.session() as session:
        ts = session.scalars(select(DirectMessage.ts)).one()
    slack = running_app.slack
    older = slack.message_changed_event(user_id="UBOB", ts=ts, text="note: draft the RFC")
    newer = slack.message_changed_event(user_id="UBOB", ts=ts, text="note: RFC drafted")
    assert _deliver(running_app, newer, older) == []
    with running_app.database.session() as session:
        (text,) = session.scalars(select(DirectMessage.text)).all()
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
    assert text == "note: RFC drafted"


def test_editing_a_dm_answer_updates_its_confirmation(running_app: RunningApp) -> None:
    """alice edits her DM answer: the bot's confirmation in its thread is updated in place
    (chat.update of that message) and shows the edited text and what it now understood.

    Failed before: the stored answer changed, the confirmation still showed the old reading.
    """
    ts = _answer_in_dm(running_app)
    (confirmation,) = [
        c for c in running_app.standin.calls_to("chat.postMessage")
        if c.params.get("text") == "Saved your answer." and c.params.get("thread_ts") == ts
    ]  # fmt: skip
    confirmation_ts = confirmation.response["ts"]
    edit = running_app.slack.message_changed_event(
        user_id="UALICE", ts=ts, text="Paired with <@UCAROL> on the deploy #writing"
    )
    before = len(running_app.standin.calls)
    _deliver(running_app, edit)
    updates = [
        c.params for c in running_app.standin.calls[before:]
        if c.method == "chat.update" and c.params.get("ts") == confirmation_ts
    ]  # fmt: skip
    assert len(updates) == 1
    blocks = updates[0]["blocks"]
    quoted = next(b for b in blocks if b["type"] == "section")["text"]["text"]
    assert quoted.splitlines()[-1] == "> Paired with <@UCAROL> on the deploy #writing"
    details = next(b for b in blocks if b["type"] == "context")["elements"][0]["text"]
    assert "*People:* <@UCAROL>" in details.split(" · ")
    assert "*Dimension:* :memo: Writing that travels" in details.split(" · ")


def test_editing_a_dm_answer_re_suggests_its_expectations(running_app: RunningApp) -> None:
    """alice's answer was mapped by the coach to "Writes RFCs…"; she edits it into words
    about mentoring: the suggestion follows them (she never chose by hand)."""
    send_checkin(running_app)
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    rfcs = ids["Writes RFCs that other teams adopt &amp; follow"]
    mentors = ids["Mentors senior engineers"]
    running_app.slack.dm_message(RFC, user_id="UALICE")
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    with running_app.database.session() as session:
        ts = session.scalars(select(Answer.message_ts)).one()
    with running_app.database.session() as session:
        entry_id = session.scalars(select(EvidenceEntry.id)).one()
    assert _mapped(running_app, entry_id) == [(rfcs, True)]
    _deliver(
        running_app,
        running_app.slack.message_changed_event(user_id="UALICE", ts=ts, text=MENTORING),
    )
    assert _stored(running_app) == (MENTORING,) * 3
    assert _mapped(running_app, entry_id) == [(mentors, True)]
