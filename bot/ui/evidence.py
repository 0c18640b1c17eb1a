"""Block Kit for the evidence log: confirmations, the entry modal, lists, kudos, data rights.

Pure builders. User text goes through `display()` (readable, escaped, cut for display);
echoes of what was typed go through `bot.ui.messages.echo_messages` (whole, never cut);
button values and private_metadata carry ids only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.coaching.classify import extract_hashtags, extract_mentions
from bot.coaching.library import CoachingLibrary
from bot.coaching.mapping import EntryMapping
from bot.coaching.models import Reframe
from bot.db.models import EvidenceEntry, Kudos
from bot.evidence.filters import UNFILTERED_LABEL
from bot.evidence.parsing import MAX_KUDOS_RECIPIENTS, kudos_words, leading_people
from bot.evidence.periods import Period, user_zone
from bot.evidence.visibility import PRIVATE, TEAM
from bot.timetext import day_label, day_range
from bot.ui.blocks import (
    MESSAGE_TEXT_BUDGET,
    VIEW_BLOCK_LIMIT,
    Block,
    Button,
    InputBlock,
    OptionObject,
    Overflow,
    Payload,
    SelectElement,
    actions,
    block_text_length,
    button,
    confirm_dialog,
    context,
    element,
    fit,
    fit_message,
    input_block,
    message,
    modal,
    option,
    section,
    static_select,
)
from bot.ui.judgments import bet_overflow
from bot.ui.mapping import mapping_block
from bot.ui.messages import echo_messages
from bot.ui.text import (
    NO_NAMES,
    Names,
    and_list,
    display,
    link,
    mention,
    noun,
    plural,
    readable,
    safe,
    truncate,
)
from bot.ui.utf16 import utf16_len

if TYPE_CHECKING:  # a domain result rendered here; flows need nothing from ui
    from bot.evidence.flows import Confirmation

# Action ids, view callback ids and block id prefixes: the listeners register these.
EDIT = "evidence_edit"
DELETE = "evidence_delete"
SHARE = "evidence_share"
DIMENSION = "evidence_dimension"
SCOPE = "evidence_scope"
PAGE = "evidence_page"
PAGE_NEWER = "evidence_page_newer"
KUDOS_SHARE = "kudos_share"
FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"
ENTRY_VIEW = "evidence_entry"

CONFIRMATION_BLOCK = "evc"
KUDOS_RECEIVED_BLOCK = "evk"
KUDOS_GIVEN_BLOCK = "evg"
LIST_BLOCK = "evl"
NAV_BLOCK = "evn"

# Block Kit's plain_text_input holds at most 3000 characters (UTF-16 units, as Slack counts).
INPUT_LIMIT = 3000
PAGE_SIZE = 15
# One line per person named in a refused /kudos (at most MAX_KUDOS_RECIPIENTS anyway).
MAX_REFUSAL_LINES = 40
MAX_PEOPLE_SHOWN = 10
MAX_INITIAL_USERS = 50


def dimension_label(dimension_id: str | None, library: CoachingLibrary) -> str:
    if dimension_id and dimension_id in library.dimension_ids:
        return library.dimension(dimension_id).label
    return "no dimension yet"


def scope_label(scope_id: str | None, library: CoachingLibrary) -> str | None:
    if scope_id and scope_id in library.scope_ids:
        return library.scope(scope_id).name
    return None


def _people(people: Sequence[str]) -> str:
    shown = [mention(p) for p in people[:MAX_PEOPLE_SHOWN]]
    extra = len(people) - len(shown)
    return ", ".join(shown) + (f" and {extra} more" if extra > 0 else "")


def _when(instant: datetime, tz: str | None) -> str:
    return day_label(instant.astimezone(user_zone(tz)), year=True)


def entry_meta(
    entry: EvidenceEntry,
    library: CoachingLibrary,
    tz: str | None = None,
    *,
    limit: int = 2500,
    message_link: bool = True,
) -> str:
    """One line about an entry: dimension, scope, people, link, when, visibility (and the
    message it came from, unless `message_link` is off: a note beside it links it already).

    Parts are dropped, never cut, when the line would pass `limit` (a cut link or mention
    would break the markup).
    """
    parts = [safe(dimension_label(entry.dimension, library), 100)]
    scope = scope_label(entry.scope, library)
    if scope:
        parts.append(safe(scope, 100))
    parts.append(_when(entry.occurred_at, tz))
    parts.append("shared with your team" if entry.visibility == TEAM else "private")
    optional: list[str] = []
    if entry.people:
        # A kudos on someone's log holds its giver: "kudos from", not someone they helped.
        given = "kudos from " if entry.source == "kudos" else "with "
        optional.append(given + _people(entry.people))
    if entry.link:
        optional.append(link(entry.link, "link"))
    if entry.permalink and message_link:
        optional.append(link(entry.permalink, "message"))
    line = " · ".join(parts)
    for extra in optional:
        if len(line) + 3 + len(extra) <= limit:
            line += " · " + extra
    return line


def _dimension_options(library: CoachingLibrary, prefix: str = "") -> list[OptionObject]:
    return [option(d.label, f"{prefix}{d.id}") for d in library.dimensions][:99]


def _delete_button(entry_id: int) -> Button:
    sure = confirm_dialog(
        "Delete this entry?",
        "It is removed from your evidence log for good.",
        yes="Delete",
        no="Keep it",
    )
    return button("Delete", DELETE, str(entry_id), style="danger", confirm=sure)


def _share_button(entry: EvidenceEntry) -> Button:
    if entry.visibility == TEAM:
        return button("Make private", SHARE, f"{entry.id}:{PRIVATE}")
    return button("Share with my team", SHARE, f"{entry.id}:{TEAM}")


def _dimension_select(entry: EvidenceEntry, library: CoachingLibrary) -> SelectElement:
    options = [
        *_dimension_options(library, f"{entry.id}:"),
        option("No dimension", f"{entry.id}:"),
    ]
    current = f"{entry.id}:{entry.dimension}" if entry.dimension else None
    return static_select(DIMENSION, options, current, placeholder="Change dimension")


def _scope_select(entry: EvidenceEntry, library: CoachingLibrary) -> SelectElement:
    options = [
        *(option(s.name, f"{entry.id}:{s.id}") for s in library.scopes),
        option("No scope", f"{entry.id}:"),
    ]
    current = f"{entry.id}:{entry.scope}" if entry.scope else None
    return static_select(SCOPE, options, current, placeholder="Change scope")


def entry_actions(entry: EvidenceEntry, library: CoachingLibrary, block_id: str) -> Block:
    """Change dimension or scope, Edit, Share/Make private and Delete for one entry."""
    return actions(
        _dimension_select(entry, library),
        _scope_select(entry, library),
        button("Edit", EDIT, str(entry.id)),
        _share_button(entry),
        _delete_button(entry.id),
        *_bet(entry),
        block_id=block_id,
    )


def _bet(entry: EvidenceEntry) -> list[Overflow]:
    """ "A bet": followed up in 3 to 6 months (bot/judgments); a kudos received is the
    giver's thanks, not the person's call, and gets none."""
    return [] if entry.source == "kudos" else [bet_overflow(entry.id)]


def entry_confirmation(
    entry: EvidenceEntry,
    library: CoachingLibrary,
    *,
    tz: str | None = None,
    title: str | None = None,
    notes: Sequence[str] = (),
    how: str | None = None,
    replace: bool = False,
    mapping: EntryMapping | None = None,
    message_link: bool = True,
) -> Payload:
    """The ephemeral confirmation after logging, with one-click changes (`mapping`: which
    of the person's expectations it is evidence for, with a menu to change it;
    `message_link` off when a note links the message it came from already)."""
    if title is None:
        title = (
            "Logged and shared with your team."
            if entry.visibility == TEAM
            else "Logged to your private evidence."
        )
    blocks: list[Block] = [
        section(f"*{safe(title, 200)}*\n{display(entry.text, 2700)}"),
        context(
            entry_meta(entry, library, tz, message_link=message_link)
            + (f" · {safe(how, 200)}" if how else "")
        ),
    ]
    blocks.extend(context(note) for note in notes[:3])
    if mapping is not None:
        blocks.append(mapping_block(mapping))
    blocks.append(entry_actions(entry, library, CONFIRMATION_BLOCK))
    return message(truncate(title, 300), *blocks, ephemeral=True, replace_original=replace)


def brag_confirmation(result: Confirmation, library: CoachingLibrary) -> Payload:
    """The answer to a stored `/brag <text>`: the entry, what to reconsider, one-click changes."""
    notes = []
    if result.reframe is not None:
        notes.append(reframe_note(result.reframe))
    if result.unmatched:
        who = ", ".join(result.unmatched[:5])
        notes.append(f"I couldn't match {display(who, 300)} to a person: use Edit to pick people.")
    return entry_confirmation(
        result.entry,
        library,
        tz=result.tz,
        notes=notes,
        how=dimension_how(result.dimension_source, result.matched),
        mapping=result.mapping,
    )


def reframe_note(reframe: Reframe) -> str:
    """Glue work acknowledged first, then its staff-level version, as a short suggestion."""
    return (
        f":bulb: {safe(reframe.acknowledge, 300)} *The staff-level version:*"
        f" {safe(reframe.staff, 600)}"
    )


_GAP = re.compile(r"\s{2,}")


def dimension_how(source: str | None, matched: Sequence[str]) -> str | None:
    """Why a dimension was chosen, in a few words (nothing when the person picked it)."""
    if source not in ("hashtag", "keyword", "example"):
        return None
    if source == "example":
        return "dimension as your workspace filed texts like this"
    # A matched phrase spans the blank where a mention or link stood ("paired with   on"):
    # an ellipsis shows the gap instead of a hole.
    words = ", ".join(_GAP.sub(" … ", phrase.strip()) for phrase in matched[:3])
    if source == "hashtag":
        return f"dimension from {words}"
    return f"dimension guessed from “{words}”" if words else "dimension guessed from keywords"


def deleted() -> Payload:
    return notice("Deleted. That entry is gone from your evidence log.", replace=True)


def not_yours() -> Payload:
    """A refusal for an id that is not the clicking user's: nothing changed."""
    return notice(
        "I couldn't find that among your entries (it may have been deleted), so nothing changed."
    )


