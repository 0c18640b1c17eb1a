"""Your expectations (issue 17), end to end: `/multiplier expectations` opens the modal,
pasted text becomes items, bad input is refused on the field, edits keep unchanged items,
and the list is the owner's alone (exported, forgotten)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import Expectation, User
from standin.signing import Input
from standin.webapi import SlackStandIn
from tests.e2e.evidence_helpers import click, last_response
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp, make_settings, start_app

LADDER = (
    "Staff expectations (from Dana):\n"
    "• Sets technical direction across teams\n"
    "- Writes RFCs that <other teams> adopt & follow\n"
    "3) Mentors senior engineers 🚀\n"
    "\n"
    "• sets technical   direction across teams\n"
)


def _open(app: RunningApp, user_id: str = "UALICE", count: int = 1) -> dict:
    app.slack.slash_command("/multiplier", "expectations", user_id=user_id)
    opened = app.standin.wait_for("views.open", count=count)[-1]
    app.wait_idle()
    return opened.data["view"]


def _submit(app: RunningApp, typed: str, user_id: str = "UALICE"):
    values = {"expectations": {"text": Input.plain_text(typed)}}
    return app.slack.view_submission("expectations", user_id=user_id, values=values)


def _stored(app: RunningApp, user_id: str = "UALICE") -> list[tuple[int, str]]:
    with app.database.session() as session:
        rows = session.execute(
            select(Expectation.id, Expectation.text)
            .join(User, User.id == Expectation.user_id)
            .where(User.slack_user_id == user_id)
            .order_by(Expectation.position)
        )
        return [(row.id, row.text) for row in rows]


def _field(view: dict) -> dict:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == "expectations"]
    return block["element"]


def test_pasted_ladder_becomes_items_and_edits_keep_unchanged_ones(
    running_app: RunningApp,
) -> None:
    """Bullets and numbers come off, a repeat is kept once and said so, markup is stored
    inert; the modal opens pre-filled as typed, and an edit keeps the untouched rows."""
    view = _open(running_app)
    assert view["callback_id"] == "expectations"
    assert "initial_value" not in _field(view)
    reply = _submit(running_app, LADDER)
    assert reply.status == 200 and reply.body == ""
    (confirmation,) = running_app.standin.wait_for("chat.postMessage")
    running_app.wait_idle()
    assert confirmation.params["channel"] == "UALICE"
    stored = _stored(running_app)
    assert [text for _, text in stored] == [
        "Staff expectations (from Dana):",
        "Sets technical direction across teams",
        "Writes RFCs that &lt;other teams&gt; adopt &amp; follow",
        "Mentors senior engineers 🚀",
    ]
    blocks = confirmation.json("blocks")
    assert blocks[0]["text"]["text"] == "Saved your 4 expectations:"
    listed = blocks[1]["text"]["text"].split("\n")
    assert listed[2] == "3. Writes RFCs that &lt;other teams&gt; adopt &amp; follow"
    assert blocks[2]["elements"][0]["text"] == (
        "Listed twice, kept once: “sets technical   direction across teams”."
    )
    assert blocks[3]["elements"][0]["action_id"] == "expectations_open"

    # Edit: the modal comes back pre-filled exactly as typed; drop the heading, add one.
    view = _open(running_app, count=2)
    prefill = _field(view)["initial_value"]
    assert prefill.split("\n")[1:] == [
        "Sets technical direction across teams",
        "Writes RFCs that <other teams> adopt & follow",
        "Mentors senior engineers 🚀",
    ]
    edited = "\n".join([*prefill.split("\n")[1:], "Drives cross-team incident reviews"])
    assert _submit(running_app, edited).body == ""
    running_app.standin.wait_for("chat.postMessage", count=2)
    running_app.wait_idle()
    after = _stored(running_app)
    assert after[:3] == stored[1:]  # same ids, same stored text
    assert after[3][1] == "Drives cross-team incident reviews"


def test_bad_input_is_refused_on_the_field_and_nothing_is_stored(
    running_app: RunningApp,
) -> None:
    """Empty, only markers, too long (counted in UTF-16 units, so emoji count twice), too
    many: the modal stays open with a message on the field (the typed text stays in it)."""
    cases = {
        "   \n\n": "Enter at least one expectation, one per line.",
        "•\n- \n3.": "Enter at least one expectation, one per line.",
        "🚀" * 151: "Item 1 is 302 characters; keep each under 300 (split a long one over "
        "several lines).",
        "\n".join(f"item {n}" for n in range(41)): "That is 41 expectations; keep it to 40 "
        "(merge related ones).",
        "x" * 3001: "That is 3,001 characters; the limit is 3,000. Shorten the longest items.",
    }
    for typed, message in cases.items():
        reply = _submit(running_app, typed)
        assert reply.json() == {"response_action": "errors", "errors": {"expectations": message}}
    running_app.wait_idle()
    assert _stored(running_app) == []
    assert running_app.standin.calls_to("chat.postMessage") == []


def test_list_clear_and_usage(running_app: RunningApp) -> None:
    """`expectations list` shows them with an Edit button; `clear` empties the list; a word
    it doesn't know gets usage with the text echoed."""
    empty = multiplier(running_app, "expectations list", n=1)
    assert empty["text"].startswith("You have no expectations yet.")
    assert empty["blocks"][1]["elements"][0]["action_id"] == "expectations_open"
    _submit(running_app, "Sets direction\nMentors")
    running_app.standin.wait_for("chat.postMessage")
    running_app.wait_idle()
    shown = multiplier(running_app, "expectations list", n=2)
    assert shown["blocks"][1]["text"]["text"] == "1. Sets direction\n2. Mentors"
    cleared = multiplier(running_app, "expectations clear", n=3)
    assert cleared["text"] == "Cleared your 2 expectations."
    assert _stored(running_app) == []
    usage = multiplier(running_app, "expectations bogus", n=4)
    assert usage["text"].startswith("Usage: `/multiplier expectations`")


