"""Block Kit for check-ins: the DM, its answer and settings modals, confirmations, reminders.

Button values and private_metadata carry ids only; stored user text goes through `display()`
(it is Slack-escaped already), text of ours through `safe()`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.timetext import day_label, day_range, hhmm, weekday_name
from bot.ui.blocks import (
    Block,
    Button,
    OptionObject,
    Payload,
    SelectElement,
    actions,
    button,
    context,
    divider,
    element,
    fit_message,
    header,
    input_block,
    message,
    modal,
    option,
    overflow,
    section,
    static_select,
)
from bot.ui.text import display, mention, noun, plural, readable, safe, truncate
from bot.ui.utf16 import utf16_len, utf16_prefix
from bot.values import parse_int

METADATA_EVENT = "multiplier_checkin"

ANSWER = "checkin_answer"
NOTHING = "checkin_nothing"
SNOOZE = "checkin_snooze"
SKIP = "checkin_skip"
PAUSE = "checkin_pause"
EDIT_ANSWER = "checkin_answer_edit"
UNDO_ANSWER = "checkin_answer_undo"
ANSWER_DIMENSION = "checkin_answer_dimension"
ANSWER_SCOPE = "checkin_answer_scope"
ANSWER_CONFIRMATION_BLOCK = "checkin_answer_confirmation"
START = "checkins_start"
OPEN_SETTINGS = "checkin_settings_open"
# The line that noticed three check-ins went unanswered (bot/checkins/silence.py): a calmer
# cadence, or keeping things as they are; its pause button is PAUSE's, valued "<id>:<weeks>".
SILENCE_CADENCE = "checkin_silence_cadence"
SILENCE_KEEP = "checkin_silence_keep"
SILENCE_BLOCK = "checkin_silence"
SILENCE_PAUSE_WEEKS = 4
# The cadence one step calmer than the person's, as its button says it.
CALMER = {"weekly": "biweekly", "twice_weekly": "weekly"}
CALMER_LABELS = {"biweekly": "Every two weeks", "weekly": "Once a week"}

ANSWER_VIEW = "checkin_answer"
EDIT_VIEW = "checkin_answer_edit"
SETTINGS_VIEW = "checkin_settings"

QUESTION_BLOCK_PREFIX = "checkin_q_"
PAUSE_WEEKS = (1, 2, 4)
ANSWER_TEXT_LIMIT = 3000


@dataclass(frozen=True)
class Question:
    """One question of a check-in as the user sees it, with its answer if there is one."""

    index: int
    prompt_id: str
    text: str
    follow_ups: tuple[str, ...] = ()
    dimension: str = ""
    answer_kind: str | None = None  # "answer" | "nothing" | None
    answer_text: str | None = None


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def question_block_id(index: int) -> str:
    return f"{QUESTION_BLOCK_PREFIX}{index}"


def question_index(block_id: str | None) -> int | None:
    """The question index a button's block_id names, or None when it names none."""
    if not block_id or not block_id.startswith(QUESTION_BLOCK_PREFIX):
        return None
    return parse_int(block_id[len(QUESTION_BLOCK_PREFIX) :], high=99)


def checkin_metadata(checkin_id: int, delivery: str) -> dict[str, Any]:
    """Message metadata that lets a restarted worker find what it already posted."""
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {"checkin_id": checkin_id, "delivery": delivery},
    }


def _date_label(day: date | datetime) -> str:
    return day_label(day)


_THIS_WEEK = re.compile(r"\b([Tt])his week\b")
_FROM_THIS_WEEK = re.compile(r"\bfrom this week\b")


def about_last_week(text: str) -> str:
    """A question written for "this week", asked on Monday about the week that ended."""
    return _THIS_WEEK.sub(lambda m: ("L" if m.group(1) == "T" else "l") + "ast week", text)


def _days(first: date, last: date) -> str:
    """ "7–13 Dec", "30 Nov–6 Dec", "28 Dec 2026–3 Jan 2027" (the year only across one)."""
    return day_range(first, last, year=False)


