"""The App Home tab: this week, the trend, the current nudge, recent entries, settings, export.

Never more than 100 blocks whatever the data: every list is capped here, and `fit` is the
last line of defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.coaching.library import CoachingLibrary
from bot.evidence.parsing import entry_words, kudos_words, leading_people
from bot.home.data import HomeData, HomeSettings
from bot.summaries.periods import zone
from bot.timetext import checkin_schedule, day_label
from bot.ui.blocks import (
    VIEW_BLOCK_LIMIT,
    Block,
    actions,
    button,
    context,
    divider,
    fit,
    header,
    section,
)
from bot.ui.evidence import dimension_label
from bot.ui.mapping import coverage_home_blocks
from bot.ui.messages import CommandNames
from bot.ui.quotes import request_button
from bot.ui.summary import (
    dimension_line,
    headline,
    kudos_received_line,
    nudge_blocks,
    reframe_blocks,
    scope_line,
    streak_line,
    trend_line,
)
from bot.ui.text import and_list, display, mention, safe, truncate

ACTION_SUMMARY_TOGGLE = "home_summary_toggle"
ACTION_EXPORT = "home_export_json"
ACTION_PACKET = "home_export_packet"
# Room the welcome section (bot/ui/welcome.py, check-ins) may take at the top.
WELCOME_BLOCK_LIMIT = 12
RECENT_LIMIT = 10
ENTRY_TEXT_LIMIT = 600


def _settings_blocks(settings: HomeSettings, names: CommandNames) -> list[Block]:
    summary_state = "on" if settings.summary_enabled else "off"
    toggle = button(
        "Turn off" if settings.summary_enabled else "Turn on",
        ACTION_SUMMARY_TOGGLE,
        "off" if settings.summary_enabled else "on",
    )
    if not settings.checkins_enabled:
        checkins = f"off — `{names.multiplier} checkins on` starts them"
    else:
        checkins = safe(
            checkin_schedule(
                settings.cadence,
                settings.weekdays or (settings.checkin_weekday,),
                settings.checkin_minute,
                settings.tz[:64],
            )
        )
        if settings.paused_until is not None:
            last = settings.paused_until - timedelta(days=1)
            checkins += f", paused through {day_label(last)}"
    return [
        header("Settings"),
        section(f"*Weekly summary DM:* {summary_state}", accessory=toggle),
        section(f"*Check-ins:* {checkins}"),
        context(f"`{names.multiplier} settings` changes day, time, cadence and quiet hours."),
        section(
            "*A peer's words:* ask one peer for a sentence about your influence; it lands on "
            "your log as kudos from them.",
            accessory=request_button(),
        ),
        actions(
            button("Promotion packet (6 months)", ACTION_PACKET, "packet", style="primary"),
            button("Export all my data (JSON)", ACTION_EXPORT, "json"),
            block_id="home_export",
        ),
        context("Both arrive as files in your DM with Multiplier."),
    ]


def _recent_blocks(data: HomeData, library: CoachingLibrary, names: CommandNames) -> list[Block]:
    blocks: list[Block] = [header("Recent entries")]
    if not data.recent:
        blocks.append(
            section(
                f"_No evidence yet._ Log the next person you unblock: "
                f"`{names.brag} unblocked @dana on the release #unblocking`"
            )
        )
        return blocks
    tz = zone(data.settings.tz)
    for entry in list(data.recent)[:RECENT_LIMIT]:
        text, also = entry_words(entry.text, library, entry.dimension), ""
        if entry.source == "kudos":
            # As `/multiplier evidence` shows it: without the names it starts with, when
            # they include the owner; the others it named beside "kudos received".
            named = leading_people(entry.text).slack_ids
            others = [p for p in named if p != data.owner]
            if data.owner in named and kudos_words(entry.text, named) != entry.text:
                text = entry_words(kudos_words(entry.text, named), library, entry.dimension)
                also = f" · also to {and_list([mention(p) for p in others[:10]])}" * bool(others)
        blocks.append(section(display(text, ENTRY_TEXT_LIMIT)))
        shared = "shared with team" if entry.visibility == "team" else "private"
        # A peer's kudos is on the log too: said, so it does not read as one's own entry.
        received = "kudos received · " if entry.source == "kudos" else ""
        blocks.append(
            context(
                f"{received}{dimension_label(entry.dimension, library)} · "
                f"{day_label(entry.occurred_at.astimezone(tz), year=True)} · {shared}{also}"
            )
        )
    blocks.append(context(f"All of it: `{names.multiplier} evidence` or the export below."))
    return blocks


def _this_week_blocks(data: HomeData, library: CoachingLibrary) -> list[Block]:
    summary = data.summary
    blocks: list[Block] = [header(f"This week so far · {summary.week.label()}")]
    if summary.current.active:
        blocks.append(section(headline(summary.current)))
    else:
        received = kudos_received_line(summary.current)
        # Kudos from others are on the log too: "nothing logged" alone would deny them.
        blocks.append(
            section(
                "Nothing logged by you yet this week."
                if received
                else "Nothing logged yet this week."
            )
        )
        if received:
            blocks.append(context(received))
    blocks.append(context(trend_line(summary), streak_line(summary)))
    for line in (dimension_line(summary.current, library), scope_line(summary, library)):
        if line:
            blocks.append(context(truncate(line, 2900)))
    coaching = [*nudge_blocks(summary, library), *reframe_blocks(summary)]
    if coaching:
        blocks.append(divider())
        blocks.extend(coaching)
    return blocks


def home_view(
    data: HomeData,
    *,
    library: CoachingLibrary,
    names: CommandNames,
    welcome: Sequence[Block] = (),
    problem: Sequence[Block] = (),
) -> dict[str, Any]:
    """The whole Home tab for one person. `problem`: the staff-problem section, whole
    (bot/ui/problems.py `home_section`), placed after this week."""
    blocks: list[Block] = [
        header("Your multiplier log"),
        context(
            "What you *enable* is what counts at staff level: people unblocked, decisions "
            f"improved, writing that travels. Log it as it happens with `{names.brag}`. "
            "Everything here is private to you."
        ),
    ]
    blocks.extend(list(welcome)[:WELCOME_BLOCK_LIMIT])
    blocks.extend(_this_week_blocks(data, library))
    blocks.append(divider())
    coverage = coverage_home_blocks(data.summary.coverage, multiplier_command=names.multiplier)
    if coverage:  # issue 17: evidence per expectation, for people who entered them
        blocks.extend(coverage)
        blocks.append(divider())
    if problem:
        blocks.extend(problem)
        blocks.append(divider())
    blocks.extend(_recent_blocks(data, library, names))
    blocks.append(divider())
    blocks.extend(_settings_blocks(data.settings, names))
    return {
        "type": "home",
        "blocks": fit(blocks, VIEW_BLOCK_LIMIT, overflow_note="More is in your export."),
    }
