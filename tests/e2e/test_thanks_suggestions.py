"""Thanks become suggestions (issue 18, items 2 and 3), end to end over signed HTTP.

A thanks in a public channel the app is in → a private suggestion DM to the person thanked
(opted in, in a workspace whose admin opted in) → "Log it" reads the message from Slack and
logs it with its permalink. Nothing of the message is stored before that; private channels
and group DMs are never read; suggestions expire after 7 days; the check-in lists them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from freezegun import freeze_time
from sqlalchemy import inspect, select

from bot.db.engine import Database
from bot.db.models import EvidenceEntry, ThanksSuggestion, User
from bot.scheduling.catalog import run_job
from bot.scheduling.jobs import JobContext
from bot.ui import suggestions as ui
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import click, count, entries, last_response
from tests.support.apps import RunningApp

THANKS = "huge thanks to <@UBOB> for the quick review of the payments migration!"


def command(running_app: RunningApp, text: str, user_id: str) -> dict[str, Any]:
    before = len(running_app.standin.calls_to("response_url"))
    running_app.slack.slash_command("/multiplier", text, user_id=user_id)
    payload = last_response(running_app, before + 1)
    running_app.wait_idle()
    return payload


def opt_in(running_app: RunningApp, *, workspace: bool = True, person: bool = True) -> None:
    if workspace:
        command(running_app, "capture workspace on", "UCAROL")  # UCAROL is an admin
    if person:
        command(running_app, "capture on", "UBOB")


def public_channel(standin: SlackStandIn, channel_id: str = "C0PAY", name: str = "payments") -> str:
    standin.add_channel(channel_id, name, members=["UALICE", "UBOB", standin.bot_user_id()])
    return channel_id


def post(running_app: RunningApp, text: str, channel_id: str, channel_type: str = "channel"):
    running_app.slack.message(
        text, user_id="UALICE", channel_id=channel_id, channel_type=channel_type
    )
    running_app.wait_idle()


def suggestions(database: Database) -> list[ThanksSuggestion]:
    with database.session() as session:
        rows = list(session.scalars(select(ThanksSuggestion).order_by(ThanksSuggestion.id)))
        session.expunge_all()
        return rows


def dms_to(standin: SlackStandIn, user_id: str) -> list[Any]:
    return [c for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def dm_message(call: Any) -> dict[str, Any]:
    return {"blocks": call.json("blocks"), "ts": call.response["ts"], "channel": "DUBOB"}


def test_thanks_becomes_a_suggestion_then_logged_with_its_permalink(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Thanks in #payments → Bob's private DM (who, where, permalink, Log it / Dismiss) with
    only ids stored → Log it reads the text then and logs it with the permalink."""
    opt_in(running_app)
    channel = public_channel(standin)
    standin.clear()
    post(running_app, THANKS, channel)

    (dm,) = standin.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == "UBOB")
    blocks = dm.json("blocks")
    (said,) = [b for b in blocks if b["type"] == "section"]
    (message,) = standin.messages(channel)
    permalink = standin.calls_to("chat.getPermalink")[0].response["permalink"]
    assert "<@UALICE> thanked you in <#C0PAY>" in said["text"]["text"]
    assert permalink in said["text"]["text"]
    (buttons,) = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in buttons["elements"]] == [ui.LOG_IT, ui.DISMISS]
    assert THANKS not in str(blocks)  # the DM points at the message; it does not copy it

    (row,) = suggestions(database)
    assert (row.thanker_slack_user_id, row.channel_id, row.message_ts) == (
        "UALICE",
        channel,
        message["ts"],
    )
    assert row.status == "open" and row.expires_at - row.created_at == timedelta(days=7)
    columns = {c.key for c in inspect(ThanksSuggestion).columns}
    assert not {"text", "message_text", "permalink"} & columns  # ids only until accepted
    assert standin.calls_to("conversations.history") == []  # not read before the click
    assert entries(running_app) == []

    running_app.slack.block_action(ui.LOG_IT, user_id="UBOB", message=dm_message(dm))
    running_app.wait_idle()
    (entry,) = entries(running_app, "UBOB")
    assert (entry.text, entry.source, entry.permalink) == (THANKS, "thanks", permalink)
    assert (entry.source_channel_id, entry.source_message_ts) == (channel, message["ts"])
    assert entry.people[0] == "UALICE"
    assert [c.params["channel"] for c in standin.calls_to("conversations.history")] == [channel]
    (row,) = suggestions(database)
    assert (row.status, row.evidence_id) == ("logged", entry.id)
    shown = last_response(running_app, len(standin.calls_to("response_url")))
    assert shown["replace_original"] is True and "Logged" in shown["text"]

    # A second click finds it decided: nothing is logged twice.
    running_app.slack.block_action(ui.LOG_IT, user_id="UBOB", message=dm_message(dm))
    running_app.wait_idle()
    assert len(entries(running_app, "UBOB")) == 1