@dataclass(frozen=True)
class Period:
    """The days a check-in asks about and how its words name them.

    `kind`: "week" (this week, or last week once it has `ended` when the message arrives),
    "two_weeks" (every two weeks: both weeks) or "since" (twice a week: the days since the
    other check-in's day, `first`).
    """

    first: date
    last: date
    kind: str = "week"
    ended: bool = False

    @property
    def today(self) -> bool:
        """A twice-weekly check-in on the day the person joined asks about that day only."""
        return self.kind == "since" and self.first == self.last

    @property
    def phrase(self) -> str:
        """What "this week" in a question becomes."""
        if self.today:
            return "today"
        if self.kind == "since":
            return f"since {weekday_name(self.first.weekday())}"
        if self.kind == "two_weeks":
            return "over the last two weeks"
        return "last week" if self.ended else "this week"

    @property
    def label(self) -> str:
        days = _days(self.first, self.last)
        if self.today:
            return f"today ({day_range(self.last, self.last, year=False)})"
        if self.kind == "since":
            return f"the days {self.phrase} ({days})"
        if self.kind == "two_weeks":
            return f"the last two weeks ({days})"
        return f"{self.phrase} ({days})"

    @property
    def nothing(self) -> str:
        return (
            "Nothing in these two weeks" if self.kind == "two_weeks" else f"Nothing {self.phrase}"
        )

    @property
    def skip(self) -> str:
        # "this week" only where the header says so (not on one about last week).
        return "Skip this week" if self.kind == "week" and not self.ended else "Skip this check-in"

    @property
    def title(self) -> str:
        return {"two_weeks": "Two-week reflection", "since": "Reflection"}.get(
            self.kind, "Weekly reflection"
        )

    def words(self, text: str) -> str:
        """A question written for "this week", in this period's words."""
        if self.kind == "week" and not self.ended:
            return text
        phrase = self.phrase
        # After "from", a phrase that is not a noun ("since Tuesday") needs one.
        after_from = {
            "since": "from today" if self.today else f"from the days {phrase}",
            "two_weeks": "from the last two weeks",
        }.get(self.kind, f"from {phrase}")
        text = _FROM_THIS_WEEK.sub(after_from, text)
        return _THIS_WEEK.sub(
            lambda m: (phrase[0].upper() if m.group(1) == "T" else phrase[0]) + phrase[1:], text
        )


@dataclass(frozen=True)
class Silence:
    """The one line a check-in says after three went unanswered (its words from the coaching
    library), and the person's cadence, for the calmer one it offers."""

    text: str
    cadence: str


def silence_blocks(checkin_id: int, silence: Silence) -> list[Block]:
    """The line, with the choices the app already has: a calmer cadence (none for someone
    already on every two weeks), a pause, or keep as is."""
    buttons: list[Button] = []
    calmer = CALMER.get(silence.cadence)
    if calmer is not None:
        buttons.append(button(CALMER_LABELS[calmer], SILENCE_CADENCE, f"{checkin_id}:{calmer}"))
    weeks = SILENCE_PAUSE_WEEKS
    buttons.append(button(f"Pause for {plural(weeks, 'week')}", PAUSE, f"{checkin_id}:{weeks}"))
    buttons.append(button("Keep as is", SILENCE_KEEP, str(checkin_id)))
    return [section(safe(silence.text, 600)), actions(*buttons, block_id=SILENCE_BLOCK)]


def _question_blocks(
    checkin_id: int, question: Question, *, open_: bool, nothing: str
) -> list[Block]:
    number = question.index + 1
    blocks: list[Block] = [section(f"*{number}. {safe(question.text, 2000)}*")]
    if question.answer_kind == "answer":
        blocks.append(context(f":white_check_mark: {display(question.answer_text or '', 2800)}"))
    elif question.answer_kind == "nothing":
        blocks.append(context(f":heavy_minus_sign: {nothing}"))
    elif open_:
        if question.follow_ups:  # one: the rest come after the answer, for what it lacks
            blocks.append(context(safe(question.follow_ups[0], 2900)))
        value = str(checkin_id)
        blocks.append(
            actions(
                button("Answer", ANSWER, value, style="primary"),
                button(nothing, NOTHING, value),
                block_id=question_block_id(question.index),
            )
        )
    return blocks


