"""The weekly personal summary: Block Kit and the chart's data, from a MultiplierSummary."""

from __future__ import annotations

from bot.coaching.library import CoachingLibrary
from bot.summaries.chart import ChartRow
from bot.summaries.metrics import (
    UNCLASSIFIED,
    UNSCOPED,
    MultiplierSummary,
    PeriodMetrics,
    Trend,
)
from bot.timetext import day_label
from bot.ui import judgments
from bot.ui.blocks import Block, Payload, context, divider, fit_message, header, message, section
from bot.ui.mapping import coverage_summary_blocks
from bot.ui.text import display, noun, plural, safe, truncate


def dimension_label(library: CoachingLibrary, dimension_id: str | None) -> str:
    if not dimension_id or dimension_id == UNCLASSIFIED:
        return "Unclassified"
    try:
        return library.dimension(dimension_id).label
    except KeyError:
        return dimension_id.replace("_", " ")


def scope_label(library: CoachingLibrary, scope_id: str) -> str:
    if scope_id == UNSCOPED:
        return "without a scope"
    try:
        return library.scope(scope_id).name.lower()
    except KeyError:
        return scope_id.replace("_", " ")


def headline(current: PeriodMetrics) -> str:
    """The numbers that matter, in one line of mrkdwn."""
    parts = [
        f"*{current.multiplier_entries}* {noun(current.multiplier_entries, 'multiplier entry')}"
        + (
            f" (of {current.entries} logged)"
            if current.entries != current.multiplier_entries
            else ""
        ),
        f"*{current.people_helped}* {noun(current.people_helped, 'person')} helped",
    ]
    if current.teams_reached:
        parts.append(
            f"*{current.teams_reached}* {noun(current.teams_reached, 'team')} "
            f"reached ({safe(', '.join(current.teams[:5]), 300)})"
        )
    parts.append(
        f"*{current.written_artefacts}* {noun(current.written_artefacts, 'written artefact')}"
    )
    parts.append(f"*{current.kudos_received}* kudos received, *{current.kudos_given}* given")
    return " · ".join(parts)


def kudos_received_line(current: PeriodMetrics) -> str | None:
    """For a week with nothing of your own logged: the kudos that came in anyway."""
    count = current.kudos_received
    if not count:
        return None
    return f":tada: {count} kudos received — on your log as peer recognition."


