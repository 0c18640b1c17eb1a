"""Slack content as terminal text: mrkdwn to plain text, Block Kit to lines.

Pure functions. Interactive elements are handed to a `number` callback, which returns the
number to show next to the element (`[1] Answer`) or None when it cannot be pressed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INDENT = "  "
ACTIONS_LINE = 100

_ANGLE = re.compile(r"<([^<>\n]*)>")
_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.S)
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
# The emoji codes Slack apps use most; any other `:code:` is shown as typed.
EMOJI = {
    "+1": "👍", "alarm_clock": "⏰", "arrow_down": "⬇️", "arrow_right": "➡️", "arrow_up": "⬆️",
    "arrows_counterclockwise": "🔄", "bar_chart": "📊", "bell": "🔔", "books": "📚", "bulb": "💡",
    "bust_in_silhouette": "👤", "busts_in_silhouette": "👥", "calendar": "📅",
    "chart_with_downwards_trend": "📉", "chart_with_upwards_trend": "📈", "clap": "👏",
    "classical_building": "🏛️", "coffee": "☕", "compass": "🧭", "dart": "🎯",
    "double_vertical_bar": "⏸️", "eyes": "👀", "fast_forward": "⏩", "fire": "🔥", "gear": "⚙️",
    "globe_with_meridians": "🌐", "hammer_and_wrench": "🛠️", "handshake": "🤝",
    "heavy_check_mark": "✔️", "heavy_minus_sign": "➖", "hourglass": "⏳", "house": "🏠",
    "inbox_tray": "📥", "information_source": "ℹ️", "link": "🔗", "lock": "🔒", "mag": "🔍",
    "mailbox": "📫", "memo": "📝", "muscle": "💪", "no_entry": "🚫", "outbox_tray": "📤",
    "package": "📦", "page_facing_up": "📄", "paperclip": "📎", "pause_button": "⏸️",
    "pencil": "📝", "pencil2": "✏️", "raised_hands": "🙌", "rocket": "🚀", "seedling": "🌱",
    "slightly_smiling_face": "🙂", "smile": "😄", "sparkles": "✨", "speech_balloon": "💬",
    "star": "⭐", "sunny": "☀️", "tada": "🎉", "telescope": "🔭", "thinking_face": "🤔",
    "thumbsup": "👍", "trophy": "🏆", "unlock": "🔓", "warning": "⚠️", "wave": "👋",
    "white_check_mark": "✅", "x": "❌", "zzz": "💤",
}  # fmt: skip


@dataclass(frozen=True)
class Names:
    """How to show the ids Slack text refers to."""

    user: Callable[[str], str | None]
    channel: Callable[[str], str | None]
    # The reader's zone: `<!date^…>` is shown in it, as Slack does; None shows the fallback.
    tz: str | None = None

    @staticmethod
    def of(users: Mapping[str, str], channels: Mapping[str, str], tz: str | None = None) -> Names:
        return Names(user=users.get, channel=channels.get, tz=tz)


NO_NAMES = Names(user=lambda _id: None, channel=lambda _id: None)


@dataclass(frozen=True)
class Control:
    """An interactive element found while rendering, with the block that holds it."""

    element: dict[str, Any]
    block_id: str | None

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id") or "")

    @property
    def kind(self) -> str:
        return str(self.element.get("type") or "")

    @property
    def label(self) -> str:
        return control_label(self.element)

    def options(self) -> list[dict[str, Any]]:
        return element_options(self.element)


Numberer = Callable[[Control], int | None]


def _no_numbers(_control: Control) -> None:
    return None


def unescape(text: str) -> str:
    """Undo Slack's three entity escapes (in this order, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _angle(match: re.Match[str], names: Names) -> str:  # noqa: PLR0911 - one per token kind
    inner = match.group(1)
    if inner.startswith("@"):
        user_id, _, label = inner[1:].partition("|")
        return "@" + (names.user(user_id) or label or user_id)
    if inner.startswith("#"):
        channel_id, _, label = inner[1:].partition("|")
        return "#" + (names.channel(channel_id) or label or channel_id)
    if inner.startswith("!"):
        body, _, label = inner[1:].partition("|")
        if body.startswith("subteam^"):
            return label or "@group"
        if body.startswith("date^"):
            return slack_date(body, names.tz) or label or body
        return label or "@" + body
    url, _, label = inner.partition("|")
    if label and label != url:
        return f"{label} ({url})"
    return url.removeprefix("mailto:")


