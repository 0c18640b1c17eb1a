"""`/multiplier evidence | export | forget-me` end to end."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.db.models import EvidenceEntry, Kudos, SummaryPost, User
from bot.delivery.status import DeliveryStatus
from bot.privacy import service as privacy
from tests.e2e.evidence_helpers import brag, click, count, element, entries, last_response
from tests.support.apps import RunningApp
from tests.support.privacy import rows_referring_to


def multiplier(running_app: RunningApp, text: str, user_id: str = "UALICE", n: int = 1) -> dict:
    running_app.slack.slash_command("/multiplier", text, user_id=user_id)
    payload = last_response(running_app, n)
    running_app.wait_idle()
    return payload


def test_evidence_lists_only_your_entries_with_edit_and_delete(running_app: RunningApp) -> None:
    """The list shows the caller's entries newest first, each with Edit and Delete."""
    brag(running_app, "first: wrote the RFC #rfc", n=1)
    brag(running_app, "second: unblocked dana #unblock", n=2)
    brag(running_app, "bob's private note", user_id="UBOB", n=3)
    payload = multiplier(running_app, "evidence", n=4)
    blob = str(payload["blocks"])
    assert "2 entries" in blob
    assert blob.index("second:") < blob.index("first:")
    assert "bob's private note" not in blob
    element(payload, "evidence_edit")
    element(payload, "evidence_delete")


def test_evidence_filters(running_app: RunningApp) -> None:
    """`last N`, `#dimension` and a period narrow the list; nonsense gets usage with an echo."""
    for n, text in enumerate(["a #rfc", "b #unblock", "c #rfc", "d #mentoring"], 1):
        brag(running_app, text, n=n)
    last_two = multiplier(running_app, "evidence last 2", n=5)
    assert "2 entries" in str(last_two["blocks"]) and "b #unblock" not in str(last_two["blocks"])
    writing = multiplier(running_app, "evidence #writing", n=6)
    assert "2 entries" in str(writing["blocks"]) and "d #mentoring" not in str(writing["blocks"])
    quarter = multiplier(running_app, "evidence this quarter", n=7)
    assert "4 entries" in str(quarter["blocks"])
    old = multiplier(running_app, "evidence 2020-Q1", n=8)
    assert "0 entries" in str(old["blocks"])
    # Nothing matched, yet there are entries: the list says so (failed before: "Nothing here
    # yet. Log something with /brag").
    assert "None of your entries match" in old["blocks"][1]["text"]["text"]
    assert "Nothing here yet" not in str(old["blocks"])
    bad = multiplier(running_app, "evidence sometime <!here>", n=9)
    assert "Usage" in bad["text"] and "sometime @here" in str(bad["blocks"])


def test_evidence_pages_and_deletes_in_place(running_app: RunningApp) -> None:
    """Long lists page with Older/Newer; Delete redraws the same page."""
    with running_app.database.session() as session:
        from bot.workspaces import service as workspaces

        user = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        for i in range(20):
            session.add(
                EvidenceEntry(
                    workspace_id=user.workspace_id,
                    user_id=user.id,
                    text=f"entry {i:02d}",
                    source="brag",
                    people=[],
                )
            )
    first = multiplier(running_app, "evidence")
    assert "Showing 1–15 of 20" in str(first["blocks"])
    click(running_app, first, "evidence_page")
    second = last_response(running_app, 2)
    assert "Showing 16–20 of 20" in str(second["blocks"])
    click(running_app, second, "evidence_delete")
    assert count(running_app, EvidenceEntry) == 19
    redrawn = last_response(running_app, 3)
    assert "Deleted." in str(redrawn["blocks"]) and "of 19" in str(redrawn["blocks"])
    click(running_app, redrawn, "evidence_page_newer")
    assert "Showing 1–15 of 19" in str(last_response(running_app, 4)["blocks"])


