"""`/kudos … in #channel`: splitting the channel to post in from the kudos text."""

from __future__ import annotations

import pytest

from bot.capture.kudos import ChannelTarget, KudosText, split_channel_target
from tests.capture._support import BACKTRACKING, best_cpu_seconds

BOB, CAROL = "<@U04B0B777|bob>", "<@U05CAROL1>"


@pytest.mark.parametrize(
    ("typed", "text", "target"),
    [
        (
            f"{BOB} great launch in <#C0TEAM123|team>",
            f"{BOB} great launch",
            ChannelTarget("C0TEAM123", "team", explicit=False),
        ),
        (
            f"{BOB} {CAROL} great launch in #team-payments",
            f"{BOB} {CAROL} great launch",
            ChannelTarget(None, "team-payments", explicit=False),
        ),
        (
            f"{BOB} great work — in #team",
            f"{BOB} great work",
            ChannelTarget(None, "team", explicit=True),
        ),
        (
            f"{BOB} great work (post in <#C0TEAM123|team>)",
            f"{BOB} great work",
            ChannelTarget("C0TEAM123", "team", explicit=True),
        ),
        (
            f"{BOB} great work, also post in #team!",
            f"{BOB} great work",
            ChannelTarget(None, "team", explicit=True),
        ),
        (
            f"{BOB} great work &amp; share in #team",
            f"{BOB} great work",
            ChannelTarget(None, "team", explicit=True),
        ),
        (
            f"{BOB} great work IN <#C0TEAM123|team>.  \n",
            f"{BOB} great work",
            ChannelTarget("C0TEAM123", "team", explicit=False),
        ),
        (
            f"{BOB} nice in <#C0TEAM123|>",
            f"{BOB} nice",
            ChannelTarget("C0TEAM123", None, explicit=False),
        ),
        (
            f"{BOB} thanks in <#G0PRIVATE>",
            f"{BOB} thanks",
            ChannelTarget("G0PRIVATE", None, explicit=False),
        ),
        (
            f"{BOB} fixed the flaky test in #Payments",
            f"{BOB} fixed the flaky test",
            ChannelTarget(None, "payments", explicit=False),
        ),
        (
            f"{BOB} 🎉 schöne Arbeit in #équipe",
            f"{BOB} 🎉 schöne Arbeit",
            ChannelTarget(None, "équipe", explicit=False),
        ),
        ("in #team", "", ChannelTarget(None, "team", explicit=False)),
    ],
)
def test_a_trailing_channel_is_split_off(typed: str, text: str, target: ChannelTarget) -> None:
    """An escaped or bare channel after "in" at the end is the target; the rest is the text."""
    assert split_channel_target(typed) == KudosText(text, target)


@pytest.mark.parametrize(
    "typed",
    [
        f"{BOB} great work in #team and on call",
        f"{BOB} great work in#team",
        f"{BOB} great work #team",
        f"{BOB} great work into #team",
        f"{BOB} great work in <!channel>",
        f"{BOB} great work in <@U05CAROL1>",
        f"{BOB} great work in #",
        f"{BOB} great work in #_x",
        f"{BOB} R&amp;D in <#C0TEAM123|team> was great",
        f"{BOB} great work in &lt;#C0TEAM123|team&gt;",
        f"{BOB} in <#c0team123|team>",  # not a Slack channel id
        "",
        "   ",
    ],
)
def test_text_without_a_trailing_channel_is_left_exactly_as_typed(typed: str) -> None:
    """Anything but a final "in #channel" leaves the whole text untouched and no target."""
    assert split_channel_target(typed) == KudosText(typed, None)


def test_the_kudos_text_keeps_slack_markup_verbatim() -> None:
    """Mentions, escapes and broadcasts in the kudos text are not altered by the split."""
    typed = f"{BOB} &amp; {CAROL} <!here> fixed <https://x.example/a|the bug> in <#C0TEAM123|team>"
    assert split_channel_target(typed).text == typed[: typed.index(" in <#")]


def test_a_huge_text_is_split_quickly() -> None:
    """A 40,000-character kudos is split, keeping its text, in linear time (no regex backtracking)."""
    body = f"{BOB} " + "thanks for everything " * 1_800
    typed = body + "in <#C0TEAM123|team>"
    result = split_channel_target(typed)
    assert result.text == body.rstrip()
    assert result.channel == ChannelTarget("C0TEAM123", "team", explicit=False)
    assert best_cpu_seconds(lambda: split_channel_target(typed)) < BACKTRACKING
    spaces = " " * 40_000 + "x"
    assert split_channel_target(spaces) == KudosText(spaces, None)
    assert best_cpu_seconds(lambda: split_channel_target(spaces)) < BACKTRACKING
