"""The welcome: what Multiplier does, and one click to start weekly check-ins."""

from __future__ import annotations

from bot.ui.blocks import Block, actions, button, context, section
from bot.ui.checkins import OPEN_SETTINGS, START


def welcome_blocks(*, multiplier_command: str, first_time: bool = True) -> list[Block]:
    """A short welcome with a one-click "Start weekly check-ins" (and a settings button)."""
    if first_time:
        intro = (
            "*Welcome to Multiplier.* At staff level you are measured by what you *enable*: "
            "people unblocked, decisions improved, problems caught in review. That work is "
            "easy to forget — once a week I'll DM you 2–3 short questions so it isn't."
        )
    else:
        intro = (
            "*Weekly check-ins are off.* 2–3 short questions a week, in your own time zone, "
            "turn into the evidence a promotion case is built on."
        )
    return [
        section(intro),
        actions(
            button("Start weekly check-ins", START, style="primary"),
            button("Choose day & time", OPEN_SETTINGS),
            block_id="welcome",
        ),
        context(
            f"Fridays at 15:00 your time by default · `{multiplier_command} checkins on tue 10:00`"
            f" to pick another · answers are private · `{multiplier_command} help`"
        ),
    ]


def with_welcome(
    text: str | None, blocks: list[Block] | None, *, multiplier_command: str
) -> list[Block]:
    """A reply's blocks with the first-time welcome appended (within Slack's block limit).

    A reply without blocks shows its text: that text (already mrkdwn) becomes a section.
    """
    from bot.ui.blocks import divider, fit_message
    from bot.ui.text import truncate

    own = list(blocks) if blocks else ([section(truncate(text, 3000))] if text else [])
    return fit_message([*own, divider(), *welcome_blocks(multiplier_command=multiplier_command)])
