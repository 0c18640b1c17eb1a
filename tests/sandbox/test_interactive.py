"""Buttons, menus and modals in the sandbox, exercised with listeners and a job added for the test.

The app has no buttons or modals of its own yet that cover every element type, so the test
adds some to the running Bolt app: a job DMs alice a message with buttons, one button opens
a modal with every kind of input, and its submission is validated by the app.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.scheduling.catalog import JOBS
from bot.scheduling.jobs import JobContext, JobResult, JobSpec
from sandbox.hints import NEXT_DUE
from sandbox.workspace import Sandbox
from tests.sandbox.conftest import Session

SCOPES = [("self", "Just me"), ("team", "My team"), ("org", "The whole org")]


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _menu_message() -> dict[str, Any]:
    return {
        "text": "Time to reflect",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Time to reflect*, <@UALICE>"}},
            {
                "type": "actions",
                "block_id": "choices",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "demo_open",
                        "text": {"type": "plain_text", "text": "Answer"},
                        "value": "checkin-1",
                    },
                    {
                        "type": "button",
                        "action_id": "demo_done",
                        "text": {"type": "plain_text", "text": "Nothing this week"},
                        "value": "checkin-1",
                    },
                    {
                        "type": "static_select",
                        "action_id": "demo_snooze",
                        "placeholder": {"type": "plain_text", "text": "Snooze"},
                        "options": [_option("1", "One day"), _option("7", "One week")],
                    },
                ],
            },
        ],
    }


def _modal(private_metadata: str) -> dict[str, Any]:
    def block(block_id: str, label: str, element: dict[str, Any], optional: bool = False):
        return {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "label": {"type": "plain_text", "text": label},
            "element": {"action_id": "value", **element},
        }

    return {
        "type": "modal",
        "callback_id": "demo_modal",
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "Your answer"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "_Who did you unblock?_"}},
            block("what", "What happened", {"type": "plain_text_input", "multiline": True}),
            block("who", "Who benefited", {"type": "multi_users_select"}, optional=True),
            block(
                "scope",
                "Scope",
                {
                    "type": "static_select",
                    "options": [_option(v, t) for v, t in SCOPES],
                    "initial_option": _option("team", "My team"),
                },
            ),
            block("when", "When", {"type": "datepicker"}, optional=True),
            block("link", "Link", {"type": "url_text_input"}, optional=True),
            block(
                "share",
                "Visibility",
                {"type": "checkboxes", "options": [_option("team", "Share with my team")]},
                optional=True,
            ),
        ],
    }


@pytest.fixture
def demo(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Add the demo job and listeners; returns what the app received, by listener."""
    seen: dict[str, list[Any]] = {"open": [], "done": [], "snooze": [], "submit": []}
    bolt = sandbox.app.bolt
    due_at: list[datetime] = []

    def post_menu(ctx: JobContext, now: datetime) -> JobResult:
        if due_at and now == due_at[0]:
            ctx.client_for().chat_postMessage(channel="UALICE", **_menu_message())
            return JobResult("demo", "sent the menu")
        return JobResult("demo", "nothing to do")

    def next_due(_ctx: JobContext, after: datetime) -> datetime | None:
        if not due_at:
            due_at.append(after.replace(second=0, microsecond=0) + timedelta(hours=1, minutes=7))
        return due_at[0] if due_at[0] > after else None

    monkeypatch.setitem(JOBS, "demo", JobSpec("demo", "a test job", post_menu))
    monkeypatch.setitem(NEXT_DUE, "demo", next_due)

    @bolt.action("demo_open")
    def open_modal(ack, body, client) -> None:
        ack()
        seen["open"].append(body)
        client.views_open(trigger_id=body["trigger_id"], view=_modal(body["actions"][0]["value"]))

    @bolt.action("demo_done")
    def done(ack, body, respond) -> None:
        ack()
        seen["done"].append(body)
        respond(replace_original=True, text="Noted: nothing this week.")

    @bolt.action("demo_snooze")
    def snooze(ack, body, respond) -> None:
        ack()
        seen["snooze"].append(body)
        respond(response_type="ephemeral", replace_original=False, text="Snoozed.")

    @bolt.view("demo_modal")
    def submit(ack, view, body, client) -> None:
        values = view["state"]["values"]
        what = values["what"]["value"]["value"]
        if len(what) < 10:
            ack(response_action="errors", errors={"what": "Say a little more (10+ characters)."})
            return
        ack()
        seen["submit"].append(values)
        who = ", ".join(values["who"]["value"]["selected_users"])
        client.chat_postMessage(channel=body["user"]["id"], text=f"Saved for {who}: {what}")

    return seen


