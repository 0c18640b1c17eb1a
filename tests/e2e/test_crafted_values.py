"""Crafted numbers in button values, block ids, option values and view metadata are refused
as tampering, never an unhandled error (issue 12 item 7)."""

from __future__ import annotations

import logging

import pytest

from bot.db.models import Answer, EvidenceEntry, Kudos
from standin.signing import Input
from tests.checkins.support import add_users, checkins, user
from tests.e2e.evidence_helpers import brag, count, entries, last_response
from tests.e2e.test_checkin_answers import SLOT, answer_values, send_checkin
from tests.support.apps import RunningApp

# Digits Python calls digits ('²'.isdigit(), '٣'.isdigit(), '１'.isdigit() are all true),
# and numbers past what a row id or a date can be.
CRAFTED_NUMBERS = ["²", "٣", "１", " 0", "0 ", "1_0", "+1", "-1", "99999999999999999999999"]


def _no_unhandled_errors(caplog: pytest.LogCaptureFixture) -> None:
    failures = [r for r in caplog.records if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert failures == [], [r.getMessage() for r in failures]


@pytest.mark.parametrize("action", ["checkin_answer", "checkin_nothing"])
def test_a_crafted_question_index_is_refused(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture, action: str
) -> None:
    """`checkin_q_²` (and friends) on the person's own check-in: refused, nothing stored."""
    row, message = send_checkin(running_app)
    for digits in CRAFTED_NUMBERS:
        running_app.slack.block_action(
            action, user_id="UALICE", value=str(row.id), block_id=f"checkin_q_{digits}",
            action_type="button", channel_id=message["channel"],
        )  # fmt: skip
    refusals = running_app.standin.wait_for("response_url", count=len(CRAFTED_NUMBERS))
    running_app.wait_idle()
    assert all("isn't yours" in c.params["text"] for c in refusals)
    assert running_app.standin.calls_to("views.open") == []
    assert count(running_app, Answer) == 0
    assert checkins(running_app.database, "UALICE")[0].status == row.status == "sent"
    _no_unhandled_errors(caplog)


def test_crafted_ids_in_buttons_and_view_metadata_are_refused(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    """Check-in ids, pause weeks and answer-form metadata with crafted digits are refused."""
    row, message = send_checkin(running_app)
    for digits in CRAFTED_NUMBERS:
        running_app.slack.block_action(
            "checkin_skip", user_id="UALICE", value=digits, block_id="checkin_q_0",
            action_type="button", channel_id=message["channel"],
        )  # fmt: skip
        running_app.slack.block_action(
            "checkin_pause", user_id="UALICE", channel_id=message["channel"],
            action_type="overflow",
            selected_option={"text": {"type": "plain_text", "text": "1"},
                             "value": f"{row.id}:{digits}"},
        )  # fmt: skip
        for metadata in (f"{row.id}:{digits}", f"{digits}:0"):
            running_app.slack.view_submission(
                "checkin_answer", user_id="UALICE", private_metadata=metadata,
                values=answer_values("crafted"),
            )  # fmt: skip
    running_app.wait_idle()
    assert count(running_app, Answer) == count(running_app, EvidenceEntry) == 0
    assert checkins(running_app.database, "UALICE")[0].status == "sent"
    assert user(running_app.database, "UALICE").paused_until is None
    _no_unhandled_errors(caplog)


@pytest.mark.parametrize(
    "spec",
    [
        "|999999999999|0||0",  # a start in the year 33658: no date holds it
        "|0|999999999999||0",
        "|٠|0||0",  # Arabic-Indic digits
        "|0|0|0|0",  # ask for none
        "|0|0|501|0",
        "|0|0||²",
    ],
)
def test_a_crafted_evidence_page_is_refused(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture, spec: str
) -> None:
    """`evidence_page` with a year out of range or foreign digits: 'out of date', no error."""
    brag(running_app, "wrote the RFC #rfc")
    running_app.slack.block_action(
        "evidence_page", user_id="UALICE", value=spec, action_type="button"
    )
    answer = last_response(running_app, 2)
    running_app.wait_idle()
    assert "out of date" in answer["text"]
    _no_unhandled_errors(caplog)


def test_a_crafted_kudos_or_entry_id_is_refused(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    """Kudos and entry ids past a bigint (SQLite could not even bind them) are refused."""
    running_app.slack.slash_command("/kudos", "<@UBOB|bob> fixed the build", user_id="UALICE")
    last_response(running_app, 1)
    running_app.wait_idle()
    n = 1
    for digits in CRAFTED_NUMBERS:
        for action_id, value in (
            ("kudos_share", f"{digits}:on"),
            ("evidence_delete", digits),
            ("evidence_share", f"{digits}:team"),
        ):
            running_app.slack.block_action(
                action_id, user_id="UALICE", value=value, action_type="button"
            )
            n += 1
            assert "nothing changed" in last_response(running_app, n)["text"], (action_id, value)
    running_app.wait_idle()
    with running_app.database.session() as session:
        assert [k.share_in_digest for k in session.query(Kudos)] == [False]
    assert len(entries(running_app, "UBOB")) == 1
    _no_unhandled_errors(caplog)


@pytest.mark.parametrize(
    ("day", "workday", "pause"),
    [("²", "0", None), ("4", "٣", None), ("4", "0", "99999-01-01"), ("4", "0", "2026-1²-01")],
)
def test_crafted_settings_values_are_refused(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture, day: str, workday: str, pause
) -> None:
    """The settings form with a crafted day, work day or pause date: refused or ignored,
    never an error, and nothing about the schedule is stored from it."""
    add_users(running_app.database, ["UBOB"], now=SLOT, standin=running_app.standin)
    before = user(running_app.database, "UBOB")
    values = {
        "cadence": {"cadence": Input.static_select("weekly")},
        "day": {"day": Input.static_select(day)},
        "time": {"time": Input.timepicker("15:00")},
        "workdays": {"workdays": Input.checkboxes([workday])},
    }
    if pause:
        values["pause_until"] = {"pause_until": {"type": "datepicker", "selected_date": pause}}
    reply = running_app.slack.view_submission("checkin_settings", user_id="UBOB", values=values)
    running_app.wait_idle()
    assert reply.status == 200
    after = user(running_app.database, "UBOB")
    if day != "4" or pause:
        assert reply.json()["response_action"] == "errors"
        assert (after.checkin_weekday, after.paused_until) == (
            before.checkin_weekday,
            before.paused_until,
        )
    else:
        # The foreign digit is no day: the one work day checked counts as none checked.
        assert after.workdays == before.workdays or reply.json()["response_action"] == "errors"
    _no_unhandled_errors(caplog)
