"""Every way to answer a check-in, end to end: signed requests → app → DB → stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.checkins import schedule
from bot.db.models import Answer, CheckIn, EvidenceEntry
from standin.signing import Input
from tests.checkins.support import add_users, checkin_messages, checkins, dispatcher, user, utc
from tests.e2e.test_expectations_mapping import (
    LADDER,
    MENTORING,
    RFC,
    _enter,
    _expectations,
    _mapped,
)
from tests.support.apps import RunningApp

SLOT = utc(2026, 11, 20, 20)  # Friday 15:00 in New York


def send_checkin(app: RunningApp, slack_id: str = "UALICE") -> tuple[CheckIn, dict[str, Any]]:
    """Opt a stand-in user in and deliver their check-in; the row and the DM message."""
    tz = app.standin.user(slack_id)["tz"]
    add_users(app.database, [slack_id], now=SLOT - timedelta(hours=1), tz=tz, standin=app.standin)
    dispatcher(app.standin, app.database).run(SLOT)
    (row,) = checkins(app.database, slack_id)
    (message,) = checkin_messages(app.standin, slack_id)
    return row, message


def latest(app: RunningApp, slack_id: str = "UALICE") -> dict[str, Any]:
    return checkin_messages(app.standin, slack_id)[-1]


def count(app: RunningApp, model, **where: Any) -> int:
    with app.database.session() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.scalar(query)


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        element.get("action_id")
        for block in message.get("blocks") or []
        for element in (block.get("elements") or [])
        if block.get("type") == "actions"
    ]


def answer_values(text: str, **extra: Any) -> dict[str, Any]:
    values = {"what": {"text": Input.plain_text(text)}}
    values.update(extra)
    return values


def test_answer_button_modal_stores_evidence_and_closes_the_question(
    running_app: RunningApp,
) -> None:
    """Answer → modal (what, who, dimension, scope, link, impact, visibility) → evidence linked to the check-in."""
    row, message = send_checkin(running_app)
    slack = running_app.slack
    slack.block_action("checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0")
    (opened,) = running_app.standin.wait_for("views.open")
    view = opened.data["view"]
    assert view["private_metadata"] == f"{row.id}:0"
    reply = slack.view_submission(
        "checkin_answer",
        user_id="UALICE",
        values=answer_values(
            "Paired with <@UBOB> on the flaky deploy <!channel>",
            who={"people": Input.multi_users_select(["UBOB", "UCAROL"])},
            dimension={"dimension": Input.static_select("unblocking")},
            scope={"scope": Input.static_select("cross_team")},
            link={"link": Input.url("https://example.com/pr/1")},
            impact={"impact": Input.plain_text("Saved two days")},
            visibility={"visibility": Input.radio("team")},
        ),
    )
    assert reply.status == 200 and reply.body == ""
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        answer = session.scalars(select(Answer)).one()
        checkin = session.get(CheckIn, row.id)
    # Typed into a form: stored Slack-escaped, so the markup typed stays text, never a mention.
    assert entry.text == "Paired with &lt;@UBOB&gt; on the flaky deploy &lt;!channel&gt;"
    assert entry.source == "checkin" and entry.checkin_id == row.id
    assert entry.people == ["UBOB", "UCAROL"]
    assert (entry.dimension, entry.scope, entry.visibility) == ("unblocking", "cross_team", "team")
    assert (entry.link, entry.impact) == ("https://example.com/pr/1", "Saved two days")
    # A late answer still counts for its week: dated at its very end, not when given.
    assert row.slot_at <= entry.occurred_at < row.slot_at + timedelta(days=7)
    assert entry.occurred_at < clock.now() - timedelta(days=1)
    assert answer.prompt_id == row.prompt_ids[0] and answer.evidence_id == entry.id
    assert checkin.status == "answered" and checkin.answered_at is not None
    updated = latest(running_app)
    assert updated["ts"] == message["ts"]
    blocks = str(updated["blocks"])
    assert "checkin_q_0" not in blocks and "checkin_q_1" in blocks
    assert "&lt;!channel&gt;" in blocks and "<!channel>" not in blocks


def test_a_second_click_or_submission_changes_nothing(running_app: RunningApp) -> None:
    """Clicking a used button again (old message) or resubmitting the modal adds nothing."""
    _row, message = send_checkin(running_app)
    slack = running_app.slack
    slack.block_action("checkin_nothing", user_id="UALICE", message=message, block_id="checkin_q_1")
    running_app.standin.wait_for("chat.update")
    slack.block_action("checkin_nothing", user_id="UALICE", message=message, block_id="checkin_q_1")
    running_app.wait_idle()
    assert count(running_app, Answer) == 1
    assert len(running_app.standin.calls_to("chat.update")) == 1
    # Answer on the now-closed question: no modal, a short note instead.
    slack.block_action("checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_1")
    (note,) = running_app.standin.wait_for("response_url")
    assert "already answered" in note.params["text"]
    assert running_app.standin.calls_to("views.open") == []
    # Two submissions of the same question's modal store one answer.
    slack.block_action("checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0")
    running_app.standin.wait_for("views.open")
    view = running_app.standin.find_open_view("UALICE", "checkin_answer")
    for _ in range(2):
        slack.view_submission("checkin_answer", user_id="UALICE", view=view,
                              values=answer_values("Reviewed the RFC"))  # fmt: skip
        running_app.wait_idle()
    assert count(running_app, Answer, kind="answer") == 1
    assert count(running_app, EvidenceEntry) == 1


def test_empty_answer_is_refused_in_the_modal(running_app: RunningApp) -> None:
    """An empty "what happened" or a non-http link keeps the modal open with field errors."""
    _, message = send_checkin(running_app)
    running_app.slack.block_action("checkin_answer", user_id="UALICE", message=message, block_id="checkin_q_0")  # fmt: skip
    running_app.standin.wait_for("views.open")
    reply = running_app.slack.view_submission(
        "checkin_answer",
        user_id="UALICE",
        values=answer_values("   ", link={"link": Input.url("javascript:alert(1)")}),
    )
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"what", "link"}
    running_app.wait_idle()
    assert count(running_app, Answer) == 0


@pytest.mark.parametrize(
    ("action", "status", "note"),
    [("checkin_snooze", "snoozed", "Snoozed"), ("checkin_skip", "skipped", "Skipped")],
)
def test_snooze_and_skip_buttons(
    running_app: RunningApp, action: str, status: str, note: str
) -> None:
    """Snooze/skip change the check-in once and replace its controls with a note.

    A snoozed check-in keeps its Answer buttons: it can still be answered.
    """
    _row, message = send_checkin(running_app)
    running_app.slack.block_action(action, user_id="UALICE", message=message)
    running_app.standin.wait_for("chat.update")
    running_app.slack.block_action(action, user_id="UALICE", message=message)
    running_app.wait_idle()
    assert len(running_app.standin.calls_to("chat.update")) == 1
    (after,) = checkins(running_app.database, "UALICE")
    assert after.status == status
    updated = latest(running_app)
    still_open = ["checkin_answer", "checkin_nothing"] * 3 if status == "snoozed" else []
    assert note in str(updated["blocks"]) and action_ids(updated) == still_open
    if status == "snoozed":  # tomorrow at 15:00 in New York, from the real clock
        local = after.snoozed_until.astimezone(schedule.zone_for("America/New_York"))
        tomorrow = clock.now().astimezone(local.tzinfo).date() + timedelta(days=1)
        assert (local.date(), local.strftime("%H:%M")) == (tomorrow, "15:00")


def test_pause_from_the_checkin(running_app: RunningApp) -> None:
    """Pause for 2 weeks from the check-in: skipped, paused, next check-in after the pause."""
    row, message = send_checkin(running_app)
    running_app.slack.block_action(
        "checkin_pause", user_id="UALICE", message=message,
        selected_option={"text": {"type": "plain_text", "text": "2"}, "value": f"{row.id}:2"},
    )  # fmt: skip
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    who = user(running_app.database, "UALICE")
    assert who.paused_until is not None and who.next_checkin_at > SLOT + timedelta(days=13)
    assert checkins(running_app.database, "UALICE")[0].status == "skipped"
    assert "paused through" in str(latest(running_app)["blocks"])


def test_reply_in_thread_is_an_answer_with_people_and_dimension(running_app: RunningApp) -> None:
    """A thread reply: mentions become people, a #hashtag the dimension; confirmed with Edit."""
    row, message = send_checkin(running_app)
    text = "Walked <@UBOB> through the migration plan #mentoring"
    running_app.slack.dm_message(text, user_id="UALICE", thread_ts=message["ts"])
    confirm = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )[0]
    running_app.wait_idle()
    assert confirm.data["thread_ts"]
    assert "checkin_answer_edit" in str(confirm.data["blocks"])
    assert "<@UBOB>" in str(confirm.data["blocks"])
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        answer = session.scalars(select(Answer)).one()
    assert (entry.people, entry.dimension, entry.source) == (["UBOB"], "mentoring", "checkin")
    assert entry.checkin_id == row.id and entry.text == text
    assert (answer.source, answer.prompt_id) == ("dm", row.prompt_ids[0])
    assert "checkin_q_0" not in str(latest(running_app)["blocks"])
    # Editing the Slack message edits the answer and its evidence.
    reply_ts = answer.message_ts
    running_app.slack.message_changed(
        user_id="UALICE", ts=reply_ts, text="Walked <@UCAROL> through it"
    )
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        answer = session.scalars(select(Answer)).one()
    assert entry.text == answer.text == "Walked <@UCAROL> through it"
    assert entry.people == ["UCAROL"]