_DATE_TOKEN = re.compile(r"\{(\w+)\}")


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def slack_date(body: str, tz: str | None) -> str | None:
    """`date^UNIX^{date_short} {time}` as Slack shows it to a reader in `tz` ("Dec 4, 2026
    4:00 PM"); None (show the fallback) without a zone or for a token this does not know."""
    parts = body.split("^")
    if tz is None or len(parts) < 3 or not parts[1].lstrip("-").isdigit():
        return None
    try:
        when = datetime.fromtimestamp(int(parts[1]), ZoneInfo(tz))
    except (ValueError, OverflowError, ZoneInfoNotFoundError):
        return None
    hour = when.hour % 12 or 12
    time = f"{hour}:{when:%M} {when:%p}"
    day = _ordinal(when.day)
    shown = {
        "date_num": f"{when:%Y-%m-%d}",
        "date": f"{when:%B} {day}, {when.year}",
        "date_pretty": f"{when:%B} {day}, {when.year}",
        "date_short": f"{when:%b} {when.day}, {when.year}",
        "date_short_pretty": f"{when:%b} {when.day}, {when.year}",
        "date_long": f"{when:%A}, {when:%B} {day}, {when.year}",
        "date_long_pretty": f"{when:%A}, {when:%B} {day}, {when.year}",
        "time": time,
        "time_secs": f"{hour}:{when:%M:%S} {when:%p}",
    }
    if any(token not in shown for token in _DATE_TOKEN.findall(parts[2])):
        return None
    return _DATE_TOKEN.sub(lambda m: shown[m.group(1)], parts[2])


def emoji(text: str) -> str:
    """Known `:emoji:` codes as the characters Slack shows."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _inline(text: str, names: Names) -> str:
    text = emoji(_ANGLE.sub(lambda m: _angle(m, names), text))
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _STRIKE.sub(r"\1", text)


def mrkdwn(text: str, names: Names = NO_NAMES) -> str:
    """Slack mrkdwn as plain text: mentions as @name, links with their URL, no markup."""
    if not text:
        return ""
    lines = []
    for part in _CODE.split(text):
        if part.startswith("```") and part.endswith("```") and len(part) >= 6:
            body = unescape(part[3:-3].strip("\n"))
            lines.append("\n".join(INDENT + line for line in body.split("\n")))
        elif part.startswith("`") and part.endswith("`") and len(part) >= 2:
            lines.append(unescape(part))
        else:
            quoted = re.sub(r"(?m)^&gt;\s?", "│ ", part)
            lines.append(unescape(_inline(quoted, names)))
    return "".join(lines)


def text_object(obj: Any, names: Names = NO_NAMES) -> str:
    """A Block Kit text object (plain_text or mrkdwn) as plain text."""
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text") or "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(text, names)
    return emoji(text) if obj.get("emoji", True) else text


def element_options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every option of a select, overflow, radio group or checkbox group, groups flattened."""
    options = [o for o in element.get("options") or [] if isinstance(o, Mapping)]
    for group in element.get("option_groups") or []:
        options.extend(o for o in group.get("options") or [] if isinstance(o, Mapping))
    return [dict(o) for o in options]


def option_text(option: Mapping[str, Any]) -> str:
    return text_object(option.get("text")) or str(option.get("value") or "")


def control_label(element: Mapping[str, Any]) -> str:
    """What a person sees on an element: a button's text, a select's placeholder."""
    for key in ("text", "placeholder"):
        label = text_object(element.get(key))
        if label:
            return label
    return str(element.get("action_id") or element.get("type") or "")


def _options_summary(options: Sequence[Mapping[str, Any]], chosen: Iterable[str] = ()) -> str:
    marked = set(chosen)
    shown = []
    for index, option in enumerate(options, 1):
        mark = "*" if option.get("value") in marked else ""
        shown.append(f"{index} {option_text(option)}{mark}")
    return " · ".join(shown)


def _initial_values(element: Mapping[str, Any]) -> list[str]:
    initial = element.get("initial_option")
    values = [initial.get("value")] if isinstance(initial, Mapping) else []
    values += [o.get("value") for o in element.get("initial_options") or []]
    return [str(v) for v in values if v is not None]


