"""No text is lost on PostgreSQL: NUL (and our escape character) in every path that stores
what a person typed is kept exactly on both databases (issue 12 item 2)."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from bot.db.models import (
    Answer,
    DirectMessage,
    EvidenceEntry,
    Kudos,
    ProcessedEvent,
    User,
    Workspace,
)
from bot.privacy.service import export_user_data
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, entries, last_response
from tests.e2e.test_checkin_answers import answer_values, send_checkin
from tests.e2e.test_form_text import _open_brag_form, _submit
from tests.support.apps import RunningApp
from tests.support.databases import MigratedDatabase

# NUL alone, NUL twice, the escape character alone and followed by what would read as a code.
TYPED = "before\x00after \x00\x00 \ufdd0 and \ufdd0\ufdd1 end"


def _dms(app: RunningApp) -> list[str]:
    with app.database.session() as session:
        return list(session.scalars(select(DirectMessage.text).order_by(DirectMessage.id)))


def test_nul_in_a_dm_is_kept_exactly(running_app: RunningApp) -> None:
    """A DM with NUL is stored as typed (PostgreSQL refused it: the person's text was lost)."""
    reply = running_app.slack.dm_message(TYPED, user_id="UALICE")
    assert reply.status == 200
    running_app.wait_idle()
    assert _dms(running_app) == [TYPED]
    # Nothing went wrong, so nobody got an apology.
    assert not running_app.standin.calls_to("chat.postEphemeral")


def test_nul_in_a_dm_answer_and_its_edit_are_kept_exactly(running_app: RunningApp) -> None:
    """A check-in answer typed in the thread with NUL becomes an answer and evidence, exactly;
    an edit with NUL is applied exactly too."""
    _row, message = send_checkin(running_app)
    typed = "Reviewed the payments RFC \x00 and caught a race"
    running_app.slack.dm_message(typed, user_id="UALICE", thread_ts=message["ts"])
    running_app.wait_idle()
    with running_app.database.session() as session:
        (answer,) = session.scalars(select(Answer))
        (entry,) = session.scalars(select(EvidenceEntry))
        assert answer.text == typed and entry.text == typed
        dm = session.scalars(select(DirectMessage)).one()
    edited = typed + " (edited \x00\ufdd0)"
    event = running_app.slack.message_changed_event(
        user_id="UALICE", ts=dm.ts, text=edited, thread_ts=message["ts"]
    )
    running_app.slack.event(event)
    running_app.wait_idle()
    assert _dms(running_app) == [edited]
    with running_app.database.session() as session:
        assert session.scalars(select(Answer.text)).one() == edited


def test_nul_in_brag_is_kept_and_found(
    running_app: RunningApp, test_database: MigratedDatabase
) -> None:
    """/brag with NUL: stored exactly, found by a SQL text match past the NUL, exported
    exactly; the stored column holds no NUL."""
    payload = brag(running_app, TYPED)
    assert "Nothing was saved" not in payload["text"]
    (entry,) = entries(running_app)
    assert entry.text == TYPED
    with running_app.database.session() as session:
        found = session.scalars(
            select(EvidenceEntry.id).where(EvidenceEntry.text.contains("after \x00\x00 \ufdd0"))
        ).all()
        assert found == [entry.id]
        missing = session.scalars(
            select(EvidenceEntry.id).where(EvidenceEntry.text.contains("after\x00"))
        ).all()
        assert missing == []
        raw = session.execute(text("SELECT text FROM evidence_entries")).scalar_one()
        # Stored without NUL on both (SQLite's LIKE and instr stop at a NUL).
        assert "\x00" not in raw and raw != TYPED
        exported = export_user_data(session=session, user=session.get(User, entry.user_id))
    (row,) = exported["tables"]["evidence_entries"]
    assert row["text"] == TYPED
    assert json.loads(json.dumps(exported))["tables"]["evidence_entries"][0]["text"] == TYPED


def test_nul_in_the_entry_form_is_kept_exactly(running_app: RunningApp) -> None:
    """The /brag form saved with NUL in what happened and in the impact keeps both."""
    view = _open_brag_form(running_app)
    reply = _submit(
        running_app,
        view,
        TYPED,
        impact={"impact": Input.plain_text("saved \x00 a day")},
    )
    assert reply.get("response_action") != "errors", reply
    (entry,) = entries(running_app)
    assert entry.text == TYPED  # nothing here needs Slack's escaping
    assert entry.impact == "saved \x00 a day"
    assert entry.source == "modal"


def test_nul_in_a_checkin_answer_form_is_kept_exactly(running_app: RunningApp) -> None:
    """A check-in answered in its form with NUL is stored exactly."""
    _row, message = send_checkin(running_app)
    running_app.slack.block_action(
        "checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0"
    )
    running_app.standin.wait_for("views.open")
    reply = running_app.slack.view_submission(
        "checkin_answer", user_id="UALICE", values=answer_values(TYPED)
    )
    assert reply.status == 200 and reply.body == ""
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        answer = session.scalars(select(Answer)).one()
    assert entry.text == TYPED and answer.evidence_id == entry.id


def test_nul_in_kudos_is_kept_exactly(running_app: RunningApp) -> None:
    """/kudos with NUL lands on the recipient's log exactly, and the kudos row too."""
    typed = "<@UBOB|bob> fixed the deploy \x00 pipeline \ufdd0"
    running_app.slack.slash_command("/kudos", typed, user_id="UALICE")
    payload = last_response(running_app)
    running_app.wait_idle()
    assert "Kudos sent" in payload["text"]
    (entry,) = entries(running_app, "UBOB")
    assert entry.text == typed
    with running_app.database.session() as session:
        assert session.scalars(select(Kudos.text)).one() == typed


def test_nul_in_a_message_logged_with_the_shortcut_is_kept_exactly(running_app: RunningApp) -> None:
    """A message with NUL, too long for the form, is stored at once exactly by the shortcut."""
    running_app.standin.add_channel("C0GENERAL", "general", members=["UALICE", "UBOB"])
    typed = "incident review \x00: " + "x" * 4000
    message = running_app.standin.add_message("C0GENERAL", user="UBOB", text=typed)
    running_app.slack.message_shortcut("log_as_evidence", user_id="UALICE", message=message)
    running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == typed and entry.source == "shortcut"


def _helps(app: RunningApp) -> int:
    return sum(
        "/brag <what happened>" in str(c.params.get("blocks")) and (c.response or {}).get("ok")
        for c in app.standin.calls_to("chat.postMessage")
    )


def _redeliver(app: RunningApp, event_id: str, retry_num: int) -> int:
    """Slack's retry of the DM event already delivered (same event_id, same message)."""
    with app.database.session() as session:
        dm = session.scalars(select(DirectMessage)).one()
        team_id = session.scalars(select(Workspace.team_id)).one()
    event = {
        "type": "message",
        "channel": dm.channel_id,
        "user": "UALICE",
        "text": dm.text,
        "ts": dm.ts,
        "event_ts": dm.ts,
        "channel_type": "im",
        "team": team_id,
    }
    reply = app.slack.event(
        event, event_id=event_id, retry_num=retry_num, retry_reason="http_timeout"
    )
    app.wait_idle()
    return reply.status


def test_a_failed_event_is_handled_again_when_slack_retries(running_app: RunningApp) -> None:
    """An event whose handling failed is not marked done: Slack's retry (same event_id) is
    handled, and only then is the event id kept (so a further retry is skipped)."""
    running_app.standin.fail_next("chat.postMessage", error="internal_error")
    first = running_app.slack.dm_message("help", user_id="UALICE")
    assert first.status == 200
    running_app.wait_idle()
    assert _helps(running_app) == 0
    with running_app.database.session() as session:
        assert session.get(ProcessedEvent, first.event_id) is None  # released
    assert _redeliver(running_app, first.event_id, 1) == 200
    assert _helps(running_app) == 1  # the retry was handled: the help arrived
    with running_app.database.session() as session:
        assert session.get(ProcessedEvent, first.event_id) is not None
    # Handled now: a further retry of the same event is skipped.
    assert _redeliver(running_app, first.event_id, 2) == 200
    assert _helps(running_app) == 1
    assert _dms(running_app) == ["help"]
