"""Real-shaped Slack payloads (tests/fixtures/slack/), replayed Slack-signed at the running app.

Each payload is one Slack really sends, in Slack's own shape: events in their envelope,
interactive payloads as the form field `payload`, the URL and SSL checks. The app runs
against the stand-in with exactly the bot scopes of manifest.yml. Every case says what the
payload must do — `stored` (new rows), `changed` (rows or what Slack shows change) or
`ignored` (not one row, not one Web API call) — and nothing may be logged as an error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from sqlalchemy import select

from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import Answer, DirectMessage, EvidenceEntry, User, Workspace
from standin.signing import Reply
from standin.webapi import RecordedCall, SlackStandIn
from tests.e2e.test_checkin_answers import send_checkin
from tests.support import logbook
from tests.support.apps import RunningApp, make_settings, start_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "slack"
MANIFEST_SCOPES = set(
    yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"]
)
# The DM of event_message_im.json, which the edit, unfurl, bump and deletion refer to.
DM_TS = "1765900800.000100"
DM_TEXT = (
    "Walked <@UBOB> through the on-call runbook &amp; the pager rota <https://example.com/runbook>"
)
# Written by every event (de-duplication of Slack's retries), so not an effect of one.
BOOKKEEPING = {"processed_events"}


@pytest.fixture
def replay_app(database: Database) -> Iterator[RunningApp]:
    """The app over HTTP, against a stand-in granting exactly the manifest's scopes."""
    with SlackStandIn(scopes=MANIFEST_SCOPES) as standin:
        standin.add_user("UALICE", name="alice", tz="America/New_York")
        standin.add_user("UBOB", name="bob", tz="Europe/Berlin")
        standin.add_user("UCAROL", name="carol", tz="Asia/Kolkata", is_admin=True)
        standin.add_user(
            "WDANA", name="dana", tz="Europe/Paris", team_id="T0HOME",
            enterprise_teams=["T0HOME", "T0001"], enterprise_id="E0GRID",
        )  # fmt: skip
        settings = make_settings(
            standin=standin, database_url=database.url, home_refresh_delay_seconds=0.01
        )
        running = start_app(settings=settings, database=database, standin=standin)
        try:
            yield running
        finally:
            running.stop()
        assert standin.violations == [], f"Block Kit / safety violations: {standin.violations}"


# ── Replaying ──────────────────────────────────────────────────────────────────────────


def load(name: str, values: dict[str, str]) -> dict[str, Any]:
    """A fixture with its `$NAME` placeholders filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace(f"${key}", value)
    assert "$" not in text.replace("$ref", ""), f"{name}: a placeholder was not filled"
    return json.loads(text)


def send(app: RunningApp, body: dict[str, Any]) -> Reply:
    """Post a payload the way Slack posts its kind, signed."""
    if "ssl_check" in body:
        data, kind = urlencode(body), "application/x-www-form-urlencoded"
    elif body.get("type") in ("event_callback", "url_verification"):
        data, kind = json.dumps(body), "application/json"
    else:
        data, kind = urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded"
    return app.slack.raw(data, content_type=kind)


def settle(app: RunningApp) -> None:
    app.wait_idle(timeout=30)  # generous: the machine running the tests may be busy
    refresher = app.app.home_refresher
    assert refresher is None or refresher.wait_idle(30), "Home republishing still pending"


def fingerprint(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table (the retry bookkeeping aside), in primary-key order."""
    rows: dict[str, list[tuple]] = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            found = session.execute(select(table).order_by(*order)).all()
            rows[table.name] = [tuple(str(v) for v in row) for row in found]
    return rows


@dataclass
class Replayed:
    """What one replay did."""

    reply: Reply
    before: dict[str, list[tuple]]
    after: dict[str, list[tuple]]
    calls: list[RecordedCall]
    values: dict[str, str] = field(default_factory=dict)

    @property
    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def added(self, table: str) -> int:
        return len(self.after[table]) - len(self.before[table])