def _number(value: float) -> str:
    """2, 1.25, 0.5: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def trend_line(summary: MultiplierSummary) -> str:
    """The change in multiplier entries, always between complete weeks.

    While the summary's week is in progress (Home, `summary`), the line is about last week,
    so an empty Monday morning never reads as a fall.
    """
    if summary.trend_paused:
        said = _QUIET_WEEK.get(summary.trend_paused_why) if summary.trend_paused_why else None
        return f"{said[1]}: no trend to read from it." if said else PAUSED_TREND
    trend = summary.trend
    compared = summary.trend_metrics
    if trend is None or compared is None:
        if summary.in_progress:
            return "The trend compares complete weeks: it starts once two are on your log."
        # Not "first week": kudos received or a quiet start can leave weeks with nothing of
        # one's own, and the trend needs two that have something.
        return "No trend yet: it starts once two weeks hold entries of your own."
    prefix = "Last week: " if summary.in_progress else ""
    if trend.average_multiplier <= SMALL_AVERAGE:
        return _small_trend_line(trend, compared, prefix, gap=_gap(summary))
    gap = _gap(summary)
    span = f"{trend.periods}-week average" if trend.periods > 1 else "previous week"
    if gap:
        span = f"{trend.periods}-week average" if trend.periods > 1 else "last week"
        span += f" before {gap}"
    average = _number(trend.average_multiplier)
    if trend.direction == "flat":
        level = "level" if prefix else "Level"
        each = noun(float(average), "multiplier entry")
        return f"{prefix}→ {level} with your {span} ({average} {each} a week)."
    arrow = "↑" if trend.direction == "up" else "↓"
    entries = plural(compared.multiplier_entries, "multiplier entry")
    change = (
        f" ({trend.change_percent:+.0%})" if trend.change_percent is not None else " (up from none)"
    )
    against = (
        f"your {span} of {average}" if not gap or trend.periods > 1 else f"{average} in your {span}"
    )
    return f"{prefix}{arrow} {entries} against {against}{change}."


# What the weeks left out of the trend's comparison (right before its week) were.
_GAP: dict[str, tuple[str, str]] = {
    "skipped": ("the week you skipped", "the weeks you skipped"),
    "paused": ("your pause", "your pause"),
    "holiday": ("the holiday", "the holidays"),
    "holidays": ("the holidays", "the holidays"),
    "away": ("your time off", "your time off"),
}


def _gap(summary: MultiplierSummary) -> str:
    """ "your time off": what the paused or away weeks right before the trend's week were,
    when the weeks it compares with are the ones before them ("" when there is no gap)."""
    if not summary.trend_gap:
        return ""
    one, many = _GAP.get(summary.trend_gap_why or "", ("your break", "your break"))
    return many if summary.trend_gap > 1 else one


# At one multiplier entry a week on average or fewer, a percentage over-reacts (one entry in
# four weeks, none this week: "-100%"): the trend is said in counts instead.
SMALL_AVERAGE = 1.0


def _small_trend_line(trend: Trend, compared: PeriodMetrics, prefix: str, gap: str = "") -> str:
    """The trend against a small average, in words: what the week had against what the
    weeks before it had in all (whole entries; never a percentage, never "level at 0")."""
    weeks = plural(trend.periods, "week")
    before = f"the {weeks} before" if trend.periods > 1 else "the week before"
    if gap:
        before = (
            f"the {weeks} before {gap}" if trend.periods > 1 else f"your last week before {gap}"
        )
    earlier = round(trend.average_multiplier * trend.periods)
    count = compared.multiplier_entries
    if count == 0 and earlier == 0:
        said = "no multiplier entries" if prefix else "No multiplier entries this week"
        return f"{prefix}{said}, nor in {before}."
    arrow = "↑" if trend.direction == "up" else "↓" if trend.direction == "down" else "→"
    entries = plural(count, "multiplier entry")
    if earlier == 0:
        return f"{prefix}{arrow} {entries}, up from none in {before}."
    return f"{prefix}{arrow} {entries}, against {earlier} in {before}."


# A paused or away week with nothing in it is no fall: the trend says so instead, naming
# what happened (this week, last week; metrics.QuietWhy). Without a reason known: these.
PAUSED_TREND = "Last week was paused or you were away: no trend to read from it."
_QUIET_WEEK: dict[str, tuple[str, str]] = {
    "skipped": ("You skipped this week's check-in", "You skipped last week's check-in"),
    "paused": ("Check-ins were paused this week", "Last week was paused"),
    "holiday": (
        "This week's check-in fell on a public holiday",
        "Last week's check-in fell on a public holiday",
    ),
    "holidays": (
        "Your work days this week were public holidays",
        "Last week's work days were public holidays",
    ),
    "away": ("You were away this week", "You were away last week"),
}


def streak_line(summary: MultiplierSummary) -> str:
    if summary.streak == 0:
        return "No streak running: one entry or answered check-in a week starts one."
    weeks = f"{summary.streak}+" if summary.streak_capped else str(summary.streak)
    return f":fire: {weeks}-week streak of reflecting or logging."


def scope_line(summary: MultiplierSummary, library: CoachingLibrary) -> str | None:
    """How far the week's entries reached; only when one of them has a scope ("Scope: 2
    without a scope" says nothing)."""
    mix = summary.current.scope_mix
    if not any(count for key, count in mix.items() if key != UNSCOPED):
        return None
    order = [*library.scope_ids[::-1], UNSCOPED]
    parts = [f"{mix[key]} {scope_label(library, key)}" for key in order if mix.get(key)]
    return "Scope: " + " · ".join(parts)


def dimension_line(current: PeriodMetrics, library: CoachingLibrary) -> str | None:
    parts = []
    for dimension in library.dimensions:
        count = current.by_dimension.get(dimension.id, 0)
        if count:
            parts.append(f"{dimension.emoji} {safe(dimension.name)} {count}")
    if current.by_dimension.get(UNCLASSIFIED):
        parts.append(f"unclassified {current.by_dimension[UNCLASSIFIED]}")
    return " · ".join(parts) if parts else None


def nudge_blocks(summary: MultiplierSummary, library: CoachingLibrary) -> list[Block]:
    nudge = summary.nudge
    if nudge is None:
        return []
    try:
        name = library.mistake(nudge.mistake).name
    except KeyError:
        name = "A pattern worth a look"
    return [
        section(
            f":compass: *{safe(name)}*\n{safe(nudge.message, 1200)}\n"
            f"_Try this week:_ {safe(nudge.suggestion, 1200)}"
        )
    ]


