"""The stand-in counts Block Kit limits in UTF-16 units and refuses msg_blocks_too_long."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from standin.blockkit_checks import find_violations
from standin.webapi import SlackStandIn

ROCKET = "🚀"


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _rules(method: str, payload: dict) -> set[str]:
    return {v.rule for v in find_violations(method, payload)}


def test_a_section_of_1600_rockets_is_over_3000() -> None:
    """1,600 🚀 are 3,200 UTF-16 units: over a section's 3,000 (slack_sdk alone passes it)."""
    assert _rules("chat.postMessage", {"blocks": [_section(ROCKET * 1500)]}) == set()
    assert "section.text.max_length" in _rules(
        "chat.postMessage", {"blocks": [_section(ROCKET * 1600)]}
    )


def test_an_initial_value_longer_than_max_length_is_refused() -> None:
    """2,900 🚀 prefilled in an input with max_length 3,000 overflow it (5,800 units)."""

    def modal(value: str) -> dict:
        element = {
            "type": "plain_text_input",
            "action_id": "text",
            "max_length": 3000,
            "initial_value": value,
        }
        block = {
            "type": "input",
            "block_id": "text",
            "label": {"type": "plain_text", "text": "What"},
            "element": element,
        }
        return {
            "view": {
                "type": "modal",
                "title": {"type": "plain_text", "text": "Entry"},
                "submit": {"type": "plain_text", "text": "Save"},
                "blocks": [block],
            }
        }

    assert _rules("views.open", modal("x" * 3000)) == set()
    rules = _rules("views.open", modal(ROCKET * 2900))
    assert "plain_text_input.initial_value.max_length" in rules
    assert "plain_text_input.initial_value" in rules  # over the 3,000 of any input too


def test_a_message_over_12000_characters_of_block_text_is_refused() -> None:
    """Each section within its 3,000, but 5 × 2,500 in one message: msg_blocks_too_long."""
    fine = {"text": "x", "blocks": [_section("a" * 2900) for _ in range(4)]}
    assert _rules("chat.postMessage", fine) == set()
    over = {"text": "x", "blocks": [_section("a" * 2500) for _ in range(5)]}
    (violation,) = find_violations("chat.postMessage", over)
    assert (violation.rule, violation.error) == ("blocks.total_text", "msg_blocks_too_long")
    emoji = {"text": "x", "blocks": [_section(ROCKET * 1450) for _ in range(5)]}
    assert "blocks.total_text" in _rules("response_url", emoji)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user("UALICE", name="alice")
        yield server


def test_the_standin_answers_msg_blocks_too_long(standin: SlackStandIn) -> None:
    """chat.postMessage with too much block text fails as Slack's does and is recorded."""
    client = WebClient(base_url=standin.base_url, token="xoxb-standin")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(
            channel="UALICE", text="x", blocks=[_section("a" * 2500) for _ in range(5)]
        )
    assert exc.value.response["error"] == "msg_blocks_too_long"
    assert standin.dm_messages("UALICE") == []
    assert any("12000" in v for v in standin.violations)
    standin.clear_violations()