def checkin_message(
    *,
    checkin_id: int,
    questions: Sequence[Question],
    status: str,
    slot_local: datetime,
    note: str | None = None,
    last_week: bool = False,
    week_start: date | None = None,
    period: Period | None = None,
    extra: Sequence[Block] = (),
    ask: Sequence[Block] = (),
    problem: Sequence[Block] = (),
    silence: Sequence[Block] = (),
) -> Payload:
    """The check-in DM. Buttons only while it is open; answered questions show their answer;
    `extra` blocks follow the questions (this week's thanks suggestions); `ask` blocks (the
    first check-in's ask for expectations) follow them until something is answered;
    `problem` blocks (the question about the person's staff-shaped problem, bot/ui/problems.py)
    follow the questions while the check-in is open or answered. `silence` blocks (the line
    that noticed three check-ins went unanswered, `silence_blocks`) come first, until
    anything is done with the check-in.

    `status` is the check-in's: sent/claimed (open), answered, skipped, snoozed, expired.
    A snoozed check-in keeps its Answer buttons (it is still open, only coming back
    tomorrow); once a question is answered, Snooze/Skip/Pause give way to a line saying so.
    `period`: the days it asks about; without one, the week of `slot_local` (`week_start`,
    its Monday), the week that ended when `last_week`.
    """
    if period is None:
        day = slot_local.date()
        monday = week_start or day - timedelta(days=day.weekday() + (7 if last_week else 0))
        period = Period(monday, monday + timedelta(days=6), "week", last_week)
    open_ = status in ("pending", "unknown", "claimed", "sent", "answered", "snoozed")
    unanswered = [q for q in questions if q.answer_kind is None]
    intro = (
        f"Your reflection on {period.label}. A minute now saves an "
        "afternoon of archaeology at review time. Reply here or in this thread (I ask which "
        "question, if it's unclear), or use the buttons; your answers stay private unless you "
        "share them."
    )
    blocks: list[Block] = [header(period.title), section(intro)]
    if status in ("pending", "unknown", "claimed", "sent"):  # nothing done with it yet
        blocks.extend(silence)
    for question in questions:
        blocks.extend(_question_blocks(checkin_id, question, open_=open_, nothing=period.nothing))
    if open_:
        blocks.extend(problem)
    if status in ("pending", "unknown", "claimed", "sent"):  # open, nothing answered yet
        blocks.extend(ask)
    blocks.extend(extra)
    footer: list[Block] = []
    if note:
        footer.append(context(note))
    if status == "answered":
        footer.append(context(answered_note(open_questions=len(unanswered))))
    elif open_ and unanswered and status != "snoozed":
        value = str(checkin_id)
        footer.append(
            actions(
                button("Snooze to next work day", SNOOZE, value),
                button(period.skip, SKIP, value),
                overflow(
                    PAUSE,
                    [
                        option(f"Pause for {plural(w, 'week')}", f"{checkin_id}:{w}")
                        for w in PAUSE_WEEKS
                    ],
                ),
                block_id="checkin_controls",
            )
        )
    if footer:  # a divider only where something follows it
        blocks.append(divider())
        blocks.extend(footer)
    first = questions[0].text if questions else period.words("What did you multiply this week?")
    return message(truncate(f"{period.title}: {first}", 300), *fit_message(blocks))


def answered_note(*, open_questions: int) -> str:
    """The line under a check-in once it has an answer."""
    if open_questions:
        return (
            f":white_check_mark: Answered — thank you. The {noun(open_questions, 'open question')}"
            " above can still be answered, here or in this thread."
        )
    return ":white_check_mark: All answered — thank you. See you at the next one."


