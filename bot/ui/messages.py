"""Messages the bot sends: help, confirmations, errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.timetext import day_label
from bot.ui.blocks import (
    MESSAGE_BLOCK_LIMIT,
    MESSAGE_TEXT_BUDGET,
    Block,
    Payload,
    actions,
    block_text_length,
    button,
    context,
    message,
    section,
)
from bot.ui.text import (
    SECTION_TEXT_LIMIT,
    escape,
    mention,
    readable,
    safe,
    take_escaped,
    truncate,
)
from bot.ui.utf16 import utf16_len


@dataclass(frozen=True)
class CommandNames:
    """The slash command names as configured for this deployment."""

    brag: str = "/brag"
    kudos: str = "/kudos"
    multiplier: str = "/multiplier"


def help_message(names: CommandNames, *, capture_emoji: str = "trophy") -> Payload:
    """Usage for every command, short enough to read in one glance (`capture_emoji`: the
    reaction that logs a message, CAPTURE_EMOJI)."""
    m = names.multiplier
    lines = [
        "*Multiplier* keeps a private log of the work that multiplies others — the evidence "
        "a staff-level promotion case is built on.",
        f"• `{names.brag} <what happened>` — log evidence now (`#unblocking`, `#writing`… set "
        "the dimension; `@mentions` become the people you helped). No text opens a form.",
        f"• `{names.kudos} @someone [@someone-else …] <what they did>` — recognise peers; it "
        "lands on each of their logs (end with `post in #channel` for a public shout-out).",
        f"• React :{safe(capture_emoji, 100)}: to a message in a channel I am in: yours is "
        "logged (remove the reaction within a minute to undo); on someone else's I ask: log "
        "it or send them kudos. Or *Log as evidence* from a message's ⋯ menu.",
        f"• `{m} summary [last]` — your multiplier summary; `{m} summary off|on` — the "
        "weekly summary DM.",
        f"• `{m} settings` — check-in day, time, cadence, quiet hours.",
        f"• `{m} expectations [list | clear]` — your company's staff expectations (ask your "
        "manager for them), one per line; edit them any time.",
        f"• `{m} checkins on [day] [time]` (e.g. `fri 4pm`; two days, `tue fri 10:00`, for "
        f"twice a week) / `{m} checkins off` — reflection DMs.",
        f"• `{m} pause [weeks]` / `{m} resume` — take a break from check-ins.",
        f"• `{m} evidence [last N | this quarter | #dimension]` — your entries.",
        f"• `{m} export json` / `{m} export packet` — everything about you, or a promotion packet.",
        f"• `{m} evidence share @person summary|packet [period]` — send it to a manager or "
        f"sponsor (you confirm first); `{m} evidence shares` — what you've shared.",
        f"• `{m} digest add #channel [weekly <day> <time> [tz]]`, `{m} digest list`, "
        f"`{m} digest remove #channel` — (admins) a weekly team digest in a channel.",
        f"• `{m} capture on|off` — when someone thanks you in a public channel I am in, a "
        f"private suggestion to log it (`{m} capture workspace on|off`: admins allow it).",
        f"• `{m} sponsor` — who could advocate for you in a room you are not in (private).",
        f"• `{m} story` — your promotion story for this quarter, drafted from your log for "
        "you to edit into your own words (private; your packet uses it).",
        f"• `{m} quote` — ask a peer for one sentence about your influence (lands as kudos).",
        f"• `{m} problem <what you are taking on>` — the one cross-team problem you are "
        f"taking on; check-ins then walk it with you (plan, stakeholders, mentoring, numbers, "
        f"story). `{m} problem` shows it, `{m} problem done <step>` ticks a step, "
        f"`{m} problem clear` closes it (private).",
        f"• `{m} bets` — your judgment calls: the day each is followed up, and the verdicts.",
        f"• `{m} forget-me` — delete everything Multiplier stores about you.",
        "• In this DM, answer a check-in or a follow-up in its thread or right here (when it "
        "could answer more than one question, I ask which). Anything else you send me is "
        "kept as you typed it, but only answers become evidence.",
    ]
    text = "\n".join(lines)
    private = context("Everything you log is private unless you share it.")
    return message(truncate(text, 3000), section(text), private, ephemeral=True)


# ── Echoes: what the person typed, given back whole ────────────────────────────────────────
# A refusal, a usage error or an apology gives back everything the person typed, never cut:
# in as many sections as it takes (each within Slack's 3,000 units of section text, in
# UTF-16 units, so an emoji is never split), over as many messages as it takes (each within
# MESSAGE_TEXT_BUDGET). Callers send every message (bot.slack.replies.send_in_turn).
_FENCE = "```"
YOU_TYPED = "You typed:"
# Starts every message after the first, so the pieces read in order: "(part 2 of 3)".
_CONTINUED = "Your text, continued (part {n} of {total}):"
_CONTINUED_ROOM = len(_CONTINUED.format(n=999, total=999))
# A message also gets the note that the rest follows in the DM (bot.slack.replies).
_NOTE_ROOM = 200
# Below this many units of room, a piece goes to the next message rather than a sliver.
_SMALLEST_PIECE = 500


def echo_messages(
    lead: Sequence[Block],
    typed: str,
    *,
    text: str,
    tail: list[Block] | None = None,
    label: str = YOU_TYPED,
) -> list[Payload]:
    """Ephemeral messages: `lead`, then `typed` (stored Slack text) shown as typed, then `tail`.

    Slack markup comes out as typed (`@channel`, `Q&A`), escaped exactly once, and inert.
    """
    budget = MESSAGE_TEXT_BUDGET - _NOTE_ROOM
    slots = MESSAGE_BLOCK_LIMIT - 1  # one left for the note that the rest is in the DM
    pages: list[list[Block]] = [list(lead)]
    continued: set[int] = set()  # pages that start with the "continued" line
    room = budget - block_text_length(lead)
    rest = escape(readable(typed)) if typed else ""
    prefix = f"{label}\n" if label else ""
    while rest:
        overhead = utf16_len(prefix) + 2 * len(_FENCE)
        size = min(SECTION_TEXT_LIMIT, room) - overhead
        if size < min(_SMALLEST_PIECE, utf16_len(rest)) or len(pages[-1]) >= slots:
            continued.add(len(pages))
            pages.append([context(_CONTINUED)])  # numbered below, once the count is known
            room = budget - _CONTINUED_ROOM
            prefix = ""
            continue
        piece, rest = take_escaped(rest, size)
        block = section(f"{prefix}{_FENCE}{piece}{_FENCE}")
        pages[-1].append(block)
        room -= block_text_length(block)
        prefix = ""
    tail = tail or []
    if tail and (block_text_length(tail) > room or len(pages[-1]) + len(tail) > slots):
        pages.append([])
    pages[-1].extend(tail)
    total = len(pages)
    messages: list[Payload] = []
    for n, blocks in enumerate(pages, 1):
        if n - 1 in continued:
            blocks[0] = context(_CONTINUED.format(n=n, total=total))
        part = f"Your text, part {n} of {total}" if n > 1 else truncate(text, 3000)
        messages.append(message(part, *blocks, ephemeral=True, replace_original=False))
    return messages


REST_IN_DM = "The rest of your text follows in your DM with Multiplier."


def rest_follows_in_dm(message: Payload) -> Payload:
    """The last message a response_url takes, saying where the rest of the echo went
    (echo_messages leaves room for this line)."""
    return {**message, "blocks": [*message.get("blocks", []), context(REST_IN_DM)]}


def usage_error(message: str, typed: str, names: CommandNames) -> list[Payload]:
    """A short usage message that echoes back all that was typed, so nothing is lost."""
    return echo_messages(
        [section(safe(message))],
        typed,
        text=message,
        tail=[context(f"`{names.multiplier} help` lists every command.")],
    )


def failure_notice(text: str, *, typed: str = "") -> list[Payload]:
    """An apology; for commands, with all the user typed so they can send it again."""
    return echo_messages([section(safe(text))], typed, text=text)


DM_LOG_IT = "dm_log_it"


def dm_received(names: CommandNames, loggable: int | None = None) -> Payload:
    """The reply to a DM that answers no check-in: kept, and where evidence goes instead;
    for one that reads as evidence (`loggable`: its id), a "Log it" button that logs it."""
    if loggable is not None:
        text = (
            "Got it — I keep what you send me here. Shall I log it as evidence? It stays "
            f"private to you. (Next time, `{names.brag} <what happened>` logs it at once.)"
        )
        log_it = button("Log it", DM_LOG_IT, str(loggable), style="primary")
        return message(text, section(text), actions(log_it))
    text = (
        "Got it — I keep what you send me here. To log evidence with a dimension and the "
        f"people you helped, use `{names.brag}`; say `help` for everything I can do."
    )
    return message(text)


DM_ROUTE_CHECKIN = "dm_route_checkin"
DM_ROUTE_JUDGMENT = "dm_route_judgment"
DM_ROUTE_QUOTE = "dm_route_quote"
DM_ROUTE_NOTE = "dm_route_note"
# Buttons in one block need their own action ids: the n-th button of a kind gets "_n" (the
# first keeps the plain id). At most this many of a kind.
DM_ROUTE_MAX = 8
DM_ROUTE_ACTIONS: dict[str, str] = {
    (base if n == 0 else f"{base}_{n}"): kind
    for base, kind in (
        (DM_ROUTE_CHECKIN, "checkin"),
        (DM_ROUTE_JUDGMENT, "judgment"),
        (DM_ROUTE_QUOTE, "quote"),
    )
    for n in range(DM_ROUTE_MAX)
} | {DM_ROUTE_NOTE: "note"}


@dataclass(frozen=True)
class QuestionChoice:
    """One open question a DM may answer, as the "which is this for?" line offers it."""

    kind: str  # checkin | judgment | quote
    question_id: int
    # The check-in's slot in the person's time zone; the quoted call.
    slot_local: datetime | None = None
    quote: str | None = None
    # A check-in's question: its prompt id and wording.
    prompt_id: str | None = None
    question: str | None = None


def which_question(
    dm_id: int, choices: Sequence[QuestionChoice], *, removed: bool = False
) -> Payload:
    """One line asking which open question a top-level DM answers, a button each (and "Just a
    note"): the DM is kept as typed whatever is pressed. `removed`: after "Not an answer",
    the line offers to file it elsewhere."""
    if removed:
        text = "Removed — that message is not stored as an answer. I keep it as typed: " + (
            "it answers…" if choices else "is it just a note?"
        )
    else:
        text = "Which question does this answer? I keep what you typed either way."
    buttons = []
    bases = {"checkin": DM_ROUTE_CHECKIN, "quote": DM_ROUTE_QUOTE, "judgment": DM_ROUTE_JUDGMENT}
    used: dict[str, int] = {}
    for choice in choices:
        kind = choice.kind if choice.kind in bases else "judgment"
        n = used.get(kind, 0)
        if n >= DM_ROUTE_MAX:
            continue
        used[kind] = n + 1
        action_id = bases[kind] if n == 0 else f"{bases[kind]}_{n}"
        value = f"{dm_id}:{choice.question_id}"
        if kind == "checkin" and choice.question:
            label = f"❓ {readable(choice.question, limit=60)}"
            value += f":{choice.prompt_id}" if choice.prompt_id else ""
        elif kind == "checkin" and choice.slot_local is not None:
            day = choice.slot_local
            label = f"Your reflection of {day_label(day)}"
        elif kind == "quote":
            label = "✍️ The sentence you were asked for"
        else:
            quote = readable(choice.quote or "", limit=40)
            label = f"🔮 How “{quote}” turned out"
        buttons.append(button(label, action_id, value))
    buttons.append(button("Just a note", DM_ROUTE_NOTE, str(dm_id)))
    return message(text, section(text), actions(*buttons), replace_original=removed or None)


def quote_sent(requester_slack_id: str | None) -> Payload:
    """A DM taken as the sentence a colleague asked for."""
    who = mention(requester_slack_id) if requester_slack_id else "their"
    text = (
        f"Thank you. I sent that as your sentence: it is on {who}'s log as kudos from you, "
        "and I'll let them know."
    )
    return message(text)


def kept_as_note(names: CommandNames) -> Payload:
    """ "Just a note": kept, not evidence."""
    text = (
        "Kept as a note, not saved as evidence or as an answer. "
        f"`{names.brag} <what happened>` logs evidence any time."
    )
    return message(text, replace_original=True)


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
