"""The quarterly promotion story end to end (issue 17 item 5): a quarter of entries and kudos
logged over signed HTTP, the clock moved to the next quarter, the draft DM arrives with the
first check-in, assembled from the log; "Edit into my story" opens the form prefilled with the
draft; saving stores the story and the packet shows it. `/multiplier story` drafts now;
tampered forms are refused; export json has it and forget-me deletes it.
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
from bot.coaching.story import FORM_LIMIT, Quarter
from bot.db.models import PromotionStory, PromotionStoryPost, User
from bot.privacy.service import rows_from_export
from bot.stories.quarterly import EVENT_TYPE, send_story_dms
from bot.ui import quotes as quotes_ui
from bot.ui import story as ui
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
from tests.support import logbook
from tests.support.apps import RunningApp

LIB = default_library()
MoveClock = Callable[[datetime], None]
# Alice (New York, as Slack's profile says) opts in on Monday 30 Nov 2026; her check-ins are
# Thursdays 15:00 there (20:00 UTC).
TZ = "America/New_York"
MONDAY_30 = utc(2026, 11, 30, 14)
DEC_3 = utc(2026, 12, 3, 20)  # her very first check-in: Q4 2026, no story DM in it
JAN_7 = utc(2027, 1, 7, 20)  # her first check-in of Q1 2027: Q4's story


@pytest.fixture
def move_clock() -> Iterator[MoveClock]:
    def move(instant: datetime) -> None:
        clock.shift(instant - clock.now())

    yield move
    clock.reset()


def story_dms(app: RunningApp, slack_id: str = "UALICE") -> list[dict[str, Any]]:
    return [
        m
        for m in app.standin.dm_messages(slack_id)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def tick(app: RunningApp, now: datetime) -> None:
    """One scheduler tick's check-ins then story DMs, at `now`."""
    dispatcher(app.standin, app.database).run(now)
    send_story_dms(
        database=app.database,
        settings=settings_for(app.standin, app.database),
        token_for=lambda _team: app.standin.bot_token,
        now=now,
        library=LIB,
    )


def responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def command(app: RunningApp, text: str, user_id: str = "UALICE") -> dict[str, Any]:
    return multiplier(app, text, user_id=user_id, n=responses(app) + 1)


def stories(app: RunningApp) -> list[PromotionStory]:
    with app.database.session() as session:
        return list(session.scalars(select(PromotionStory).order_by(PromotionStory.id)))


def opted_in(app: RunningApp, move_clock: MoveClock) -> None:
    """Alice, Bob and Carol; Alice opted in. Teams are the digest channels: Alice and Carol
    are on payments, Bob on search."""
    move_clock(MONDAY_30)
    add_users(
        app.database, ["UALICE"], now=MONDAY_30, tz=TZ, standin=app.standin, checkin_weekday=3
    )
    for other in ("UBOB", "UCAROL"):
        app.standin.add_user(other, name=other.lower(), tz=TZ)
    with app.database.session() as session:
        logbook.digest_channel(session, "CPAY", "team-payments", ["UALICE", "UCAROL"])
        logbook.digest_channel(session, "CSEARCH", "team-search", ["UBOB"])


