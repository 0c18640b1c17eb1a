"""One strict reader for numbers that come back from Slack (issue 12 item 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.coaching.library import default_library
from bot.conversations.edits import ts_key
from bot.evidence.filters import decode
from bot.ui.checkins import question_index
from bot.values import MAX_ID, parse_id, parse_int, parse_timestamp


@pytest.mark.parametrize(
    "value",
    ["²", "٣", "１２", " 1", "1 ", "1_0", "+1", "-1", "", "1.0", "0x1", None, True, 1.0, [1],
     str(MAX_ID + 1), "9" * 40],
)  # fmt: skip
def test_anything_but_plain_ascii_digits_in_range_is_refused(value: object) -> None:
    """Unicode digits, signs, spaces, underscores, other types and huge numbers: None."""
    assert parse_id(value) is None


def test_plain_numbers_and_ranges() -> None:
    """ASCII digits (or an int) within the range are read; the bounds are inclusive."""
    assert parse_id("0") == 0 and parse_id("42") == 42 and parse_id(7) == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_int("6", high=6) == 6 and parse_int("7", high=6) is None
    assert parse_int("0", low=1) is None


def test_timestamps_no_date_can_hold_are_refused() -> None:
    """Seconds past year 3000 (or written oddly) are refused; ordinary ones are read."""
    assert parse_timestamp("0") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_timestamp("1767225600") == datetime(2026, 1, 1, tzinfo=UTC)
    for crafted in ("999999999999", "٠", "-1", "1e9"):
        assert parse_timestamp(crafted) is None


def test_callers_refuse_crafted_values() -> None:
    """The question index, the list filter and Slack's ts go through the strict reader."""
    assert question_index("checkin_q_1") == 1
    assert question_index("checkin_q_²") is None and question_index("checkin_q_100") is None
    library = default_library()
    assert decode("|1767225600|1769904000||0", library=library) is not None
    assert decode("|999999999999|0||0", library=library) is None
    assert decode("|٠|0||0", library=library) is None
    assert ts_key("1700000000.000100") == (1700000000, 100)
    assert ts_key("²².1") == (0, 0) and ts_key("1.²") == (0, 0)


def test_a_refusal_is_logged_without_the_value(caplog: pytest.LogCaptureFixture) -> None:
    """A crafted value leaves one warning naming its type and length, not its content; an
    absent one (an option nobody chose) leaves none."""
    with caplog.at_level("WARNING", logger="bot.values"):
        assert parse_id(None) is None and parse_id("") is None
        assert caplog.records == []
        assert parse_id("secret²") is None
    (record,) = caplog.records
    assert record.getMessage() == "refused a crafted value (str, length 7)"