def notice(text: str, *, replace: bool = False) -> Payload:
    """A short ephemeral notice (text written by us, not by the user)."""
    return message(
        truncate(text, 3000), section(safe(text, 3000)), ephemeral=True, replace_original=replace
    )


def too_long(typed: str, limit: int) -> str:
    """Why a text was not stored (it is over `limit` characters), in one sentence for people."""
    return (
        f"That is {len(typed):,} characters; Multiplier keeps up to "
        f"{limit:,} per entry. Nothing was saved — here is your text "
        "to shorten or split:"
    )


def text_refused(typed: str, reason: str) -> list[Payload]:
    """Refuse to store text, echoing all of it back (over several messages if need be)."""
    return echo_messages([section(safe(reason, 3000))], typed, text=reason, label="")


# ── The entry modal ──────────────────────────────────────────────────────────────────────


@dataclass
class EntryForm:
    """What the modal shows: the values (stored Slack text), plus notes and ids to carry.

    `names` names the people and channels the text mentions without a name (`<@U1>`), so the
    prefill reads as typed (`readable`); the save turns it back with `from_typed`.
    """

    text: str = ""
    dimension: str | None = None
    scope: str | None = None
    people: list[str] = field(default_factory=list)
    link: str | None = None
    impact: str | None = None
    visibility: str = PRIVATE
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    editing: bool = False
    names: dict[str, str] = field(default_factory=dict)