def test_job_message_buttons_and_modal_round_trip(session: Session, demo) -> None:
    """A job's DM arrives at its minute; a button opens a modal, filled at prompts and saved."""
    out = session.feed(":time +3h\n")
    assert "[multiplier → alice · DM · " in out
    assert "alice's time]" in out
    assert "Time to reflect, @alice" in out
    assert "[1] Answer  [2] Nothing this week  [3] Snooze ▾ (1 One day · 2 One week)" in out

    out = session.feed(
        "1\n"
        "too short\n"  # what happened
        "bob, carol\n"  # who
        "\n"  # scope: keep "My team"
        "2026-12-01\n"  # when
        "not a link\n"  # the Slack client refuses this …
        "https://example.com/rfc\n"  # … and takes this
        "1\n"  # share with my team
        "Unblocked the release, line one\\nand line two\n"  # re-asked after the app's error
    )
    assert "[modal · Your answer]" in out
    assert "Who did you unblock?" in out
    assert "What happened (required; text, several lines)" in out
    assert "Scope (required; one of 1 Just me · 2 My team* · 3 The whole org) [My team]" in out
    assert "✗ a link such as https://example.com/doc" in out
    assert "✗ What happened: Say a little more (10+ characters)." in out
    assert "(Save: sent.)" in out
    assert "Saved for UBOB, UCAROL: Unblocked the release, line one" in out

    (values,) = demo["submit"]
    assert values["what"]["value"]["value"] == "Unblocked the release, line one\nand line two"
    assert values["who"]["value"]["selected_users"] == ["UBOB", "UCAROL"]
    assert values["scope"]["value"]["selected_option"]["value"] == "team"
    assert values["when"]["value"]["selected_date"] == "2026-12-01"
    assert values["link"]["value"]["value"] == "https://example.com/rfc"
    assert [o["value"] for o in values["share"]["value"]["selected_options"]] == ["team"]
    (opened,) = demo["open"]
    assert opened["container"]["type"] == "message"
    assert opened["message"]["text"] == "Time to reflect"
    assert session.sandbox.standin.open_views("UALICE") == []


def test_buttons_and_menus_send_the_right_payloads(session: Session, demo) -> None:
    """A menu option is picked by number; a replace_original response replaces the message."""
    session.feed(":time +3h\n")
    out = session.feed("3 2\n:press nothing this week\n2\n")
    assert "Snoozed." in out
    (snoozed,) = demo["snooze"]
    assert snoozed["actions"][0]["selected_option"]["value"] == "7"
    assert "[multiplier in the DM with alice · replaced the message you acted on]" in out
    assert "Noted: nothing this week." in out
    # The replaced message has no buttons any more: the old [2] is gone.
    assert "There is no button [2]" in out or "no longer there" in out
    assert len(demo["done"]) == 1


def test_modal_can_be_cancelled_or_left_open(session: Session, demo) -> None:
    """:cancel closes the modal without submitting; :later leaves it open for :modal."""
    session.feed(":time +3h\n")
    out = session.feed(":press Answer\n:later\n:modal\n:cancel\n")
    assert out.count("[modal · Your answer]") == 2
    assert "(The modal stays open: :modal goes on filling it" in out
    assert "(Modal closed.)" in out
    assert demo["submit"] == []
    assert session.sandbox.standin.open_views("UALICE") == []


def test_submit_now_keeps_defaults_and_asks_required_fields(session: Session, demo) -> None:
    """:submit sends at once, but a required field left empty is asked first, like Slack."""
    session.feed(":time +3h\n")
    out = session.feed("1\n:submit\nShipped the migration plan\n")
    assert "✗ Required: What happened" in out
    (values,) = demo["submit"]
    assert values["what"]["value"]["value"] == "Shipped the migration plan"
    assert values["scope"]["value"]["selected_option"]["value"] == "team"
    assert values["who"]["value"]["selected_users"] == []


def test_other_users_buttons_are_not_numbered(session: Session, demo) -> None:
    """Bob cannot press alice's buttons; after :as alice, :dm numbers them again."""
    session.feed(":time +3h\n")
    out = session.feed(":as bob\n1\n:as alice\n:dm 1\n")
    assert "There is no button [1]" not in out.split(":as bob", 1)[1].split("bob> 1", 1)[0]
    assert "That is alice's; :as alice to press it." in out
    assert "[1] Answer" in out.split("alice> :dm 1", 1)[1]


def test_tampered_option_is_refused_before_sending(session: Session, demo) -> None:
    """Picking a menu option that does not exist is refused by the sandbox, like the client."""
    session.feed(":time +3h\n")
    out = session.feed("3 9\n")
    assert "✗ pick one of: 1 One day · 2 One week" in out
    assert demo["snooze"] == []


def test_job_failures_are_shown_and_others_still_run(session: Session, demo, monkeypatch) -> None:
    """A job that raises is reported with its instant; the other jobs keep running."""

    def broken(_ctx: JobContext, _now: datetime) -> JobResult:
        raise RuntimeError("boom")

    monkeypatch.setitem(JOBS, "broken", JobSpec("broken", "fails", broken))
    out = session.feed(":time +2h\n")
    assert "⚠ job broken failed at" in out and "RuntimeError: boom" in out
    assert "(and 119 more times: job broken failed: RuntimeError: boom)" in out
    assert "Time to reflect" in out


def test_view_submission_payload_is_signed_and_complete(session: Session, demo) -> None:
    """The submitted view carries every input, the private metadata and the view id."""
    session.feed(":time +3h\n")
    session.feed("1\nA long enough answer\n:submit\n")
    submission = demo["submit"][0]
    assert set(submission) == {"what", "who", "scope", "when", "link", "share"}
    opened = json.dumps(demo["open"][0])
    assert "checkin-1" in opened