def reframe_blocks(summary: MultiplierSummary) -> list[Block]:
    suggestion = summary.reframe
    if suggestion is None:
        return []
    reframe = suggestion.reframe
    return [
        section(
            f":arrows_counterclockwise: *From glue to staff work.* You logged "
            f"“{display(suggestion.entry_text, 300)}”. {safe(reframe.acknowledge, 300)} "
            f"It is also _{safe(reframe.glue.lower())}_, which a promotion committee easily "
            f"overlooks. The staff-level version: {safe(reframe.staff, 1200)}"
        )
    ]


def went_well_blocks(summary: MultiplierSummary) -> list[Block]:
    """What the log shows went well: said in every summary that has something to say."""
    if not summary.went_well:
        return []
    return [section(f":sparkles: *What went well.* {safe(summary.went_well, 600)}")]


def chart_rows(summary: MultiplierSummary, library: CoachingLibrary) -> list[ChartRow]:
    """Per dimension, this week against the trailing average (dimensions with either)."""
    averages = summary.trend.average_by_dimension if summary.trend else {}
    rows = []
    for dimension in library.dimensions:
        this_week = summary.current.by_dimension.get(dimension.id, 0)
        average = averages.get(dimension.id, 0.0)
        if this_week or average:
            rows.append(ChartRow(dimension.name, this_week, round(average, 2)))
    return rows


NOTHING_LOGGED = "Nothing logged this week."
PAUSED_WEEK = (
    "Check-ins were paused or skipped this week, so no reflection was expected. "
    "A paused week does not count against your streak."
)


def paused_week_text(summary: MultiplierSummary) -> str:
    """A paused, skipped or away week with nothing in it, named for what happened."""
    said = _QUIET_WEEK.get(summary.paused_why) if summary.paused_why else None
    if said is None:
        return PAUSED_WEEK
    return (
        f"{said[0]}, so no reflection was expected. "
        "A week like this does not count against your streak."
    )


def nothing_to_say(summary: MultiplierSummary) -> bool:
    """A week with nothing new in it: nothing logged, no check-in answered (not even with
    "nothing this week"), no judgment call followed up, no kudos received. No weekly DM
    about it, paused or not: "nothing logged" every Monday tells a quiet person only that
    they were quiet. The Home and `summary last` still show the week."""
    current = summary.current
    return (
        not current.active
        and not current.kudos_received
        and not summary.outcomes
        and not summary.late
    )


def _critiques_empty_week(summary: MultiplierSummary) -> bool:
    """A week that ended with nothing logged, when reflection was expected: critiqued."""
    return not (
        summary.current.active or summary.paused or summary.in_progress or not summary.critique
    )


def _opening_blocks(summary: MultiplierSummary, library: CoachingLibrary) -> list[Block]:
    """The numbers that matter, or what a week with nothing of one's own in it was."""
    current = summary.current
    if current.active:
        return [section(headline(current))]
    received = kudos_received_line(current)
    opening: list[Block]
    if summary.paused or summary.in_progress:
        # A paused week is not critiqued, nor one that is still going (a Monday morning).
        opening = [
            section(
                paused_week_text(summary) if summary.paused else "Nothing logged yet this week."
            )
        ]
    elif not summary.critique or summary.late:
        # Reflection was not asked for (check-ins off, no log of their own) or the person
        # came after the week's work: what came in, and no critique, trend or streak. Nor
        # when it is sent for what was logged late (an answer for an earlier week).
        opening = [section("Nothing logged by you this week." if received else NOTHING_LOGGED)]
    else:
        # One empty-week line, never two: judgment calls waiting for their verdict name the
        # week (seed 000) instead of the question about evidence not written down.
        waiting = judgments.empty_week_line(awaiting=summary.awaiting_calls, library=library)
        said = None if waiting else library.summary_text("empty-week")
        if waiting:
            opening = [section(NOTHING_LOGGED), context(waiting)]
        else:
            opening = [section(safe(said.text, 600) if said else NOTHING_LOGGED)]
    return [*opening, context(received)] if received else opening