def status_note(
    status: str,
    *,
    until: datetime | date | None = None,
    next_local: datetime | None = None,
    period: Period | None = None,
) -> str | None:
    """The line shown on a check-in that was snoozed, skipped, paused or expired.

    Skipped: named as its header names its `period` ("your reflection on last week (7–13
    Dec)"). Paused: `until` is the day check-ins resume (`paused_until`); the line names the
    last paused day and, when known, the next check-in (`next_local`)."""
    if status == "snoozed" and until is not None:
        return f":zzz: Snoozed — I'll bring it back {_date_label(until)} at {until:%H:%M}."
    if status == "skipped":
        what = f"your reflection on {period.label}" if period is not None else "this week"
        return f":fast_forward: Skipped {what}. See you at the next one."
    if status == "paused" and until is not None:
        last = (until.date() if isinstance(until, datetime) else until) - timedelta(days=1)
        line = f":double_vertical_bar: Skipped, and check-ins paused through {_date_label(last)}."
        if next_local is not None:
            line += f" The next one comes {_date_label(next_local)} at {next_local:%H:%M}."
        return line
    if status == "expired":
        return "This check-in has closed; you can still log evidence any time with /brag."
    return None


@dataclass(frozen=True)
class Understood:
    """What the bot read out of an answer, with the choices to change it in one click."""

    dimension: str | None = None
    scope: str | None = None
    dimensions: Sequence[Option] = ()
    scopes: Sequence[Option] = ()
    # The prompt's follow-ups the answer does not cover yet (who, otherwise, a number).
    missing: Sequence[str] = ()


def _label(options: Sequence[Option], value: str | None) -> str | None:
    return next((o.label for o in options if o.value == value), None)


def _relabel_select(
    action_id: str, answer_id: int, options: Sequence[Option], current: str | None, what: str
) -> SelectElement:
    choices = [Option(f"{answer_id}:{o.value}", o.label) for o in options[:99]]
    choices.append(Option(f"{answer_id}:", f"No {what}"))
    return _select(
        action_id, choices, f"{answer_id}:{current}" if current else None, f"Change {what}"
    )


def answer_confirmation(
    *,
    answer_id: int,
    question: str | None,
    dimension_label: str | None,
    people: Sequence[str],
    visibility: str,
    kind: str = "answer",
    understood: Understood | None = None,
    edited_text: str | None = None,
) -> Payload:
    """What the bot understood from an answer: dimension and scope with one-click changes,
    what the answer could still say (the remaining follow-ups), Edit and Not an answer.
    `edited_text`: the answer as the person has just edited it (stored, Slack-escaped)."""
    if kind == "nothing":
        text = "Noted: nothing this week. That's fine — some weeks are heads-down."
        return message(text)
    lines = ["Saved to your private evidence log."]
    if question:
        lines[0] = f"Saved as your answer to _{safe(question, 500)}_"
    if edited_text is not None:
        lines[0] = (
            f"Updated your answer to _{safe(question, 500)}_"
            if question
            else "Updated in your private evidence log."
        )
        lines.append("> " + display(edited_text, 2400).replace("\n", "\n> "))
    seen = understood or Understood()
    dimension = _label(seen.dimensions, seen.dimension) or dimension_label
    details = [f"*Dimension:* {safe(dimension) if dimension else 'not classified'}"]
    if seen.scopes:
        scope = _label(seen.scopes, seen.scope)
        details.append(f"*Scope:* {safe(scope) if scope else 'not set'}")
    if people:
        details.append("*People:* " + ", ".join(mention(p) for p in people[:20]))
    details.append(f"*Visibility:* {'your team' if visibility == 'team' else 'only you'}")
    blocks: list[Block] = [section("\n".join(lines)), context(" · ".join(details))]
    if seen.missing:
        blocks.append(
            context(
                "_To make it evidence, it could still say:_ "
                + safe(" · ".join(seen.missing), 2500)
                + " _(Edit to add it.)_"
            )
        )
    value = str(answer_id)
    elements: list[Button | SelectElement] = []
    if seen.dimensions:
        elements.append(
            _relabel_select(
                ANSWER_DIMENSION, answer_id, seen.dimensions, seen.dimension, "dimension"
            )
        )
    if seen.scopes:
        elements.append(_relabel_select(ANSWER_SCOPE, answer_id, seen.scopes, seen.scope, "scope"))
    elements.append(button("Edit", EDIT_ANSWER, value))
    elements.append(button("Not an answer", UNDO_ANSWER, value))
    blocks.append(actions(*elements, block_id=ANSWER_CONFIRMATION_BLOCK))
    text = UPDATED_ANSWER if edited_text is not None else "Saved your answer."
    return message(text, *blocks)