def test_the_edit_button_opens_the_prefilled_modal(running_app: RunningApp) -> None:
    """The confirmation's "Edit expectations" opens the modal with the stored list."""
    _submit(running_app, "Sets direction")
    (confirmation,) = running_app.standin.wait_for("chat.postMessage")
    running_app.wait_idle()
    message = {
        "blocks": confirmation.json("blocks"),
        "ts": confirmation.response["ts"],
        "channel": "DUALICE",
    }
    running_app.slack.block_action("expectations_open", user_id="UALICE", message=message)
    (opened,) = running_app.standin.wait_for("views.open")
    running_app.wait_idle()
    assert _field(opened.data["view"])["initial_value"] == "Sets direction"


def test_expectations_are_the_owners_exported_and_forgotten(running_app: RunningApp) -> None:
    """Bob never sees alice's list; `export json` carries it; forget-me deletes it."""
    _submit(running_app, "Sets direction\nMentors")
    _submit(running_app, "Bob's own", user_id="UBOB")
    running_app.standin.wait_for("chat.postMessage", count=2)
    running_app.wait_idle()
    view = _open(running_app, user_id="UBOB")
    assert _field(view)["initial_value"] == "Bob's own"
    multiplier(running_app, "export json", n=1)
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (uploaded,) = running_app.standin.uploaded_files()
    data = json.loads(uploaded.content)
    rows = sorted(data["tables"]["expectations"], key=lambda row: row["position"])
    assert [row["text"] for row in rows] == ["Sets direction", "Mentors"]
    prompt = multiplier(running_app, "forget-me", n=3)
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, 4)["text"]
    assert _stored(running_app) == []
    assert [text for _, text in _stored(running_app, "UBOB")] == ["Bob's own"]


def test_a_workspace_ladder_is_the_starting_point(
    database: Database, standin: SlackStandIn, tmp_path: Path
) -> None:
    """A `ladder:` in the workspace's prompts override pre-fills the modal for someone with
    no expectations yet (saying so); once they saved their own, theirs come back instead."""
    (tmp_path / "expectations.yaml").write_text(
        "version: 1\n"
        "ladder:\n"
        "  - id: sets-direction\n"
        "    text: Sets technical direction for several teams\n"
        "    seed: 001_25b0c1775d5382ce.txt\n"
        '    seed_quote: "Ask your manager for the exact Staff Engineer expectations."\n'
        "  - id: mentors\n"
        "    text: Mentors engineers through the work\n"
        "    seed: 001_25b0c1775d5382ce.txt\n",
        encoding="utf-8",
    )
    settings = make_settings(standin=standin, database_url=database.url, prompts_dir=tmp_path)
    app = start_app(settings=settings, database=database, standin=standin)
    try:
        view = _open(app)
        assert _field(view)["initial_value"] == (
            "Sets technical direction for several teams\nMentors engineers through the work"
        )
        notes = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
        assert notes[0].startswith("Filled in with your workspace's default ladder")
        _submit(app, "Sets technical direction for several teams\nOwns the on-call RFC")
        app.standin.wait_for("chat.postMessage")
        app.wait_idle()
        view = _open(app, count=2)
        assert _field(view)["initial_value"] == (
            "Sets technical direction for several teams\nOwns the on-call RFC"
        )
        notes = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
        assert len(notes) == 1 and not notes[0].startswith("Filled in")
    finally:
        app.stop()