def one(database: Database, query: Any) -> Any:
    with database.session() as session:
        found = session.scalars(query).one()
        session.expunge_all()
        return found


# ── Arranging ──────────────────────────────────────────────────────────────────────────


def nothing(app: RunningApp) -> dict[str, str]:
    return {}


def the_dm_first(app: RunningApp) -> dict[str, str]:
    """The DM that edits, unfurls, bumps and deletions refer to, as the app received it."""
    assert send(app, load("event_message_im", {})).status == 200
    settle(app)
    return {}


def people(*slack_ids: str, **fields: Any) -> Callable[[RunningApp], dict[str, str]]:
    def arrange(app: RunningApp) -> dict[str, str]:
        with app.database.session() as session:
            for slack_id in slack_ids:
                logbook.user(session, slack_id, **fields)
        return {}

    return arrange


def an_entry(app: RunningApp) -> dict[str, str]:
    """Alice's entry (kudos from Bob), as on her kudos DM and /brag confirmation."""
    with app.database.session() as session:
        alice = logbook.user(session, "UALICE")
        entry = logbook.entry(session, alice, logbook.now(), text="fixed the flaky deploy",
                              source="kudos", people=["UBOB"])  # fmt: skip
        return {"ENTRY_ID": str(entry.id)}


def the_message(app: RunningApp) -> dict[str, str]:
    """Bob's message in #general that the shortcut is run on, as Slack holds it."""
    app.standin.add_message(
        "C0GENERAL",
        user="UBOB",
        text="Thanks <@UALICE> — your review caught the double-charge bug before launch!",
        ts="1765903000.003000",
    )
    return {}


REACTED_TS = "1765904000.004000"


def a_reacted_message(app: RunningApp) -> dict[str, str]:
    """Alice's own message in #general, the bot a member (React to log reads it back)."""
    app.standin.add_channel(
        "C0GENERAL", "general", members=["UALICE", "UBOB", app.standin.bot_user_id()]
    )
    app.standin.add_message(
        "C0GENERAL", user="UALICE", text="Led the payments incident review", ts=REACTED_TS
    )
    return {}


def a_captured_message(app: RunningApp) -> dict[str, str]:
    """That message, captured by alice's :trophy: 20 s before the removal being replayed."""
    a_reacted_message(app)
    reply = app.slack.reaction_added(
        user_id="UALICE", channel_id="C0GENERAL", ts=REACTED_TS, event_ts="1765904010.004100"
    )
    assert reply.status == 200
    settle(app)
    return {}


THANKS_TEXT = "Huge thanks to <@UBOB> for the quick review of the payments migration :pray:"


def thanks_opted_in(
    channel_id: str, ts: str, *, private: bool = False
) -> Callable[[RunningApp], dict[str, str]]:
    """Bob and the workspace opted in to thanks capture; Alice's thanks is in the channel."""

    def arrange(app: RunningApp) -> dict[str, str]:
        members = ["UALICE", "UBOB", app.standin.bot_user_id()]
        app.standin.add_channel(channel_id, channel_id.lower(), members, is_private=private)
        app.standin.add_message(channel_id, user="UALICE", text=THANKS_TEXT, ts=ts)
        with app.database.session() as session:
            bob = logbook.user(session, "UBOB", capture_thanks=True)
            bob.workspace.settings = {"capture_thanks": True}
            session.commit()
        return {}

    return arrange


def a_checkin(app: RunningApp) -> dict[str, str]:
    """Alice's check-in, delivered: its first question is what the answer modal is for."""
    row, _ = send_checkin(app)
    settle(app)
    return {"CHECKIN_META": f"{row.id}:0"}


