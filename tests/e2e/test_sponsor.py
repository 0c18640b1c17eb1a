"""The sponsor thread end to end (issue 17 item 2): a monthly (not weekly) private DM with the
first check-in of the month, a modal storing who could advocate for you, when you last showed
them your work and one next step; `/multiplier sponsor` shows the latest; the owner's packet
answers its sponsor element with it; export json has it and forget-me deletes it.
Signed requests → app → DB; the app's clock moved, the jobs run with an explicit `now`."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.coaching.library import default_library
from bot.db.models import SponsorNote, SponsorPost, User
from bot.privacy.service import rows_from_export
from bot.sponsors.monthly import EVENT_TYPE, send_sponsor_dms
from bot.sponsors.service import MAX_NEXT_STEP_LENGTH
from bot.ui import sponsor as ui
from standin.signing import Input
from tests.checkins.support import (
    add_users,
    checkin_messages,
    dispatcher,
    nothing_this_week,
    settings_for,
    utc,
)
from tests.e2e.evidence_helpers import brag, click, last_response
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp

LIB = default_library()
MoveClock = Callable[[datetime], None]
# Alice (UTC) opts in on Monday 30 Nov 2026; her check-ins are Thursdays 15:00.
MONDAY_30 = utc(2026, 11, 30, 9)
DEC_3 = utc(2026, 12, 3, 15)  # her very first check-in: no sponsor DM in her first month
JAN_7 = utc(2027, 1, 7, 15)  # her first check-in of January
FEB_4 = utc(2027, 2, 4, 15)  # her first check-in of February


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def sponsor_dms(app: RunningApp, slack_id: str = "UALICE") -> list[dict[str, Any]]:
    return [
        m
        for m in app.standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def tick(app: RunningApp, now: datetime) -> None:
    """One scheduler tick's check-ins then sponsor DMs, at `now`."""
    dispatcher(app.standin, app.database).run(now)
    send_sponsor_dms(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=now,
        library=LIB,
    )


def opted_in(app: RunningApp, move_clock: MoveClock, *, through_december: bool = True) -> None:
    """Alice opted in, with her December check-ins sent (none brings a sponsor DM), the last
    one answered "Nothing this week"."""
    move_clock(MONDAY_30)
    add_users(app.database, ["UALICE"], now=MONDAY_30, standin=app.standin, checkin_weekday=3)
    if through_december:
        for week in range(5):
            move_clock(DEC_3 + timedelta(weeks=week))
            tick(app, DEC_3 + timedelta(weeks=week))
        assert len(checkin_messages(app.standin, "UALICE")) == 5
        assert sponsor_dms(app) == []
        nothing_this_week(app)  # not silent: January's sponsor DM may come


def answers(
    *, who: str | None = "UBOSS", words: str = "", shown: date | None = None, step: str = ""
) -> dict[str, Any]:
    return {
        "sponsor": {"sponsor": Input.users_select(who)},
        "sponsor_text": {"sponsor_text": Input.plain_text(words or None)},
        "last_shown": {"last_shown": Input.datepicker(shown)},
        "next_step": {"next_step": Input.plain_text(step or None)},
    }


def open_modal(app: RunningApp, message: dict[str, Any]) -> dict[str, Any]:
    before = len(app.standin.calls_to("views.open"))
    app.slack.block_action(ui.OPEN_ACTION, user_id="UALICE", message=message)
    opened = app.standin.wait_for("views.open", count=before + 1)[-1]
    app.wait_idle()
    return opened.data["view"]


def responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def command(app: RunningApp, text: str) -> dict[str, Any]:
    """`/multiplier <text>` and its first answer."""
    return multiplier(app, text, n=responses(app) + 1)


def notes(app: RunningApp) -> list[SponsorNote]:
    with app.database.session() as session:
        return list(session.scalars(select(SponsorNote).order_by(SponsorNote.id)))


