"""/kudos … in #channel end to end: a public shout-out, the kudos still on each log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml

from bot import clock
from bot.db.models import Kudos
from tests.e2e.evidence_helpers import click, count, entries, last_response
from tests.support.apps import RunningApp

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def _manifest_scopes() -> list[str]:
    return yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"]


def _channel_posts(running_app: RunningApp, channel: str) -> list:
    return [
        c
        for c in running_app.standin.calls_to("chat.postMessage")
        if c.params["channel"] == channel
    ]


def test_kudos_in_a_channel_posts_a_shout_out_and_logs_each(running_app: RunningApp) -> None:
    """Each recipient gets the entry (without the "in #team"), and #team one shout-out
    naming giver and recipients as mentions, the giver's text escaped once."""
    running_app.standin.add_channel("CTEAM", "team", members=["UALICE", "UBOB", "UBOT"])
    running_app.standin.set_scopes(_manifest_scopes())
    text = "<@UBOB|bob> <@UCAROL|carol> shipped Q&amp;A tooling &lt;fast&gt;"
    running_app.slack.slash_command("/kudos", f"{text} (post in <#CTEAM|team>)", user_id="UALICE")
    assert last_response(running_app)["text"] == "Kudos sent."
    (post,) = running_app.standin.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == "CTEAM"
    )
    running_app.wait_idle()
    section = post.json("blocks")[0]["text"]["text"]
    assert section == (
        ":raised_hands: <@UALICE> gave kudos to <@UBOB> and <@UCAROL>:\n"
        "shipped Q&amp;A tooling &lt;fast&gt;"
    )
    assert [e.text for e in entries(running_app, "UBOB")] == [text]
    assert [e.text for e in entries(running_app, "UCAROL")] == [text]
    assert count(running_app, Kudos) == 2
    assert running_app.standin.violations == []


def test_the_confirmation_of_a_kudos_posted_in_a_channel_says_so(running_app: RunningApp) -> None:
    """Posted in #team, the confirmation says so, and what is true of digests (failed
    before: "Not shown in team digests unless you allow it." beside a public post, and the
    recipients named twice: "Kudos sent to @bob and @carol … @bob @carol great pairing")."""
    running_app.standin.add_channel("CTEAM", "team", members=["UALICE", "UBOB", "UBOT"])
    running_app.standin.set_scopes(_manifest_scopes())
    running_app.slack.slash_command(
        "/kudos",
        "<@UBOB|bob> <@UCAROL|carol> great pairing on the outage &amp; the postmortem "
        "post in <#CTEAM|team>",
        user_id="UALICE",
    )
    confirmation = last_response(running_app)
    running_app.wait_idle()
    assert len(_channel_posts(running_app, "CTEAM")) == 1
    section, note = confirmation["blocks"][:2]
    assert section["text"]["text"].splitlines()[1:] == [
        "great pairing on the outage &amp; the postmortem",
        "Posted publicly in <#CTEAM>.",
    ]
    assert note["elements"][0]["text"].startswith("Team digests leave it out unless you allow it.")
    assert len(running_app.standin.calls_to("response_url")) == 1


def test_a_channel_slack_did_not_recognise_is_said_plainly(running_app: RunningApp) -> None:
    """ "post in #nochannel" (Slack left the name as typed: no channel it knows): the kudos
    is kept and the giver told that nothing was posted there, and how to fix it (failed
    before: "Kudos sent" with the text whole, and not a word about the channel)."""
    running_app.standin.add_channel("CTEAM", "team", members=["UALICE", "UBOT"])
    running_app.slack.slash_command(
        "/kudos", "<@UBOB|bob> wrote the runbook post in #nochannel", user_id="UALICE"
    )
    assert last_response(running_app)["text"] == "Kudos sent."
    told = running_app.standin.wait_for("response_url", count=2)[1].params
    running_app.wait_idle()
    assert told["text"].startswith("I couldn't find #nochannel, so I posted no shout-out there")
    assert "pick the channel from Slack's list" in told["text"]
    assert [e.text for e in entries(running_app, "UBOB")] == ["<@UBOB|bob> wrote the runbook"]
    posts = running_app.standin.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in posts] == ["UBOB"]