def an_answer(app: RunningApp) -> dict[str, str]:
    """Alice answered her check-in's first question in the modal."""
    values = a_checkin(app)
    values["TRIGGER_ID"] = app.standin.issue_trigger_id("UALICE", "T0001")
    assert send(app, load("view_submission_checkin_answer", values)).status == 200
    settle(app)
    answer = one(app.database, select(Answer))
    return {"ANSWER_ID": str(answer.id)}


# ── Checking ───────────────────────────────────────────────────────────────────────────


def ignored(run: Replayed, app: RunningApp) -> None:
    assert run.after == run.before, "an ignored payload changed the database"
    assert run.methods == [], f"an ignored payload called Slack: {run.methods}"


def dm_stored(ts: str, text: str, thread_ts: str | None = None) -> Callable:
    def check(run: Replayed, app: RunningApp) -> None:
        assert run.added("direct_messages") == 1
        dm = one(app.database, select(DirectMessage).where(DirectMessage.ts == ts))
        assert (dm.text, dm.channel_id, dm.thread_ts) == (text, "DUALICE", thread_ts)
        assert "chat.postMessage" in run.methods  # "Got it": it is kept

    return check


def dm_edited(run: Replayed, app: RunningApp) -> None:
    dm = one(app.database, select(DirectMessage).where(DirectMessage.ts == DM_TS))
    assert dm.text == "Walked <@UBOB> and <@UCAROL> through the on-call runbook"
    assert dm.edited_ts == "1765900860.000000"
    assert run.added("direct_messages") == 0


def home_published(run: Replayed, app: RunningApp) -> None:
    published = [c for c in run.calls if c.method == "views.publish"]
    assert published and all(c.params["user_id"] == "UALICE" for c in published)
    assert app.standin.home_view("UALICE") is not None


def user_field(slack_id: str, **expected: Any) -> Callable:
    def check(run: Replayed, app: RunningApp) -> None:
        user = one(app.database, select(User).where(User.slack_user_id == slack_id))
        assert {k: getattr(user, k) for k in expected} == expected
        assert run.added("users") == 0

    return check


def workspace_inactive(run: Replayed, app: RunningApp) -> None:
    workspace = one(app.database, select(Workspace).where(Workspace.team_id == "T0001"))
    assert workspace.active is False and workspace.purge_after is not None


def entry_shared(run: Replayed, app: RunningApp) -> None:
    entry = one(app.database, select(EvidenceEntry))
    assert entry.visibility == "team"
    assert "response_url" in run.methods


def entry_deleted(run: Replayed, app: RunningApp) -> None:
    assert run.added("evidence_entries") == -1
    assert "response_url" in run.methods


def summary_switched_off(run: Replayed, app: RunningApp) -> None:
    user_field("UALICE", summary_enabled=False)(run, app)
    home_published(run, app)


def entry_stored(run: Replayed, app: RunningApp) -> None:
    entry = one(app.database, select(EvidenceEntry))
    assert entry.text == "Wrote the RFC for the queue migration; two teams adopted it 🚀"
    assert (entry.dimension, entry.scope, entry.people) == ("writing", "cross_team", ["UBOB"])
    assert (entry.link, entry.visibility, entry.source) == (
        "https://example.com/rfc/queue", "private", "modal",
    )  # fmt: skip


def answer_stored(run: Replayed, app: RunningApp) -> None:
    answer = one(app.database, select(Answer))
    entry = one(app.database, select(EvidenceEntry))
    # Typed into a plain_text_input: `@bob` as typed (no mention markup), stored as typed.
    assert answer.text == "Paired with @bob on the flaky deploy; his team ships again"
    assert (entry.source, entry.people, entry.visibility) == ("checkin", ["UBOB"], "team")
    assert answer.checkin_id == entry.checkin_id
    assert "chat.update" in run.methods  # the check-in's answered question loses its buttons


def answer_edited(run: Replayed, app: RunningApp) -> None:
    answer = one(app.database, select(Answer))
    assert answer.text == "Paired with bob on the deploy pipeline; it is green again"
    assert run.added("answers") == 0


