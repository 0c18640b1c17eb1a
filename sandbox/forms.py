"""Filling a modal at prompts, field by field, into the `state.values` Slack would submit.

Each input element accepts what a person would pick in the Slack client: text, an option by
number or by name, people by name, a date. Checks the Slack client does before it lets a
modal be submitted (required fields, lengths, number ranges, URL format) are done here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.timetext import hhmm, parse_time_of_day
from bot.ui.text import plural
from sandbox.render import Names, describe_input, element_options, option_text, text_object

CANCEL = ":cancel"
SUBMIT = ":submit"
LATER = ":later"
CLEAR = ":none"
FORM_WORDS = (CANCEL, SUBMIT, LATER, CLEAR)

_URL = re.compile(r"^https?://[^\s/$.?#].\S*$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RELATIVE_DAYS = re.compile(r"^\+(\d{1,4})d$")


class Invalid(ValueError):
    """What the person typed does not fit the field; the message says what would."""


@dataclass(frozen=True)
class Lookup:
    """Names the form understands: people and channels of the workspace, today's date."""

    user_id: Callable[[str], str | None]
    channel_id: Callable[[str], str | None]
    today: Callable[[], date]
    names: Names


@dataclass
class Field:
    """One input block of a modal."""

    block_id: str
    action_id: str
    label: str
    element: dict[str, Any]
    optional: bool
    hint: str = ""

    @property
    def kind(self) -> str:
        return str(self.element.get("type") or "")


@dataclass
class Form:
    """The input fields of a view, with the values chosen so far."""

    fields: list[Field]
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @staticmethod
    def of(view: Mapping[str, Any], names: Names) -> Form:
        fields = []
        for index, block in enumerate(view.get("blocks") or []):
            if not isinstance(block, Mapping) or block.get("type") != "input":
                continue
            element = dict(block.get("element") or {})
            fields.append(
                Field(
                    block_id=str(block.get("block_id") or f"input-{index}"),
                    action_id=str(element.get("action_id") or f"action-{index}"),
                    label=text_object(block.get("label"), names) or "Field",
                    element=element,
                    optional=bool(block.get("optional")),
                    hint=text_object(block.get("hint"), names),
                )
            )
        form = Form(fields)
        for f in fields:
            form.set(f, initial_state(f.element))
        return form

    def set(self, f: Field, state: dict[str, Any]) -> None:
        self.values.setdefault(f.block_id, {})[f.action_id] = state

    def state(self, f: Field) -> dict[str, Any]:
        return self.values[f.block_id][f.action_id]

    def by_block(self, block_id: str) -> Field | None:
        return next((f for f in self.fields if f.block_id == block_id), None)


# element type → (the key its state carries, the key of its initial value in the element)
_STATE_KEYS = {
    "plain_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "static_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "multi_static_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "rich_text_input": ("rich_text_value", "initial_value"),
}


def initial_state(element: Mapping[str, Any]) -> dict[str, Any]:
    """The state Slack reports for an element nobody touched: its initial value, if any."""
    kind = str(element.get("type") or "")
    state: dict[str, Any] = {"type": kind}
    keys = _STATE_KEYS.get(kind)
    if keys is not None:
        state_key, initial_key = keys
        initial = element.get(initial_key)
        state[state_key] = list(initial or []) if state_key.endswith("s") else initial
    return state


def is_empty(state: Mapping[str, Any]) -> bool:
    """Whether a required field would stop the Slack client from submitting."""
    for key, value in state.items():
        if key == "type":
            continue
        if value not in (None, "", []):
            return False
    return True


def describe_state(state: Mapping[str, Any], names: Names) -> str:
    """A chosen value as a person would read it back."""
    shown: dict[str, Callable[[Any], str]] = {
        "selected_option": option_text,
        "selected_options": lambda v: ", ".join(option_text(o) for o in v),
        "selected_user": lambda v: "@" + (names.user(v) or v),
        "selected_users": lambda v: ", ".join("@" + (names.user(u) or u) for u in v),
        "selected_conversation": lambda v: "#" + (names.channel(v) or v),
        "selected_channel": lambda v: "#" + (names.channel(v) or v),
        "selected_conversations": lambda v: ", ".join("#" + (names.channel(c) or c) for c in v),
        "selected_channels": lambda v: ", ".join("#" + (names.channel(c) or c) for c in v),
        "rich_text_value": _rich_text_plain,
    }
    for key, value in state.items():
        if key == "type" or value in (None, "", []):
            continue
        return shown.get(key, str)(value)
    return ""


def prompt_text(f: Field, names: Names) -> str:
    """The line that asks for a field: label, what it expects, optional or not."""
    optional = "optional" if f.optional else "required"
    expects = describe_input(f.element, names)
    hint = f" — {f.hint}" if f.hint else ""
    return f"{f.label} ({optional}; {expects}){hint}"