UPDATED_ANSWER = "Updated your answer."


def quotes_edited_text(message: Mapping[str, Any] | None) -> bool:
    """Whether a confirmation (as Slack sends it back with a click) quotes an edited answer."""
    return message is not None and message.get("text") == UPDATED_ANSWER


def unresolved_people(*, names: Sequence[str], answer_id: int) -> Payload:
    """Saved, but some @names in the answer matched no one: Edit picks them."""
    who = safe(", ".join(names[:5]), 300)
    text = f"Saved your answer. I couldn't match {who} to one person: pick them with Edit."
    edit = button("Edit", EDIT_ANSWER, str(answer_id))
    return message(text, section(text), actions(edit, block_id="checkin_answer_unresolved"))


def answer_removed() -> Payload:
    text = "Removed — that message is not stored as an answer. (I still keep your DM as typed.)"
    return message(text)


def not_saved_as_answer(*, question: bool, in_thread: bool) -> Payload:
    """One line for a DM that was kept but not taken as an answer, and how to answer."""
    if question:
        text = (
            "Not saved as an answer — that reads like a question. Say `help` to see what I "
            "can do; to answer, tell me what happened"
            + (" here." if in_thread else " in the check-in's thread.")
        )
    else:
        text = "Not saved — reply in the check-in's thread to answer, or say `help`."
    return message(text, context(text))


def brought_back_copy(*, period: Period, reposted_local: datetime) -> Payload:
    """A snoozed check-in's first copy once the snooze brought it back as a new message:
    no buttons left on it, only where the live one is."""
    note = f":zzz: Snoozed — brought back below, {_date_label(reposted_local)}."
    text = f"{period.title}: {note}"
    return message(
        text, header(period.title), section(f"Your reflection on {period.label}."), context(note)
    )


def reminder_message(*, slot_local: datetime, reposted_local: datetime | None = None) -> Payload:
    """The one nudge about an open check-in; one a snooze brought back names the copy in
    view too (`reposted_local`: "from Fri 18 Dec, reposted Mon 21 Dec")."""
    when = _date_label(slot_local)
    if reposted_local is not None and reposted_local.date() != slot_local.date():
        when += f", reposted {_date_label(reposted_local)},"
    text = (
        f"A gentle nudge: your reflection from {when} is still open. "
        "Two minutes now — reply here or use the buttons on the check-in above."
    )
    return message(text)


def refusal() -> Payload:
    """The answer to a button or form that does not belong to the person using it."""
    text = "That check-in isn't yours, or no longer exists — nothing was changed."
    return message(text)


def forgotten_checkin() -> Payload:
    """A button on a check-in sent before the person's forget-me: it went with their data."""
    text = "You deleted your data with forget-me; this check-in went with it."
    return message(text)


def already_done() -> Payload:
    text = "That question is already answered — use *Edit* on your answer to change it."
    return message(text)


def notice(text: str) -> Payload:
    """A one-line confirmation (already-escaped mrkdwn)."""
    return message(text)


# ── Modals ───────────────────────────────────────────────────────────────────────────────


def _option(o: Option) -> OptionObject:
    return option(o.label, o.value)


def _select(
    action_id: str, options: Sequence[Option], initial: str | None, placeholder: str
) -> SelectElement:
    return static_select(action_id, [_option(o) for o in options], initial, placeholder=placeholder)


@dataclass(frozen=True)
class AnswerForm:
    """The answer modal's values: what it opens with (empty for a new answer; `names`
    names the mentions in a stored text), and what it submitted once checked."""

    text: str = ""
    people: tuple[str, ...] = ()
    dimension: str | None = None
    scope: str | None = None
    link: str | None = None
    impact: str | None = None
    visibility: str = "private"
    names: Mapping[str, str] = field(default_factory=dict)


