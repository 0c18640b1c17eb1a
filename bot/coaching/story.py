"""The quarterly promotion story's draft (issue 17 item 5), assembled from a quarter's log.

Seed 001's practical path ends with "Turn the work into a promotion story." Once a quarter the
coach drafts one from what the person logged, for them to edit into their own words:

- the staff-shaped problem they took on, if they have one (seed 001's "Choose one problem
  with cross-team or business-level importance"), and the steps of its path done in the
  quarter: the story opens with it;
- the pattern: which dimensions came up most, with counts, and how much reached beyond
  their team (seed 002: "a sustained track record — not one big project");
- what they did: the quarter's most telling entries, whole and dated (broadest scope first,
  then those of the dimensions the pattern names, newest first; at most WORK_ITEMS), so a
  quarter whose entries give no impact or number still has concrete work in its draft;
- what the organisation can now do that it couldn't: the entries' impact, as typed, broadest
  reach first;
- the counterfactuals and numbers they gave: sentences of their entries (and of the judgment
  calls they followed up) that say what would have happened otherwise or give a number,
  quoted as typed, never rounded or reworded;
- judgment calls followed up in the quarter, and how they turned out;
- kudos received, other teams' first (seed 002: "Engineers on other teams citing your
  influence on their work").

Pure and deterministic: the same log gives the same draft, in the same order. Texts come in
and go out in stored form (Slack-escaped, mentions as `<@U…>`): the caller shows them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.coaching.library import CoachingLibrary
from bot.plural import plural
from bot.timetext import day_label

# Scopes that reach beyond the person's own team (prompts/scopes.yaml).
BEYOND_TEAM = ("cross_team", "org")
# Slack's plain_text_input holds at most 3,000 characters; the draft leaves room for names
# longer than the mentions they stand for.
FORM_LIMIT = 3000
DRAFT_BUDGET = 2800
# A mention is shown as @name: counted at this many characters when budgeting.
MENTION_WIDTH = 24
# The pattern names at most this many dimensions.
PATTERN_DIMENSIONS = 5
# "What you did" quotes at most this many whole entries.
WORK_ITEMS = 5
FORMER_COLLEAGUE = "a former colleague"


# ── Quarters ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: 2027 Q1 is January to March."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        """The quarter of a key such as "2027-Q1"; None for anything else."""
        match = re.fullmatch(r"(\d{4})-Q([1-4])", key)
        return cls(int(match.group(1)), int(match.group(2))) if match else None

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    def start(self, zone: tzinfo) -> datetime:
        """The first instant of the quarter in a time zone."""
        first = self.first_day
        return datetime(first.year, first.month, first.day, tzinfo=zone)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)


# ── What goes in ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class StoryEntry:
    """One of the person's own entries of the quarter (stored text)."""

    occurred_on: date
    text: str
    dimension: str | None
    scope: str | None
    impact: str | None = None


@dataclass(frozen=True)
class StoryOutcome:
    """A judgment call followed up in the quarter: the entry, and what happened."""

    occurred_on: date
    text: str
    outcome: str


@dataclass(frozen=True)
class StoryKudos:
    """A kudos received in the quarter. `giver`: the giver's Slack id (None once they used
    forget-me); `other_team`: True when they are on another team, False when on the
    person's own, None when nobody knows (teams are the workspace's digest channels)."""

    given_on: date
    text: str
    giver: str | None
    other_team: bool | None


@dataclass(frozen=True)
class StoryStep:
    """A step of seed 001's path (its label) the person ticked in the quarter, and the day."""

    label: str
    done_on: date


@dataclass(frozen=True)
class StoryProblem:
    """The staff-shaped problem the person had open in the quarter: its name (stored text),
    the day they named it, the steps of its path they ticked in the quarter, in path order,
    and, when it closed within the quarter, how (bot/problems/states.py: cleared or let_go)
    and on which day; let go, with the whole weeks it had gone without a step by then."""

    name: str
    named_on: date
    steps: tuple[StoryStep, ...] = ()
    closed_how: str | None = None
    closed_on: date | None = None
    weeks_without_step: int = 0


