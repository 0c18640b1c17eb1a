"""`/multiplier evidence share @person summary|packet [period]` end to end: shown first, sent
only on Send as a file in the person's DM, listed in `evidence shares` and the JSON export,
deleted by forget-me."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.db.models import EvidenceShare
from tests.e2e.evidence_helpers import brag, click, count, last_response
from tests.e2e.test_evidence_data import multiplier
from tests.support.apps import RunningApp


def _shares(running_app: RunningApp) -> list[EvidenceShare]:
    with running_app.database.session() as session:
        rows = list(session.scalars(select(EvidenceShare).order_by(EvidenceShare.id)))
        session.expunge_all()
        return rows


def _ask(running_app: RunningApp, what: str, n: int) -> dict:
    return multiplier(running_app, f"evidence share <@UBOB|bob> {what}", n=n)


def test_a_share_is_shown_first_and_sent_only_on_send(running_app: RunningApp) -> None:
    """The command shows what goes to whom and sends nothing; Send puts the packet in bob's
    DM with a note naming alice; a second press sends nothing more."""
    brag(running_app, "Unblocked the payments team on the release #unblocking", n=1)
    confirm = _ask(running_app, "packet this year", n=2)
    section = confirm["blocks"][0]["text"]["text"]
    assert section.startswith("*Send your promotion packet for ")
    assert "to <@UBOB>?*" in section
    assert running_app.standin.calls_to("files.getUploadURLExternal") == []
    assert running_app.standin.calls_to("conversations.open") == []
    (pending,) = _shares(running_app)
    assert (pending.status, pending.kind, pending.recipient_slack_user_id) == (
        "pending",
        "packet",
        "UBOB",
    )

    click(running_app, confirm, "evidence_share_send")
    running_app.standin.wait_for("files.completeUploadExternal")
    (uploaded,) = running_app.standin.uploaded_files()
    assert uploaded.completed and uploaded.channel == "DUBOB"
    assert uploaded.filename.startswith("promotion-packet-")
    assert "Unblocked the payments team" in uploaded.content.decode()
    assert uploaded.initial_comment.startswith("<@UALICE> shared their promotion packet for ")
    done = last_response(running_app, 3)
    assert done["replace_original"] is True and done["text"].startswith("Sent your promotion")
    (sent,) = _shares(running_app)
    assert sent.status == "sent" and sent.sent_at is not None
    assert sent.filename == uploaded.filename

    click(running_app, confirm, "evidence_share_send")  # pressed again
    assert last_response(running_app, 4)["text"].startswith("That share was already sent")
    assert len(running_app.standin.uploaded_files()) == 1
    assert running_app.standin.violations == []


def test_cancel_sends_nothing(running_app: RunningApp) -> None:
    """Cancel ends the share: nothing is uploaded, and Send afterwards sends nothing."""
    brag(running_app, "Wrote the on-call guide #docs", n=1)
    confirm = _ask(running_app, "summary", n=2)
    click(running_app, confirm, "evidence_share_cancel")
    assert last_response(running_app, 3)["text"] == "Cancelled: nothing was shared."
    click(running_app, confirm, "evidence_share_send")
    assert last_response(running_app, 4)["text"].startswith("That share was already sent")
    assert running_app.standin.uploaded_files() == []
    assert [s.status for s in _shares(running_app)] == ["cancelled"]


def test_someone_else_cannot_press_send(running_app: RunningApp) -> None:
    """The Send button re-checks the owner: carol's press sends nothing."""
    running_app.slack.slash_command("/brag", "Reviewed the design #review", user_id="UCAROL")
    running_app.standin.wait_for("response_url")
    brag(running_app, "Mentored a new hire #mentoring", n=2)
    confirm = _ask(running_app, "summary", n=3)
    click(running_app, confirm, "evidence_share_send", user_id="UCAROL")
    assert last_response(running_app, 4)["text"].startswith("That share was already sent")
    assert running_app.standin.uploaded_files() == []
    assert [s.status for s in _shares(running_app)] == ["pending"]


def test_shares_are_listed_exported_and_forgotten(running_app: RunningApp) -> None:
    """A sent summary is in `evidence shares` and the JSON export; forget-me deletes it."""
    brag(running_app, "Led the incident review across three teams #influence", n=1)
    confirm = _ask(running_app, "summary last 90 days", n=2)
    click(running_app, confirm, "evidence_share_send")
    running_app.standin.wait_for("files.completeUploadExternal")
    (summary,) = running_app.standin.uploaded_files()
    assert summary.filename.startswith("multiplier-summary-")
    assert summary.content.decode().startswith("# Multiplier summary: ")

    listed = multiplier(running_app, "evidence shares", n=4)
    text = listed["blocks"][0]["text"]["text"]
    lines = text.split("\n")
    assert lines[0] == "*What you've shared*"
    assert len(lines) == 2 and lines[1].endswith("summary for the last 90 days to <@UBOB>")

    multiplier(running_app, "export json", n=5)
    running_app.standin.wait_for("files.completeUploadExternal", count=2)
    running_app.wait_idle()
    exported = json.loads(running_app.standin.uploaded_files()[1].content)
    (row,) = exported["tables"]["evidence_shares"]
    assert (row["kind"], row["recipient_slack_user_id"], row["status"]) == (
        "summary",
        "UBOB",
        "sent",
    )
    assert row["period_label"] == "the last 90 days" and row["sent_at"]

    prompt = multiplier(running_app, "forget-me", n=7)
    click(running_app, prompt, "forget_me_confirm")
    assert count(running_app, EvidenceShare) == 0


def test_nothing_to_share_or_nobody_to_share_with(running_app: RunningApp) -> None:
    """An empty period, yourself, or no person: said plainly, nothing stored or sent."""
    brag(running_app, "Wrote the RFC #rfc", n=1)
    empty = _ask(running_app, "packet 2020", n=2)
    assert empty["text"].startswith("Nothing to export: there is no evidence in 2020")
    yourself = multiplier(running_app, "evidence share <@UALICE|alice> packet", n=3)
    assert yourself["text"].startswith("That's you")
    usage = multiplier(running_app, "evidence share <@UBOB|bob> everything", n=4)
    assert "Usage" in usage["text"]
    assert count(running_app, EvidenceShare) == 0
    assert running_app.standin.uploaded_files() == []


def test_a_failed_send_is_said_and_recorded(running_app: RunningApp) -> None:
    """bob's account is deactivated between the ask and the Send: alice is told, the share
    is `failed`, no file was uploaded, and `evidence shares` lists only what was sent."""
    brag(running_app, "Paired on the migration #mentoring", n=1)
    confirm = _ask(running_app, "packet", n=2)
    running_app.standin.fail_for_user("UBOB", "user_disabled")
    click(running_app, confirm, "evidence_share_send")
    failed = last_response(running_app, 3)
    assert failed["text"].startswith("I couldn't send it to <@UBOB> (user_disabled)")
    (share,) = _shares(running_app)
    assert (share.status, share.error, share.sent_at) == ("failed", "user_disabled", None)
    assert running_app.standin.uploaded_files() == []
    listed = multiplier(running_app, "evidence shares", n=4)
    assert listed["text"].startswith("You haven't shared anything yet.")