def answer_modal(
    *,
    callback_id: str,
    metadata: str,
    question: str | None,
    follow_ups: Sequence[str],
    dimensions: Sequence[Option],
    scopes: Sequence[Option],
    form: AnswerForm,
) -> Payload:
    """The short answer form: what happened, who, dimension, scope, link, impact, visibility."""
    blocks: list[Block] = []
    if question:
        blocks.append(section(f"*{safe(question, 2000)}*"))
    if follow_ups:
        blocks.append(context(safe(" · ".join(follow_ups), 2900)))
    what = element(
        "plain_text_input",
        "text",
        multiline=True,
        max_length=ANSWER_TEXT_LIMIT,
        placeholder="What happened? Who was it for?",
        # As the person typed it; saved unchanged, `from_typed` gives back the stored text.
        initial_value=utf16_prefix(readable(form.text, form.names), ANSWER_TEXT_LIMIT),
    )
    blocks.append(input_block("what", "What happened", what))
    people = element(
        "multi_users_select",
        "people",
        placeholder="Who benefited?",
        initial_users=list(form.people[:100]),
    )
    blocks.append(input_block("who", "Who", people, optional=True))
    blocks.append(
        input_block(
            "dimension",
            "Dimension",
            _select("dimension", dimensions, form.dimension, "Kind of multiplier work"),
            optional=True,
        )
    )
    blocks.append(
        input_block(
            "scope",
            "Scope",
            _select("scope", scopes, form.scope, "How far did it reach?"),
            optional=True,
        )
    )
    shown_link = form.link and form.link.startswith(("http://", "https://"))
    link = element(
        "url_text_input",
        "link",
        initial_value=form.link if shown_link and utf16_len(form.link or "") <= 3000 else None,
    )
    blocks.append(input_block("link", "Link", link, optional=True, hint="A doc, PR, thread…"))
    impact = element(
        "plain_text_input",
        "impact",
        max_length=ANSWER_TEXT_LIMIT,
        placeholder="What would have happened otherwise? A number helps.",
        initial_value=utf16_prefix(readable(form.impact, form.names), ANSWER_TEXT_LIMIT)
        if form.impact
        else None,
    )
    blocks.append(input_block("impact", "Impact", impact, optional=True))
    visibility_options = [
        Option("private", "Only me"),
        Option("team", "My team may see it in digests"),
    ]
    initial = next(o for o in visibility_options if o.value == form.visibility)
    blocks.append(
        input_block(
            "visibility",
            "Visibility",
            element(
                "radio_buttons",
                "visibility",
                options=[_option(o) for o in visibility_options],
                initial_option=_option(initial),
            ),
        )
    )
    title = "Edit answer" if callback_id == EDIT_VIEW else "Your answer"
    return modal(title, blocks, callback_id=callback_id, submit="Save", metadata=metadata)


def _time_value(minute: int | None) -> str | None:
    return None if minute is None else hhmm(minute)


@dataclass(frozen=True)
class SettingsForm:
    """Initial values of the settings modal."""

    cadence: str
    weekday: int
    second_weekday: int | None
    minute: int
    quiet_start: int | None
    quiet_end: int | None
    reminder: bool
    paused_until: date | None
    tz: str
    workdays: Sequence[int] = (0, 1, 2, 3, 4)
    # The public-holiday calendar the person chose ("US-CA", "none"); empty: the workspace's.
    holiday_calendar: str = ""


CADENCE_OPTIONS = (
    Option("weekly", "Every week"),
    Option("twice_weekly", "Twice a week"),
    Option("biweekly", "Every two weeks"),
    Option("off", "Off"),
)


def every_two_weeks_opened(multiplier: str) -> Payload:
    """`checkins on every two weeks`: the settings opened with that cadence chosen."""
    return notice(
        "Every two weeks is a choice in your check-in settings: I've opened them with "
        "*Every two weeks* chosen. Check the day and time, then Save "
        f"(`{multiplier} settings` opens them again)."
    )