def element_text(  # noqa: PLR0911 - one return per element type
    element: Mapping[str, Any], number: int | None, names: Names = NO_NAMES
) -> str:
    """One interactive element on one line: `[3] Answer`, `[4] Scope ▾ (1 Self · 2 Team)`."""
    tag = f"[{number}]" if number is not None else "[-]"
    kind = element.get("type")
    label = control_label(element)
    if kind == "button":
        url = element.get("url")
        style = " (!)" if element.get("style") == "danger" else ""
        return f"{tag} {label}{style}" + (f" ↗ {url}" if url else "")
    if kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
        options = element_options(element)
        return f"{tag} {label} ▾ ({_options_summary(options, _initial_values(element))})"
    if kind == "overflow":
        return f"{tag} ⋯ ({_options_summary(element_options(element))})"
    if kind in ("users_select", "multi_users_select"):
        chosen = [element.get("initial_user"), *(element.get("initial_users") or [])]
        picked = ", ".join("@" + (names.user(u) or u) for u in chosen if u)
        return f"{tag} {label} ▾ (a person{': ' + picked if picked else ''})"
    if kind in (
        "conversations_select",
        "channels_select",
        "multi_conversations_select",
        "multi_channels_select",
    ):
        return f"{tag} {label} ▾ (a channel)"
    if kind == "datepicker":
        return f"{tag} {label} 📅 {element.get('initial_date') or 'YYYY-MM-DD'}"
    if kind == "timepicker":
        return f"{tag} {label} 🕒 {element.get('initial_time') or 'HH:MM'}"
    return f"{tag} {label} ({kind})"


@dataclass
class _Renderer:
    names: Names
    number: Numberer

    def control(self, element: Mapping[str, Any], block_id: str | None) -> str:
        control = Control(element=dict(element), block_id=block_id)
        return element_text(element, self.number(control), self.names)

    def blocks(self, blocks: Sequence[Any]) -> list[str]:
        lines: list[str] = []
        for block in blocks or []:
            if isinstance(block, Mapping):
                lines.extend(self.block(block))
        return lines

    def block(self, block: Mapping[str, Any]) -> list[str]:  # noqa: PLR0911, PLR0912
        kind = block.get("type")
        block_id = block.get("block_id")
        if kind == "header":
            title = text_object(block.get("text"), self.names)
            return [title, "═" * min(len(title), 60)]
        if kind == "divider":
            return ["─" * 40]
        if kind == "section":
            lines = _split(text_object(block.get("text"), self.names))
            for field in block.get("fields") or []:
                lines.extend(_split(text_object(field, self.names)))
            accessory = block.get("accessory")
            if isinstance(accessory, Mapping):
                if accessory.get("type") == "image":
                    lines.append(f"[image: {accessory.get('alt_text') or ''}]")
                else:
                    lines.append(self.control(accessory, block_id))
            return lines
        if kind == "context":
            parts = []
            for element in block.get("elements") or []:
                if isinstance(element, Mapping) and element.get("type") == "image":
                    parts.append(f"[{element.get('alt_text') or 'image'}]")
                else:
                    parts.append(text_object(element, self.names))
            return ["  " + line for line in _split(" · ".join(p for p in parts if p))]
        if kind == "actions":
            shown = [
                self.control(element, block_id)
                for element in block.get("elements") or []
                if isinstance(element, Mapping)
            ]
            line = "  ".join(shown)
            # A row of short buttons reads best on one line; long menus get a line each.
            return [line] if len(line) <= ACTIONS_LINE else shown
        if kind == "image":
            title = text_object(block.get("title"), self.names)
            return [f"[image: {block.get('alt_text') or title or ''}]"]
        if kind == "input":
            return [self.input_summary(block)]
        if kind == "rich_text":
            return _split(rich_text(block, self.names))
        if kind == "markdown":
            return _split(str(block.get("text") or ""))
        if kind in ("file", "video"):
            return [f"[{kind}: {block.get('title') or block.get('external_id') or ''}]"]
        return [f"[{kind} block]"]

    def input_summary(self, block: Mapping[str, Any]) -> str:
        label = text_object(block.get("label"), self.names)
        optional = " (optional)" if block.get("optional") else ""
        element = block.get("element") or {}
        return f"• {label}{optional}: {describe_input(element, self.names)}"


def describe_input(  # noqa: PLR0911 - one return per element type
    element: Mapping[str, Any], names: Names = NO_NAMES
) -> str:
    """What kind of answer a modal input expects, with its current value if any."""
    kind = element.get("type")
    if kind == "plain_text_input":
        initial = element.get("initial_value")
        what = "text, several lines" if element.get("multiline") else "text"
        return f"{what}" + (f" [{initial}]" if initial else "")
    if kind in ("static_select", "radio_buttons"):
        return "one of " + _options_summary(element_options(element), _initial_values(element))
    if kind in ("multi_static_select", "checkboxes"):
        return "any of " + _options_summary(element_options(element), _initial_values(element))
    if kind == "users_select":
        return "a person"
    if kind == "multi_users_select":
        initial = ", ".join(names.user(u) or u for u in element.get("initial_users") or [])
        return "people" + (f" [{initial}]" if initial else "")
    if kind in ("conversations_select", "channels_select"):
        return "a channel"
    if kind in ("multi_conversations_select", "multi_channels_select"):
        return "channels"
    if kind == "datepicker":
        return "a date" + (f" [{element['initial_date']}]" if element.get("initial_date") else "")
    if kind == "timepicker":
        return "a time" + (f" [{element['initial_time']}]" if element.get("initial_time") else "")
    if kind == "url_text_input":
        return "a link" + (f" [{element['initial_value']}]" if element.get("initial_value") else "")
    if kind == "email_text_input":
        return "an email address"
    if kind == "number_input":
        return "a number"
    return str(kind)


