"""Tampered button values and view metadata naming someone else's entry change nothing."""

from __future__ import annotations

import json

import pytest

from bot.db.models import EvidenceEntry, Kudos, User
from standin.signing import Input
from tests.e2e.evidence_helpers import brag, click, count, entries, last_response
from tests.support.apps import RunningApp


@pytest.fixture
def bobs_entry(running_app: RunningApp) -> tuple[dict, int]:
    """Alice's own confirmation (to tamper with) and the id of Bob's private entry."""
    brag(running_app, "bob's private reflection #review", user_id="UBOB", n=1)
    alice = brag(running_app, "alice's entry #rfc", user_id="UALICE", n=2)
    (bobs,) = entries(running_app, "UBOB")
    return alice, bobs.id


def _snapshot(running_app: RunningApp) -> list[tuple]:
    return [
        (e.id, e.user_id, e.text, e.dimension, e.scope, e.visibility, tuple(e.people), e.impact)
        for e in entries(running_app)
    ]


@pytest.mark.parametrize(
    ("action_id", "value", "selected"),
    [
        ("evidence_delete", "{bob}", None),
        ("evidence_share", "{bob}:team", None),
        ("evidence_dimension", None, "{bob}:mentoring"),
        ("evidence_edit", "{bob}", None),
        ("evidence_delete", "not-a-number", None),
        ("evidence_delete", "-1", None),
        ("evidence_share", "{alice}:everyone", None),
        ("evidence_dimension", None, "{alice}:not_a_dimension"),
    ],
)
def test_tampered_buttons_are_refused(
    running_app: RunningApp, bobs_entry: tuple[dict, int], action_id: str, value, selected
) -> None:
    """Ids of another user's entry, junk ids and unknown choices are refused; nothing changes."""
    confirmation, bob_id = bobs_entry
    alice_id = entries(running_app, "UALICE")[0].id
    before = _snapshot(running_app)
    fill = {"bob": bob_id, "alice": alice_id}
    click(
        running_app,
        confirmation,
        action_id,
        value=value.format(**fill) if value else None,
        selected=selected.format(**fill) if selected else None,
    )
    refusal = last_response(running_app, 3)
    assert "nothing changed" in refusal["text"]
    assert refusal["replace_original"] is False
    assert _snapshot(running_app) == before
    assert running_app.standin.calls_to("views.open") == []


def test_another_workspace_cannot_touch_an_entry(running_app: RunningApp) -> None:
    """A user of another workspace pressing Delete with Alice's entry id changes nothing.

    With one bot token (this app) the press is refused before any listener runs
    (tests/e2e/test_one_workspace.py): an empty 200, nobody contacted.
    """
    running_app.standin.add_team("T0002", "Other", "xoxb-other", "UBOT2")
    running_app.standin.add_user("UZED", name="zed", team_id="T0002")
    confirmation = brag(running_app, "alice's entry", n=1)
    (alice_entry,) = entries(running_app)
    running_app.wait_idle()
    running_app.standin.clear()
    reply = running_app.slack.block_action(
        "evidence_delete", user_id="UZED", team_id="T0002", value=str(alice_entry.id),
        message={"blocks": confirmation["blocks"], "message_ts": "1.1", "channel": "C0GENERAL"},
    )  # fmt: skip
    assert reply.status == 200
    running_app.wait_idle()
    assert [c.method for c in running_app.standin.calls if c.method != "auth.test"] == []
    assert count(running_app, EvidenceEntry) == 1


def _submit(running_app: RunningApp, metadata: str) -> dict:
    reply = running_app.slack.view_submission(
        "evidence_entry",
        user_id="UALICE",
        private_metadata=metadata,
        values={
            "text": {"text": Input.plain_text("overwritten!")},
            "visibility": {"visibility": Input.radio("team")},
        },
    )
    running_app.wait_idle()
    return reply.json() or {}


@pytest.mark.parametrize(
    "metadata",
    [
        '{"entry": {bob}}',
        '{"entry": "{bob}"}',
        '{"entry": -3}',
        "not json",
        '["entry", {bob}]',
        '{"src": "kudos"}',
        '{"src": "shortcut", "ch": "C1|<!here>", "ts": "1.1"}',
        '{"src": "shortcut", "ch": "C0GENERAL"}',
    ],
)
def test_tampered_view_metadata_is_refused(
    running_app: RunningApp, bobs_entry: tuple[dict, int], metadata: str
) -> None:
    """A form whose metadata names another's entry, or is not ours, saves nothing."""
    _, bob_id = bobs_entry
    before = _snapshot(running_app)
    ack = _submit(running_app, metadata.replace("{bob}", str(bob_id)))
    assert ack.get("response_action") == "update"
    assert "nothing changed" in json.dumps(ack["view"])
    assert _snapshot(running_app) == before


def test_tampered_kudos_share_is_refused(running_app: RunningApp) -> None:
    """Only the giver can allow a kudos in digests; the recipient pressing it changes nothing."""
    running_app.slack.slash_command("/kudos", "<@UBOB|bob> thanks for the review", user_id="UCAROL")
    confirmation = last_response(running_app, 1)
    running_app.wait_idle()
    click(running_app, confirmation, "kudos_share", user_id="UBOB")
    assert "isn't one you gave" in last_response(running_app, 2)["text"]
    with running_app.database.session() as session:
        assert session.query(Kudos).one().share_in_digest is False


def test_tampered_forget_me_deletes_nothing(running_app: RunningApp) -> None:
    """A forget-me button naming someone else's user id deletes nothing."""
    brag(running_app, "bob's", user_id="UBOB", n=1)
    running_app.slack.slash_command("/multiplier", "forget-me", user_id="UALICE")
    prompt = last_response(running_app, 2)
    running_app.wait_idle()
    with running_app.database.session() as session:
        bob = session.query(User).filter_by(slack_user_id="UBOB").one()
    click(running_app, prompt, "forget_me_confirm", value=str(bob.id))
    assert "isn't yours" in last_response(running_app, 3)["text"]
    assert count(running_app, User) == 2 and count(running_app, EvidenceEntry) == 1


def test_tampered_page_value_is_refused(running_app: RunningApp) -> None:
    """A page button with a made-up filter is refused rather than guessed at."""
    for n in range(16):
        brag(running_app, f"entry {n}", n=n + 1)
    running_app.slack.slash_command("/multiplier", "evidence", user_id="UALICE")
    listing = last_response(running_app, 17)
    running_app.wait_idle()
    click(running_app, listing, "evidence_page", value="nope|<!here>|x")
    assert "out of date" in last_response(running_app, 18)["text"]