def test_the_sponsor_dm_comes_monthly_and_exactly_once(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """None in her first month; with January's first check-in, one sponsor DM (also when the
    job is replayed and two workers race); none with the next weeks' check-ins; February's
    first brings the next."""
    opted_in(running_app, move_clock)
    move_clock(JAN_7)
    tick(running_app, JAN_7)
    assert len(checkin_messages(running_app.standin, "UALICE")) == 6
    (dm,) = sponsor_dms(running_app)
    assert dm["blocks"][-1]["elements"][0]["action_id"] == ui.OPEN_ACTION
    # Its words are the seeded ones in prompts/.
    question = LIB.prompt("alignment-sponsor-visibility")
    assert question.seed == "002_ab6cc0801e6074bc.txt"
    assert dm["text"] == f"Your monthly sponsor check: {question.text}"
    # On screen the heading stands on its own line above the question (the question itself
    # starts "This month:", so one line read "check: This month: …").
    heading, asked, _why = dm["blocks"][0]["text"]["text"].split("\n")
    assert (heading, asked) == ("*Your monthly sponsor check*", question.text)

    # A replay, and two workers at once: still one.
    tick(running_app, JAN_7 + timedelta(minutes=1))
    settings = settings_for(running_app.standin, running_app.database)
    workers = [
        threading.Thread(
            target=send_sponsor_dms,
            kwargs={
                "database": running_app.database,
                "settings": settings,
                "token_for": lambda _team: running_app.standin.bot_token,
                "now": JAN_7 + timedelta(minutes=2),
                "library": LIB,
                "worker_id": f"w{i}",
            },
        )
        for i in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(sponsor_dms(running_app)) == 1

    # The next three weeks' check-ins come without one (she answers them: not silent).
    for week in (1, 2, 3):
        move_clock(JAN_7 + timedelta(weeks=week))
        tick(running_app, JAN_7 + timedelta(weeks=week))
        nothing_this_week(running_app)
    assert len(checkin_messages(running_app.standin, "UALICE")) == 9
    assert len(sponsor_dms(running_app)) == 1

    # A month later, with February's first check-in: the next one.
    move_clock(FEB_4)
    tick(running_app, FEB_4)
    assert len(sponsor_dms(running_app)) == 2
    with running_app.database.session() as session:
        months = session.scalars(select(SponsorPost.month).order_by(SponsorPost.id)).all()
    assert months == ["2027-01", "2027-02"]


def test_no_sponsor_dm_while_paused(running_app: RunningApp, move_clock: MoveClock) -> None:
    """A paused person gets no check-in, and so no sponsor DM, that month."""
    opted_in(running_app, move_clock)
    with running_app.database.session() as session:
        alice = session.scalars(select(User)).one()
        alice.paused_until = date(2027, 1, 30)
    move_clock(JAN_7)
    tick(running_app, JAN_7)
    tick(running_app, JAN_7 + timedelta(hours=1))
    assert len(checkin_messages(running_app.standin, "UALICE")) == 5  # December's only
    assert sponsor_dms(running_app) == []


def test_answers_are_stored_shown_in_the_command_and_packet_exported_and_forgotten(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    opted_in(running_app, move_clock)
    move_clock(JAN_7)
    tick(running_app, JAN_7)
    (dm,) = sponsor_dms(running_app)
    message = {"blocks": dm["blocks"], "ts": dm["ts"], "channel": dm["channel"]}
    view = open_modal(running_app, message)
    assert view["callback_id"] == ui.SPONSOR_VIEW
    step = "Send <@UBOSS> the RFC 🚀 — *before* <!channel> Friday & ask for feedback"
    reply = running_app.slack.view_submission(
        ui.SPONSOR_VIEW,
        user_id="UALICE",
        values=answers(words="VP Platform ünd Co", shown=date(2026, 12, 14), step=step),
    )
    assert reply.status == 200 and not reply.body
    running_app.wait_idle()
    (note,) = notes(running_app)
    assert (note.sponsor_user_id, note.last_shown_on) == ("UBOSS", date(2026, 12, 14))
    assert note.sponsor_text == "VP Platform ünd Co"
    # Stored as every typed text is: escaped, so it can never become a mention or broadcast.
    assert note.next_step == step.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    # `/multiplier sponsor` shows the latest, and its button opens the modal prefilled.
    shown = command(running_app, "sponsor")
    assert shown["response_type"] == "ephemeral"
    body = shown["blocks"][0]["text"]["text"]
    assert body.splitlines()[0] == "*Sponsor:* <@UBOSS> · VP Platform ünd Co"
    assert body.splitlines()[1] == "*Last showed them your work:* Mon 14 Dec 2026"
    assert "<!channel>" not in body and "&lt;!channel&gt;" in body
    again = open_modal(running_app, shown)
    prefilled = {b["block_id"]: b["element"] for b in again["blocks"] if b["type"] == "input"}
    assert prefilled["sponsor"]["initial_user"] == "UBOSS"
    assert prefilled["last_shown"]["initial_date"] == "2026-12-14"
    assert prefilled["next_step"]["initial_value"] == step

    # An update keeps the history; "never" is an empty date.
    running_app.slack.view_submission(
        ui.SPONSOR_VIEW,
        user_id="UALICE",
        values=answers(step="Ask my manager who sits in calibration"),
    )
    running_app.wait_idle()
    assert [n.last_shown_on for n in notes(running_app)] == [date(2026, 12, 14), None]
    body = command(running_app, "sponsor")["blocks"][0]["text"]["text"]
    assert body.splitlines()[1] == "*Last showed them your work:* never yet"

    # The owner's packet answers the sponsor element with the latest note.
    brag(running_app, "Wrote the caching RFC #rfc", n=responses(running_app) + 1)
    command(running_app, "export packet")
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (packet,) = running_app.standin.uploaded_files()
    section = packet.content.decode().split("## 4. A sponsor")[1].split("\n## ")[0]
    lines = section.splitlines()
    assert "- Sponsor: @uboss" in lines or "- Sponsor: @UBOSS" in lines
    assert "- Last showed them your work: never yet" in lines
    assert "- Next step: Ask my manager who sits in calibration" in lines
    assert "Questions to answer:" not in lines

    # export json carries every note; forget-me deletes them and the monthly DM rows.
    command(running_app, "export json")
    running_app.standin.wait_for("files.completeUploadExternal", count=2)
    running_app.wait_idle()
    exported = json.loads(running_app.standin.uploaded_files()[-1].content)
    # As typed (`step`), the stored Slack form kept beside it (bot/privacy `as_stored`).
    assert [row["next_step"] for row in exported["tables"]["sponsor_notes"]] == [
        step,
        "Ask my manager who sits in calibration",
    ]
    assert [r["next_step"] for r in rows_from_export(exported, "sponsor_notes")] == [
        note.next_step,
        "Ask my manager who sits in calibration",
    ]
    assert [row["month"] for row in exported["tables"]["sponsor_posts"]] == ["2027-01"]
    prompt = command(running_app, "forget-me")
    done = responses(running_app) + 1
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, done)["text"]
    with running_app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(SponsorNote)) == 0
        assert session.scalar(select(func.count()).select_from(SponsorPost)) == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (answers(step=""), "next_step"),
        (answers(step="   \n "), "next_step"),
        (answers(step="x" * (MAX_NEXT_STEP_LENGTH + 1)), "next_step"),
        (answers(who=None, words="", step="Show her the RFC"), "sponsor"),
        (answers(who=None, words="  ", step="Show her the RFC"), "sponsor"),
        (answers(shown=date(2099, 1, 1), step="Show her the RFC"), "last_shown"),
        (answers(who="not-a-user", words="", step="Show her the RFC"), "sponsor"),
    ],
)
def test_bad_answers_keep_the_modal_open_and_store_nothing(
    running_app: RunningApp, values: dict[str, Any], field: str
) -> None:
    reply = running_app.slack.view_submission(
        ui.SPONSOR_VIEW, user_id="UALICE", values=values, private_metadata=ui.SPONSOR_METADATA
    )
    body = reply.json()
    assert body["response_action"] == "errors" and list(body["errors"]) == [field]
    assert notes(running_app) == []


@pytest.mark.parametrize("metadata", ["", "sponsor:v2", '{"user_id": "UBOB"}', "x" * 3000])
def test_tampered_metadata_is_refused(running_app: RunningApp, metadata: str) -> None:
    reply = running_app.slack.view_submission(
        ui.SPONSOR_VIEW,
        user_id="UALICE",
        values=answers(step="Show her the RFC"),
        private_metadata=metadata,
    )
    assert reply.json()["response_action"] == "errors"
    assert notes(running_app) == []