def summary_blocks(
    summary: MultiplierSummary, library: CoachingLibrary, *, multiplier_command: str
) -> list[Block]:
    """The summary's sections (without header), shared by the DM and the command."""
    current = summary.current
    blocks = _opening_blocks(summary, library)
    quiet = summary.paused and not current.active  # a paused week: no trend to read
    details = [streak_line(summary)] if quiet else [trend_line(summary), streak_line(summary)]
    if current.active or summary.critique or summary.in_progress:
        blocks.append(context(*details))
    for line in (dimension_line(current, library), scope_line(summary, library)):
        if line:
            blocks.append(context(truncate(line, 2900)))
    blocks.extend(
        judgments.summary_blocks(
            outcomes=summary.outcomes,
            awaiting=summary.awaiting_calls,
            # A critiqued empty week said it in its opening already.
            empty_week=(
                not current.active and not summary.paused and not _critiques_empty_week(summary)
            ),
            library=library,
        )
    )
    blocks.extend(coverage_summary_blocks(summary.coverage))  # issue 17: per expectation
    blocks.extend(late_blocks(summary))
    coaching = [
        *went_well_blocks(summary),
        *nudge_blocks(summary, library),
        *reframe_blocks(summary),
    ]
    if coaching:
        blocks.append(divider())
        blocks.extend(coaching)
    blocks.append(
        context(
            "Private to you. "
            f"`{multiplier_command} summary off` stops this weekly DM; "
            f"`{multiplier_command} summary` shows this week so far."
        )
    )
    return blocks


# At most this many entries logged late are listed; the rest are counted.
LATE_SHOWN = 5


def late_blocks(summary: MultiplierSummary) -> list[Block]:
    """Entries of earlier weeks logged after the last summary (a late check-in answer): they
    count for their own week, whose summary went (or was skipped) without them."""
    if not summary.late:
        return []
    lines = [
        f"• {day_label(entry.occurred_at)}: {display(entry.text, 300)}"
        for entry in summary.late[-LATE_SHOWN:]
    ]
    more = len(summary.late) - LATE_SHOWN
    if more > 0:
        lines.append(f"…and {plural(more, 'earlier one')}.")
    return [
        section(
            f"*Logged after last week's summary* ({plural(len(summary.late), 'entry')}, "
            "each counted for the week it is about)"
        ),
        context(truncate("\n".join(lines), 2900)),
    ]


def fallback_text(summary: MultiplierSummary) -> str:
    current = summary.current
    return (
        f"Your multiplier week ({summary.week.label()}): "
        f"{plural(current.multiplier_entries, 'multiplier entry')}, "
        f"{plural(current.people_helped, 'person')} helped, "
        f"{plural(current.written_artefacts, 'written artefact')}, "
        f"{current.kudos_received} kudos received."
    )


def weekly_summary_message(
    summary: MultiplierSummary, library: CoachingLibrary, *, multiplier_command: str
) -> Payload:
    """The Monday DM about the week that ended."""
    blocks = [
        header(f"Your multiplier week · {summary.week.label()}"),
        *summary_blocks(summary, library, multiplier_command=multiplier_command),
    ]
    return message(fallback_text(summary), *fit_message(blocks))


def summary_now_response(
    summary: MultiplierSummary, library: CoachingLibrary, *, multiplier_command: str
) -> Payload:
    """`/multiplier summary`: the summary of the chosen week, ephemeral."""
    title = (
        f"This week so far · {summary.week.label()}"
        if summary.in_progress
        else f"Your multiplier week · {summary.week.label()}"
    )
    blocks = [
        header(title),
        *summary_blocks(summary, library, multiplier_command=multiplier_command),
    ]
    return message(fallback_text(summary), *fit_message(blocks), ephemeral=True)


def chart_fallback_message(rows: list[ChartRow]) -> Payload:
    """Posted when the chart upload fails: the same comparison, as text."""
    from bot.summaries.chart import text_chart

    text = "This week (█) against your four-week average (░), per dimension:"
    body = text_chart(rows) if rows else "Nothing logged in the last five weeks."
    return message(text, section(text), section("```" + safe(body, 2800) + "```"))


def summary_setting_changed(enabled: bool, multiplier_command: str, when: str) -> Payload:
    if enabled:
        text = (
            f"Your weekly summary DM is *on*: {when} your time, about the week that ended. "
            f"`{multiplier_command} summary off` stops it."
        )
    else:
        text = (
            "Your weekly summary DM is *off*. Your log is kept, and "
            f"`{multiplier_command} summary` still shows it any time; "
            f"`{multiplier_command} summary on` brings the DM back."
        )
    return message(text, ephemeral=True)
