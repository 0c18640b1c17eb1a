"""The promotion packet: a Markdown document grouped by promotion-case element, then dimension.

Pure: entries, the coaching library and a few names in, Markdown out. An entry is listed
under every element it is evidence for (`PromotionElement.feeds`, from
`prompts/promotion_case.yaml`); entries that feed no element are listed under "Other
evidence", so every entry of the period appears at least once. Elements with no automatic
evidence (a sponsor) show their questions for the engineer to answer; the sponsor element
shows the owner's latest sponsor note instead when there is one (bot/sponsors).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.coaching.library import CoachingLibrary
from bot.coaching.models import PromotionElement
from bot.db.models import EvidenceEntry, SponsorNote
from bot.evidence.parsing import entry_words, received_words
from bot.evidence.periods import Period, user_zone
from bot.problems.states import ClosedHow
from bot.timetext import day_label, day_range
from bot.ui.text import TextMode, md_link, mentioned_ids, plural, render, unescape

OTHER_GROUP = "other"
UNCLASSIFIED = "unclassified"


# How the packet credits a kudos whose giver has since used forget-me.
FORMER_COLLEAGUE = "a former colleague"


@dataclass(frozen=True)
class ExpectationGroup:
    """One of the owner's expectations (stored text) and the ids of the period's entries
    mapped to it (issue 17)."""

    text: str
    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class PacketEntry:
    """One entry as the packet needs it."""

    entry: EvidenceEntry
    # The giver's Slack id, for an entry that is a kudos received.
    kudos_from: str | None = None
    # True for a kudos received, also when its giver is gone (forget-me): no kudos_from.
    is_kudos: bool = False
    # The owner's Slack id: a kudos that starts by naming them is shown without the names.
    owner: str | None = None

    @property
    def from_kudos(self) -> bool:
        return self.is_kudos or self.kudos_from is not None or self.entry.source == "kudos"

    def words(self, library: CoachingLibrary) -> str:
        """The entry's stored text as the packet shows it: a kudos without the names it
        starts with (its owner among them), no trailing #dimension tag (`entry_words`)."""
        text = self.entry.text
        if self.from_kudos and self.owner:
            text = received_words(text, self.owner)
        return entry_words(text, library, self.entry.dimension)


def person(slack_id: str, names: Mapping[str, str]) -> str:
    name = names.get(slack_id)
    return f"@{name}" if name else f"@{slack_id}"


def readable(text: str, names: Mapping[str, str]) -> str:
    """Stored Slack text as Markdown: @names, #channels, [label](url), `&` as typed."""
    return render(text, TextMode.MARKDOWN, names=names)