def test_retrying_after_an_unknown_channel_only_posts_it(running_app: RunningApp) -> None:
    """The same kudos sent again with a real channel, minutes after "#nochannel": posted
    there and said so, not logged a second time, nobody DMed twice (failed before: a second
    kudos on each log, "3 kudos received" where 2 were given)."""
    running_app.standin.add_channel("CTEAM", "team", members=["UALICE", "UBOT"])
    typed = "<@UBOB|bob> <@UCAROL|carol> great incident review"
    running_app.slack.slash_command("/kudos", f"{typed} post in #nochannel", user_id="UALICE")
    running_app.standin.wait_for("response_url", count=2)
    running_app.wait_idle()
    running_app.slack.slash_command("/kudos", f"{typed} post in <#CTEAM|team>", user_id="UALICE")
    again = running_app.standin.wait_for("response_url", count=3)[2].params
    running_app.wait_idle()
    assert [e.text for e in entries(running_app, "UBOB")] == [typed]
    assert [e.text for e in entries(running_app, "UCAROL")] == [typed]
    assert len(_channel_posts(running_app, "CTEAM")) == 1
    lines = again["blocks"][0]["text"]["text"].splitlines()
    assert lines[0].startswith("*Already given:* <@UBOB> and <@UCAROL> got this kudos")
    assert lines[1:] == ["great incident review", "Posted publicly in <#CTEAM>."]
    dms = [c.params["channel"] for c in running_app.standin.calls_to("chat.postMessage")]
    assert sorted(c for c in dms if c != "CTEAM") == ["UBOB", "UCAROL"]
    assert len(running_app.standin.calls_to("response_url")) == 3


def test_the_same_words_later_or_to_someone_else_are_new_kudos(running_app: RunningApp) -> None:
    """Only a retry within minutes is the same kudos: the same words a day later are new."""
    running_app.slack.slash_command("/kudos", "<@UBOB|bob> thanks", user_id="UALICE")
    last_response(running_app)
    running_app.wait_idle()
    clock.shift(timedelta(days=1))
    try:
        running_app.slack.slash_command("/kudos", "<@UBOB|bob> thanks", user_id="UALICE")
        running_app.standin.wait_for("response_url", count=2)
        running_app.wait_idle()
    finally:
        clock.reset()
    assert len(entries(running_app, "UBOB")) == 2


def test_kudos_stay_private_by_default(running_app: RunningApp) -> None:
    """Without a channel nothing is posted anywhere but the recipient's DM."""
    running_app.standin.add_channel("CTEAM", "team", members=["UBOT"])
    running_app.slack.slash_command(
        "/kudos", "<@UBOB|bob> reviewed my design doc", user_id="UALICE"
    )
    last_response(running_app)
    running_app.wait_idle()
    posts = running_app.standin.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in posts] == ["UBOB"]
    assert len(running_app.standin.calls_to("response_url")) == 1


def test_text_ending_in_a_channel_asks_before_posting(running_app: RunningApp) -> None:
    """ "fixed the flaky test in #team" may be the story: the kudos keeps its whole text and
    stays private; the giver is asked, and only their click posts the shout-out."""
    running_app.standin.add_channel("CTEAM", "team", members=["UBOT"])
    typed = "<@UBOB|bob> fixed the flaky test in <#CTEAM|team>"
    running_app.slack.slash_command("/kudos", typed, user_id="UALICE")
    offer = last_response(running_app, 2)
    running_app.wait_idle()
    assert [e.text for e in entries(running_app, "UBOB")] == [typed]
    assert _channel_posts(running_app, "CTEAM") == []
    click(running_app, offer, "kudos_post_in_channel")
    (post,) = _channel_posts(running_app, "CTEAM")
    assert post.json("blocks")[0]["text"]["text"] == (
        ":raised_hands: <@UALICE> gave kudos to <@UBOB>:\nfixed the flaky test in #team"
    )
    assert last_response(running_app, 3)["text"] == "Posted a shout-out in <#CTEAM>."


def test_someone_else_cannot_post_your_kudos(running_app: RunningApp) -> None:
    """The offer's button re-checks the giver: pressed by another, nothing is posted."""
    running_app.standin.add_channel("CTEAM", "team", members=["UBOT"])
    running_app.slack.slash_command(
        "/kudos", "<@UBOB|bob> helped in <#CTEAM|team>", user_id="UALICE"
    )
    offer = last_response(running_app, 2)
    running_app.wait_idle()
    click(running_app, offer, "kudos_post_in_channel", user_id="UCAROL")
    assert _channel_posts(running_app, "CTEAM") == []
    assert not last_response(running_app, 3)["text"].startswith("Posted")


def test_a_channel_the_bot_is_not_in_is_said_plainly(running_app: RunningApp) -> None:
    """Without chat:write.public Slack answers not_in_channel: the giver is told, and the
    kudos is on the log all the same."""
    running_app.standin.add_channel("CELSE", "elsewhere", members=["UALICE"])
    running_app.standin.set_scopes(_manifest_scopes())
    running_app.slack.slash_command(
        "/kudos", "<@UBOB|bob> wrote the runbook — post in <#CELSE|elsewhere>", user_id="UALICE"
    )
    assert last_response(running_app)["text"] == "Kudos sent."
    failed = running_app.standin.wait_for("response_url", count=2)[1].params
    running_app.wait_idle()
    assert failed["text"].startswith("I'm not a member of <#CELSE>")
    (refused,) = _channel_posts(running_app, "CELSE")
    assert refused.response["error"] == "not_in_channel"
    assert [e.text for e in entries(running_app, "UBOB")] == ["<@UBOB|bob> wrote the runbook"]
