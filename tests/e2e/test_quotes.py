"""Request a quote end to end (issue 17 item 5): the person asks one peer (a users_select in a
modal) for one sentence about their influence; the peer gets a DM through the outbox (even
one who never opened the app), writes a sentence in a modal, and it lands as kudos on the
person's log (Home, the packet's kudos); the person is told with the sentence, the peer
thanked. Signed requests → app → DB; the outbox job runs with an explicit `now`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.coaching.library import default_library
from bot.db.models import Kudos, QuotePost, QuoteRequest, User
from bot.evidence import service as evidence
from bot.quotes import states
from bot.quotes.delivery import EVENT_TYPE, send_quote_posts
from bot.ui import quotes as ui
from bot.ui.text import display
from standin.signing import Input, Reply
from tests.checkins.support import settings_for
from tests.e2e.evidence_helpers import click, entries, last_response
from tests.e2e.test_enterprise_grid import grid_app, grid_standin  # noqa: F401 - fixtures
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp

LIB = default_library()
MoveClock = Callable[[timedelta], None]


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(by: timedelta) -> None:
        clock.shift(by)

    yield move
    clock.reset()


def quote_dms(app: RunningApp, slack_id: str) -> list[dict[str, Any]]:
    return [
        m
        for m in app.standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def deliver(app: RunningApp) -> None:
    """One run of the quote-requests job (the outbox), at the app's now."""
    send_quote_posts(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=clock.now(),
        library=LIB,
    )


def form(peer: str | None, note: str | None = None) -> dict[str, Any]:
    return {
        ui.PEER_BLOCK: {ui.PEER_BLOCK: Input.users_select(peer)},
        ui.NOTE_BLOCK: {ui.NOTE_BLOCK: Input.plain_text(note)},
    }


def ask(app: RunningApp, peer: str | None, note: str | None = None, user: str = "UALICE") -> Reply:
    """Submit the request form (as if opened by the button)."""
    reply = app.slack.view_submission(
        ui.REQUEST_VIEW,
        user_id=user,
        values=form(peer, note),
        private_metadata=ui.REQUEST_METADATA,
    )
    app.wait_idle()
    return reply


def as_message(dm: dict[str, Any]) -> dict[str, Any]:
    return {"blocks": dm["blocks"], "ts": dm["ts"], "channel": dm["channel"]}


def press(app: RunningApp, dm: dict[str, Any], action_id: str, user: str, **kw: Any) -> None:
    app.slack.block_action(action_id, user_id=user, message=as_message(dm), **kw)
    app.wait_idle()


def write(app: RunningApp, dm: dict[str, Any], sentence: str | None, user: str = "UBOB") -> Reply:
    """Press "Write a sentence" in the peer's DM and submit the form it opens."""
    before = len(app.standin.calls_to("views.open"))
    press(app, dm, ui.ANSWER_ACTION, user)
    opened = app.standin.wait_for("views.open", count=before + 1)[-1].data["view"]
    assert opened["callback_id"] == ui.ANSWER_VIEW
    reply = app.slack.view_submission(
        ui.ANSWER_VIEW,
        user_id=user,
        values={ui.SENTENCE_BLOCK: {ui.SENTENCE_BLOCK: Input.plain_text(sentence)}},
    )
    app.wait_idle()
    return reply


def requests(app: RunningApp) -> list[QuoteRequest]:
    with app.database.session() as session:
        found = list(session.scalars(select(QuoteRequest).order_by(QuoteRequest.id)))
        session.expunge_all()
        return found


def kudos_rows(app: RunningApp) -> list[Kudos]:
    with app.database.session() as session:
        found = list(session.scalars(select(Kudos).order_by(Kudos.id)))
        session.expunge_all()
        return found


def has_user(app: RunningApp, slack_id: str) -> bool:
    with app.database.session() as session:
        return session.scalar(select(User).where(User.slack_user_id == slack_id)) is not None


def responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def requested(app: RunningApp, peer: str = "UBOB", note: str | None = None) -> dict[str, Any]:
    """Alice asked `peer`; the job delivered the ask: the peer's DM."""
    reply = ask(app, peer, note)
    assert reply.status == 200 and not reply.body, reply.body
    deliver(app)
    (dm,) = quote_dms(app, peer)[-1:]
    return dm


def test_a_requested_quote_comes_back_as_kudos(running_app: RunningApp) -> None:
    """The acceptance path: button → form → DM to a peer who never used the app → their
    sentence → kudos on the requester's log (Home, packet) → the requester told."""
    app = running_app
    # `/multiplier quote` carries the button; it opens the form with a users_select.
    shown = multiplier(app, "quote")
    assert shown["response_type"] == "ephemeral"
    app.slack.block_action(
        ui.REQUEST_ACTION, user_id="UALICE", message={**shown, "message_ts": "1.000001"}
    )
    view = app.standin.wait_for("views.open")[-1].data["view"]
    app.wait_idle()
    assert view["callback_id"] == ui.REQUEST_VIEW
    peer_input = next(b for b in view["blocks"] if b.get("block_id") == ui.PEER_BLOCK)
    assert peer_input["element"]["type"] == "users_select"
    assert LIB.quote_text("why").text in view["blocks"][0]["text"]["text"]

    note = "The billing RFC & the <b>migration</b> 🚀"
    reply = app.slack.view_submission(ui.REQUEST_VIEW, user_id="UALICE", values=form("UBOB", note))
    app.wait_idle()
    assert reply.status == 200 and not reply.body
    (told,) = app.standin.dm_messages("UALICE")[-1:]
    assert told["text"].startswith("I'm asking <@UBOB> for one sentence")
    (request,) = requests(app)
    assert (request.status, request.peer_slack_user_id) == (states.OPEN, "UBOB")
    assert request.note == "The billing RFC &amp; the &lt;b&gt;migration&lt;/b&gt; 🚀"
    # Bob never used the app: no row for him, and the DM still goes (to his user id).
    assert not has_user(app, "UBOB")
    assert quote_dms(app, "UBOB") == []
    deliver(app)
    (dm,) = quote_dms(app, "UBOB")
    ask_text = LIB.quote_text("ask")
    assert ask_text.seed == "002_ab6cc0801e6074bc.txt" and ask_text.seed_quote
    assert dm["text"].startswith("<@UALICE> asked you for one sentence about their influence")
    assert "&amp; the &lt;b&gt;migration&lt;/b&gt; 🚀" in str(dm["blocks"])
    deliver(app)  # a replay sends nothing more
    assert len(quote_dms(app, "UBOB")) == 1

    sentence = "Alice's RFC <saved> my team & a quarter 🚀 — *really*"
    reply = write(app, dm, sentence)
    body = reply.json()
    assert body["response_action"] == "update"
    assert body["view"]["title"]["text"] == "Thank you"
    assert "<@UALICE>'s log as kudos from you" in body["view"]["blocks"][0]["text"]["text"]
    # The ask in Bob's DM: its two buttons become one, to change his sentence, and it says
    # what he did without thanking him a second time (failed before: "… Thank you." beside
    # the "Thank you" form).
    redrawn = app.standin.message(dm["channel"], dm["ts"]) or {}
    assert redrawn["text"] == (
        "You sent <@UALICE> a sentence about their influence: it is on their log."
    )
    (buttons,) = [b["elements"] for b in redrawn["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["text"]["text"]) for e in buttons] == [
        (ui.ANSWER_ACTION, "Change my sentence")
    ]

    stored = "Alice's RFC &lt;saved&gt; my team &amp; a quarter 🚀 — *really*"
    (kudos,) = kudos_rows(app)
    assert kudos.text == stored and kudos.share_in_digest is False
    (entry,) = entries(app, "UALICE")
    assert (entry.source, entry.text, entry.people) == ("kudos", stored, ["UBOB"])
    (request,) = requests(app)
    assert (request.status, request.kudos_id, request.open_key) == (states.ANSWERED, kudos.id, None)
    assert request.answered_at is not None

    # The requester is told, with the sentence as typed.
    deliver(app)
    (back,) = quote_dms(app, "UALICE")
    assert back["text"].startswith("<@UBOB> wrote a sentence about your influence")
    assert back["blocks"][1]["text"]["text"] == "> " + display(stored)

    # Her Home shows it on her log, and carries the button.
    home = app.standin.wait_until(
        lambda: stored[:20] in str(app.standin.home_view("UALICE") or {}), timeout=5
    )
    assert home
    home_view = app.standin.home_view("UALICE") or {}
    assert ui.REQUEST_ACTION in json.dumps(home_view)

    # The packet lists it as kudos from Bob; its reply carries the button too.
    done = multiplier(app, "export packet", n=responses(app) + 1)
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    final = last_response(app, responses(app))
    assert ui.REQUEST_ACTION in json.dumps(final), (done, final)
    packet = app.standin.uploaded_files()[-1].content.decode()
    lines = packet.splitlines()
    at = next(i for i, line in enumerate(lines) if "my team & a quarter 🚀" in line)
    assert any(line.strip().startswith("- Kudos from") for line in lines[at : at + 4])
    assert "kudos received: 1" in lines[4]
    # …listed in the packet's kudos section (peer recognition: its source is kudos).
    recognition = packet.split("## 3. Peer recognition (1)")[1].split("\n## ")[0]
    assert "my team & a quarter 🚀" in recognition and "Kudos from" in recognition

    # `/multiplier quote` lists it as answered.
    listed = multiplier(app, "quote", n=responses(app) + 1)
    assert "<@UBOB>: answered" in json.dumps(listed)


@pytest.mark.parametrize(
    ("peer", "why"),
    [
        ("UALICE", "That's you"),
        ("UBOTTY", "That's a bot"),
        ("USLACKBOT", "That's a bot"),
        ("UNOBODY", "couldn't find"),
        ("UGONE", "deactivated"),
        (None, "Pick one person"),
    ],
)
def test_who_cannot_be_asked_is_refused_on_the_field(
    running_app: RunningApp, peer: str | None, why: str
) -> None:
    running_app.standin.add_user("UBOTTY", name="deploybot", is_bot=True)
    running_app.standin.add_user("UGONE", name="gone", deleted=True)
    body = ask(running_app, peer).json()
    assert body["response_action"] == "errors" and list(body["errors"]) == [ui.PEER_BLOCK]
    assert why in body["errors"][ui.PEER_BLOCK]
    assert requests(running_app) == []


def test_tampered_request_form_is_refused(running_app: RunningApp) -> None:
    reply = running_app.slack.view_submission(
        ui.REQUEST_VIEW, user_id="UALICE", values=form("UBOB"), private_metadata="quote:v2"
    )
    assert reply.json()["response_action"] == "errors"
    assert requests(running_app) == []


def test_one_open_request_per_peer(running_app: RunningApp) -> None:
    """A second ask of Bob while the first is open is refused; Carol can be asked; once Bob
    said "Not now", he can be asked again."""
    app = running_app
    dm = requested(app, "UBOB")
    body = ask(app, "UBOB").json()
    assert body["response_action"] == "errors"
    assert "still open" in body["errors"][ui.PEER_BLOCK]
    assert ask(app, "UCAROL").status == 200
    # Bob asking Bob's own requester is a different pair: allowed.
    assert not ask(app, "UALICE", user="UBOB").body
    assert len(requests(app)) == 3
    press(app, dm, ui.DECLINE_ACTION, "UBOB")
    assert not ask(app, "UBOB").body
    assert [r.status for r in requests(app)] == ["declined", "open", "open", "open"]


def test_not_now_tells_the_requester_kindly(running_app: RunningApp) -> None:
    app = running_app
    dm = requested(app)
    before = responses(app)
    press(app, dm, ui.DECLINE_ACTION, "UBOB")
    reply = last_response(app, before + 1)
    assert reply["replace_original"] is True
    assert reply["text"] == "Okay, not now. I'll let <@UALICE> know, kindly: no need to explain."
    (request,) = requests(app)
    assert request.status == states.DECLINED and request.kudos_id is None
    deliver(app)
    (told,) = quote_dms(app, "UALICE")
    assert told["text"].startswith("<@UBOB> can't write a sentence just now. No harm done")
    # Pressing either button again changes nothing, and says so.
    press(app, dm, ui.ANSWER_ACTION, "UBOB")
    assert "You said not now" in last_response(app, before + 2)["text"]
    press(app, dm, ui.DECLINE_ACTION, "UBOB")
    assert "You said not now" in last_response(app, before + 3)["text"]
    deliver(app)
    assert len(quote_dms(app, "UALICE")) == 1 and kudos_rows(app) == []


def submit(app: RunningApp, request_id: int, sentence: str, user: str = "UBOB") -> dict[str, Any]:
    """Submit the answer form for `request_id` (a form left open, or opened again)."""
    reply = app.slack.view_submission(
        ui.ANSWER_VIEW,
        user_id=user,
        values={ui.SENTENCE_BLOCK: {ui.SENTENCE_BLOCK: Input.plain_text(sentence)}},
        private_metadata=str(request_id),
    ).json()
    app.wait_idle()
    return dict(reply)


def test_a_second_answer_before_she_is_told_replaces_the_first(running_app: RunningApp) -> None:
    """Bob sends a second sentence (a form left open) before Alice's DM went out: one kudos,
    its text and her log's entry now the second sentence, and she is told once, with it."""
    app = running_app
    dm = requested(app)
    assert write(app, dm, "First: she taught us to write RFCs.").json()["response_action"] == (
        "update"
    )
    (request,) = requests(app)
    again = submit(app, request.id, "Second: her RFC template saved <us> a quarter & more.")
    assert again["response_action"] == "update"
    assert again["view"]["blocks"][0]["text"]["text"].startswith("Updated.")
    stored = "Second: her RFC template saved &lt;us&gt; a quarter &amp; more."
    assert [k.text for k in kudos_rows(app)] == [stored]
    (entry,) = entries(app, "UALICE")
    assert (entry.text, entry.people) == (stored, ["UBOB"])
    deliver(app)
    deliver(app)
    (told,) = quote_dms(app, "UALICE")
    assert told["text"].startswith("<@UBOB> wrote a sentence about your influence")
    assert told["blocks"][1]["text"]["text"] == "> " + display(stored)


def test_answers_after_she_was_told_update_her_log_and_tell_her_once(
    running_app: RunningApp,
) -> None:
    """Alice was told of Bob's first sentence; his stale "Write a sentence" opens the form
    with it to change; his second replaces it and she is told once that it changed; a third
    replaces it again and redraws that one DM in place (no third DM)."""
    app = running_app
    dm = requested(app)
    write(app, dm, "First: she taught us to write RFCs.")
    deliver(app)
    assert len(quote_dms(app, "UALICE")) == 1
    (request,) = requests(app)

    # "Change my sentence" on the redrawn ask opens his form with his sentence in it.
    before = len(app.standin.calls_to("views.open"))
    press(app, app.standin.message(dm["channel"], dm["ts"]) or {}, ui.ANSWER_ACTION, "UBOB")
    opened = app.standin.wait_for("views.open", count=before + 1)[-1].data["view"]
    assert opened["callback_id"] == ui.ANSWER_VIEW
    assert opened["private_metadata"] == str(request.id)
    field = next(b for b in opened["blocks"] if b.get("block_id") == ui.SENTENCE_BLOCK)
    assert field["element"]["initial_value"] == "First: she taught us to write RFCs."

    assert submit(app, request.id, "Second sentence.")["view"]["title"]["text"] == "Thank you"
    deliver(app)
    deliver(app)
    first, changed = quote_dms(app, "UALICE")
    assert first["blocks"][1]["text"]["text"] == "> First: she taught us to write RFCs."
    assert changed["text"].startswith("<@UBOB> changed their sentence about your influence.")
    assert changed["blocks"][1]["text"]["text"] == "> Second sentence."

    updates = len(app.standin.calls_to("chat.update"))
    submit(app, request.id, "Third, and last.")
    deliver(app)
    assert len(quote_dms(app, "UALICE")) == 2  # told once, not again
    app.standin.wait_for("chat.update", count=updates + 1)
    app.wait_idle()
    redrawn = app.standin.message(changed["channel"], changed["ts"]) or {}
    assert redrawn["blocks"][1]["text"]["text"] == "> Third, and last."
    assert [k.text for k in kudos_rows(app)] == ["Third, and last."]
    (entry,) = entries(app, "UALICE")
    assert entry.text == "Third, and last."
    (request,) = requests(app)
    assert request.status == states.ANSWERED
    # Only the requester's DMs went to her, and none to Bob beyond the ask.
    assert len(quote_dms(app, "UBOB")) == 1


def test_a_deleted_kudos_is_not_brought_back_by_a_second_answer(running_app: RunningApp) -> None:
    """Alice deleted the entry Bob's sentence became: a second one stores nothing."""
    app = running_app
    dm = requested(app)
    write(app, dm, "First: she taught us to write RFCs.")
    (entry,) = entries(app, "UALICE")
    with app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        assert evidence.delete_entry(session=session, user=alice, entry_id=entry.id)
        session.commit()
    (request,) = requests(app)
    again = submit(app, request.id, "Second!")
    assert "already sent your sentence" in again["view"]["blocks"][0]["text"]["text"]
    assert kudos_rows(app) == [] and entries(app, "UALICE") == []


def test_tampered_ids_change_nothing(running_app: RunningApp) -> None:
    """Carol pressing with Bob's request id, or submitting Bob's request id in the form's
    metadata, or an id that never was, stores nothing and leaves Bob's request open."""
    app = running_app
    dm = requested(app, "UBOB")
    (bobs,) = requests(app)
    requested(app, "UCAROL")
    before = responses(app)
    press(app, dm, ui.ANSWER_ACTION, "UCAROL")
    carol_reply = last_response(app, before + 1)
    assert "isn't addressed to you" in carol_reply["text"]
    assert carol_reply["replace_original"] is False
    press(app, dm, ui.DECLINE_ACTION, "UCAROL")
    assert "isn't addressed to you" in last_response(app, before + 2)["text"]
    for metadata in (str(bobs.id), "999999", "", "x" * 300, '{"id": 1}'):
        reply = app.slack.view_submission(
            ui.ANSWER_VIEW,
            user_id="UCAROL",
            values={ui.SENTENCE_BLOCK: {ui.SENTENCE_BLOCK: Input.plain_text("Forged praise")}},
            private_metadata=metadata,
        ).json()
        assert reply["response_action"] == "update", metadata
        assert reply["view"]["title"]["text"] == "A quote"
    assert kudos_rows(app) == []
    assert [r.status for r in requests(app)] == ["open", "open"]


def test_a_request_older_than_30_days_has_expired(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    dm = requested(app)
    move_clock(timedelta(days=31))
    before = responses(app)
    press(app, dm, ui.ANSWER_ACTION, "UBOB")
    assert "over 30 days old" in last_response(app, before + 1)["text"]
    (request,) = requests(app)
    assert request.status == states.EXPIRED and request.open_key is None
    listed = multiplier(app, "quote", n=responses(app) + 1)
    assert "expired after 30 days" in json.dumps(listed)
    # Bob can be asked again.
    assert not ask(app, "UBOB").body


def test_an_expired_open_request_does_not_block_a_new_one(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    requested(running_app)
    move_clock(timedelta(days=30, minutes=1))
    assert not ask(running_app, "UBOB").body
    assert [r.status for r in requests(running_app)] == ["expired", "open"]


def test_the_requester_forgetting_themselves(running_app: RunningApp) -> None:
    """forget-me deletes Alice's requests (and their DM rows); Bob's pending button then
    says it is no longer needed, and stores nothing."""
    app = running_app
    dm = requested(app, note="the RFC")
    prompt = multiplier(app, "forget-me", n=responses(app) + 1)
    done = responses(app) + 1
    click(app, prompt, "forget_me_confirm")
    assert "Done" in last_response(app, done)["text"]
    assert requests(app) == []
    with app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(QuotePost)) == 0
    before = responses(app)
    press(app, dm, ui.ANSWER_ACTION, "UBOB")
    reply = last_response(app, before + 1)
    assert "no longer needed" in reply["text"] and reply["replace_original"] is True
    press(app, dm, ui.DECLINE_ACTION, "UBOB")
    assert "no longer needed" in last_response(app, before + 2)["text"]
    assert kudos_rows(app) == []


def test_requests_are_in_the_requesters_export_only(running_app: RunningApp) -> None:
    app = running_app
    requested(app, note="the <RFC> & more")
    multiplier(app, "export json", n=responses(app) + 1)
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    exported = json.loads(app.standin.uploaded_files()[-1].content)
    (row,) = exported["tables"]["quote_requests"]
    assert row["peer_slack_user_id"] == "UBOB" and row["status"] == "open"
    assert row["note"] == "the <RFC> & more"
    # Bob's export (he has a row once he speaks to the app) holds no request of Alice's.
    multiplier(app, "export json", user_id="UBOB", n=responses(app) + 1)
    app.standin.wait_for("files.completeUploadExternal", count=2)
    app.wait_idle()
    bobs = json.loads(app.standin.uploaded_files()[-1].content)
    assert bobs["tables"].get("quote_requests", []) == []
    assert "the &lt;RFC&gt;" not in json.dumps(bobs)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("", False),
        ("   \n  ", False),
        ("🚀" * 501, False),  # 1,002 UTF-16 units: over the limit
        ("🚀" * 500, True),  # exactly 1,000
        ("x" * 1001, False),
        ("<!channel> *bold* <@UCAROL> & `code` _it_ ~no~", True),
        ("Ünïcödé and 漢字 and a ZWJ family 👨‍👩‍👧", True),
        ("  One line,\nand > a second\n", True),
    ],
)
def test_sentence_text_as_typed(running_app: RunningApp, typed: str, ok: bool) -> None:
    app = running_app
    dm = requested(app)
    reply = write(app, dm, typed).json()
    if not ok:
        assert reply["response_action"] == "errors"
        assert list(reply["errors"]) == [ui.SENTENCE_BLOCK]
        assert kudos_rows(app) == []
        assert requests(app)[0].status == states.OPEN
        return
    assert reply["response_action"] == "update"
    stored = typed.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    (kudos,) = kudos_rows(app)
    assert kudos.text == stored
    deliver(app)
    (back,) = quote_dms(app, "UALICE")
    shown = back["blocks"][1]["text"]["text"]
    assert shown == "\n".join(f"> {line}" for line in display(stored).split("\n"))
    assert "<!channel>" not in shown and "<@UCAROL>" not in shown


def test_a_grid_coworker_can_be_asked_but_not_someone_outside_the_workspace(
    grid_app: RunningApp,  # noqa: F811 - the fixture imported above
) -> None:
    """Dana's home is another workspace of the org, but she is in this one: asked, DMed,
    her sentence lands on Alice's log. Erin is in the org only: refused on the field."""
    app = grid_app
    body = ask(app, "WERIN").json()
    assert body["response_action"] == "errors"
    assert "aren't in this workspace" in body["errors"][ui.PEER_BLOCK]
    dm = requested(app, "WDANA")
    assert dm["channel"] == app.standin.dm_channel_for("WDANA")
    assert (
        write(app, dm, "Alice made our on-call sane.", user="WDANA").json()["response_action"]
        == "update"
    )
    (entry,) = entries(app, "UALICE")
    assert (entry.source, entry.people) == ("kudos", ["WDANA"])
