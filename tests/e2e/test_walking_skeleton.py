"""A walking skeleton through every layer: signed request → listener → service → DB → Slack."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import DirectMessage, EvidenceEntry, ProcessedEvent, User
from tests.support.apps import RunningApp


def _count(running_app: RunningApp, model) -> int:
    with running_app.database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_help_names_the_commands(running_app: RunningApp) -> None:
    """/multiplier help answers ephemerally with usage naming /brag and /kudos."""
    reply = running_app.slack.slash_command("/multiplier", "help", user_id="UALICE")
    assert reply.status == 200
    (call,) = running_app.standin.wait_for("response_url")
    assert call.params["response_type"] == "ephemeral"
    assert "/brag" in call.params["text"] and "/kudos" in call.params["text"]


def test_unknown_subcommand_echoes_what_was_typed(running_app: RunningApp) -> None:
    """An unknown subcommand gets a short usage message with the typed text echoed back."""
    running_app.slack.slash_command("/multiplier", "frobnicate <!channel> now", user_id="UALICE")
    (call,) = running_app.standin.wait_for("response_url")
    blob = str(call.params["blocks"])
    assert "frobnicate" in call.params["text"]
    # As the person typed it (Slack sent `<!channel>` for their @channel), never a broadcast.
    assert "frobnicate @channel now" in blob and "<!channel>" not in blob


def test_brag_stores_and_confirms(running_app: RunningApp) -> None:
    """/brag <text> stores a private evidence entry exactly as typed and confirms."""
    text = "Unblocked <@UBOB|bob> on the deploy — 2h saved ✨"
    running_app.slack.slash_command("/brag", text, user_id="UALICE")
    (call,) = running_app.standin.wait_for("response_url")
    assert "Logged" in call.params["text"]
    running_app.wait_idle()
    with running_app.database.session() as session:
        entry = session.scalars(select(EvidenceEntry)).one()
        owner = session.get(User, entry.user_id)
        assert entry.text == text
        assert entry.visibility == "private"
        assert entry.source == "brag"
        assert owner.slack_user_id == "UALICE"


def test_empty_brag_opens_the_form_and_stores_nothing(running_app: RunningApp) -> None:
    """/brag with no text opens the evidence form and stores nothing until it is saved."""
    running_app.slack.slash_command("/brag", "   ", user_id="UALICE")
    (call,) = running_app.standin.wait_for("views.open")
    assert call.json("view")["callback_id"] == "evidence_entry"
    running_app.wait_idle()
    assert _count(running_app, EvidenceEntry) == 0


def test_oversized_brag_is_refused_with_an_echo(running_app: RunningApp) -> None:
    """Text over 10,000 characters is not stored, and is echoed back so nothing is lost."""
    text = "x" * 10_001
    running_app.slack.slash_command("/brag", text, user_id="UALICE")
    (call,) = running_app.standin.wait_for("response_url")
    assert "10,001 characters" in call.params["text"]
    assert "xxxxxxxx" in str(call.params["blocks"])
    running_app.wait_idle()
    assert _count(running_app, EvidenceEntry) == 0


def test_home_tab_shows_stored_entries(running_app: RunningApp) -> None:
    """app_home_opened publishes a Home tab built from the user's own entries."""
    running_app.slack.slash_command("/brag", "Wrote the caching RFC", user_id="UALICE")
    running_app.standin.wait_for("response_url")
    running_app.slack.slash_command("/brag", "bob's secret", user_id="UBOB")
    running_app.standin.wait_for("response_url", count=2)
    running_app.slack.app_home_opened(user_id="UALICE")
    (call,) = running_app.standin.wait_for("views.publish")
    assert call.params["user_id"] == "UALICE"
    view = str(call.params["view"])
    assert "Wrote the caching RFC" in view
    assert "bob's secret" not in view


def test_direct_message_is_stored(running_app: RunningApp) -> None:
    """A DM to the bot is stored exactly as typed, and the bot answers in the DM."""
    running_app.slack.dm_message("Helped carol debug the flaky test 🙂", user_id="UALICE")
    running_app.standin.wait_for("chat.postMessage")
    running_app.wait_idle()
    with running_app.database.session() as session:
        message = session.scalars(select(DirectMessage)).one()
        assert message.text == "Helped carol debug the flaky test 🙂"


def test_retried_event_is_stored_once(running_app: RunningApp) -> None:
    """The same event delivered three times (with X-Slack-Retry-Num) is stored once."""
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DUALICE",
        "user": "UALICE",
        "text": "only once please",
        "ts": "1700000000.000100",
    }
    for retry in (None, 1, 2):
        reply = running_app.slack.event(
            event,
            event_id="Ev0RETRY",
            retry_num=retry,
            retry_reason="http_timeout" if retry else None,
        )
        assert reply.status == 200
    running_app.wait_idle()
    assert _count(running_app, DirectMessage) == 1
    assert _count(running_app, ProcessedEvent) == 1
    assert len(running_app.standin.calls_to("chat.postMessage")) == 1


def test_user_change_refreshes_time_zone(running_app: RunningApp) -> None:
    """user_change keeps a known user's time zone fresh."""
    running_app.slack.slash_command("/brag", "first contact", user_id="UALICE")
    running_app.standin.wait_for("response_url")
    running_app.wait_idle()
    running_app.slack.user_change(
        {"id": "UALICE", "team_id": "T0001", "tz": "Asia/Kolkata", "deleted": False}
    )
    running_app.wait_idle()
    with running_app.database.session() as session:
        user = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert user.tz == "Asia/Kolkata"


def test_listener_failure_tells_the_user(running_app: RunningApp) -> None:
    """When a listener fails, the global handler tells the user briefly and ephemerally."""
    running_app.standin.fail_next("chat.postMessage", error="internal_error")
    running_app.slack.dm_message("this reply will fail", user_id="UALICE")
    (call,) = running_app.standin.wait_for("chat.postEphemeral")
    assert "something went wrong" in call.params["text"]
    assert call.params["user"] == "UALICE"
    running_app.wait_idle()
    assert _count(running_app, DirectMessage) == 1  # what the user typed was kept


def test_malformed_request_gets_a_clear_status(running_app: RunningApp) -> None:
    """A correctly signed but malformed body is answered with a 4xx, not a traceback."""
    reply = running_app.slack.raw(
        b"payload=%7Bnot-json", content_type="application/x-www-form-urlencoded"
    )
    assert 400 <= reply.status < 500
    assert "Traceback" not in reply.body