def test_top_level_reply_while_open_and_plain_dm_otherwise(running_app: RunningApp) -> None:
    """A top-level DM while a check-in is open answers it; with none open it is just stored."""
    running_app.slack.dm_message("Remember the design review on Tuesday", user_id="UBOB")
    (plain,) = running_app.standin.wait_for("chat.postMessage")
    assert "Got it" in plain.params["text"]
    running_app.wait_idle()
    assert count(running_app, Answer) == 0
    send_checkin(running_app, "UALICE")
    running_app.slack.dm_message("Caught a race condition in review", user_id="UALICE")
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert count(running_app, Answer, source="dm") == 1
    assert count(running_app, EvidenceEntry, source="checkin") == 1


def test_nothing_typed_as_a_reply(running_app: RunningApp) -> None:
    """Replying "nothing this week" marks the open questions as nothing, with no evidence entry."""
    row, message = send_checkin(running_app)
    running_app.slack.dm_message("Nothing this week.", user_id="UALICE", thread_ts=message["ts"])
    running_app.standin.wait_for("chat.update")
    running_app.wait_idle()
    assert count(running_app, Answer, kind="nothing") == len(row.prompt_ids)
    assert count(running_app, EvidenceEntry) == 0
    assert action_ids(latest(running_app)) == []