def tagged_form(typed: str, library: CoachingLibrary, *, src: str) -> EntryForm:
    """The form for a command that was only #hashtags and @mentions: filed under the first
    known tag, with the people named, asking what happened."""
    tags = extract_hashtags(typed)
    people = extract_mentions(typed)
    known = [library.hashtag_index[t] for t in tags if t in library.hashtag_index]
    dimension = known[0] if known else None
    if not tags:
        note = "The people you named are filled in below: tell me what happened."
    elif dimension is not None:
        note = (
            f"Filed under *{safe(dimension_label(dimension, library), 100)}* "
            f"({safe(' '.join(tags), 200)}). Tell me what happened."
        )
    else:
        note = (
            f"{safe(' '.join(tags), 200)} isn't a dimension tag I know — pick a dimension "
            "below, and tell me what happened."
        )
    return EntryForm(dimension=dimension, people=people, notes=[note], metadata={"src": src})


def _text_input(
    block_id: str,
    label: str,
    value: str | None,
    *,
    multiline: bool,
    optional: bool,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    field = element(
        "plain_text_input",
        block_id,
        multiline=multiline,
        max_length=INPUT_LIMIT,
        # As the person typed it (`readable`); saved unchanged it gives back what was stored.
        initial_value=value,
        placeholder=placeholder,
    )
    return input_block(block_id, label, field, optional=optional, hint=hint)


def fits_form(stored: str, names: Names = NO_NAMES) -> bool:
    """Whether a form's text field can hold stored text, shown as typed (`readable`; Slack
    counts UTF-16 units: 🚀 is two)."""
    return utf16_len(readable(stored, names)) <= INPUT_LIMIT


def _read_only(label: str, value: str) -> list[Block]:
    return [
        section(f"*{safe(label, 100)}*\n{display(value, 2800)}"),
        context(
            f"This is longer than a form can hold ({INPUT_LIMIT:,} characters as Slack counts "
            "them, emoji as two), so it is kept exactly as it is and can't be edited here."
        ),
    ]


def _select(block_id: str, label: str, options: list[OptionObject], current: str | None) -> Block:
    return input_block(block_id, label, static_select(block_id, options, current), optional=True)


def entry_modal(form: EntryForm, library: CoachingLibrary) -> Payload:
    """The modal for a new or edited entry (callback `evidence_entry`)."""
    blocks: list[Block] = [context(note) for note in form.notes[:3]]
    shown = readable(form.text, form.names)
    if fits_form(form.text, form.names):
        blocks.append(
            _text_input(
                "text",
                "What happened?",
                shown,
                multiline=True,
                optional=False,
                placeholder="Unblocked the payments team on the rate-limit bug",
                hint="#hashtags set the dimension, e.g. #unblock, #review, #rfc, #mentoring.",
            )
        )
    else:
        blocks.extend(_read_only("What happened", form.text))
    blocks.append(_select("dimension", "Dimension", _dimension_options(library), form.dimension))
    scopes = [option(s.name, s.id) for s in library.scopes]
    blocks.append(_select("scope", "Scope", scopes, form.scope))
    initial = [p for p in form.people if p][:MAX_INITIAL_USERS]
    people = element(
        "multi_users_select", "people", placeholder="Who benefited?", initial_users=initial
    )
    blocks.append(input_block("people", "People", people, optional=True))
    for block_id, label, value, multiline, hint in (
        ("link", "Link", form.link, False, "A doc, PR, RFC or thread that shows it."),
        (
            "impact",
            "Impact",
            form.impact,
            True,
            "Who benefited? What would have happened otherwise? Can you put a number on it?",
        ),
    ):
        if value and not fits_form(value, form.names):
            blocks.extend(_read_only(label, value))
        else:
            # The impact is Slack text like the entry's; the link is a URL, kept as it is.
            field = readable(value, form.names) if value and block_id == "impact" else value
            blocks.append(
                _text_input(block_id, label, field, multiline=multiline, optional=True, hint=hint)
            )
    options = [
        option("Private — only me", PRIVATE),
        option("Share with my team (may appear in team digests)", TEAM),
    ]
    visibility = element(
        "radio_buttons",
        "visibility",
        options=options,
        initial_option=options[1] if form.visibility == TEAM else options[0],
    )
    blocks.append(input_block("visibility", "Who can see it", visibility))
    metadata = dict(form.metadata)
    if "entry" not in metadata:
        # What the form came filled with (ids only), so that on Save a field the person
        # changed can be told from one they left as it was (see parsing.form_choices).
        if form.dimension:
            metadata["dim"] = form.dimension
        if initial:
            metadata["ppl"] = initial
    return modal(
        "Edit evidence" if form.editing else "Log evidence",
        fit(blocks, VIEW_BLOCK_LIMIT),
        callback_id=ENTRY_VIEW,
        submit="Save",
        metadata=json.dumps(metadata, separators=(",", ":"))[:3000],
    )


def entry_saved_modal(
    entry: EvidenceEntry,
    library: CoachingLibrary,
    *,
    multiplier_command: str,
    tz: str | None = None,
    notes: Sequence[str] = (),
    how: str | None = None,
) -> Payload:
    """The edit form, once saved: the entry as it now reads, and where to change it again."""
    return modal(
        "Saved",
        [
            section(f"*Saved your changes.*\n{display(entry.text, 2800)}"),
            context(entry_meta(entry, library, tz) + (f" · {safe(how, 200)}" if how else "")),
            *(context(note) for note in notes[:3]),
            context(
                "Lists and confirmations you opened before show the old version until you "
                f"open them again (`{safe(multiplier_command, 40)} evidence`)."
            ),
        ],
        close="Close",
    )


def notice_modal(title: str, text: str) -> Payload:
    """A modal that only says something (e.g. a refused edit)."""
    return modal(title, [section(safe(text, 3000))], close="Close")


def _kudos_on_log(entry: EvidenceEntry, owner: str) -> tuple[str, str]:
    """A kudos on its owner's log: its words without the names it starts with, when those
    include the owner, and the others it named ("" for none)."""
    named = leading_people(entry.text).slack_ids
    others = [p for p in named if p != owner and p not in entry.people]
    if owner not in named or len(others) > MAX_PEOPLE_SHOWN:
        return entry.text, ""
    return kudos_words(entry.text, named), and_list([mention(p) for p in others])


# ── Lists ────────────────────────────────────────────────────────────────────────────────


def entry_list(
    *,
    entries: Sequence[EvidenceEntry],
    total: int,
    offset: int,
    label: str,
    spec_at: Any,
    library: CoachingLibrary,
    tz: str | None,
    command: str,
    note: str | None = None,
    replace: bool = False,
    evidence_command: str = "/multiplier evidence",
    owner: str | None = None,
    matching: int = 0,
) -> Payload:
    """One page of the user's entries with Edit and Delete; `spec_at(offset)` → button value.

    `matching`: how many entries the filter matched before `last N` kept `total` of them.

    A kudos that starts by naming its owner (`owner`, their Slack id) shows its words without
    those names; whoever else it named is listed beside "kudos from"."""
    here = spec_at(offset)
    blocks: list[Block] = [
        section(f"*Your evidence* ({safe(label, 200)}) — {plural(total, 'entry')}")
    ]
    if note:
        blocks.append(context(safe(note, 500)))
    if not entries and label != UNFILTERED_LABEL:
        blocks.append(
            section(
                f"_None of your entries match ({safe(label, 200)})._ "
                f"`{safe(evidence_command, 60)}` lists them all."
            )
        )
    elif not entries:
        blocks.append(section(f"_Nothing here yet._ Log something with `{safe(command, 40)}`."))
    # Each entry gets its share of the message's text budget, so a page of long entries
    # still fits one message (Edit shows an entry whole).
    # (2,000 left for the header, the navigation and a first-time welcome.)
    share = (MESSAGE_TEXT_BUDGET - 2_000) // max(len(entries), 1)
    for entry in entries:
        buttons = actions(
            button("Edit", EDIT, str(entry.id)),
            _delete_button(entry.id),
            *_bet(entry),
            block_id=f"{LIST_BLOCK}|{here}|{entry.id}"[:255],
        )
        meta = entry_meta(entry, library, tz, limit=min(1500, share // 2))
        text = entry.text
        if entry.source == "kudos" and owner is not None:
            text, also = _kudos_on_log(entry, owner)
            if also:
                meta += f" · also to {also}"
        # The buttons' own text (labels, the delete confirmation, the bet menu) counts too.
        room = share - utf16_len(meta) - block_text_length([buttons]) - 10
        blocks.append(section(f"{display(text, max(100, min(1200, room)))}\n{meta}"))
        blocks.append(buttons)
    nav = []
    if offset > 0:
        nav.append(button("← Newer", PAGE_NEWER, spec_at(max(0, offset - PAGE_SIZE))))
    if offset + len(entries) < total:
        nav.append(button("Older →", PAGE, spec_at(offset + PAGE_SIZE)))
    if entries and matching > total and len(entries) == total:
        blocks.append(context(f"Showing your last {total} of {matching}."))
    elif entries and matching > total:
        shown = f"{offset + 1}–{offset + len(entries)}"
        blocks.append(context(f"Showing {shown} of your last {total} (of {matching})."))
    elif entries:
        blocks.append(context(f"Showing {offset + 1}–{offset + len(entries)} of {total}."))
    if nav:
        blocks.append(actions(*nav, block_id=f"{NAV_BLOCK}|{here}"[:255]))
    see_more = "…more than one Slack message can show: Edit shows an entry whole."
    return message(
        f"Your evidence: {plural(total, 'entry')}",
        *fit_message(blocks, see_more=see_more),
        ephemeral=True,
        replace_original=replace,
    )


# ── Kudos ────────────────────────────────────────────────────────────────────────────────


def kudos_given(
    kudos: Sequence[Kudos],
    recipient_slack_ids: Sequence[str],
    *,
    daily_left: int | None = None,
    posted_in: str | None = None,
    replace: bool = False,
    repeated: bool = False,
) -> Payload:
    """The giver's ephemeral confirmation naming who got it, with the digest choice (one
    switch for all of them; default: not shared); `posted_in`: the channel where its
    shout-out was just posted (then it says so, beside what is true of digests); `repeated`:
    the same kudos was already given them minutes ago, so nothing new was logged."""
    shared = all(k.share_in_digest for k in kudos)
    who = and_list([mention(r) for r in recipient_slack_ids[:MAX_PEOPLE_SHOWN]])
    extra = len(recipient_slack_ids) - MAX_PEOPLE_SHOWN
    if extra > 0:
        who += f" and {extra} more"
    count = len(recipient_slack_ids)
    logs = noun(count, "their evidence log", "each of their evidence logs")
    headline = (
        f"*Already given:* {who} got this kudos from you a few minutes ago — it's on {logs} "
        "once, not logged again."
        if repeated
        else f"*Kudos sent to {who}* — it's on {logs} as peer recognition, and I've told "
        + noun(count, "them.", "each of them.")
    )
    lines = [
        headline,
        display(kudos_words(kudos[0].text, recipient_slack_ids), 2500) if kudos else "",
    ]
    if posted_in is not None:
        lines.append(f"Posted publicly in <#{posted_in}>.")
        where = (
            "It may also appear in your team's digest."
            if shared
            else "Team digests leave it out unless you allow it."
        )
    else:
        where = (
            "May appear in your team's digest."
            if shared
            else "Not shown in team digests unless you allow it."
        )
    ids = ",".join(str(k.id) for k in kudos)
    toggle = (
        button("Keep out of digests", KUDOS_SHARE, f"{ids}:off")
        if shared
        else button("Allow in team digest", KUDOS_SHARE, f"{ids}:on")
    )
    notes = [where]
    if daily_left is not None:
        notes.append(
            f"{daily_left} more kudos today."
            if daily_left
            else "That was your last kudos for today."
        )
    return message(
        "Kudos sent.",
        section("\n".join(line for line in lines if line)),
        context(" ".join(notes)),
        actions(toggle, block_id=KUDOS_GIVEN_BLOCK),
        ephemeral=True,
        replace_original=replace,
    )


@dataclass(frozen=True)
class KudosNotSent:
    """Someone named in a /kudos who did not receive it (reason: a KudosRefused constant)."""

    who: str  # a Slack id, or the name as typed when Slack did not resolve it
    reason: str
    resolved: bool = True


# Why one person got no kudos, when they were the only one named (the whole message).
_REFUSED_ALONE = {
    "self": (
        "Kudos are for someone else — log your own work with {brag}. Nothing was saved; "
        "here is your text:"
    ),
    "bot": "Kudos go to people, not bots. Nothing was saved; here is your text:",
    "inactive": (
        "That account is deactivated, so there is no log to add kudos to. Nothing was saved; "
        "here is your text:"
    ),
    "elsewhere": (
        "That person isn't in this workspace, so I can't add kudos to their log here. Nothing "
        "was saved; here is your text:"
    ),
    "daily_cap": (
        "You've given {cap} kudos today — the daily limit that keeps kudos meaningful. Try "
        "again tomorrow; here is your text:"
    ),
    "not_found": "I couldn't find that person in this workspace. Nothing was saved; here is "
    "your text:",
    "unresolved": (
        "I couldn't tell who that is — pick people from Slack's list as you type @. Nothing "
        "was saved; here is your text:"
    ),
}
# Why one of several named people got no kudos (one line each).
_REFUSED_ONE_OF_SEVERAL = {
    "self": "that's you — log your own work with `{brag}`",
    "bot": "kudos go to people, not bots",
    "inactive": "their account is deactivated",
    "elsewhere": "they aren't in this workspace",
    "daily_cap": "you've reached today's limit of {cap} kudos",
    "not_found": "I couldn't find them in this workspace",
    "unresolved": "Slack didn't match that name to a person — pick people from the list as "
    "you type @",
    "too_many": "one kudos names at most {most}",
}


def _refusal_lines(refusals: Sequence[KudosNotSent], *, cap: int, brag: str) -> str:
    lines = []
    for refusal in refusals[:MAX_REFUSAL_LINES]:
        who = mention(refusal.who) if refusal.resolved else safe(refusal.who, 100)
        why = _REFUSED_ONE_OF_SEVERAL.get(refusal.reason, "it could not be recorded")
        most = plural(MAX_KUDOS_RECIPIENTS, "person")
        lines.append(f"• {who}: {why.format(cap=cap, brag=brag, most=most)}")
    return "\n".join(lines)


def kudos_refused(
    typed: str, refusals: Sequence[KudosNotSent], *, cap: int, brag: str
) -> list[Payload]:
    """Nobody named could receive the kudos: who and why, and the text echoed back."""
    if len(refusals) == 1 and refusals[0].reason in _REFUSED_ALONE:
        reason = _REFUSED_ALONE[refusals[0].reason].format(cap=cap, brag=brag)
        return text_refused(typed, reason)
    intro = "No kudos sent. Nothing was saved; here is your text:"
    lead = [section(f"*No kudos sent:*\n{_refusal_lines(refusals, cap=cap, brag=brag)}")]
    return echo_messages(lead, typed, text=intro, label="")


def kudos_not_sent(refusals: Sequence[KudosNotSent], *, cap: int, brag: str) -> Payload:
    """Beside a confirmation: the people named who did not receive the kudos, and why."""
    return message(
        "Not everyone named received the kudos.",
        section(f"*Not sent to:*\n{_refusal_lines(refusals, cap=cap, brag=brag)}"),
        ephemeral=True,
        replace_original=False,
    )


def kudos_dm_failed(recipient_slack_ids: Sequence[str]) -> Payload:
    """The kudos is on their logs, but telling them failed."""
    who = and_list([mention(r) for r in recipient_slack_ids[:MAX_PEOPLE_SHOWN]])
    text = f"I couldn't send {who} a DM just now, but the kudos is on their evidence log."
    return message(text, ephemeral=True, replace_original=False)


# Who gave a kudos whose giver has since used forget-me.
FORMER_COLLEAGUE = "A former colleague"


def kudos_received(
    entry: EvidenceEntry,
    giver_slack_id: str | None,
    library: CoachingLibrary,
    tz: str | None = None,
    *,
    recipient_slack_id: str | None = None,
) -> Payload:
    """The DM telling someone they received kudos (their entry, their buttons); with no
    giver (they used forget-me) it is from "a former colleague". The people the text starts
    with are named in the first line ("gave kudos to you and @carol"), not again below."""
    giver = mention(giver_slack_id) if giver_slack_id else FORMER_COLLEAGUE
    to, text = "you kudos", entry.text
    named = leading_people(entry.text).slack_ids
    others = [p for p in named if p not in (recipient_slack_id, giver_slack_id)]
    if recipient_slack_id in named and len(others) <= MAX_PEOPLE_SHOWN:
        if others:
            to = f"kudos to {and_list(['you', *map(mention, others)])}"
        text = kudos_words(entry.text, named)
    return message(
        "You received kudos.",
        section(f":tada: {giver} gave {to}:\n{display(text, 2600)}"),
        context(
            "Added to your evidence log as peer recognition — " + entry_meta(entry, library, tz)
        ),
        entry_actions(entry, library, KUDOS_RECEIVED_BLOCK),
    )


# ── Export and forget-me ─────────────────────────────────────────────────────────────────


def preparing(what: str) -> Payload:
    return notice(f"Preparing {what}… I'll send it to you in a DM in a moment.")


def nothing_to_export(period: Period, *, brag: str, replace: bool = False) -> Payload:
    """An export of a period with no evidence: said plainly, instead of an empty file."""
    text = (
        f"Nothing to export: there is no evidence in {period.label} "
        f"({day_range(period.first_day, period.last_day)}). Log some with "
        f"`{brag}`, or ask for another period (e.g. `last 6 months`, `2026`)."
    )
    return notice(text, replace=replace)


def export_comment(what: str, detail: str) -> str:
    return truncate(f"Here is {what}. {detail}", 1000)


def forget_me_prompt(
    user_pk: int, *, kudos_given: int = 0, multiplier: str = "/multiplier"
) -> Payload:
    """Ask before forget-me, saying what goes and what stays (kudos given are others' now)."""
    text = (
        "*Delete everything Multiplier stores about you?*\n"
        "Your evidence entries, check-ins and answers, kudos you received, the messages you "
        "sent me, your summaries and your settings are deleted from every table, in this "
        "workspace. This can't be undone — export first if you want a copy "
        f"(`{safe(multiplier, 40)} export json`)."
    )
    if kudos_given == 1:
        text += (
            "\nThe kudos you gave stays on its recipient's log — it is their evidence — with "
            'your name removed: it will read "from a former colleague".'
        )
    elif kudos_given > 1:
        text += (
            f"\nThe {kudos_given:,} kudos you gave stay on the recipients' logs — they are "
            'their evidence — with your name removed: they will read "from a former colleague".'
        )
    dialog = "Everything Multiplier stores about you is deleted for good."
    if kudos_given:
        dialog += " Kudos you gave stay with their recipients, without your name."
    sure = confirm_dialog("Really delete everything?", dialog, yes="Delete everything", no="Cancel")
    confirm = button(
        "Delete everything", FORGET_CONFIRM, str(user_pk), style="danger", confirm=sure
    )
    return message(
        "Delete everything Multiplier stores about you?",
        section(text),
        actions(confirm, button("Cancel", FORGET_CANCEL, str(user_pk))),
        ephemeral=True,
    )


def forgotten(total: int) -> Payload:
    text = (
        f"Done. I deleted everything I stored about you ({total:,} records). If you use "
        "Multiplier again, it starts from a clean slate."
    )
    return notice(text, replace=True)
