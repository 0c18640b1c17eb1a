"""The thanks-suggestion builders: ids in button values, the check-in's summary line."""

from __future__ import annotations

from bot.ui import suggestions as ui


def test_the_suggestion_dm_carries_only_the_id_in_its_buttons() -> None:
    """Log it / Dismiss carry the suggestion id; the text names who, where and the link."""
    payload = ui.suggestion_message(
        suggestion_id=42,
        thanker="UALICE",
        channel_id="C0PAY",
        permalink="https://t.slack.com/archives/C0PAY/p1",
        days=7,
    )
    (buttons,) = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in buttons["elements"]] == [
        (ui.LOG_IT, "42"),
        (ui.DISMISS, "42"),
    ]
    assert payload["text"] == "<@UALICE> thanked you in <#C0PAY>. Log it as evidence?"


def test_the_checkin_list_counts_people_and_names_channels() -> None:
    """Three thanks from two people in two channels: one line, then a Log it each."""
    blocks = ui.checkin_suggestions(
        [(1, "UALICE", "C0PAY"), (2, "UDAN", "C0INFRA"), (3, "UALICE", "C0INFRA")]
    )
    assert blocks[0]["text"]["text"] == (
        ":raised_hands: 2 people thanked you in <#C0PAY> and <#C0INFRA> this week."
    )
    assert [b["accessory"]["value"] for b in blocks[1:]] == ["1", "2", "3"]
    assert {b["accessory"]["action_id"] for b in blocks[1:]} == {ui.LOG_IT_FROM_CHECKIN}


def test_the_checkin_list_stays_short() -> None:
    """Many suggestions: ten buttons, a line for the rest, channels past five counted."""
    many = [(i, f"U{i:04d}", f"C{i:04d}") for i in range(1, 16)]
    blocks = ui.checkin_suggestions(many)
    assert len(blocks) == 12
    assert blocks[0]["text"]["text"].endswith("and 10 more channels this week.")
    assert blocks[-1]["elements"][0]["text"] == "…and 5 more in your DMs."


def test_no_suggestions_no_blocks() -> None:
    """A week with no open suggestion adds nothing to the check-in."""
    assert ui.checkin_suggestions([]) == []
