"""A kudos' text, and an entry's trailing #dimension tag, as every view shows them: the Home's
recent entries, `/multiplier story`, `/multiplier bets`, the promotion packet and the shared
summary show a kudos without the recipients' names it starts with (as `/multiplier evidence`
does) and an entry without the hashtag that set its dimension. The stored text keeps both.
Signed requests → app → DB → the stand-in's views, responses and uploaded files."""

from __future__ import annotations

from typing import Any

from tests.e2e.evidence_helpers import brag, click, entries, last_response
from tests.support.apps import RunningApp

KUDOS = "<@UALICE|alice> <@UBOB|bob> great incident review"
RUNBOOK = "Paired with <@UCAROL|carol> on the on-call runbook #mentoring"


def _responses(app: RunningApp) -> int:
    return len(app.standin.calls_to("response_url"))


def _command(app: RunningApp, name: str, text: str, user_id: str = "UALICE") -> dict[str, Any]:
    n = _responses(app) + 1
    app.slack.slash_command(name, text, user_id=user_id)
    payload = last_response(app, n)
    app.wait_idle()
    return payload


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every section's text and every context element's text, in order."""
    found: list[str] = []
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [e["text"] for e in block["elements"] if "text" in e]
    return found


def _lines(blocks: list[dict[str, Any]]) -> list[str]:
    return [line for text in _texts(blocks) for line in text.split("\n")]


def _upload(app: RunningApp, count: int) -> str:
    app.standin.wait_for("files.completeUploadExternal", count=count)
    app.wait_idle()
    return app.standin.uploaded_files()[-1].content.decode()


def _log(app: RunningApp) -> None:
    _command(app, "/kudos", KUDOS, user_id="UCAROL")
    brag(app, RUNBOOK, n=_responses(app) + 1)
    brag(app, "Decided to drop the old queue #decisions", n=_responses(app) + 1)
    # Stored as typed.
    assert [e.text for e in entries(app, "UALICE")] == [
        KUDOS,
        RUNBOOK,
        "Decided to drop the old queue #decisions",
    ]


def test_home_story_and_bets_show_the_words_without_names_or_dimension_tag(
    running_app: RunningApp,
) -> None:
    app = running_app
    _log(app)
    app.slack.app_home_opened(user_id="UALICE")
    (published,) = app.standin.wait_for("views.publish")
    lines = _lines(published.json("view")["blocks"])
    assert "great incident review" in lines
    assert "Paired with <@UCAROL> on the on-call runbook" in lines
    assert "Decided to drop the old queue" in lines
    (meta,) = [line for line in lines if line.startswith("kudos received")]
    assert meta.endswith(" · also to <@UBOB>")
    assert not [line for line in lines if "#mentoring" in line or "<@UALICE>" in line]

    story = _lines(_command(app, "/multiplier", "story")["blocks"])
    assert any(line.startswith('- "great incident review" from <@UCAROL>') for line in story)
    assert any(line.endswith(': "Paired with <@UCAROL> on the on-call runbook"') for line in story)
    assert any(line.endswith(': "Decided to drop the old queue"') for line in story)

    bets = _lines(_command(app, "/multiplier", "bets")["blocks"])
    (call,) = [line for line in bets if line.startswith("•")]
    assert call.startswith("• “Decided to drop the old queue” — logged")


def test_packet_and_shared_summary_show_the_words_without_names_or_dimension_tag(
    running_app: RunningApp,
) -> None:
    app = running_app
    _log(app)
    _command(app, "/multiplier", "export packet")
    packet = _upload(app, 1).split("\n")
    kudos_lines = [line for line in packet if "incident review" in line]
    assert kudos_lines and all("@alice" not in line and "@bob" not in line for line in kudos_lines)
    assert any(line.endswith("— great incident review") for line in kudos_lines)
    runbook = [line for line in packet if "on-call runbook" in line]
    assert runbook and all(line.endswith("on the on-call runbook") for line in runbook)
    assert not [line for line in packet if "#mentoring" in line or "#decisions" in line]

    confirm = _command(app, "/multiplier", "evidence share <@UBOB|bob> summary")
    click(app, confirm, "evidence_share_send")
    summary = _upload(app, 2).split("\n")
    assert any(line.endswith("— great incident review") for line in summary)
    assert any(line.endswith("— Paired with @carol on the on-call runbook") for line in summary)