def _split(text: str) -> list[str]:
    return text.split("\n") if text else []


def rich_text(block: Mapping[str, Any], names: Names = NO_NAMES) -> str:
    """A rich_text block (what Slack clients send for typed messages) as plain text."""
    out: list[str] = []
    for element in block.get("elements") or []:
        kind = element.get("type")
        if kind == "rich_text_list":
            for item in element.get("elements") or []:
                out.append("• " + _rich_section(item, names))
        elif kind == "rich_text_preformatted":
            out.append(INDENT + _rich_section(element, names))
        elif kind == "rich_text_quote":
            out.append("│ " + _rich_section(element, names))
        else:
            out.append(_rich_section(element, names))
    return "\n".join(out)


def _rich_section(section: Mapping[str, Any], names: Names) -> str:
    parts = []
    for piece in section.get("elements") or []:
        kind = piece.get("type")
        if kind == "text":
            parts.append(str(piece.get("text") or ""))
        elif kind == "user":
            user_id = str(piece.get("user_id") or "")
            parts.append("@" + (names.user(user_id) or user_id))
        elif kind == "channel":
            channel_id = str(piece.get("channel_id") or "")
            parts.append("#" + (names.channel(channel_id) or channel_id))
        elif kind == "link":
            url = str(piece.get("url") or "")
            label = piece.get("text")
            parts.append(f"{label} ({url})" if label and label != url else url)
        elif kind == "emoji":
            parts.append(f":{piece.get('name')}:")
        elif kind == "broadcast":
            parts.append(f"@{piece.get('range')}")
        elif kind == "usergroup":
            parts.append("@group")
    return "".join(parts)


def render_blocks(
    blocks: Sequence[Any], names: Names = NO_NAMES, number: Numberer = _no_numbers
) -> list[str]:
    """Blocks as lines of plain text; interactive elements numbered through `number`."""
    return _Renderer(names, number).blocks(blocks)


def render_message(
    payload: Mapping[str, Any], names: Names = NO_NAMES, number: Numberer = _no_numbers
) -> list[str]:
    """A message (chat.postMessage params, a response_url body, a stored message) as lines."""
    blocks = payload.get("blocks")
    lines = render_blocks(blocks, names, number) if isinstance(blocks, list) and blocks else []
    if not lines:
        lines = _split(mrkdwn(str(payload.get("text") or ""), names))
    for attachment in payload.get("attachments") or []:
        if not isinstance(attachment, Mapping):
            continue
        inner = attachment.get("blocks")
        if isinstance(inner, list) and inner:
            lines.extend("│ " + line for line in render_blocks(inner, names, number))
        else:
            text = attachment.get("text") or attachment.get("fallback") or ""
            lines.extend("│ " + line for line in _split(mrkdwn(str(text), names)))
    for file in payload.get("files") or []:
        if isinstance(file, Mapping):
            lines.append(f"📎 {file.get('name') or file.get('title') or file.get('id')}")
    return lines


def render_view(
    view: Mapping[str, Any], names: Names = NO_NAMES, number: Numberer = _no_numbers
) -> list[str]:
    """A modal or Home tab as lines: title first, then its blocks."""
    lines = []
    title = text_object(view.get("title"), names)
    if title:
        lines += [title, "═" * min(len(title), 60)]
    lines += render_blocks(view.get("blocks") or [], names, number)
    buttons = [text_object(view.get(key), names) for key in ("submit", "close") if view.get(key)]
    if view.get("type") == "modal" and buttons:
        lines.append("(" + " / ".join(buttons) + ")")
    return lines


def controls_of(blocks: Sequence[Any]) -> list[Control]:
    """Every interactive element in blocks, in reading order (what render_blocks numbers)."""
    found: list[Control] = []

    def collect(control: Control) -> None:
        found.append(control)

    render_blocks(blocks, NO_NAMES, collect)
    return found


def indent(lines: Iterable[str], prefix: str = INDENT) -> list[str]:
    return [prefix + line if line else line for line in lines]