def thanks_suggested(run: Replayed, app: RunningApp) -> None:
    assert run.added("thanks_suggestions") == 1
    assert THANKS_TEXT not in str(run.after["thanks_suggestions"])  # ids only
    (dm,) = [c for c in run.calls if c.method == "chat.postMessage"]
    assert dm.params["channel"] == "UBOB"
    assert "conversations.history" not in run.methods  # read only when Bob logs it


def never_read(run: Replayed, app: RunningApp) -> None:
    ignored(run, app)
    assert run.calls == []


def settings_saved(run: Replayed, app: RunningApp) -> None:
    user = one(app.database, select(User).where(User.slack_user_id == "UALICE"))
    assert (user.checkins_enabled, user.cadence, user.checkin_weekday) == (True, "weekly", 3)
    assert (user.checkin_minute, user.reminder_enabled) == (630, True)
    assert (user.quiet_start_minute, user.quiet_end_minute) == (1320, 420)


def form_opened(run: Replayed, app: RunningApp) -> None:
    (opened,) = [c for c in run.calls if c.method == "views.open"]
    assert opened.ok, opened.response
    assert opened.json("view")["callback_id"] == "evidence_entry"
    assert "Thanks @alice" in str(opened.json("view")["blocks"])  # the prefill reads as typed
    assert run.added("evidence_entries") == 0  # nothing kept until the form is saved


def reaction_logged(run: Replayed, app: RunningApp) -> None:
    entry = one(app.database, select(EvidenceEntry))
    assert (entry.text, entry.source) == ("Led the payments incident review", "reaction")
    assert (entry.source_channel_id, entry.source_message_ts) == ("C0GENERAL", REACTED_TS)
    assert entry.permalink and "chat.postMessage" in run.methods  # the DM confirmation


def reaction_undone(run: Replayed, app: RunningApp) -> None:
    assert run.added("evidence_entries") == -1
    assert "chat.update" in run.methods  # the confirmation says it was undone


def challenge_answered(run: Replayed, app: RunningApp) -> None:
    ignored(run, app)
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in run.reply.body


@dataclass(frozen=True)
class Case:
    expect: str  # stored | changed | ignored
    check: Callable[[Replayed, RunningApp], None]
    arrange: Callable[[RunningApp], dict[str, str]] = nothing
    status: int = 200