def log_a_quarter(app: RunningApp, move_clock: MoveClock) -> None:
    """December's check-ins go out (none brings a story DM: her first quarter), and she logs
    entries (one with its impact through the form), receives kudos from two teams and
    answers the last one ("Nothing this week")."""
    for week in range(5):
        at = DEC_3 + timedelta(weeks=week)
        move_clock(at)
        tick(app, at)
        if week == 0:
            brag(
                app,
                "Wrote the RFC for one shared API client #rfc #cross-team",
                n=responses(app) + 1,
            )
        elif week == 1:
            app.slack.slash_command("/brag", "", user_id="UALICE")
            app.standin.wait_for("views.open")
            app.slack.view_submission(
                "evidence_entry",
                user_id="UALICE",
                values={
                    "text": {
                        "text": Input.plain_text("Chose Postgres for the ledger & its reports")
                    },
                    "dimension": {"dimension": Input.static_select("decisions")},
                    "scope": {"scope": Input.static_select("org")},
                    "people": {"people": Input.multi_users_select([])},
                    "link": {"link": Input.plain_text(None)},
                    "impact": {
                        "impact": Input.plain_text("Every team can now query the ledger with SQL")
                    },
                    "visibility": {"visibility": Input.radio("private")},
                },
            )
            app.wait_idle()
        elif week == 2:
            brag(
                app,
                "Reviewed search's cache design. Without it they would have built a second cache, "
                "3 weeks of work. #review",
                n=responses(app) + 1,
            )
            app.slack.slash_command(
                "/kudos", "<@UALICE|alice> unblocked our launch in a day", user_id="UBOB"
            )
            app.wait_idle()
        elif week == 3:
            app.slack.slash_command(
                "/kudos", "<@UALICE|alice> thanks for the RFC", user_id="UCAROL"
            )
            app.wait_idle()
        elif week == 4:
            nothing_this_week(app)  # not silent: January's story DM may come
    assert checkin_messages(app.standin, "UALICE")
    assert story_dms(app) == []


