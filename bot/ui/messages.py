"""Messages the bot sends: help, confirmations, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ui.blocks import Block, context, section
from bot.ui.text import readable, safe, truncate


@dataclass(frozen=True)
class CommandNames:
    """The slash command names as configured for this deployment."""

    brag: str = "/brag"
    kudos: str = "/kudos"
    multiplier: str = "/multiplier"


def help_message(names: CommandNames) -> dict[str, Any]:
    """Usage for every command, short enough to read in one glance."""
    m = names.multiplier
    lines = [
        "*Multiplier* keeps a private log of the work that multiplies others — the evidence "
        "a staff-level promotion case is built on.",
        f"• `{names.brag} <what happened>` — log evidence now (`#unblocking`, `#writing`… set "
        "the dimension; `@mentions` become the people you helped). No text opens a form.",
        f"• `{names.kudos} @someone [@someone-else …] <what they did>` — recognise peers; it "
        "lands on each of their logs.",
        f"• `{m} summary [last]` — your multiplier summary; `{m} summary off|on` — the "
        "weekly summary DM.",
        f"• `{m} settings` — check-in day, time, cadence, quiet hours.",
        f"• `{m} checkins on [day] [time]` (e.g. `fri 4pm`) / `{m} checkins off` — weekly "
        "reflection DMs.",
        f"• `{m} pause [weeks]` / `{m} resume` — take a break from check-ins.",
        f"• `{m} evidence [last N | this quarter | #dimension]` — your entries.",
        f"• `{m} export json` / `{m} export packet` — everything about you, or a promotion packet.",
        f"• `{m} digest add #channel [weekly <day> <time> [tz]]`, `{m} digest list`, "
        f"`{m} digest remove #channel` — (admins) a weekly team digest in a channel.",
        f"• `{m} forget-me` — delete everything Multiplier stores about you.",
        "• In this DM, reply in a check-in's thread to answer it. Anything else you send me "
        "is kept as you typed it, but only answers become evidence.",
    ]
    text = "\n".join(lines)
    return {
        "response_type": "ephemeral",
        "text": truncate(text, 3000),
        "blocks": [section(text), context("Everything you log is private unless you share it.")],
    }


def you_typed(typed: str) -> Block:
    """The command text Slack sent, echoed as the person typed it (`@bob`, `Q&A`)."""
    return section("You typed:\n```" + safe(readable(typed), 2900) + "```")


def usage_error(message: str, typed: str, names: CommandNames) -> dict[str, Any]:
    """A short usage message that echoes back what was typed so nothing is lost."""
    blocks: list[Block] = [section(safe(message))]
    if typed:
        blocks.append(you_typed(typed))
    blocks.append(context(f"`{names.multiplier} help` lists every command."))
    return {"response_type": "ephemeral", "text": truncate(message, 3000), "blocks": blocks}


def text_too_long(typed: str, limit: int) -> dict[str, Any]:
    """Refusal for oversized text, echoing all of it back so the user can copy it."""
    from bot.ui.evidence import text_refused

    message = (
        f"That is {len(typed):,} characters; Multiplier keeps up to {limit:,} per entry. "
        "Nothing was saved — here is your text to shorten or split:"
    )
    return text_refused(typed, message)


def failure_notice(text: str, *, typed: str = "") -> dict[str, Any]:
    """An apology; for commands, with what the user typed so they can send it again."""
    blocks: list[Block] = [section(safe(text))]
    if typed:
        blocks.append(you_typed(typed))
    return {
        "response_type": "ephemeral",
        "replace_original": False,
        "text": text,
        "blocks": blocks,
    }


def dm_received(names: CommandNames) -> dict[str, Any]:
    """The reply to a DM that answers no check-in: kept, and where evidence goes instead."""
    text = (
        "Got it — I keep what you send me here. To log evidence with a dimension and the "
        f"people you helped, use `{names.brag}`; say `help` for everything I can do."
    )
    return {"text": text, "blocks": [section(text)]}


def something_went_wrong() -> str:
    return "Sorry — something went wrong on our side and it has been logged. Please try again."


def database_unavailable() -> str:
    return "Multiplier can't reach its database right now. Please try again in a minute."


def other_workspace() -> str:
    return (
        "Multiplier isn't set up for this workspace, so nothing was done or saved. "
        "Ask an admin to install it here."
    )


def database_busy() -> str:
    return "Multiplier is very busy right now. Please try again in a few seconds."
