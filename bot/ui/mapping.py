"""Evidence mapped to expectations (issue 17): the confirmation's "maps to" line with its
one-click menu, and coverage per expectation on the Home tab and in the weekly summary.

Pure builders. Expectation and entry texts are stored Slack text (shown with `display()`, or
`readable()` in plain text). Option values carry ids only: `<entry id>:<expectation id>`;
the block id carries the entry (`evx|<entry id>`), so clearing every choice still says which
entry it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.coaching.mapping import Coverage, EntryMapping, uncovered
from bot.ui.blocks import Block, context, header, option, packed_sections, plain, section
from bot.ui.text import SECTION_TEXT_LIMIT, display, noun, plural, readable, safe
from bot.ui.utf16 import utf16_len

ACTION = "evidence_expectations"
BLOCK = "evx"
# Slack takes at most 100 options in a menu; the expectations modal keeps 40.
MAX_OPTIONS = 100
# How much of an expectation a line shows (the menu shows 75, Slack's option limit).
NAME_LIMIT = 150
NEWEST_LIMIT = 160
# The Home shows coverage in at most this many sections (each under Slack's 3,000).
HOME_SECTIONS = 4


def entry_of_block(block_id: str) -> str:
    """The entry id a mapping menu's block names (`evx|<id>`; anything else: empty)."""
    prefix, _, entry = block_id.partition("|")
    return entry if prefix == BLOCK else ""


def _name(text: str, limit: int = NAME_LIMIT) -> str:
    return f"“{display(text, limit)}”"


def mapping_block(mapping: EntryMapping) -> Block:
    """The confirmation's line saying which expectations the entry is evidence for, with a
    menu to change it in one click (several allowed; clearing it maps to none)."""
    names = dict(mapping.choices)
    chosen = [names[i] for i in mapping.chosen if i in names]
    if chosen:
        listed = ", ".join(_name(text, 300) for text in chosen[:5])
        more = f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""
        how = " _(suggested from your words: change it here)_" if mapping.suggested else ""
        text = f":dart: *Evidence for:* {listed}{more}{how}"
    else:
        text = (
            ":dart: *Evidence for:* none of your expectations yet. Pick any it speaks to, "
            "so your coverage counts it."
        )
    options = [
        option(readable(label) or "(empty)", f"{mapping.entry_id}:{expectation_id}")
        for expectation_id, label in mapping.choices[:MAX_OPTIONS]
    ]
    initial = [
        o for o in options if o["value"] in {f"{mapping.entry_id}:{i}" for i in mapping.chosen}
    ]
    menu: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": ACTION,
        "placeholder": plain("Change expectations", 150),
        "options": options,
    }
    if initial:
        menu["initial_options"] = initial
    return {
        "type": "section",
        "block_id": f"{BLOCK}|{mapping.entry_id}",
        "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT_LIMIT]},
        "accessory": menu,
    }


def coverage_home_blocks(coverage: Sequence[Coverage], *, multiplier_command: str) -> list[Block]:
    """The Home's section: per expectation, how many entries and the newest one; those
    without any named plainly, with what to do about it. Nothing without expectations."""
    if not coverage:
        return []
    covered = [item for item in coverage if item.count]
    missing = uncovered(coverage)
    blocks: list[Block] = [
        header("Your expectations"),
        context(
            f"Evidence so far for {len(covered)} of your "
            f"{plural(len(coverage), 'expectation')}. Private to you."
        ),
    ]
    lines = [
        f"• {_name(item.text)} — {plural(item.count, 'entry')}"
        + (f" · newest: {display(item.newest, NEWEST_LIMIT)}" if item.newest else "")
        for item in covered
    ]
    # The last section is kept for those without evidence.
    packed, held = packed_sections(lines, most=HOME_SECTIONS - 1 if missing else HOME_SECTIONS)
    blocks.extend(packed)
    if held < len(lines):
        listing = f"`{safe(multiplier_command, 40)} expectations list`"
        blocks.append(
            context(f"…and {len(lines) - held} more with evidence ({listing} names them all).")
        )
    if missing:
        names = ", ".join(_name(item.text, 100) for item in missing)
        if covered or len(coverage) == 1:
            lead = "*No evidence yet:* "
        else:
            lead = "*No evidence mapped yet for any of them:* "
        them = noun(len(missing), "it", "them")
        tail = (
            " That is common early on, not a verdict: log the next thing you do toward "
            f"{them}, or ask your manager which of your work they would count."
        )
        room = SECTION_TEXT_LIMIT - utf16_len(lead) - utf16_len(tail) - 10
        if utf16_len(names) > room:
            listing = f"`{safe(multiplier_command, 40)} expectations list`"
            names = f"{plural(len(missing), 'expectation')} ({listing} names them)"
        blocks.append(section(lead + names + "." + tail))
    return blocks


def coverage_summary_blocks(coverage: Sequence[Coverage]) -> list[Block]:
    """The weekly summary's brief line: each expectation's entries (and this week's) and
    those with none. Nothing without expectations."""
    if not coverage:
        return []
    parts = []
    for item in coverage:
        if not item.count:
            continue
        week = f", {item.this_week} this week" if item.this_week else ""
        parts.append(f"{_name(item.text, 60)}: {plural(item.count, 'entry')}{week}")
    missing = uncovered(coverage)
    text = ":dart: *Your expectations:* " + (
        " · ".join(parts) if parts else "no evidence mapped yet"
    )
    if missing and parts:
        text += f". None yet for {plural(len(missing), 'expectation')}: " + ", ".join(
            _name(item.text, 60) for item in missing
        )
    text += "."
    if utf16_len(text) > 2900:
        covered = sum(1 for item in coverage if item.count)
        text = (
            f":dart: *Your expectations:* {covered} of {plural(len(coverage), 'expectation')} "
            "have evidence; the Home tab lists them."
        )
    return [context(text)]
