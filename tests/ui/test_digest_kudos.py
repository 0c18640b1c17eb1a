"""The digest's kudos line names giver and recipients once."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.coaching.library import default_library
from bot.summaries.metrics import TeamDigest, TeamKudosRow
from bot.ui import digest as digest_ui
from bot.ui.messages import CommandNames

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def _line(text: str, also_to: tuple[str, ...]) -> str:
    row = TeamKudosRow(1, "UCAROL", "UALICE", text, NOW, also_to=also_to)
    digest = TeamDigest(
        period_start=NOW, period_end=NOW, members=3, totals=None, highlights=(),
        highlights_more=0, kudos=(row,), kudos_more=0, late_totals=None, late_highlights=(),
        min_group_size=3,
    )  # fmt: skip
    payload = digest_ui.digest_message(
        digest, channel_name="team", tz_name="UTC", library=default_library(),
        names=CommandNames(),
    )  # fmt: skip
    (line,) = [
        b["text"]["text"]
        for b in payload["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith(":raised_hands:")
    ]
    return line


def test_the_leading_names_are_not_repeated() -> None:
    """Failed before: "🙌 @carol → @alice, @bob: @alice @bob thanks for the RFC reviews"."""
    line = _line("<@UALICE|alice> <@UBOB|bob> thanks for the RFC reviews", ("UBOB",))
    assert line == ":raised_hands: <@UCAROL> → <@UALICE>, <@UBOB>: thanks for the RFC reviews"


def test_a_name_not_among_the_recipients_keeps_the_text_whole() -> None:
    """dana was named but got no kudos (refused): the text is shown as typed."""
    line = _line("<@UALICE|alice> <@UDANA|dana> thanks", ())
    assert line == ":raised_hands: <@UCAROL> → <@UALICE>: @alice @dana thanks"