def settings_modal(form: SettingsForm) -> Payload:
    """Cadence, day(s), local time, quiet hours, reminder and pause."""
    days = [Option(str(i), weekday_name(i)) for i in range(7)]
    time_element = element("timepicker", "time", initial_time=_time_value(form.minute))
    blocks: list[Block] = [
        section("Check-ins are 2–3 short questions in a DM, in your own time zone."),
        input_block(
            "cadence",
            "How often",
            _select("cadence", CADENCE_OPTIONS, form.cadence, "How often"),
        ),
        input_block("day", "Day", _select("day", days, str(form.weekday), "Day")),
        input_block(
            "second_day",
            "Second day (twice a week only)",
            _select(
                "second_day",
                days,
                None if form.second_weekday is None else str(form.second_weekday),
                "Second day",
            ),
            optional=True,
        ),
        input_block("time", "Time", time_element),
    ]
    for block_id, label, minute in (
        ("quiet_start", "Quiet hours start", form.quiet_start),
        ("quiet_end", "Quiet hours end", form.quiet_end),
    ):
        blocks.append(
            input_block(
                block_id,
                label,
                element("timepicker", block_id, initial_time=_time_value(minute)),
                optional=True,
                hint="Nothing is sent between quiet hours start and end.",
            )
        )
    remind = Option("remind", "Remind me once if I haven't answered")
    reminder = element(
        "checkboxes",
        "reminder",
        options=[_option(remind)],
        initial_options=[_option(remind)] if form.reminder else None,
    )
    blocks.append(input_block("reminder", "Reminder", reminder, optional=True))
    workdays = element(
        "checkboxes",
        "workdays",
        options=[_option(day) for day in days],
        initial_options=[_option(day) for day in days if int(day.value) in form.workdays],
    )
    blocks.append(
        input_block(
            "workdays",
            "Work days",
            workdays,
            hint="Reminders and snoozes wait for your next work day: never on your weekend.",
        )
    )
    paused_until = form.paused_until
    pause = element(
        "datepicker", "pause_until", initial_date=paused_until.isoformat() if paused_until else None
    )
    blocks.append(
        input_block(
            "pause_until",
            "Pause until",
            pause,
            optional=True,
            hint="No check-ins before this date. Leave empty to keep them coming.",
        )
    )
    calendar = element(
        "plain_text_input",
        "holiday_calendar",
        max_length=32,
        placeholder="US, US-CA, GB, DE-BY… or none",
        initial_value=form.holiday_calendar or None,
    )
    blocks.append(
        input_block(
            "holiday_calendar",
            "Public holidays",
            calendar,
            optional=True,
            hint="No check-in or reminder on a public holiday of this calendar (a country code,"
            " optionally with a region). Empty: your workspace's; none: no holidays.",
        )
    )
    blocks.append(context(f"Times are in your Slack time zone, {safe(form.tz, 64)}."))
    return modal("Check-in settings", blocks, callback_id=SETTINGS_VIEW, submit="Save", metadata="")


def kept_note(description: str) -> str:
    """The line under a check-in once "Keep as is" was pressed on its silence line."""
    return f":white_check_mark: Kept as they are: {safe(description)}."


def summary_line(description: str, next_local: datetime | None) -> str:
    """ "Check-ins: every Friday at 15:00 (…). Next: Fri 20 Nov 15:00." (escaped)."""
    text = f"Check-ins: {safe(description)}."
    if next_local is not None:
        text += f" Next: {_date_label(next_local)} {next_local:%H:%M}."
    return text


def schedule_reply(
    description: str, next_local: datetime | None, *, multiplier: str, active: bool = True
) -> Payload:
    """The check-in schedule as it stands, with the commands that change it (while off:
    the ones that turn them on, not pause or off)."""
    text = summary_line(description, next_local)
    hint = (
        f"`{multiplier} settings` to change day, time, cadence or quiet hours · "
        f"`{multiplier} pause 2 weeks` · `{multiplier} checkins off`"
    )
    if not active:
        hint = (
            f"`{multiplier} checkins on` starts them (Fridays at 15:00 unless you name a day) · "
            f"`{multiplier} settings` to pick day, time and cadence"
        )
    return message(text, section(text), context(hint))
