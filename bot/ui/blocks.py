"""Small constructors for Block Kit elements that enforce Slack's limits.

The blocks and elements the bot builds are TypedDicts: mypy knows their keys (a misspelt
one, or a button style Slack does not have, is an error), and at run time they are the plain
dicts Slack is sent, so the payloads are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NotRequired, Required, TypedDict, Unpack, cast

from bot.ui.text import SECTION_TEXT_LIMIT, truncate
from bot.ui.utf16 import utf16_len


class PlainText(TypedDict):
    type: Literal["plain_text"]
    text: str
    emoji: bool


class MrkdwnText(TypedDict):
    type: Literal["mrkdwn"]
    text: str


Style = Literal["primary", "danger"]


class ConfirmDialog(TypedDict):
    title: PlainText
    text: PlainText
    confirm: PlainText
    deny: PlainText
    style: Style


class Button(TypedDict):
    type: Literal["button"]
    text: PlainText
    action_id: str
    value: NotRequired[str]
    style: NotRequired[Style]
    confirm: NotRequired[ConfirmDialog]


class HeaderBlock(TypedDict):
    type: Literal["header"]
    text: PlainText


class SectionBlock(TypedDict):
    type: Literal["section"]
    text: MrkdwnText
    accessory: NotRequired[Button | SelectElement]


class ContextBlock(TypedDict):
    type: Literal["context"]
    elements: list[MrkdwnText]


class DividerBlock(TypedDict):
    type: Literal["divider"]


class ActionsBlock(TypedDict):
    type: Literal["actions"]
    elements: list[Button | SelectElement | Overflow]
    block_id: NotRequired[str]


class InputBlock(TypedDict):
    type: Literal["input"]
    block_id: str
    label: PlainText
    element: SelectElement | InputElement
    optional: bool
    hint: NotRequired[PlainText]


class OptionObject(TypedDict):
    """One choice of a select or checkbox group."""

    text: PlainText
    value: str


class SelectElement(TypedDict):
    type: Literal["static_select"]
    action_id: str
    placeholder: PlainText
    options: list[OptionObject]
    initial_option: NotRequired[OptionObject]


class Overflow(TypedDict):
    type: Literal["overflow"]
    action_id: str
    options: list[OptionObject]


InputKind = Literal[
    "plain_text_input",
    "url_text_input",
    "multi_users_select",
    "users_select",
    "radio_buttons",
    "checkboxes",
    "timepicker",
    "datepicker",
]


class InputFields(TypedDict, total=False):
    """What an input element may be given; None or empty leaves a field out."""

    multiline: bool
    max_length: int
    initial_value: str | None
    initial_users: list[str]
    initial_user: str | None
    options: list[OptionObject]
    initial_option: OptionObject
    initial_options: list[OptionObject] | None
    initial_time: str | None
    initial_date: str | None


class InputElement(InputFields, total=False):
    type: Required[InputKind]
    action_id: Required[str]
    placeholder: PlainText


# Any block: the common ones typed, the rest (images, rich text…) as plain dicts.
Block = (
    HeaderBlock
    | SectionBlock
    | ContextBlock
    | DividerBlock
    | ActionsBlock
    | InputBlock
    | dict[str, Any]
)


# A message or a modal view as a whole: the Slack SDK's WebClient and Bolt's respond() take
# these as plain dicts (`dict[Any, Any]`, which a TypedDict is not), and listeners spread
# them into those calls; the blocks inside are typed above.
Payload = dict[str, Any]

MESSAGE_BLOCK_LIMIT = 50
# Slack refuses a message whose blocks hold more than about 12,000 characters of text in all
# (msg_blocks_too_long; undocumented, and the block structure seems to count too), whatever
# each block's own limit. Messages keep their block text within this, with room to spare.
MESSAGE_TEXT_BUDGET = 11_000
SEE_MORE = "…there is more than one Slack message can show."
VIEW_BLOCK_LIMIT = 100
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
VIEW_TITLE_LIMIT = 24


def plain(text: str, limit: int = SECTION_TEXT_LIMIT) -> PlainText:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def header(text: str) -> HeaderBlock:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


EMPTY_TEXT = "_(no text)_"


def _non_empty(mrkdwn: str) -> str:
    # Slack rejects a text object with nothing in it; user text can render to nothing.
    return mrkdwn if mrkdwn.strip() else EMPTY_TEXT


def section(mrkdwn: str, *, accessory: Button | SelectElement | None = None) -> SectionBlock:
    """A section of already-escaped mrkdwn."""
    block: SectionBlock = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _non_empty(mrkdwn)},
    }
    if accessory is not None:
        block["accessory"] = accessory
    return block


def packed_sections(lines: Sequence[str], *, most: int | None = None) -> tuple[list[Block], int]:
    """Lines in as few sections as Slack's section limit allows (at most `most` of them);
    the sections and how many lines they hold."""
    sections: list[Block] = []
    current: list[str] = []
    held = 0
    for line in lines:
        if current and utf16_len("\n".join([*current, line])) > SECTION_TEXT_LIMIT:
            sections.append(section("\n".join(current)))
            held += len(current)
            current = []
            if len(sections) == most:
                return sections, held
        current.append(line)
    if current:
        sections.append(section("\n".join(current)))
        held += len(current)
    return sections, held


def context(*mrkdwn: str) -> ContextBlock:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _non_empty(text)} for text in mrkdwn[:10]],
    }


def divider() -> DividerBlock:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str | None = None,
    *,
    style: Style | None = None,
    confirm: ConfirmDialog | None = None,
) -> Button:
    element: Button = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
    }
    if value is not None:
        if len(value) > BUTTON_VALUE_LIMIT:
            raise ValueError("button values carry ids, never user text")
        element["value"] = value
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, *, yes: str, no: str) -> ConfirmDialog:
    """The "are you sure?" a danger button asks first."""
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
        "style": "danger",
    }


def actions(
    *elements: Button | SelectElement | Overflow, block_id: str | None = None
) -> ActionsBlock:
    block: ActionsBlock = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def option(label: str, value: str) -> OptionObject:
    return {"text": plain(label, 75), "value": value}


def static_select(
    action_id: str,
    options: Sequence[OptionObject],
    initial: str | None = None,
    *,
    placeholder: str = "Choose…",
) -> SelectElement:
    """A select of at most 100 options; `initial`: the value chosen to begin with."""
    element: SelectElement = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, 150),
        "options": list(options[:100]),
    }
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if initial is not None and chosen is not None:
        element["initial_option"] = chosen
    return element


def overflow(action_id: str, options: Sequence[OptionObject]) -> Overflow:
    return {"type": "overflow", "action_id": action_id, "options": list(options)}


def element(
    kind: InputKind,
    action_id: str,
    *,
    placeholder: str | None = None,
    **fields: Unpack[InputFields],
) -> InputElement:
    """An input element of `kind`; a field given as None or empty is left out (Slack refuses
    an empty initial value)."""
    made: InputElement = {"type": kind, "action_id": action_id}
    if placeholder:
        made["placeholder"] = plain(placeholder, 150)
    given = {key: value for key, value in fields.items() if value not in (None, "", [])}
    return cast(InputElement, made | given)


def input_block(
    block_id: str,
    label: str,
    element: SelectElement | InputElement,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    block: InputBlock = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal(
    title: str,
    blocks: list[Block],
    *,
    close: str = "Cancel",
    callback_id: str | None = None,
    submit: str | None = None,
    metadata: str | None = None,
) -> Payload:
    """A modal view."""
    view: Payload = {
        "type": "modal",
        "title": plain(title, VIEW_TITLE_LIMIT),
        "close": plain(close, 24),
        "blocks": blocks,
    }
    if callback_id is not None:
        view["callback_id"] = callback_id
    if submit is not None:
        view["submit"] = plain(submit, 24)
    if metadata is not None:
        view["private_metadata"] = metadata
    return view


def message(
    text: str,
    *blocks: Block,
    ephemeral: bool = False,
    replace_original: bool | None = None,
) -> Payload:
    """A message of `blocks`, or of `text` as one section when none are given (`text` is
    already-escaped mrkdwn, and what a notification shows)."""
    made: Payload = {"text": text, "blocks": list(blocks) or [section(text)]}
    if ephemeral:
        made["response_type"] = "ephemeral"
    if replace_original is not None:
        made["replace_original"] = replace_original
    return made


def fit(blocks: list[Block], limit: int, *, overflow_note: str | None = None) -> list[Block]:
    """Keep a block list within a surface's limit, noting what was left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1] if overflow_note else blocks[:limit]
    if overflow_note:
        kept.append(context(overflow_note))
    return kept


