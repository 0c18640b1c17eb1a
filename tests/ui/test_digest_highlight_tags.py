"""A shared entry in the team digest is shown without the #dimension tag it ends with."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.coaching.library import default_library
from bot.summaries.metrics import Highlight, TeamDigest
from bot.ui import digest as digest_ui
from bot.ui.messages import CommandNames

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def _highlight(text: str, dimension: str | None) -> str:
    digest = TeamDigest(
        period_start=NOW, period_end=NOW, members=3, totals=None,
        highlights=(Highlight("UALICE", text, dimension, NOW),), highlights_more=0, kudos=(),
        kudos_more=0, late_totals=None, late_highlights=(), min_group_size=3,
    )  # fmt: skip
    payload = digest_ui.digest_message(
        digest, channel_name="team", tz_name="UTC", library=default_library(),
        names=CommandNames(),
    )  # fmt: skip
    (text,) = [
        b["text"]["text"]
        for b in payload["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("<@UALICE>")
    ]
    return text.split("\n", 1)[1]


def test_the_trailing_dimension_tag_is_not_shown() -> None:
    """Failed before: "Paired with @carol on the on-call runbook #mentoring" in #team."""
    shown = _highlight("Paired with <@UCAROL|carol> on the on-call runbook #mentoring", "mentoring")
    assert shown == "Paired with @carol on the on-call runbook"


def test_other_tags_stay() -> None:
    """A tag inside the sentence, or one that names no dimension, is part of what was said."""
    assert _highlight("ran the #mentoring circle", "mentoring") == "ran the #mentoring circle"
    assert _highlight("fixed the flaky test #ci", "mentoring") == "fixed the flaky test #ci"