def parse(f: Field, typed: str, lookup: Lookup) -> dict[str, Any]:  # noqa: PLR0911, PLR0912
    """Turn what was typed at a field's prompt into that element's state; raise Invalid."""
    kind = f.kind
    element = f.element
    if kind == "plain_text_input":
        value = typed.replace("\\n", "\n") if element.get("multiline") else typed
        low, high = element.get("min_length"), element.get("max_length")
        if low is not None and len(value) < int(low):
            raise Invalid(f"at least {low} characters, please ({len(value)} given)")
        if high is not None and len(value) > int(high):
            raise Invalid(f"at most {high} characters, please ({len(value)} given)")
        return {"type": kind, "value": value}
    if kind == "url_text_input":
        if not _URL.match(typed):
            raise Invalid("a link such as https://example.com/doc")
        return {"type": kind, "value": typed}
    if kind == "email_text_input":
        if not _EMAIL.match(typed):
            raise Invalid("an email address such as dana@example.com")
        return {"type": kind, "value": typed}
    if kind == "number_input":
        return {"type": kind, "value": _number(element, typed)}
    if kind in ("static_select", "radio_buttons", "overflow"):
        return {"type": kind, "selected_option": _pick(element, typed)}
    if kind in ("multi_static_select", "checkboxes"):
        chosen = [_pick(element, part) for part in _items(typed)]
        limit = element.get("max_selected_items")
        if limit is not None and len(chosen) > int(limit):
            raise Invalid(f"at most {limit} choices")
        return {"type": kind, "selected_options": _unique(chosen, key="value")}
    if kind == "users_select":
        (user,) = _people(typed, lookup, single=True)
        return {"type": kind, "selected_user": user}
    if kind == "multi_users_select":
        people = _people(typed, lookup, single=False)
        limit = element.get("max_selected_items")
        if limit is not None and len(people) > int(limit):
            raise Invalid(f"at most {plural(int(limit), 'person')}")
        return {"type": kind, "selected_users": people}
    if kind in ("conversations_select", "channels_select"):
        (channel,) = _channels(typed, lookup, single=True)
        key = "selected_conversation" if kind.startswith("conv") else "selected_channel"
        return {"type": kind, key: channel}
    if kind in ("multi_conversations_select", "multi_channels_select"):
        channels = _channels(typed, lookup, single=False)
        key = "selected_conversations" if "conv" in kind else "selected_channels"
        return {"type": kind, key: channels}
    if kind == "datepicker":
        return {"type": kind, "selected_date": _date(typed, lookup).isoformat()}
    if kind == "timepicker":
        return {"type": kind, "selected_time": _time(typed)}
    if kind == "rich_text_input":
        return {"type": kind, "rich_text_value": _rich_text_value(typed)}
    raise Invalid(f"the sandbox cannot fill a {kind} element")


def _items(typed: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", typed) if part.strip()]


def _unique(items: list[Any], key: str | None = None) -> list[Any]:
    seen: set[Any] = set()
    kept = []
    for item in items:
        marker = item.get(key) if key else item
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return kept


def _pick(element: Mapping[str, Any], typed: str) -> dict[str, Any]:
    """An option by its number, its exact text or value, or a unique prefix of its text."""
    options = element_options(element)
    if not options:
        raise Invalid("this list has no options to choose from")
    wanted = typed.strip()
    if wanted.isdecimal() and 1 <= int(wanted) <= len(options):
        return options[int(wanted) - 1]
    lowered = wanted.lower()
    exact = [
        o
        for o in options
        if option_text(o).lower() == lowered or str(o.get("value")).lower() == lowered
    ]
    if exact:
        return exact[0]
    prefix = [o for o in options if option_text(o).lower().startswith(lowered)]
    if len(prefix) == 1:
        return prefix[0]
    choices = " · ".join(f"{i} {option_text(o)}" for i, o in enumerate(options, 1))
    raise Invalid(f"pick one of: {choices}")


def _people(typed: str, lookup: Lookup, *, single: bool) -> list[str]:
    names = [n for n in re.split(r"[\s,;]+", typed) if n]
    if single and len(names) != 1:
        raise Invalid("one person, by name (e.g. bob)")
    found = []
    for name in names:
        user_id = lookup.user_id(name)
        if user_id is None:
            raise Invalid(f"nobody called {name!r} here")
        found.append(user_id)
    return _unique(found)


def _channels(typed: str, lookup: Lookup, *, single: bool) -> list[str]:
    names = [n for n in re.split(r"[\s,;]+", typed) if n]
    if single and len(names) != 1:
        raise Invalid("one channel, by name (e.g. #team)")
    found = []
    for name in names:
        channel_id = lookup.channel_id(name)
        if channel_id is None:
            raise Invalid(f"no channel called {name!r} here")
        found.append(channel_id)
    return _unique(found)


def _number(element: Mapping[str, Any], typed: str) -> str:
    decimal = bool(element.get("is_decimal_allowed"))
    try:
        number = float(typed) if decimal else int(typed)
    except ValueError:
        raise Invalid("a number" if decimal else "a whole number") from None
    low, high = element.get("min_value"), element.get("max_value")
    if low is not None and number < float(low):
        raise Invalid(f"at least {low}")
    if high is not None and number > float(high):
        raise Invalid(f"at most {high}")
    return typed.strip()


def _date(typed: str, lookup: Lookup) -> date:
    word = typed.strip().lower()
    today = lookup.today()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    relative = _RELATIVE_DAYS.match(word)
    if relative:
        return today + timedelta(days=int(relative.group(1)))
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise Invalid("a date: YYYY-MM-DD, today, tomorrow or +7d") from None


def _time(typed: str) -> str:
    """What a timepicker sends (`HH:mm`), from a time typed as anywhere else (`4pm`, `16:00`)."""
    minute = parse_time_of_day(typed)
    if minute is None:
        raise Invalid("a time of day: 16:00, 4pm or 4:30pm")
    return hhmm(minute)


def _rich_text_value(typed: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": typed}]}],
    }


def _rich_text_plain(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    parts = []
    for section in value.get("elements") or []:
        for piece in section.get("elements") or []:
            parts.append(str(piece.get("text") or ""))
    return "".join(parts)


def today_in(zone: Any, now: datetime) -> date:
    return now.astimezone(zone).date()