def _indent(text: str, prefix: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ("\n" + prefix).join(line.rstrip() for line in lines)


def _day(instant: datetime, tz: str | None) -> str:
    return day_label(instant.astimezone(user_zone(tz)), year=True)


def groups_for(entry: EvidenceEntry, library: CoachingLibrary) -> list[str]:
    """The element ids an entry is listed under (OTHER_GROUP when it feeds none)."""
    elements = library.elements_for(
        dimension=entry.dimension, scope=entry.scope, source=entry.source
    )
    return [element.id for element in elements] or [OTHER_GROUP]


def _dimension_name(dimension_id: str | None, library: CoachingLibrary) -> str:
    if dimension_id and dimension_id in library.dimension_ids:
        return library.dimension(dimension_id).name
    return "Not classified"


def _scope_name(scope_id: str | None, library: CoachingLibrary) -> str | None:
    if scope_id and scope_id in library.scope_ids:
        return library.scope(scope_id).name
    return None


def _entry_markdown(
    item: PacketEntry, library: CoachingLibrary, names: Mapping[str, str], tz: str | None
) -> str:
    entry = item.entry
    head = [f"**{_day(entry.occurred_at, tz)}**"]
    scope = _scope_name(entry.scope, library)
    if scope:
        head.append(scope)
    if entry.visibility == "team":
        head.append("shared with team")
    lines = [f"- {' · '.join(head)} — {_indent(readable(item.words(library), names), '  ')}"]
    if item.kudos_from:
        lines.append(f"  - Kudos from {person(item.kudos_from, names)}")
    elif item.from_kudos:
        lines.append(f"  - Kudos from {FORMER_COLLEAGUE}")
    if entry.impact:
        lines.append(f"  - Impact: {_indent(readable(entry.impact, names), '    ')}")
    # A kudos holds its giver among its people: credited above, not listed again.
    people = [p for p in entry.people if not (item.from_kudos and p == item.kudos_from)]
    if people:
        lines.append("  - People: " + ", ".join(person(p, names) for p in people))
    links: list[str] = []
    if entry.link:
        links.append(md_link("link", unescape(entry.link)))
    if entry.permalink:
        links.append(md_link("Slack message", entry.permalink))
    if links:
        lines.append("  - Links: " + " · ".join(links))
    return "\n".join(lines)


def _by_dimension(
    items: Sequence[PacketEntry], library: CoachingLibrary
) -> list[tuple[str, list[PacketEntry]]]:
    order = {dimension_id: i for i, dimension_id in enumerate(library.dimension_ids)}
    grouped: dict[str, list[PacketEntry]] = {}
    for item in items:
        key = item.entry.dimension if item.entry.dimension in order else UNCLASSIFIED
        grouped.setdefault(key, []).append(item)
    return sorted(grouped.items(), key=lambda kv: order.get(kv[0], len(order)))


def _element_section(
    number: int,
    element: PromotionElement | None,
    items: Sequence[PacketEntry],
    library: CoachingLibrary,
    names: Mapping[str, str],
    tz: str | None,
    sponsor: SponsorNote | None = None,
    problem: str | None = None,
) -> list[str]:
    title = element.name if element else "Other evidence"
    # The sponsor element, answered by the owner's sponsor thread instead of its questions.
    answered = element is not None and element.id == SPONSOR_ELEMENT and sponsor is not None
    # An answered element with no entries shows its answer, not a count of none.
    count = "" if answered and not items else f" ({len(items)})"
    out = [f"## {number}. {title}{count}", ""]
    if element is not None:
        out += [f"*{element.description.strip()}*", "", f"> {element.guidance.strip()}", ""]
    else:
        out += ["Entries that feed none of the elements above, by dimension.", ""]
    if element is not None and not element.has_feeds and not answered:
        out += ["No entry is filed here automatically: answer in your own words.", ""]
    elif not items and not answered:
        out += ["_Nothing logged for this element in this period._", ""]
    for dimension_id, group in _by_dimension(items, library):
        out += [f"### {_dimension_name(dimension_id, library)} ({len(group)})", ""]
        out += [_entry_markdown(item, library, names, tz) for item in group]
        out.append("")
    if answered and sponsor is not None:
        out += sponsor_lines(sponsor, names)
    if element is not None and element.id == OPPORTUNITY_ELEMENT and problem is not None:
        out += [
            f"The problem you took on: **{problem}** (its path is under *Your staff-shaped "
            "problem*, above).",
            "",
        ]
    if (
        element is not None
        and element.questions
        and not answered
        and (not items or not element.has_feeds)
    ):
        out += ["Questions to answer:", ""]
        out += [f"- {question}" for question in element.questions]
        out.append("")
    return out


SPONSOR_ELEMENT = "sponsor"
# The element the owner's staff-shaped problem speaks to (seed 002's "right opportunity").
OPPORTUNITY_ELEMENT = "right-opportunity"


def sponsor_lines(note: SponsorNote, names: Mapping[str, str]) -> list[str]:
    """The owner's latest sponsor note (from `/multiplier sponsor`) as Markdown."""
    who = [person(note.sponsor_user_id, names)] if note.sponsor_user_id else []
    if note.sponsor_text:
        who.append(readable(note.sponsor_text, names))
    shown = day_label(note.last_shown_on, year=True) if note.last_shown_on else "never yet"
    return [
        f"Your sponsor thread (updated {day_label(note.created_at, year=True)}):",
        "",
        f"- Sponsor: {_indent(', '.join(who), '  ') or 'nobody named'}",
        f"- Last showed them your work: {shown}",
        f"- Next step: {_indent(readable(note.next_step, names), '  ')}",
        "",
    ]


def build_packet(
    *,
    entries: Sequence[PacketEntry],
    library: CoachingLibrary,
    period: Period,
    owner_name: str,
    workspace_name: str | None,
    names: Mapping[str, str],
    tz: str | None,
    generated_at: datetime,
    sponsor: SponsorNote | None = None,
    outcomes: Mapping[int, str] | None = None,
    expectations: Sequence[ExpectationGroup] = (),
    stories: Sequence[PacketStory] = (),
    problems: Sequence[PacketProblem] = (),
) -> str:
    """The packet as Markdown. Only in the owner's own export, never in a share: `sponsor`,
    the owner's latest sponsor note, answers the sponsor element; `outcomes` say how the
    owner's judgment calls turned out, by entry id (bot/judgments); `expectations`, the
    owner's staff expectations with the entries mapped to each, group the period's entries
    by expectation first; `stories`, the owner's promotion stories of the period's quarters
    (bot/stories); `problems`, the owner's staff-shaped problem, open or closed in the
    period (bot/problems)."""
    grouped: dict[str, list[PacketEntry]] = {e.id: [] for e in library.promotion_elements}
    grouped[OTHER_GROUP] = []
    for item in entries:
        for group in groups_for(item.entry, library):
            grouped[group].append(item)
    multiplier = {d.id for d in library.multiplier_dimensions}
    # A kudos is listed where it is evidence (peer recognition) but counted only as a kudos
    # received: it is not the person's own entry, and its `people` is who gave it.
    own = [item.entry for item in entries if not item.from_kudos]
    people = {p for entry in own for p in entry.people}
    broad = sum(1 for entry in own if entry.scope in ("cross_team", "org"))
    counted = sum(1 for entry in own if entry.dimension in multiplier)
    kudos = len(entries) - len(own)
    out = [
        f"# Promotion evidence: {owner_name}",
        "",
        f"**Period:** {period.label} ({day_range(period.first_day, period.last_day)})"
        + (f" · **Workspace:** {workspace_name}" * bool(workspace_name)),
        "",
        f"**{plural(len(own), 'entry')} of your own** · multiplier work: {counted} · "
        f"people helped: {len(people)} · across teams or org-wide: {broad} · "
        f"kudos received: {kudos}",
        "",
        f"_Exported from Multiplier on {_day(generated_at, tz)}. Everything here comes from "
        "your private evidence log: trim it, add numbers, and share it with the people you "
        "choose._",
        "",
    ]
    out += expectations_section(entries, expectations, names, tz, library)
    out += ["## Contents", ""]
    sections: list[tuple[PromotionElement | None, list[PacketEntry]]] = [
        (element, grouped[element.id]) for element in library.promotion_elements
    ]
    if grouped[OTHER_GROUP]:
        sections.append((None, grouped[OTHER_GROUP]))
    for number, (element, items) in enumerate(sections, start=1):
        # The sponsor element answered by the sponsor thread, with no entries: no "(0)".
        shown = element is not None and element.id == SPONSOR_ELEMENT and sponsor is not None
        count = "" if shown and not items else f" ({len(items)})"
        out.append(f"{number}. {element.name if element else 'Other evidence'}{count}")
    out.append("")
    if not entries:
        out += [f"_No evidence logged in {period.label}._", ""]
    out += story_section(stories, library, names)
    out += problem_section(problems, names, tz)
    # The open problem, or the one closed last in the period (problems come open first).
    named = readable(problems[0].name, names).replace("\n", " ") if problems else None
    for number, (element, items) in enumerate(sections, start=1):
        out += _element_section(number, element, items, library, names, tz, sponsor, named)
    out += _outcomes_section(entries, outcomes or {}, library, names, tz)
    return "\n".join(out).rstrip() + "\n"


def _brief(
    item: PacketEntry, names: Mapping[str, str], tz: str | None, library: CoachingLibrary
) -> str:
    text = readable(item.words(library), names).replace("\n", " ")
    if len(text) > 300:
        text = text[:299] + "…"
    if item.from_kudos:
        giver = person(item.kudos_from, names) if item.kudos_from else FORMER_COLLEAGUE
        text += f" _(kudos from {giver})_"
    return f"- **{_day(item.entry.occurred_at, tz)}** — {text}"


def expectations_section(
    entries: Sequence[PacketEntry],
    expectations: Sequence[ExpectationGroup],
    names: Mapping[str, str],
    tz: str | None,
    library: CoachingLibrary,
) -> list[str]:
    """The period's entries under each of the owner's expectations (an entry under every
    one it is mapped to), then those mapped to none; nothing when there are no expectations.
    Each entry is listed in full under the promotion-case elements below."""
    if not expectations:
        return []
    by_id = {item.entry.id: item for item in entries}
    mapped: set[int] = set()
    out = [
        "## Your staff expectations",
        "",
        "Your entries of this period under each expectation you entered (one entry may "
        "count for several). Go through them with your manager: an expectation with "
        "nothing under it is a question to ask, not a verdict.",
        "",
    ]
    for number, group in enumerate(expectations, start=1):
        items = [by_id[i] for i in group.entry_ids if i in by_id]
        mapped.update(item.entry.id for item in items)
        out += [f"### {number}. {readable(group.text, names)} ({len(items)})", ""]
        if items:
            out += [_brief(item, names, tz, library) for item in items]
        else:
            out.append("_Nothing mapped to this expectation in this period._")
        out.append("")
    # Unmapped entries of their own, then unmapped kudos: counted apart, as in the figures
    # at the top (entries of your own · kudos received).
    rest = [item for item in entries if item.entry.id not in mapped]
    for title, items in (
        ("Not mapped to an expectation", [i for i in rest if not i.from_kudos]),
        ("Kudos received, not mapped to an expectation", [i for i in rest if i.from_kudos]),
    ):
        if items:
            out += [f"### {title} ({len(items)})", ""]
            out += [_brief(item, names, tz, library) for item in items]
            out.append("")
    return out


def _outcomes_section(
    entries: Sequence[PacketEntry],
    outcomes: Mapping[int, str],
    library: CoachingLibrary,
    names: Mapping[str, str],
    tz: str | None,
) -> list[str]:
    """Judgment calls of the period followed up months later, with what happened."""
    called = [item for item in entries if item.entry.id in outcomes]
    if not called:
        return []
    note = next((t.text for t in library.judgment_texts if t.id == "outcomes"), "")
    out = ["## Judgment calls, followed up", ""]
    if note:
        out += [f"_{note}_", ""]
    for item in called:
        entry = item.entry
        out.append(f"- **{_day(entry.occurred_at, tz)}:** {readable(item.words(library), names)}")
        out.append(f"  - _What happened:_ {readable(outcomes[entry.id], names)}")
    out.append("")
    return out


def people_in(entries: Sequence[PacketEntry]) -> list[str]:
    """Slack ids the packet names (people, mentions, kudos givers), to look their names up."""
    seen: dict[str, None] = {}
    for item in entries:
        for p in item.entry.people:
            seen.setdefault(p, None)
        for slack_id in mentioned_ids(item.entry.text, item.entry.impact):
            if slack_id.startswith(("U", "W")):
                seen.setdefault(slack_id, None)
        if item.kudos_from:
            seen.setdefault(item.kudos_from, None)
    return list(seen)


SUMMARY_HIGHLIGHTS = 3


def build_summary(
    *,
    entries: Sequence[PacketEntry],
    library: CoachingLibrary,
    period: Period,
    owner_name: str,
    workspace_name: str | None,
    names: Mapping[str, str],
    tz: str | None,
    generated_at: datetime,
) -> str:
    """A period's summary as Markdown: the figures, then each dimension's count with its
    latest few entries (shorter than the packet, for a manager or sponsor to skim)."""
    own = [item.entry for item in entries if item.entry.source != "kudos"]
    multiplier = {d.id for d in library.multiplier_dimensions}
    people = {p for entry in own for p in entry.people}
    broad = sum(1 for entry in own if entry.scope in ("cross_team", "org"))
    counted = sum(1 for entry in own if entry.dimension in multiplier)
    out = [
        f"# Multiplier summary: {owner_name}",
        "",
        f"**Period:** {period.label} ({day_range(period.first_day, period.last_day)})"
        + (f" · **Workspace:** {workspace_name}" * bool(workspace_name)),
        "",
        f"- Entries of their own: {len(own)}",
        f"- Multiplier work: {counted}",
        f"- People helped: {len(people)}",
        f"- Across teams or org-wide: {broad}",
        f"- Kudos received: {len(entries) - len(own)}",
        "",
        "## By dimension",
        "",
    ]
    for dimension_id, group in _by_dimension(entries, library):
        out += [f"### {_dimension_name(dimension_id, library)} ({len(group)})", ""]
        latest = sorted(group, key=lambda item: item.entry.occurred_at, reverse=True)
        for item in latest[:SUMMARY_HIGHLIGHTS]:
            text = readable(item.words(library), names).replace("\n", " ")
            if len(text) > 200:
                text = text[:199] + "…"
            out.append(f"- **{_day(item.entry.occurred_at, tz)}** — {text}")
        if len(group) > SUMMARY_HIGHLIGHTS:
            out.append(f"- …and {len(group) - SUMMARY_HIGHLIGHTS} more")
        out.append("")
    out.append(f"_Sent from Multiplier on {_day(generated_at, tz)}._")
    return "\n".join(out).rstrip() + "\n"


# ── The promotion story (issue 17.5, bot/stories): only in the owner's own export ──────────


@dataclass(frozen=True)
class PacketStory:
    """One quarter's promotion story: the text the owner edited, or the coach's draft."""

    quarter_label: str
    text: str
    edited: bool


def story_section(
    stories: Sequence[PacketStory], library: CoachingLibrary, names: Mapping[str, str]
) -> list[str]:
    """The owner's promotion stories, each quarter's as they edited it; a story not edited
    yet is the draft, labelled as one."""
    if not stories:
        return []
    note = next((t.text for t in library.story_texts if t.id == "packet-draft"), "A draft.")
    out = ["## Your promotion story", ""]
    for story in stories:
        state = "" if story.edited else " (draft)"
        out += [f"### {story.quarter_label}{state}", ""]
        if not story.edited:
            out += [f"_{note}_", ""]
        out += [readable(story.text, names), ""]
    return out


# ── The staff-shaped problem (issue 17.3, bot/problems): only in the owner's own export ─────


@dataclass(frozen=True)
class PacketStep:
    """One step of seed 001's path for a problem: its label, and when it was done (None:
    not done yet)."""

    label: str
    done_at: datetime | None


@dataclass(frozen=True)
class PacketProblem:
    """A staff-shaped problem as the packet tells it: open, or closed within the period."""

    name: str  # stored Slack text, as the person named it
    started_at: datetime
    steps: tuple[PacketStep, ...]
    closed_at: datetime | None = None
    closed_how: str | None = None  # bot/problems/states.py: cleared, let_go or replaced
    # Let go: whole weeks it had gone without a step by then.
    weeks_without_step: int | None = None


def _problem_state(problem: PacketProblem, tz: str | None) -> str:
    started = f"Taken on {_day(problem.started_at, tz)}"
    if problem.closed_at is None:
        return f"{started} · open"
    closed = _day(problem.closed_at, tz)
    if problem.closed_how == ClosedHow.REPLACED:
        return f"{started} · replaced by the next problem on {closed}"
    if problem.closed_how == ClosedHow.LET_GO:
        weeks = problem.weeks_without_step
        quiet = f" after {plural(weeks, 'week')} without a step" if weeks else ""
        return f"{started} · let go on {closed}{quiet}"
    return f"{started} · cleared on {closed}"


def problem_section(
    problems: Sequence[PacketProblem], names: Mapping[str, str], tz: str | None
) -> list[str]:
    """The owner's staff-shaped problem walked along seed 001's path: each step with the day
    it was done, and the ones not done yet. The open problem first, then those closed in the
    period (cleared, let go or replaced, said so)."""
    if not problems:
        return []
    out = ["## Your staff-shaped problem", ""]
    for problem in problems:
        name = readable(problem.name, names).replace("\n", " ")
        out += [f"### {name}", "", f"_{_problem_state(problem, tz)}_", ""]
        for step in problem.steps:
            if step.done_at is not None:
                out.append(f"- [x] {step.label} — done {_day(step.done_at, tz)}")
            else:
                out.append(f"- [ ] {step.label} — not done yet")
        done = sum(1 for step in problem.steps if step.done_at is not None)
        out += ["", f"{done} of {plural(len(problem.steps), 'step')} done.", ""]
    return out