def test_edit_and_undo_buttons_on_the_confirmation(running_app: RunningApp) -> None:
    """Edit opens the answer prefilled and saves changes; "Not an answer" removes it."""
    _row, message = send_checkin(running_app)
    running_app.slack.dm_message("Wrote the caching RFC", user_id="UALICE", thread_ts=message["ts"])
    (_confirm,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    confirmation = next(
        m
        for m in running_app.standin.dm_messages("UALICE")
        if m.get("text") == "Saved your answer."
    )
    running_app.slack.block_action("checkin_answer_edit", user_id="UALICE", message=confirmation)
    (opened,) = running_app.standin.wait_for("views.open")
    assert "Wrote the caching RFC" in str(opened.data["view"])
    running_app.slack.view_submission(
        "checkin_answer_edit", user_id="UALICE",
        values=answer_values("Wrote the caching RFC, adopted by 3 teams",
                             scope={"scope": Input.static_select("org")}),
    )  # fmt: skip
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
    assert (entry.text, entry.scope) == ("Wrote the caching RFC, adopted by 3 teams", "org")
    running_app.slack.block_action("checkin_answer_undo", user_id="UALICE", message=confirmation)
    running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    assert count(running_app, Answer) == count(running_app, EvidenceEntry) == 0
    assert checkins(running_app.database, "UALICE")[0].status == "sent"


TAMPERED = ["{id}", "abc", "", "-1", "99999999999999999999", "{id}; DROP TABLE users"]


@pytest.mark.parametrize(
    "action", ["checkin_answer", "checkin_nothing", "checkin_snooze", "checkin_skip"]
)
def test_tampered_button_pointing_at_someone_elses_checkin_is_refused(
    running_app: RunningApp, action: str
) -> None:
    """Bob clicking with Alice's check-in id (or garbage) is refused; nothing changes."""
    row, _message = send_checkin(running_app, "UALICE")
    add_users(running_app.database, ["UBOB"], now=SLOT, standin=running_app.standin)
    for value in TAMPERED:
        running_app.slack.block_action(
            action, user_id="UBOB", value=value.format(id=row.id), block_id="checkin_q_0",
            action_type="button", channel_id="DUBOB",
        )  # fmt: skip
    refusals = running_app.standin.wait_for("response_url", count=len(TAMPERED))
    assert all("isn't yours" in c.params["text"] for c in refusals)
    running_app.wait_idle()
    assert running_app.standin.calls_to("views.open") == []
    assert running_app.standin.calls_to("chat.update") == []
    assert count(running_app, Answer) == 0
    assert checkins(running_app.database, "UALICE")[0].status == "sent"


def test_tampered_pause_option_and_view_metadata_are_refused(running_app: RunningApp) -> None:
    """A pause option or modal metadata naming Alice's check-in, sent by Bob, changes nothing."""
    row, _message = send_checkin(running_app, "UALICE")
    add_users(running_app.database, ["UBOB"], now=SLOT, standin=running_app.standin)
    running_app.slack.block_action(
        "checkin_pause", user_id="UBOB", channel_id="DUBOB", action_type="overflow",
        selected_option={"text": {"type": "plain_text", "text": "1"}, "value": f"{row.id}:1"},
    )  # fmt: skip
    running_app.standin.wait_for("response_url")
    for metadata in (f"{row.id}:0", f"{row.id}:9", "x:y", ""):
        running_app.slack.view_submission(
            "checkin_answer", user_id="UBOB", private_metadata=metadata,
            values=answer_values("Bob writes into Alice's week"),
        )  # fmt: skip
    running_app.wait_idle()
    assert count(running_app, Answer) == count(running_app, EvidenceEntry) == 0
    assert user(running_app.database, "UBOB").paused_until is None
    assert user(running_app.database, "UALICE").paused_until is None
    assert checkins(running_app.database, "UALICE")[0].status == "sent"
    refusals = [
        c
        for c in running_app.standin.calls_to("chat.postMessage")
        if "isn't yours" in str(c.params)
    ]
    assert len(refusals) == 4


def test_tampered_answer_id_on_edit_and_undo_is_refused(running_app: RunningApp) -> None:
    """Bob cannot open, change or remove Alice's answer by putting its id in a button or metadata."""
    _row, message = send_checkin(running_app, "UALICE")
    running_app.slack.dm_message(
        "Alice's private reflection", user_id="UALICE", thread_ts=message["ts"]
    )
    running_app.standin.wait_for("chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text")))  # fmt: skip
    running_app.wait_idle()
    with running_app.database.session() as session:
        answer_id = session.scalars(select(Answer.id)).one()
    add_users(running_app.database, ["UBOB"], now=SLOT, standin=running_app.standin)
    for action in ("checkin_answer_edit", "checkin_answer_undo"):
        running_app.slack.block_action(action, user_id="UBOB", value=str(answer_id),
                                       action_type="button", channel_id="DUBOB")  # fmt: skip
    running_app.slack.view_submission("checkin_answer_edit", user_id="UBOB",
                                      private_metadata=str(answer_id),
                                      values=answer_values("overwritten by Bob"))  # fmt: skip
    running_app.standin.wait_for("response_url", count=2)
    running_app.wait_idle()
    assert running_app.standin.calls_to("views.open") == []
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
    assert entry.text == "Alice's private reflection"
    assert count(running_app, Answer) == 1
    assert "Alice's private" not in str(
        [c.params for c in running_app.standin.calls_to("response_url")]
    )