def test_the_quarter_is_drafted_from_the_log_edited_and_used_by_the_packet(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    log_a_quarter(app, move_clock)

    # The next quarter's first check-in brings the draft of the quarter that ended.
    move_clock(JAN_7)
    tick(app, JAN_7)
    (dm,) = story_dms(app)
    ask = LIB.story_text("ask")
    assert ask.seed == "001_25b0c1775d5382ce.txt" and ask.seed_quote
    assert dm["text"] == ask.text.format(quarter="Q4 2026")
    shown = "\n".join(b["text"]["text"] for b in dm["blocks"] if b["type"] == "section")
    assert "The pattern across your entries:" in shown
    assert "- 3 entries in Q4 2026, 2 of them beyond your team." in shown
    assert "Every team can now query the ledger with SQL" in shown
    assert (
        '"Without it they would have built a second cache, 3 weeks of work." #review' not in shown
    )
    assert "3 weeks of work." in shown
    # What she did: every entry whole and dated (without the #dimension tag it ends with),
    # broadest scope first; the number inside one is not quoted a second time.
    assert (
        "What you did:\n"
        '- Thu 10 Dec 2026: "Chose Postgres for the ledger &amp; its reports"\n'
        '- Thu 3 Dec 2026: "Wrote the RFC for one shared API client #rfc #cross-team"\n'
        "- Thu 17 Dec 2026: \"Reviewed search's cache design. Without it they would have built a "
        'second cache, 3 weeks of work."'
    ) in shown
    assert shown.count("3 weeks of work.") == 1
    assert "The problem you took on" not in shown
    # Kudos from another team first, then the person's own team, without the names they
    # start with (hers); raw ids become mentions.
    kudos = [
        line
        for line in shown.splitlines()
        if "unblocked our launch" in line or "for the RFC" in line
    ]
    assert kudos == [
        '- "unblocked our launch in a day" from <@UBOB> (another team), Thu 17 Dec 2026',
        '- "thanks for the RFC" from <@UCAROL> (your team), Thu 24 Dec 2026',
    ]
    edit, quote = dm["blocks"][-1]["elements"]
    assert (edit["action_id"], quote["action_id"]) == (ui.OPEN_ACTION, quotes_ui.REQUEST_ACTION)
    # A replay, and two workers at once: still one DM, one story.
    tick(app, JAN_7 + timedelta(minutes=1))
    settings = settings_for(app.standin, app.database)
    workers = [
        threading.Thread(
            target=send_story_dms,
            kwargs={
                "database": app.database,
                "settings": settings,
                "token_for": lambda _team: app.standin.bot_token,
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
    assert len(story_dms(app)) == 1
    (stored,) = stories(app)
    assert (stored.quarter, stored.story, stored.omitted) == ("2026-Q4", None, 0)
    # The next weeks' check-ins come without another.
    for week in (1, 2):
        move_clock(JAN_7 + timedelta(weeks=week))
        tick(app, JAN_7 + timedelta(weeks=week))
    assert len(story_dms(app)) == 1

    # "Edit into my story" opens the form with the draft as typed (names, not ids; & as &).
    message = {"blocks": dm["blocks"], "ts": dm["ts"], "channel": dm["channel"]}
    before = len(app.standin.calls_to("views.open"))
    app.slack.block_action(ui.OPEN_ACTION, user_id="UALICE", message=message)
    view = app.standin.wait_for("views.open", count=before + 1)[-1].data["view"]
    app.wait_idle()
    assert view["callback_id"] == ui.STORY_VIEW
    (field,) = [b for b in view["blocks"] if b.get("block_id") == "story"]
    assert field["element"]["max_length"] == FORM_LIMIT
    prefilled = field["element"]["initial_value"]
    assert prefilled.startswith("The pattern across your entries:\n")
    assert "from @ubob (another team)" in prefilled and "<@" not in prefilled
    # Saving stores the edit; a mention typed back as shown stays a mention.
    mine = (
        "This quarter I turned three teams' duplicated clients into one & moved the ledger to "
        "SQL for everyone.\n" + prefilled.split("\n\n", 1)[1]
    )
    reply = app.slack.view_submission(ui.STORY_VIEW, user_id="UALICE", values=_story(mine))
    assert reply.status == 200 and not reply.body
    app.wait_idle()
    (stored,) = stories(app)
    assert stored.story is not None and stored.edited_at is not None
    assert stored.story.startswith(
        "This quarter I turned three teams' duplicated clients into one &amp; moved"
    )
    assert "from <@UBOB> (another team)" in stored.story
    confirmation = app.standin.dm_messages("UALICE")[-1]
    assert confirmation["text"] == "Saved your Q4 2026 story. Your promotion packet uses it."

    # The packet (her own export) shows the story she edited, not the draft.
    command(app, "export packet")
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    (packet,) = app.standin.uploaded_files()
    content = packet.content.decode()
    section = content.split("## Your promotion story")[1].split("\n## ")[0]
    assert "### Q4 2026\n" in section and "(draft)" not in section
    assert (
        "This quarter I turned three teams' duplicated clients into one & moved the ledger"
        in section
    )
    assert "from @ubob (another team)" in section

    # In the new quarter, `/multiplier story` drafts it so far and offers the last one too.
    brag(app, "Wrote the on-call guide #writing", n=responses(app) + 1)
    reply = command(app, "story")
    buttons = [b["elements"] for b in reply["blocks"] if b["type"] == "actions"]
    assert [[(e["text"]["text"], e["value"]) for e in each] for each in buttons] == [
        [("Edit into my story", "2027-Q1")],
        [("Edit my Q4 2026 story", "2026-Q4")],
    ]
    (stored, _) = stories(app)

    # export json carries it; forget-me deletes the story and the DM's row.
    command(app, "export json")
    app.standin.wait_for("files.completeUploadExternal", count=2)
    app.wait_idle()
    exported = json.loads(app.standin.uploaded_files()[-1].content)
    rows = sorted(exported["tables"]["promotion_stories"], key=lambda row: row["quarter"])
    # The story as typed (names looked up), its stored Slack form beside it (bot/privacy).
    assert [row["quarter"] for row in rows] == ["2026-Q4", "2027-Q1"] and rows[1]["story"] is None
    assert "& moved the ledger" in rows[0]["story"] and "&amp;" not in rows[0]["story"]
    assert [
        (r["quarter"], r["story"]) for r in rows_from_export(exported, "promotion_stories")
    ] == [
        ("2026-Q4", stored.story),
        ("2027-Q1", None),
    ]
    assert rows[1]["draft"].endswith(
        '- Most present: Writing that travels (1)\n\nWhat you did:\n- Thu 21 Jan 2027: "Wrote the '
        'on-call guide"'
    )
    assert [row["quarter"] for row in exported["tables"]["promotion_story_posts"]] == ["2027-Q1"]
    prompt = command(app, "forget-me")
    done = responses(app) + 1
    click(app, prompt, "forget_me_confirm")
    assert "Done" in last_response(app, done)["text"]
    with app.database.session() as session:
        assert session.scalar(select(func.count()).select_from(PromotionStory)) == 0
        assert session.scalar(select(func.count()).select_from(PromotionStoryPost)) == 0


def _story(text: str | None) -> dict[str, Any]:
    return {"story": {"story": Input.plain_text(text)}}


def test_an_unedited_draft_is_in_the_packet_labelled_as_a_draft(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    app = running_app
    opted_in(app, move_clock)
    log_a_quarter(app, move_clock)
    move_clock(JAN_7)
    tick(app, JAN_7)
    command(app, "export packet")
    app.standin.wait_for("files.completeUploadExternal")
    app.wait_idle()
    content = app.standin.uploaded_files()[-1].content.decode()
    section = content.split("## Your promotion story")[1].split("\n## ")[0]
    assert "### Q4 2026 (draft)" in section
    assert f"_{LIB.story_text('packet-draft').text}_" in section
    assert "Every team can now query the ledger with SQL" in section


def test_an_empty_quarter_brings_no_story_dm_and_nothing_is_stored(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """Nothing logged in Q4, though she answers her check-ins: no story DM with January's
    check-ins (failed before: "Your log for Q4 2026 is empty…" as the quarter's DM), nothing
    stored; `/multiplier story` still says how to fill this quarter."""
    app = running_app
    opted_in(app, move_clock)
    for week in range(5):
        move_clock(DEC_3 + timedelta(weeks=week))
        tick(app, DEC_3 + timedelta(weeks=week))
        nothing_this_week(app)
    for week in range(3):
        at = JAN_7 + timedelta(weeks=week)
        move_clock(at)
        tick(app, at)
        tick(app, at + timedelta(hours=1))
        nothing_this_week(app)
    assert story_dms(app) == []
    assert stories(app) == []
    with app.database.session() as session:
        posts = session.scalars(select(PromotionStoryPost)).all()
        # The quarter is decided once: its row says nothing was sent.
        assert [(p.quarter, p.status) for p in posts] == [("2027-Q1", "skipped")]
    reply = command(app, "story")
    assert reply["text"] == LIB.story_text("empty-quarter").text.format(quarter="Q1 2027")


def test_no_story_dm_while_paused(running_app: RunningApp, move_clock: MoveClock) -> None:
    app = running_app
    opted_in(app, move_clock)
    log_a_quarter(app, move_clock)
    with app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice.paused_until = date(2027, 1, 30)
    move_clock(JAN_7)
    tick(app, JAN_7)
    tick(app, JAN_7 + timedelta(hours=1))
    assert story_dms(app) == []


def test_the_command_drafts_now_and_keeps_what_was_typed(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """`/multiplier story` drafts this quarter so far; the form's errors keep the text."""
    app = running_app
    opted_in(app, move_clock)
    move_clock(utc(2026, 12, 10, 16))
    empty = command(app, "story")
    assert empty["text"].startswith("Your log for Q4 2026 is empty")
    assert stories(app) == []
    brag(
        app,
        "Mentored <@UCAROL> through her first design review. Saved her 2 days #mentoring",
        n=responses(app) + 1,
    )
    reply = command(app, "story")
    assert reply["response_type"] == "ephemeral"
    body = "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    assert "- 1 entry in Q4 2026." in body
    assert (
        'What you did:\n- Thu 10 Dec 2026: "Mentored <@UCAROL> through her first design review. '
        'Saved her 2 days"'
    ) in body
    assert body.count("Saved her 2 days") == 1
    (button,) = reply["blocks"][-1]["elements"]
    assert (button["action_id"], button["value"]) == (ui.OPEN_ACTION, "2026-Q4")

    metadata = ui.metadata_for(Quarter(2026, 4))
    # Empty, or too long: refused, the form stays open with what was typed.
    for typed, message in (
        ("   ", "Write your story, or press Cancel to keep the draft."),
        ("x" * (FORM_LIMIT + 1), f"Keep it under {FORM_LIMIT:,} characters."),
    ):
        answer = app.slack.view_submission(
            ui.STORY_VIEW, user_id="UALICE", values=_story(typed), private_metadata=metadata
        )
        assert answer.json() == {"response_action": "errors", "errors": {"story": message}}
    assert stories(app)[0].story is None
    saved = app.slack.view_submission(
        ui.STORY_VIEW, user_id="UALICE", values=_story("My story"), private_metadata=metadata
    )
    assert saved.status == 200 and not saved.body
    app.wait_idle()
    assert stories(app)[0].story == "My story"
    # Once edited, the command shows the story and a later log does not overwrite it.
    brag(app, "Wrote the on-call guide #writing", n=responses(app) + 1)
    again = command(app, "story")
    assert again["blocks"][1]["text"]["text"] == "My story"
    assert stories(app)[0].story == "My story"


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "story:v1:2026-Q3",
        "story:v1:2026-Q5",
        "story:v2:2026-Q4",
        '{"user_id": "UBOB"}',
        "x" * 3000,
    ],
)
def test_tampered_metadata_is_refused(
    running_app: RunningApp, move_clock: MoveClock, metadata: str
) -> None:
    """A form naming a quarter she has no story of, or not ours at all, stores nothing; nor
    can Bob save into Alice's story by sending her form's metadata."""
    app = running_app
    opted_in(app, move_clock)
    move_clock(utc(2026, 12, 10, 16))
    brag(app, "Wrote the RFC #rfc", n=responses(app) + 1)
    command(app, "story")
    for user_id, meta in (("UALICE", metadata), ("UBOB", "story:v1:2026-Q4")):
        reply = app.slack.view_submission(
            ui.STORY_VIEW, user_id=user_id, values=_story("Not mine"), private_metadata=meta
        )
        body = reply.json()
        assert body["response_action"] == "errors" and list(body["errors"]) == ["story"]
    assert [s.story for s in stories(app)] == [None]


def test_a_staff_problem_opens_the_draft_and_the_work_is_in_it(
    running_app: RunningApp, move_clock: MoveClock
) -> None:
    """She names her staff-shaped problem in December and ticks two steps of seed 001's path
    (one of them twice: it counts once); the Q4 draft opens with it, then the pattern, then
    what she did, whole and dated."""
    app = running_app
    opted_in(app, move_clock)
    move_clock(utc(2026, 12, 1, 15))
    command(app, "problem Nobody owns the deploy pipeline & its alarms")
    move_clock(utc(2026, 12, 2, 15))
    command(app, "problem done plan")
    log_a_quarter(app, move_clock)
    command(app, "problem done stakeholders")  # 31 December, New York
    command(app, "problem done stakeholders")

    move_clock(JAN_7)
    tick(app, JAN_7)
    (dm,) = story_dms(app)
    parts = [b["text"]["text"] for b in dm["blocks"] if b["type"] == "section"][1:]
    assert parts[0].splitlines() == [
        "The problem you took on:",
        '- "Nobody owns the deploy pipeline &amp; its alarms", named Tue 1 Dec 2026',
        f"- {LIB.problem_steps[0].label}: done Wed 2 Dec 2026",
        f"- {LIB.problem_steps[1].label}: done Thu 31 Dec 2026",
    ]
    assert parts[1].startswith("The pattern across your entries:\n")
    assert parts[2].splitlines()[0] == "What you did:"
    assert parts[2].splitlines()[1] == (
        '- Thu 10 Dec 2026: "Chose Postgres for the ledger &amp; its reports"'
    )
    assert len(parts[2].splitlines()) == 4
    # The form opens on the draft as shown: the problem first.
    message = {"blocks": dm["blocks"], "ts": dm["ts"], "channel": dm["channel"]}
    before = len(app.standin.calls_to("views.open"))
    app.slack.block_action(ui.OPEN_ACTION, user_id="UALICE", message=message)
    view = app.standin.wait_for("views.open", count=before + 1)[-1].data["view"]
    app.wait_idle()
    (field,) = [b for b in view["blocks"] if b.get("block_id") == "story"]
    assert field["element"]["initial_value"].startswith(
        'The problem you took on:\n- "Nobody owns the deploy pipeline & its alarms", named'
    )
