"""Exports of an empty period, kudos that outlive their giver's forget-me, and buttons of a
forgotten person (a check-in's too)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.db.models import Answer, EvidenceEntry, Kudos, User
from tests.e2e.evidence_helpers import brag, click, count, entries, last_response
from tests.e2e.test_checkin_answers import send_checkin
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp


def test_export_of_an_empty_period_says_so_instead_of_sending_a_file(
    running_app: RunningApp,
) -> None:
    """`export packet 2020` with nothing logged then: a plain sentence, and no file."""
    brag(running_app, "Wrote the RFC #rfc", n=1)
    multiplier(running_app, "export packet 2020", n=2)
    answer = last_response(running_app, 3)
    assert answer["replace_original"] is True  # in place of "Preparing…"
    assert answer["text"].startswith("Nothing to export: there is no evidence in 2020")
    assert running_app.standin.uploaded_files() == []
    assert running_app.standin.calls_to("files.getUploadURLExternal") == []


def test_home_packet_button_with_nothing_logged_says_so(running_app: RunningApp) -> None:
    """The Home tab's packet button, with no evidence yet, DMs a sentence instead of a file."""
    running_app.slack.app_home_opened(user_id="UBOB")
    running_app.standin.wait_for("views.publish")
    running_app.wait_idle()
    home = running_app.standin.home_view("UBOB")
    running_app.slack.block_action("home_export_packet", user_id="UBOB", view=home)
    (dm,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: "Nothing to export" in str(c.params.get("text"))
    )
    running_app.wait_idle()
    assert dm.params["channel"] == "UBOB"
    assert running_app.standin.uploaded_files() == []


def test_kudos_a_forgotten_giver_gave_stay_with_the_recipient(running_app: RunningApp) -> None:
    """Forget-me warns the giver first; afterwards bob keeps the kudos as his evidence, from
    "a former colleague", in his log, his DM's buttons and his packet."""
    running_app.slack.slash_command("/kudos", "<@UBOB|bob> fixed CI for everyone", user_id="UALICE")
    running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    (dm,) = running_app.standin.wait_for("chat.postMessage")
    prompt = multiplier(running_app, "forget-me", n=2)
    warning = prompt["blocks"][0]["text"]["text"]
    assert "The kudos you gave stays on its recipient's log" in warning
    assert '"from a former colleague"' in warning
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, 3)["text"]
    (kept,) = entries(running_app, "UBOB")
    assert kept.text == "<@UBOB|bob> fixed CI for everyone" and kept.people == []
    with running_app.database.session() as session:
        (kudos,) = session.scalars(select(Kudos))
        assert kudos.giver_id is None and kudos.evidence_id == kept.id
        assert session.scalars(select(User.slack_user_id)).all() == ["UBOB"]
    # Bob's DM buttons still work, and name no one.
    message = {"blocks": dm.json("blocks"), "ts": dm.response["ts"], "channel": "DUBOB"}
    running_app.slack.block_action("evidence_share", user_id="UBOB", message=message)
    redrawn = last_response(running_app, 4)
    running_app.wait_idle()
    assert redrawn["blocks"][0]["text"]["text"].startswith(
        ":tada: A former colleague gave you kudos:"
    )
    multiplier(running_app, "export packet", user_id="UBOB", n=5)
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (packet,) = running_app.standin.uploaded_files()
    markdown = packet.content.decode()
    assert "  - Kudos from a former colleague" in markdown and "kudos received: 1" in markdown
    assert "alice" not in markdown.lower()


def test_buttons_of_a_forgotten_person_say_it_was_deleted(running_app: RunningApp) -> None:
    """After forget-me, Delete on an old /brag confirmation answers "deleted with forget-me",
    changes nothing and makes no new row for them."""
    confirmation = brag(running_app, "Reviewed the payments RFC", n=1)
    prompt = multiplier(running_app, "forget-me", n=2)
    click(running_app, prompt, "forget_me_confirm")
    assert count(running_app, User) == 0
    click(running_app, confirmation, "evidence_delete")  # a message from long ago
    answer = last_response(running_app, 4)
    assert answer["text"].startswith("This was deleted with forget-me")
    assert count(running_app, User) == 0 and count(running_app, EvidenceEntry) == 0


def test_a_checkin_button_after_forget_me_says_it_went_with_the_data(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    """A button on a check-in sent before forget-me, pressed once the person uses the app
    again (a new row) or at once: "it went with your data", and no tampering warning
    (failed before: "That check-in isn't yours…" and a warning in the log)."""
    caplog.set_level(logging.INFO)
    _row, message = send_checkin(running_app)
    prompt = multiplier(running_app, "forget-me", n=1)
    click(running_app, prompt, "forget_me_confirm")
    assert count(running_app, User) == 0
    brag(running_app, "Reviewed the payments RFC", n=3)  # back again: a new row
    running_app.slack.block_action("checkin_nothing", user_id="UALICE", message=message)
    answer = last_response(running_app, 4)
    running_app.wait_idle()
    assert answer["text"] == "You deleted your data with forget-me; this check-in went with it."
    assert not [r for r in caplog.records if "refused a check-in action" in r.getMessage()]
    assert count(running_app, Answer) == 0