def test_dismiss_keeps_nothing(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Dismiss closes the suggestion: no entry, the message is never read."""
    opt_in(running_app)
    post(running_app, THANKS, public_channel(standin))
    (dm,) = standin.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == "UBOB")
    running_app.slack.block_action(ui.DISMISS, user_id="UBOB", message=dm_message(dm))
    running_app.wait_idle()
    assert [r.status for r in suggestions(database)] == ["dismissed"]
    assert count(running_app, EvidenceEntry) == 0
    assert standin.calls_to("conversations.history") == []


def test_someone_else_cannot_log_your_suggestion(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Alice pressing Bob's button (a tampered value) logs nothing for anyone."""
    opt_in(running_app)
    post(running_app, THANKS, public_channel(standin))
    (dm,) = standin.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == "UBOB")
    running_app.slack.block_action(ui.LOG_IT, user_id="UALICE", message=dm_message(dm))
    running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    assert [r.status for r in suggestions(database)] == ["open"]


def test_an_opted_out_person_gets_nothing(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """The workspace allows capture but Bob did not opt in (or opted out again): no DM, no row."""
    opt_in(running_app, person=False)
    channel = public_channel(standin)
    post(running_app, THANKS, channel)
    command(running_app, "capture on", "UBOB")
    command(running_app, "capture off", "UBOB")
    status = command(running_app, "capture", "UBOB")
    assert status["text"].startswith("Thanks capture: yours is off; the workspace's is on.")
    standin.clear()
    post(running_app, "thanks <@UBOB>, that fixed it", channel)
    assert dms_to(standin, "UBOB") == []
    assert suggestions(database) == []
    assert standin.calls_to("chat.getPermalink") == []


def test_nothing_until_a_workspace_admin_turns_it_on(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Bob opted in, but no admin did: nothing; a non-admin cannot turn it on; an admin's
    `off` stops it again."""
    opt_in(running_app, workspace=False)
    refusal = command(running_app, "capture workspace on", "UALICE")
    assert "Only workspace admins" in refusal["text"]
    channel = public_channel(standin)
    post(running_app, THANKS, channel)
    assert dms_to(standin, "UBOB") == [] and suggestions(database) == []

    command(running_app, "capture workspace on", "UCAROL")
    command(running_app, "capture workspace off", "UCAROL")
    post(running_app, "thank you <@UBOB>!", channel)
    assert dms_to(standin, "UBOB") == [] and suggestions(database) == []


def test_private_channels_and_group_dms_are_never_read(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Thanks in a private channel or a group DM (should Slack deliver one) reads nothing:
    no Web API call, no suggestion, no DM; the manifest subscribes to neither."""
    opt_in(running_app)
    standin.add_channel(
        "G0SECRET", "secret", members=["UALICE", "UBOB", standin.bot_user_id()], is_private=True
    )
    standin.add_channel("G0MPIM", "mpdm-alice--bob--carol-1", members=["UALICE", "UBOB"])
    standin.clear()
    post(running_app, THANKS, "G0SECRET", channel_type="group")
    post(running_app, THANKS, "G0MPIM", channel_type="mpim")
    assert standin.calls == []
    assert suggestions(database) == []


def test_the_manifest_reads_public_channels_only() -> None:
    """message.channels is subscribed; message.groups and message.mpim are not."""
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text())
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert "message.channels" in events
    assert not {"message.groups", "message.mpim"} & events


def test_suggestions_expire_after_seven_days(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Seven days on, Log it finds the suggestion gone and logs nothing; the job forgets it."""
    opt_in(running_app)
    post(running_app, THANKS, public_channel(standin))
    (dm,) = standin.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == "UBOB")
    (row,) = suggestions(database)
    with freeze_time(row.expires_at + timedelta(seconds=1), tick=True):
        running_app.slack.block_action(ui.LOG_IT, user_id="UBOB", message=dm_message(dm))
        running_app.wait_idle()
    assert count(running_app, EvidenceEntry) == 0
    assert standin.calls_to("conversations.history") == []
    shown = last_response(running_app, len(standin.calls_to("response_url")))
    assert "no longer open" in shown["text"]

    ctx = JobContext(database=database, settings=running_app.app.settings, worker_id="t")
    run_job("expire-suggestions", ctx, row.expires_at - timedelta(seconds=1))
    assert len(suggestions(database)) == 1
    run_job("expire-suggestions", ctx, row.expires_at)
    assert suggestions(database) == []


def test_the_weekly_checkin_lists_open_suggestions(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """Thanks in #payments and #infra: the check-in says "2 people thanked you in #payments
    and #infra" with one Log it each, answered beside the check-in (never replacing it)."""
    opt_in(running_app)
    command(running_app, "checkins on fri 15:00", "UBOB")
    payments = public_channel(standin)
    infra = public_channel(standin, "C0INFRA", "infra")
    standin.add_user("UDAN", name="dan")
    post(running_app, THANKS, payments)
    running_app.slack.message(
        "shout-out to <@UBOB> for the pager fix", user_id="UDAN", channel_id=infra
    )
    running_app.wait_idle()
    assert len(suggestions(database)) == 2
    # One is dismissed: only open ones are listed.
    post(running_app, "thanks <@UBOB>, nice catch", infra)
    (*_, dismissed) = standin.wait_for(
        "chat.postMessage", count=3, predicate=lambda c: c.params["channel"] == "UBOB"
    )
    running_app.slack.block_action(ui.DISMISS, user_id="UBOB", message=dm_message(dismissed))
    running_app.wait_idle()

    with database.session() as session:
        due = session.scalars(
            select(User.next_checkin_at).where(User.slack_user_id == "UBOB")
        ).one()
    assert due is not None
    ctx = JobContext(database=database, settings=running_app.app.settings, worker_id="t")
    standin.clear()
    run_job("checkins", ctx, due + timedelta(minutes=1))
    (checkin,) = [c for c in standin.calls_to("chat.postMessage") if c.ok]
    blocks = checkin.json("blocks")
    summary = next(b for b in blocks if "thanked you in" in (b.get("text") or {}).get("text", ""))
    assert (
        summary["text"]["text"]
        == ":raised_hands: 2 people thanked you in <#C0PAY> and <#C0INFRA> this week."
    )
    logs = [
        b for b in blocks if (b.get("accessory") or {}).get("action_id") == ui.LOG_IT_FROM_CHECKIN
    ]
    assert [b["text"]["text"] for b in logs] == ["<@UALICE> in <#C0PAY>", "<@UDAN> in <#C0INFRA>"]

    message = {
        "blocks": blocks,
        "ts": checkin.response["ts"],
        "channel": checkin.response["channel"],
    }
    running_app.slack.block_action(
        ui.LOG_IT_FROM_CHECKIN, user_id="UBOB", message=message, value=logs[1]["accessory"]["value"]
    )
    running_app.wait_idle()
    (entry,) = entries(running_app, "UBOB")
    assert entry.text == "shout-out to <@UBOB> for the pager fix" and entry.people[0] == "UDAN"
    shown = last_response(running_app, len(standin.calls_to("response_url")))
    assert shown["replace_original"] is False and shown["response_type"] == "ephemeral"


def test_nothing_is_suggested_to_the_author_or_for_a_non_thanks(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """A request, a thanks in advance and self-thanks suggest nothing (the detector decides)."""
    opt_in(running_app)
    channel = public_channel(standin)
    for text in ("thanks in advance <@UBOB>", "<@UBOB> can you review this? thanks"):
        post(running_app, text, channel)
    running_app.slack.message("thanks <@UBOB>", user_id="UBOB", channel_id=channel)
    running_app.wait_idle()
    assert suggestions(database) == [] and dms_to(standin, "UBOB") == []


def test_forget_me_of_either_side_removes_the_suggestion(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """The thanker's forget-me removes suggestions naming them; the thanked person's, theirs."""
    opt_in(running_app)
    channel = public_channel(standin)
    post(running_app, THANKS, channel)
    assert len(suggestions(database)) == 1
    prompt = command(running_app, "forget-me", "UALICE")
    click(running_app, prompt, "forget_me_confirm")
    assert suggestions(database) == []

    post(running_app, "thanks <@UBOB>, that fixed it", channel)
    assert len(suggestions(database)) == 1
    prompt = command(running_app, "forget-me", "UBOB")
    click(running_app, prompt, "forget_me_confirm", user_id="UBOB")
    assert suggestions(database) == []


def test_a_suggestion_dm_that_failed_goes_out_when_slack_retries_the_event(
    running_app: RunningApp, standin: SlackStandIn, database: Database
) -> None:
    """The DM's post fails (Slack answers 503): the event fails, so Slack's retry of it is
    handled, and it sends the DM, once; a further delivery of the same message (its DM is
    there now) sends no second."""
    opt_in(running_app)
    channel = public_channel(standin)
    standin.clear()
    standin.server_error_next("chat.postMessage", 503)
    first = running_app.slack.message(THANKS, user_id="UALICE", channel_id=channel)
    running_app.wait_idle()
    assert standin.dm_messages("UBOB") == []
    (row,) = suggestions(database)
    event = json.loads(first.request_body)["event"]

    running_app.slack.event(event, event_id=first.event_id, retry_num=1, retry_reason="timeout")
    running_app.wait_idle()
    (dm,) = standin.wait_for_dm("UBOB")
    assert f"thanks_{row.id}" in str(dm["blocks"])
    assert [c.params["channel"] for c in dms_to(standin, "UBOB")] == ["UBOB", "UBOB"]

    running_app.slack.event(event)  # the same message again, under another event id
    running_app.wait_idle()
    assert len(dms_to(standin, "UBOB")) == 2  # looked for in the DM, found: not posted again
    assert len([m for m in standin.dm_messages("UBOB") if m.get("bot_id")]) == 1
    assert [r.id for r in suggestions(database)] == [row.id]
