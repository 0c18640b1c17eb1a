"""The "Log as evidence" message shortcut: prefilled form, permalink, author as a person."""

from __future__ import annotations

from bot.db.models import EvidenceEntry
from standin.signing import Input
from tests.e2e.evidence_helpers import count, element, entries
from tests.support.apps import RunningApp


def _post(running_app: RunningApp, text: str, user: str = "UBOB") -> dict:
    running_app.standin.add_channel("C0GENERAL", "general", members=["UALICE", "UBOB", "UCAROL"])
    return running_app.standin.add_message("C0GENERAL", user=user, text=text)


def test_shortcut_prefills_text_permalink_and_author(running_app: RunningApp) -> None:
    """The form opens with the message text, its permalink and its author as a person."""
    text = "Thanks <@UALICE> — your review caught the double-charge bug before launch! <!here>"
    message = _post(running_app, text)
    running_app.slack.message_shortcut("log_as_evidence", user_id="UALICE", message=message)
    (opened,) = running_app.standin.wait_for("views.open")
    view = opened.json("view")
    _, text_input = element(view, "text")
    shown = "Thanks @alice — your review caught the double-charge bug before launch! @here"
    assert text_input["initial_value"] == shown  # people by name (users.info), as Slack shows
    _, people = element(view, "people")
    assert people["initial_users"] == ["UBOB"]
    permalink = running_app.standin.wait_for("chat.getPermalink")[0].response["permalink"]
    assert permalink in str(view["blocks"])
    _, dimension = element(view, "dimension")
    assert dimension["initial_option"]["value"] == "reviews"
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0  # nothing kept until the form is saved

    running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "text": {"text": Input.plain_text(shown + " & more")},
            "dimension": {"dimension": Input.static_select("reviews")},
            "people": {"people": Input.multi_users_select(["UBOB"])},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    # What was typed in the form, Slack-escaped like every stored text.
    assert entry.text == shown + " &amp; more" and entry.source == "shortcut"
    assert entry.source_channel_id == "C0GENERAL" and entry.source_message_ts == message["ts"]
    assert entry.permalink == permalink
    assert entry.people == ["UBOB"]


def test_shortcut_on_own_message_suggests_nobody(running_app: RunningApp) -> None:
    """Logging your own message does not suggest yourself as a person you helped."""
    message = _post(running_app, "Posted the migration plan for review #rfc", user="UALICE")
    running_app.slack.message_shortcut("log_as_evidence", user_id="UALICE", message=message)
    view = running_app.standin.wait_for("views.open")[0].json("view")
    _, people = element(view, "people")
    assert "initial_users" not in people


def test_shortcut_without_a_permalink_still_opens(running_app: RunningApp) -> None:
    """A message the bot can't link to still opens the form, without a permalink."""
    running_app.standin.fail_next("chat.getPermalink", error="channel_not_found")
    message = {
        "type": "message",
        "user": "UBOB",
        "text": "helped me debug",
        "ts": "1700000000.000100",
    }
    running_app.slack.message_shortcut(
        "log_as_evidence", user_id="UALICE", message=message, channel_id="CPRIVATE1"
    )
    view = running_app.standin.wait_for("views.open")[0].json("view")
    assert "open it" not in str(view["blocks"])


def test_long_message_is_kept_at_once_and_opened_for_editing(running_app: RunningApp) -> None:
    """A message longer than a form can hold is stored exactly and opened as an edit."""
    text = "incident review: " + "x" * 4000
    message = _post(running_app, text)
    running_app.slack.message_shortcut("log_as_evidence", user_id="UALICE", message=message)
    view = running_app.standin.wait_for("views.open")[0].json("view")
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == text and entry.permalink
    assert '"entry"' in view["private_metadata"]
    assert "can't be edited here" in str(view["blocks"])
    running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        values={
            "impact": {"impact": Input.plain_text("Found the root cause in an hour")},
            "visibility": {"visibility": Input.radio("private")},
        },
    )
    running_app.wait_idle()
    (entry,) = entries(running_app, "UALICE")
    assert entry.text == text and entry.impact == "Found the root cause in an hour"