def block_text_length(blocks: Any) -> int:
    """The text in blocks as Slack totals it for msg_blocks_too_long: every `text` string
    (sections, contexts, headers, buttons, options…), in UTF-16 units."""
    if isinstance(blocks, list):
        return sum(block_text_length(item) for item in blocks)
    if not isinstance(blocks, dict):
        return 0
    total = 0
    for key, value in blocks.items():
        if key == "text" and isinstance(value, str):
            total += utf16_len(value)
        elif isinstance(value, dict | list):
            total += block_text_length(value)
    return total


_KEPT_AFTER_A_CUT = frozenset({"actions", "input"})


def fit_message(blocks: list[Block], *, see_more: str = SEE_MORE) -> list[Block]:
    """Keep a message's blocks within Slack's limits: 50 blocks, MESSAGE_TEXT_BUDGET of text.

    What does not fit is cut where it stops fitting, with a `see_more` pointer there (say
    where the rest can be found); buttons after the cut are kept, so nothing stops working.
    """
    if len(blocks) <= MESSAGE_BLOCK_LIMIT and block_text_length(blocks) <= MESSAGE_TEXT_BUDGET:
        return blocks
    pointer = context(see_more)
    room = MESSAGE_TEXT_BUDGET - block_text_length(pointer)
    slots = MESSAGE_BLOCK_LIMIT - 1
    kept: list[Block] = []
    cut_at: int | None = None
    for block in blocks:
        if cut_at is not None and block.get("type") not in _KEPT_AFTER_A_CUT:
            continue
        size = block_text_length(block)
        if size <= room and len(kept) < slots:
            kept.append(block)
            room -= size
        elif cut_at is None:
            cut_at = len(kept)
    kept.insert(len(kept) if cut_at is None else cut_at, pointer)
    return kept