CASES: dict[str, Case] = {
    # Messages in the bot's DM: what the person wrote is kept; the rest changes nothing.
    "event_message_im": Case("stored", dm_stored(DM_TS, DM_TEXT)),
    "event_message_changed_user_edit": Case("changed", dm_edited, the_dm_first),
    "event_message_changed_unfurl": Case("ignored", ignored, the_dm_first),
    "event_message_changed_thread_bump": Case("ignored", ignored, the_dm_first),
    "event_message_deleted": Case("ignored", ignored, the_dm_first),
    "event_bot_message": Case("ignored", ignored),
    # Public channels: a thanks becomes a suggestion (ids only); private ones are never read.
    "event_message_channels": Case(
        "stored", thanks_suggested, thanks_opted_in("C0PAY", "1765902000.000200")
    ),
    # Not subscribed (no message.groups): no listener, Bolt answers 404, nothing is read.
    "event_message_groups": Case(
        "ignored",
        never_read,
        thanks_opted_in("G0SECRET", "1765902100.000300", private=True),
        status=404,
    ),
    "event_thread_broadcast": Case(
        "stored",
        dm_stored("1765901000.000800", "Also: paired with <@UBOB> on the flaky deploy", DM_TS),
    ),
    "event_file_share": Case(
        "stored",
        dm_stored("1765901100.000900", "The incident review I wrote for the payments outage"),
    ),
    "event_me_message": Case(
        "stored",
        dm_stored(
            "1765901200.001000", "is mentoring two new hires through their first on-call week"
        ),
    ),
    # The App Home.
    "event_app_home_opened_with_view": Case("changed", home_published),
    "event_app_home_opened_without_view": Case("changed", home_published),
    "event_app_home_opened_messages_tab": Case("ignored", ignored),
    # Profiles, revocation, uninstall.
    "event_user_change": Case(
        "changed", user_field("UALICE", tz="Europe/Lisbon"), people("UALICE")
    ),
    "event_user_change_grid": Case(
        "changed", user_field("WDANA", tz="Asia/Tokyo"), people("WDANA", tz="Europe/Paris")
    ),
    "event_user_change_deactivated": Case(
        "changed", user_field("UBOB", active=False, inactive_reason="deactivated"), people("UBOB")
    ),
    "event_tokens_revoked": Case(
        "changed",
        user_field("UALICE", active=False, inactive_reason="tokens_revoked"),
        people("UALICE"),
    ),
    "event_app_uninstalled": Case("changed", workspace_inactive, people("UALICE")),
    # React to log: the capture emoji on your own message, and its removal within a minute.
    "event_reaction_added": Case("stored", reaction_logged, a_reacted_message),
    "event_reaction_removed": Case("changed", reaction_undone, a_captured_message),
    # Buttons, from a message, an ephemeral message, the Home tab and a modal.
    "block_actions_message": Case("changed", entry_shared, an_entry),
    "block_actions_ephemeral": Case("changed", entry_deleted, an_entry),
    "block_actions_home": Case("changed", summary_switched_off, people("UALICE")),
    # Our modals have no element that sends block_actions: nothing listens, nothing changes.
    "block_actions_modal": Case("ignored", ignored, status=404),
    # Every modal of the app.
    "view_submission_evidence_entry": Case("stored", entry_stored),
    "view_submission_checkin_answer": Case("stored", answer_stored, a_checkin),
    "view_submission_checkin_answer_edit": Case("changed", answer_edited, an_answer),
    "view_submission_checkin_settings": Case(
        "changed", settings_saved, people("UALICE", tz="America/New_York")
    ),
    # Shortcuts: the message shortcut opens the entry form; the app defines no global one.
    "message_action_log_as_evidence": Case("changed", form_opened, the_message),
    "shortcut_global": Case("ignored", ignored, status=404),
    # Slack's checks of the request URL.
    "url_verification": Case("ignored", challenge_answered),
    "ssl_check": Case("ignored", ignored),
}


def test_every_fixture_has_a_case() -> None:
    """No payload in tests/fixtures/slack goes unreplayed, and no case lacks its payload."""
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_replayed_payload_has_its_effect_and_logs_no_error(
    name: str, replay_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    """A real-shaped payload, signed and sent as Slack sends it, is stored, changes what it
    should, or is ignored entirely; and nothing is logged as an error."""
    case = CASES[name]
    values = case.arrange(replay_app)
    values.setdefault("TRIGGER_ID", replay_app.standin.issue_trigger_id("UALICE", "T0001"))
    values.setdefault("RESPONSE_URL", replay_app.standin.response_url(name))
    body = load(name, values)
    settle(replay_app)
    before = fingerprint(replay_app.database)
    first_call = len(replay_app.standin.calls)
    with caplog.at_level(logging.INFO):
        reply = send(replay_app, body)
        settle(replay_app)
    run = Replayed(
        reply=reply,
        before=before,
        after=fingerprint(replay_app.database),
        calls=replay_app.standin.calls[first_call:],
        values=values,
    )
    assert reply.status == case.status, reply.body
    case.check(run, replay_app)
    if case.expect == "stored":
        assert any(run.added(t) > 0 for t in run.after), "nothing was stored"
    elif case.expect == "changed":
        assert run.after != run.before or run.calls, "nothing changed"
    else:
        assert case.expect == "ignored" and run.after == run.before
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert all(call.ok for call in run.calls), [c.summary() for c in run.calls if not c.ok]