def test_user_ids_are_checked_within_the_workspace(running_app: RunningApp) -> None:
    """The same user id in another workspace cannot act on this workspace's check-in.

    With one bot token (this app) a request for another team is refused at the door
    (tests/e2e/test_one_workspace.py): an empty 200, nothing changed, nobody contacted.
    """
    row, _message = send_checkin(running_app, "UALICE")
    running_app.standin.add_team("T0002", "Other", "xoxb-other", "UBOT2")
    running_app.standin.clear()
    reply = running_app.slack.block_action(
        "checkin_nothing", user_id="UALICE", team_id="T0002", value=str(row.id),
        block_id="checkin_q_0", action_type="button", channel_id="DUALICE",
    )  # fmt: skip
    assert reply.status == 200
    running_app.wait_idle()
    assert [c.method for c in running_app.standin.calls if c.method != "auth.test"] == []
    assert count(running_app, Answer) == 0
    assert checkins(running_app.database, "UALICE")[0].status == "sent"


def test_editing_an_answer_re_suggests_its_expectations(running_app: RunningApp) -> None:
    """An answer the coach mapped to "Writes RFCs…", edited in its form into words about
    mentoring, now maps to "Mentors…" (the person never chose by hand)."""
    _row, message = send_checkin(running_app)
    _enter(running_app, LADDER)
    ids = _expectations(running_app)
    running_app.slack.dm_message(RFC, user_id="UALICE", thread_ts=message["ts"])
    running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Saved" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry_id = session.scalars(select(EvidenceEntry.id)).one()
    assert _mapped(running_app, entry_id) == [
        (ids["Writes RFCs that other teams adopt &amp; follow"], True)
    ]
    confirmation = next(
        m
        for m in running_app.standin.dm_messages("UALICE")
        if m.get("text") == "Saved your answer."
    )
    running_app.slack.block_action("checkin_answer_edit", user_id="UALICE", message=confirmation)
    running_app.standin.wait_for("views.open")
    running_app.slack.view_submission(
        "checkin_answer_edit", user_id="UALICE", values=answer_values(MENTORING)
    )
    running_app.wait_idle()
    assert _mapped(running_app, entry_id) == [(ids["Mentors senior engineers"], True)]
