"""Which `/brag` texts are acked straight from the request's thread (only queueing needed),
and which go on to the listener (the form, or a refusal with the text echoed back)."""

from __future__ import annotations

import pytest
from slack_bolt import BoltContext, BoltResponse

from bot.listeners.commands.brag import ack_quick_brag, is_quick


@pytest.mark.parametrize(
    "typed",
    [
        "Unblocked the platform team on the rate limiter",
        "Reviewed <@U0BOB|bob>'s RFC and caught the retry storm",
        "<!channel> <!here> @here stored as typed, rendered inert",
        "ünïcødé 🚀 מסמך\ttabs\nand newlines",
        "x" * 10_000,
        "before\x00after",  # NUL is stored as typed, on both databases
    ],
)
def test_texts_that_only_need_storing_are_quick(typed: str) -> None:
    """Plain, mentioned, broadcast-looking, unicode and maximum-length texts are queued."""
    assert is_quick(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   \n\t",
        "paired with @dana on the plan",  # unresolved mention: the form opens
        "broken <@U0BOB markup",
        "x" * 10_001,  # too long: refused, echoed back
    ],
)
def test_texts_needing_the_form_or_a_refusal_go_to_the_listener(typed: str) -> None:
    """Empty, unresolved and too-long texts are not taken by the quick path."""
    assert not is_quick(typed)
    context = BoltContext()
    passed_on: list[bool] = []

    def next_() -> BoltResponse:
        passed_on.append(True)
        return BoltResponse(status=200)

    ack_quick_brag({"command": "/brag", "text": typed}, context, next_)
    assert passed_on == [True]