def test_evidence_last_n_says_of_how_many(running_app: RunningApp) -> None:
    """`evidence last 2` of 3 entries reads "the last 2 of 3" (failed before: "Showing 1–2 of
    2", as if there were only 2)."""
    for n, text in enumerate(["a #rfc", "b #unblock", "c #rfc"], 1):
        brag(running_app, text, n=n)
    last_two = multiplier(running_app, "evidence last 2", n=4)
    contexts = [
        element["text"]
        for block in last_two["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
    ]
    assert "Showing your last 2 of 3." in contexts, contexts


def test_export_json_sends_everything_about_you_as_a_file(running_app: RunningApp) -> None:
    """export json acks with a note, then uploads a JSON file to the user's DM; its texts
    read as typed (failed before: `&amp;` and `<@UBOB|bob>`), the stored form beside them
    (`as_stored`), so the file reads back to the rows as stored."""
    brag(running_app, "wrote the caching RFC #rfc &amp; FAQ <@UBOB|bob>", n=1)
    running_app.slack.slash_command(
        "/kudos", "<@UALICE|alice> great review &amp; &lt;notes&gt;", user_id="UBOB"
    )
    running_app.standin.wait_for("response_url", count=2)
    note = multiplier(running_app, "export json", n=3)
    assert "Preparing" in note["text"]
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (uploaded,) = running_app.standin.uploaded_files()
    assert uploaded.completed and uploaded.channel == "DUALICE"
    data = json.loads(uploaded.content)
    assert data["user"]["slack_user_id"] == "UALICE"
    texts = sorted(row["text"] for row in data["tables"]["evidence_entries"])
    assert texts == ["@alice great review & <notes>", "wrote the caching RFC #rfc & FAQ @bob"]
    (kudos,) = data["tables"]["kudos"]
    assert kudos["text"] == "@alice great review & <notes>"
    assert kudos["as_stored"] == {"text": "<@UALICE|alice> great review &amp; &lt;notes&gt;"}
    everywhere = [
        row[column]
        for rows in data["tables"].values()
        for row in rows
        for column in privacy.SLACK_TEXT_COLUMNS
        if isinstance(row.get(column), str)
    ]
    assert everywhere and not [t for t in everywhere if "&amp;" in t or "&lt;" in t]
    exported = privacy.rows_from_export(data, "evidence_entries")
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        table = EvidenceEntry.__table__
        stored = [
            dict(row._mapping)
            for row in session.execute(
                select(table).where(table.c.user_id == alice.id).order_by(table.c.id)
            )
        ]
    assert exported == stored
    assert "Sent" in last_response(running_app, 4)["text"]


def test_export_json_counts_the_summaries_received_not_the_weeks_recorded(
    running_app: RunningApp,
) -> None:
    """A summary row is kept for weeks that sent none (skipped): the note counts the summaries
    the person received (failed before: "It holds 3 summary posts" for 1 received)."""
    with running_app.database.session() as session:
        from bot.workspaces import service as workspaces

        user = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UALICE")
        for week, status in (
            ("2026-W48", "sent"),
            ("2026-W49", "skipped"),
            ("2026-W50", "skipped"),
        ):
            session.add(
                SummaryPost(
                    workspace_id=user.workspace_id,
                    user_id=user.id,
                    period_key=week,
                    status=DeliveryStatus(status),
                )
            )
    multiplier(running_app, "export json")
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (uploaded,) = running_app.standin.uploaded_files()
    comment = uploaded.initial_comment or ""
    assert "1 weekly summary you received, 2 weeks with no summary sent" in comment, comment
    assert "summary post" not in comment


def test_export_packet_sends_markdown(running_app: RunningApp) -> None:
    """export packet uploads a Markdown packet grouped by promotion-case element."""
    brag(running_app, "Wrote the RFC that set the API direction for three teams #rfc", n=1)
    note = multiplier(running_app, "export packet this quarter", n=2)
    assert "Preparing your promotion packet" in note["text"]
    running_app.standin.wait_for("files.completeUploadExternal")
    running_app.wait_idle()
    (uploaded,) = running_app.standin.uploaded_files()
    markdown = uploaded.content.decode()
    assert uploaded.filename.endswith(".md") and uploaded.channel == "DUALICE"
    assert "# Promotion evidence: alice" in markdown
    assert "## 2. Evidence of technical leadership (1)" in markdown
    assert "### Writing that travels (1)" in markdown
    assert "set the API direction" in markdown
    multiplier(running_app, "export packet", n=4)
    running_app.standin.wait_for("files.completeUploadExternal", count=2)
    running_app.wait_idle()
    default = running_app.standin.uploaded_files()[-1]
    assert "**Period:** the last six months" in default.content.decode()
    assert "set the API direction" in default.content.decode()


def test_export_usage_and_bad_periods(running_app: RunningApp) -> None:
    """Unknown export kinds and unreadable periods get usage with the typed text echoed."""
    bad = multiplier(running_app, "export pdf")
    assert "Usage" in bad["text"]
    period = multiplier(running_app, "export packet next tuesday", n=2)
    assert "can't read that period" in period["text"]
    assert "next tuesday" in str(period["blocks"])
    running_app.wait_idle()
    assert running_app.standin.uploaded_files() == []


def test_forget_me_asks_then_deletes_everything(running_app: RunningApp) -> None:
    """forget-me shows a confirmation; confirming deletes every row about the user."""
    brag(running_app, "mentored <@UBOB|bob> #mentoring", n=1)
    running_app.slack.slash_command(
        "/kudos", "<@UALICE|alice> thanks for the pairing", user_id="UBOB"
    )
    running_app.standin.wait_for("response_url", count=2)
    running_app.slack.slash_command("/kudos", "<@UBOB|bob> fixed CI", user_id="UALICE")
    running_app.standin.wait_for("response_url", count=3)
    brag(running_app, "paired with <@UALICE|alice> on the outage", user_id="UBOB", n=4)
    prompt = multiplier(running_app, "forget-me", n=5)
    assert "Delete everything" in str(prompt["blocks"])
    with running_app.database.session() as session:
        alice = session.scalars(select(User).where(User.slack_user_id == "UALICE")).one()
        alice_id, workspace_id = alice.id, alice.workspace_id
    click(running_app, prompt, "forget_me_confirm")
    assert "Done" in last_response(running_app, 6)["text"]
    with running_app.database.session() as session:
        left = rows_referring_to(
            session=session, workspace_id=workspace_id, user_id=alice_id, slack_user_id="UALICE"
        )
    assert left == {}
    # The kudos she gave stays on bob's log, as his evidence, without her.
    assert [e.text for e in entries(running_app)] == [
        "<@UBOB|bob> fixed CI",
        "paired with <@UALICE|alice> on the outage",
    ]
    assert count(running_app, Kudos) == 1


def test_forget_me_with_extra_words_gets_usage(running_app: RunningApp) -> None:
    """forget-me takes no arguments; extra words get usage with an echo and delete nothing."""
    brag(running_app, "kept", n=1)
    payload = multiplier(running_app, "forget-me now please", n=2)
    assert "Usage" in payload["text"] and "forget-me now please" in str(payload["blocks"])
    assert len(entries(running_app)) == 1


def test_forget_me_cancel_deletes_nothing(running_app: RunningApp) -> None:
    """Cancel leaves everything in place."""
    brag(running_app, "kept", n=1)
    prompt = multiplier(running_app, "forget-me", n=2)
    click(running_app, prompt, "forget_me_cancel")
    assert "Nothing was deleted" in last_response(running_app, 3)["text"]
    assert len(entries(running_app)) == 1