# ── What comes out ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PatternItem:
    dimension: str
    name: str
    count: int


@dataclass(frozen=True)
class Quote:
    """Words the person typed (stored form), and the day of the entry they come from."""

    on: date
    text: str


@dataclass(frozen=True)
class StoryDraft:
    quarter: Quarter
    entries: int
    beyond_team: int
    pattern: tuple[PatternItem, ...]
    work: tuple[Quote, ...]
    capabilities: tuple[Quote, ...]
    numbers: tuple[Quote, ...]
    outcomes: tuple[StoryOutcome, ...]
    kudos: tuple[StoryKudos, ...]
    problem: StoryProblem | None = None

    @property
    def empty(self) -> bool:
        """Nothing logged, followed up, received or done on the problem in the quarter:
        nothing to draft from."""
        stepped = self.problem is not None and bool(self.problem.steps)
        return not (self.entries or self.outcomes or self.kudos or stepped)


# A sentence that gives a number, or says what would have happened otherwise.
_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|dozen|half|twice|"
    r"double|doubled|halved|tripled)\b",
    re.IGNORECASE,
)
_COUNTERFACTUAL = re.compile(
    r"\botherwise\b|\bwould have\b|\bwould've\b|\bwithout\b|\binstead of\b|\bsaved\b"
    r"|\bavoided\b|\bprevented\b|\bno longer\b|\bnow can\b|\bcan now\b",
    re.IGNORECASE,
)
# Slack entities (mentions, channels, links) carry digits that are not numbers anyone gave.
_ENTITY = re.compile(r"<[^<>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")
_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """A stored text split into sentences (at . ! ? followed by a space, and at line breaks)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def gives_a_number_or_counterfactual(sentence: str) -> bool:
    """Whether a sentence gives a number or says what would have happened otherwise
    (digits inside mentions and links do not count)."""
    bare = _ENTITY.sub(" ", sentence)
    return bool(_NUMBER.search(bare) or _COUNTERFACTUAL.search(bare))


def draft_story(
    *,
    quarter: Quarter,
    entries: Sequence[StoryEntry],
    outcomes: Sequence[StoryOutcome] = (),
    kudos: Sequence[StoryKudos] = (),
    problem: StoryProblem | None = None,
    library: CoachingLibrary,
) -> StoryDraft:
    """The quarter's draft, from the person's own entries, the judgment calls they followed
    up and the kudos they received in it, and the staff-shaped problem they had open."""
    in_order = sorted(entries, key=lambda e: (e.occurred_on, e.text))
    known = library.dimension_ids
    counts = Counter(e.dimension for e in in_order if e.dimension in known)
    pattern = tuple(
        PatternItem(d, library.dimension(d).name, n)
        for d, n in sorted(counts.items(), key=lambda kv: (-kv[1], known.index(kv[0])))
    )[:PATTERN_DIMENSIONS]
    beyond = sum(1 for e in in_order if e.scope in BEYOND_TEAM)
    named = {p.dimension for p in pattern}
    telling = sorted(
        (e for e in in_order if e.text.strip()),
        key=lambda e: (
            -library.scope_rank(e.scope),
            e.dimension not in named,
            -e.occurred_on.toordinal(),
            e.text,
        ),
    )[:WORK_ITEMS]
    work = tuple(Quote(e.occurred_on, _one_line(e.text)) for e in telling)
    with_impact = [e for e in in_order if e.impact and e.impact.strip()]
    broadest_first = sorted(with_impact, key=lambda e: -library.scope_rank(e.scope))
    capabilities = tuple(Quote(e.occurred_on, _one_line(e.impact or "")) for e in broadest_first)
    said: set[str] = {q.text for q in capabilities}
    numbers: list[Quote] = []
    followed = sorted(outcomes, key=lambda o: (o.occurred_on, o.text))
    sources = [(e.occurred_on, e.text) for e in in_order] + [
        (o.occurred_on, o.outcome) for o in followed
    ]
    for on, text in sources:
        for sentence in sentences(text):
            line = _one_line(sentence)
            if line not in said and gives_a_number_or_counterfactual(line):
                said.add(line)
                numbers.append(Quote(on, line))
    team_order = {True: 0, None: 1, False: 2}
    ordered_kudos = sorted(kudos, key=lambda k: (team_order[k.other_team], k.given_on, k.text))
    return StoryDraft(
        quarter=quarter,
        entries=len(in_order),
        beyond_team=beyond,
        pattern=pattern,
        work=work,
        capabilities=capabilities,
        numbers=tuple(numbers),
        outcomes=tuple(followed),
        kudos=tuple(ordered_kudos),
        problem=problem,
    )


# ── As text ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class StoryTexts:
    """The words around the draft, from prompts/promotion_story.yaml."""

    ask: str
    heading_problem: str
    problem_no_step: str
    heading_pattern: str
    heading_work: str
    heading_capabilities: str
    heading_numbers: str
    heading_outcomes: str
    heading_kudos: str
    empty_quarter: str
    cut: str
    packet_draft: str

    @classmethod
    def of(cls, library: CoachingLibrary) -> StoryTexts:
        def text(text_id: str) -> str:
            return library.story_text(text_id).text

        return cls(
            ask=text("ask"),
            heading_problem=text("heading-problem"),
            problem_no_step=text("problem-no-step"),
            heading_pattern=text("heading-pattern"),
            heading_work=text("heading-work"),
            heading_capabilities=text("heading-capabilities"),
            heading_numbers=text("heading-numbers"),
            heading_outcomes=text("heading-outcomes"),
            heading_kudos=text("heading-kudos"),
            empty_quarter=text("empty-quarter"),
            cut=text("cut"),
            packet_draft=text("packet-draft"),
        )


@dataclass(frozen=True)
class DraftText:
    """The draft as stored text, and how many items were left out to fit the form."""

    text: str
    omitted: int

    def cut_note(self, texts: StoryTexts) -> str | None:
        """What to say under a draft that was cut (None when nothing was left out)."""
        if not self.omitted:
            return None
        return texts.cut.format(omitted=plural(self.omitted, "item"))


def escape(text: str) -> str:
    """Plain text (the library's words) as stored Slack text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shown_length(stored: str) -> int:
    """How long stored text is once shown in a form: entities as their characters, a
    mention as a name of MENTION_WIDTH characters, a link as its label or its address."""

    def entity(match: re.Match[str]) -> str:
        inner = match.group(0)[1:-1]
        if inner.startswith(("@", "!")):
            return "x" * MENTION_WIDTH
        return inner.split("|", 1)[-1]

    shown = _ENTITY.sub(entity, stored)
    for escaped, char in _ESCAPES:
        shown = shown.replace(escaped, char)
    return len(shown)


def _quoted(quote: Quote) -> str:
    return f'- {day_label(quote.on, year=True)}: "{quote.text}"'


def _kudos_line(item: StoryKudos) -> str:
    giver = f"<@{item.giver}>" if item.giver else FORMER_COLLEAGUE
    team = {True: " (another team)", False: " (your team)", None: ""}[item.other_team]
    return f'- "{_one_line(item.text)}" from {giver}{team}, {day_label(item.given_on, year=True)}'


def _pattern_lines(draft: StoryDraft) -> list[str]:
    if draft.entries == 0:
        count = f"No entries of your own in {draft.quarter.label}"
    elif draft.entries == 1:
        count = f"1 entry in {draft.quarter.label}" + (", beyond your team" * draft.beyond_team)
    else:
        beyond = f"{draft.beyond_team} of them" if draft.beyond_team else "none"
        count = (
            f"{plural(draft.entries, 'entry')} in {draft.quarter.label}, {beyond} beyond your team"
        )
    lines = [f"- {count}."]
    if draft.pattern:
        lines.append("- Most present: " + ", ".join(f"{p.name} ({p.count})" for p in draft.pattern))
    return lines


def _problem_lines(problem: StoryProblem, quarter: Quarter, texts: StoryTexts) -> list[str]:
    lines = [f'- "{_one_line(problem.name)}", named {day_label(problem.named_on, year=True)}']
    if problem.steps:
        lines += [
            f"- {escape(s.label)}: done {day_label(s.done_on, year=True)}" for s in problem.steps
        ]
    else:
        lines.append("- " + escape(texts.problem_no_step.format(quarter=quarter.label)))
    if problem.closed_on is not None and problem.closed_how == "let_go":
        weeks = problem.weeks_without_step
        quiet = f", after {plural(weeks, 'week')} without a step" if weeks else ""
        lines.append(f"- Let go {day_label(problem.closed_on, year=True)}{quiet}")
    elif problem.closed_on is not None and problem.closed_how == "cleared":
        lines.append(f"- Cleared {day_label(problem.closed_on, year=True)}")
    return lines


def _repeats(quote: Quote, shown: Sequence[Quote]) -> bool:
    """Whether a quoted sentence is already in the draft, inside a text shown whole."""
    return any(w.on == quote.on and quote.text in w.text for w in shown)


def draft_text(
    draft: StoryDraft,
    texts: StoryTexts,
    *,
    budget: int = DRAFT_BUDGET,
    measure: Callable[[str], int] = shown_length,
) -> DraftText:
    """The draft as stored text within `budget` shown characters: the problem (when the
    person has one) and the pattern always, then each part's items in order while they fit
    (an item is quoted whole or left out, never cut mid-sentence); `omitted` counts the items
    left out. A number already quoted inside an entry shown whole under "what you did", or
    inside a judgment call's outcome, is not quoted again. Empty for an empty quarter."""
    if draft.empty:
        return DraftText("", 0)
    blocks: list[list[str]] = []
    if draft.problem is not None:
        blocks.append(
            [
                f"{escape(texts.heading_problem)}:",
                *_problem_lines(draft.problem, draft.quarter, texts),
            ]
        )
    blocks.append([f"{escape(texts.heading_pattern)}:", *_pattern_lines(draft)])
    used = measure("\n\n".join("\n".join(block) for block in blocks))
    omitted = 0

    def fit(heading: str, items: Sequence[str]) -> list[bool]:
        """Add the part's items that fit (under its heading); which of them did."""
        nonlocal used, omitted
        title = f"{escape(heading)}:"
        kept: list[str] = []
        fits: list[bool] = []
        for item in items:
            cost = measure(item) + 1 + (0 if kept else measure(title) + 2)
            fits.append(used + cost <= budget)
            if fits[-1]:
                kept.append(item)
                used += cost
            else:
                omitted += 1
        if kept:
            blocks.append([title, *kept])
        return fits

    fits = fit(texts.heading_work, [_quoted(q) for q in draft.work])
    # Quoted whole elsewhere: the entries shown under "What you did", the outcomes (their part
    # quotes each one whole).
    whole = [q for q, shown in zip(draft.work, fits, strict=True) if shown] + [
        Quote(o.occurred_on, _one_line(o.outcome)) for o in draft.outcomes
    ]
    fit(texts.heading_capabilities, [_quoted(q) for q in draft.capabilities])
    fit(texts.heading_numbers, [_quoted(q) for q in draft.numbers if not _repeats(q, whole)])
    fit(
        texts.heading_outcomes,
        [
            f'- {day_label(o.occurred_on, year=True)}: "{_one_line(o.text)}" What happened: '
            f'"{_one_line(o.outcome)}"'
            for o in draft.outcomes
        ],
    )
    fit(texts.heading_kudos, [_kudos_line(k) for k in draft.kudos])
    return DraftText("\n\n".join("\n".join(block) for block in blocks), omitted)
