"""Pure checks of outgoing Slack payloads: Block Kit limits, slack_sdk validation, broadcasts.

`check_payload(method, params)` returns human-readable violations (empty when the payload is
fine). `find_violations` returns the same as `Violation` objects carrying the Slack error code
the stand-in answers with. Params may be raw (form values with JSON strings) or decoded.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Documented Block Kit and Web API limits.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_ATTACHMENTS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_SECTION_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_ACTION_ID = 255
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_BLOCK_ID = 255
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255
MAX_EXTERNAL_ID = 255
MAX_INPUT_LABEL = 2000
MAX_INPUT_HINT = 2000
MAX_PLAIN_TEXT_INPUT_VALUE = 3000
MAX_PLACEHOLDER = 150
MAX_OPTIONS = 100
MAX_OPTION_GROUPS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTION_DESCRIPTION = 75
MAX_RADIO_OR_CHECKBOX_OPTIONS = 10
MAX_OVERFLOW_OPTIONS = 5
MAX_IMAGE_ALT_TEXT = 2000
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300
MAX_CONFIRM_BUTTON = 30
MAX_MARKDOWN_BLOCK_TEXT = 12_000
# Slack answers msg_blocks_too_long when a message's blocks hold more text than about this in
# all (undocumented; reported between ~11,000 and ~13,200), whatever each block's own limit.
MAX_MESSAGE_BLOCKS_TEXT = 12_000

MESSAGE_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "response_url",
    }
)
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
JSON_PARAMS = ("blocks", "attachments", "metadata", "view")

# <!here>, <!channel>, <!everyone>, with or without a |label, and user-group mentions.
_BROADCAST = re.compile(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[^>]*>", re.I)
# With link_names=true Slack also turns bare @here/@channel/@everyone into broadcasts.
_BARE_BROADCAST = re.compile(r"(?<![\w<])@(?:here|channel|everyone)\b", re.I)

_ELEMENTS_WITH_OPTIONS = {
    "static_select": MAX_OPTIONS,
    "multi_static_select": MAX_OPTIONS,
    "radio_buttons": MAX_RADIO_OR_CHECKBOX_OPTIONS,
    "checkboxes": MAX_RADIO_OR_CHECKBOX_OPTIONS,
    "overflow": MAX_OVERFLOW_OPTIONS,
}
_KNOWN_BLOCK_TYPES = frozenset(
    {
        "section",
        "divider",
        "image",
        "actions",
        "context",
        "input",
        "file",
        "header",
        "video",
        "rich_text",
        "markdown",
        "table",
        "context_actions",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")


@dataclass(frozen=True)
class Violation:
    """One broken rule: `rule` names it, `error` is the Slack error code the stand-in answers."""

    method: str
    rule: str
    error: str
    message: str

    def __str__(self) -> str:
        return f"{self.method}: {self.message}"


def check_payload(method: str, params: Mapping[str, Any]) -> list[str]:
    """Return a human-readable line per rule the payload breaks (empty list: fine)."""
    return [str(v) for v in find_violations(method, params)]


def find_violations(
    method: str, params: Mapping[str, Any], *, sdk_validation: bool = True
) -> list[Violation]:
    """Return every `Violation` in an outgoing payload for `method`.

    Blocks and views that pass our own limit checks are also validated with slack_sdk's
    models unless `sdk_validation` is off (it costs a few ms per new block).
    """
    checker = _Checker(method, sdk_validation=sdk_validation)
    decoded = checker.decode(params)
    if method in VIEW_METHODS or "view" in decoded:
        view = decoded.get("view")
        if isinstance(view, Mapping):
            checker.view(view)
        elif method in VIEW_METHODS:
            checker.add("view.missing", "invalid_arguments", "view is missing or not an object")
    if method in MESSAGE_METHODS or any(k in decoded for k in ("blocks", "text", "attachments")):
        checker.message(decoded)
    checker.broadcasts(decoded)
    return checker.violations


def broadcast_mentions(value: Any, *, link_names: bool = False) -> list[tuple[str, str]]:
    """Return (path, mention) for every broadcast mention in any string inside `value`."""
    found: list[tuple[str, str]] = []
    for path, text in _strings(value, ""):
        found.extend((path, m.group(0)) for m in _BROADCAST.finditer(text))
        if link_names:
            found.extend((path, m.group(0)) for m in _BARE_BROADCAST.finditer(text))
    return found


def decode_json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Copy params with JSON-string values of blocks/attachments/metadata/view decoded."""
    out = dict(params)
    for key in (*JSON_PARAMS, "files"):
        value = out.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                out[key] = json.loads(value)
            except ValueError:
                continue
    return out


@functools.lru_cache(maxsize=4096)
def _sdk_block_problem(block_json: str) -> str | None:
    """What slack_sdk's model validation says about one block (cached: it is slow)."""
    try:
        parsed = Block.parse(json.loads(block_json))
        if parsed is not None:
            parsed.to_dict()
    except SlackObjectFormationError as exc:
        return f"rejected by slack_sdk: {exc}"
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return f"could not be parsed by slack_sdk: {exc}"
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path or "<root>", value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key == "token":
                continue
            if key == "initial_value" and value.get("type") == "plain_text_input":
                # The user's own text put back in their input field to edit: Slack shows it
                # as typed and never parses it as mrkdwn, so nothing in it can broadcast.
                continue
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def slack_length(text: str) -> int:
    """A string's length as Slack counts it for its limits: UTF-16 code units (🚀 is 2)."""
    return len(text.encode("utf-16-le")) // 2


def blocks_text_length(value: Any) -> int:
    """All the `text` strings inside blocks, in UTF-16 units (what msg_blocks_too_long sums)."""
    if isinstance(value, list):
        return sum(blocks_text_length(item) for item in value)
    if isinstance(value, Mapping):
        return sum(
            slack_length(item) if key == "text" and isinstance(item, str)
            else blocks_text_length(item)
            for key, item in value.items()
        )  # fmt: skip
    return 0


class _Checker:
    """Collects violations for one payload."""

    def __init__(self, method: str, *, sdk_validation: bool = True) -> None:
        self.method = method
        self.sdk_validation = sdk_validation
        self.violations: list[Violation] = []

    def add(self, rule: str, error: str, message: str) -> None:
        self.violations.append(Violation(self.method, rule, error, message))

    def limit(self, rule: str, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str) and slack_length(value) > limit:
            self.add(
                rule,
                "invalid_blocks",
                f"{path} is {slack_length(value)} characters (limit {limit})",
            )

    # -- decoding -----------------------------------------------------------------------

    def decode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(params)
        for key in JSON_PARAMS:
            value = out.get(key)
            if not isinstance(value, str):
                continue
            if value == "":
                out.pop(key)
                continue
            try:
                out[key] = json.loads(value)
            except ValueError:
                error = "invalid_metadata_format" if key == "metadata" else "invalid_blocks_format"
                self.add(f"{key}.json", error, f"{key} is not valid JSON")
                out.pop(key)
        return out

    # -- messages -----------------------------------------------------------------------

    def message(self, payload: Mapping[str, Any]) -> None:
        text = payload.get("text")
        blocks = payload.get("blocks")
        attachments = payload.get("attachments")
        if text is not None and not isinstance(text, str):
            self.add("text.type", "invalid_arguments", "text must be a string")
        elif isinstance(text, str) and slack_length(text) > MAX_MESSAGE_TEXT:
            self.add(
                "text.max_length",
                "msg_too_long",
                f"text is {slack_length(text)} characters (limit {MAX_MESSAGE_TEXT})",
            )
        needs_content = self.method in MESSAGE_METHODS and not _truthy(
            payload.get("delete_original")
        )
        if needs_content and not (text or blocks or attachments):
            self.add("message.no_text", "no_text", "message has no text, blocks or attachments")
        if blocks is not None:
            self.blocks(blocks, "blocks", MAX_MESSAGE_BLOCKS)
            total = blocks_text_length(blocks) if isinstance(blocks, list) else 0
            if total > MAX_MESSAGE_BLOCKS_TEXT:
                self.add(
                    "blocks.total_text",
                    "msg_blocks_too_long",
                    f"blocks hold {total} characters of text in all "
                    f"(limit about {MAX_MESSAGE_BLOCKS_TEXT})",
                )
        if attachments is not None:
            self.attachments(attachments)
        metadata = payload.get("metadata")
        if metadata is not None:
            self.metadata(metadata)

    def attachments(self, attachments: Any) -> None:
        if not isinstance(attachments, list):
            self.add("attachments.type", "invalid_attachments", "attachments must be a list")
            return
        if len(attachments) > MAX_ATTACHMENTS:
            self.add(
                "attachments.max_items",
                "too_many_attachments",
                f"{len(attachments)} attachments (limit {MAX_ATTACHMENTS})",
            )
        for index, attachment in enumerate(attachments):
            if isinstance(attachment, Mapping) and "blocks" in attachment:
                self.blocks(
                    attachment["blocks"], f"attachments[{index}].blocks", MAX_MESSAGE_BLOCKS
                )

    def metadata(self, metadata: Any) -> None:
        if (
            not isinstance(metadata, Mapping)
            or not isinstance(metadata.get("event_type"), str)
            or not metadata.get("event_type")
            or not isinstance(metadata.get("event_payload"), Mapping)
        ):
            self.add(
                "metadata.format",
                "invalid_metadata_format",
                "metadata must be {event_type: str, event_payload: object}",
            )

    # -- views --------------------------------------------------------------------------

    def view(self, view: Mapping[str, Any]) -> None:
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.add("view.type", "invalid_arguments", f"view type {kind!r} is not modal or home")
        blocks = view.get("blocks")
        if not isinstance(blocks, list):
            self.add("view.blocks", "invalid_arguments", "view.blocks must be a list")
            blocks = []
        else:
            self.blocks(blocks, "view.blocks", MAX_VIEW_BLOCKS)
        if kind == "modal":
            title = view.get("title")
            if title is None:
                self.add("view.title.required", "invalid_arguments", "modal view needs a title")
            else:
                self.text_object(
                    title, "view.title", MAX_VIEW_TITLE, rule="view.title", plain_only=True
                )
            has_input = any(isinstance(b, Mapping) and b.get("type") == "input" for b in blocks)
            if has_input and view.get("submit") is None:
                self.add(
                    "view.submit.required",
                    "invalid_arguments",
                    "modal with input blocks needs a submit button",
                )
        if kind == "home" and (view.get("submit") is not None or view.get("close") is not None):
            self.add("view.home.buttons", "invalid_arguments", "home view cannot have submit/close")
        for key in ("submit", "close"):
            if view.get(key) is not None:
                self.text_object(
                    view[key], f"view.{key}", MAX_VIEW_TITLE, rule=f"view.{key}", plain_only=True
                )
        metadata = view.get("private_metadata")
        if metadata is not None and not isinstance(metadata, str):
            self.add("view.private_metadata.type", "invalid_arguments", "private_metadata: str")
        self.limit("view.private_metadata", "view.private_metadata", metadata, MAX_PRIVATE_METADATA)
        self.limit("view.callback_id", "view.callback_id", view.get("callback_id"), MAX_CALLBACK_ID)
        self.limit("view.external_id", "view.external_id", view.get("external_id"), MAX_EXTERNAL_ID)
        if not self.violations and self.sdk_validation:
            self.sdk_view(view)

    def sdk_view(self, view: Mapping[str, Any]) -> None:
        fields = {k: v for k, v in view.items() if k != "state"}
        try:
            View(**fields).to_dict()
        except SlackObjectFormationError as exc:
            self.add("sdk.view", "invalid_arguments", f"view rejected by slack_sdk: {exc}")
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            self.add(
                "sdk.view", "invalid_arguments", f"view could not be parsed by slack_sdk: {exc}"
            )

    # -- blocks -------------------------------------------------------------------------

    def blocks(self, blocks: Any, path: str, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.add("blocks.type", "invalid_blocks_format", f"{path} must be a list")
            return
        if len(blocks) > max_blocks:
            self.add(
                "blocks.max_items",
                "invalid_blocks",
                f"{path} has {len(blocks)} blocks (limit {max_blocks})",
            )
        seen_ids: set[str] = set()
        for index, block in enumerate(blocks):
            block_path = f"{path}[{index}]"
            if not isinstance(block, Mapping):
                self.add("block.type", "invalid_blocks", f"{block_path} is not an object")
                continue
            block_id = block.get("block_id")
            if isinstance(block_id, str):
                if block_id in seen_ids:
                    self.add(
                        "block_id.duplicate",
                        "invalid_blocks",
                        f"{block_path} repeats block_id {block_id!r}",
                    )
                seen_ids.add(block_id)
            before = len(self.violations)
            self.block(block, f"{block_path} ({block.get('type')})")
            if len(self.violations) == before and self.sdk_validation:
                self.sdk_block(block, block_path)

    def sdk_block(self, block: Mapping[str, Any], path: str) -> None:
        try:
            key = json.dumps(block, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            self.add("block.json", "invalid_blocks", f"{path} is not JSON-serialisable")
            return
        problem = _sdk_block_problem(key)
        if problem is not None:
            self.add("sdk.block", "invalid_blocks", f"{path} {problem}")

    def block(self, block: Mapping[str, Any], path: str) -> None:
        kind = block.get("type")
        self.limit("block_id.max_length", f"{path} block_id", block.get("block_id"), MAX_BLOCK_ID)
        if kind not in _KNOWN_BLOCK_TYPES:
            self.add("block.unknown_type", "invalid_blocks", f"{path} has unknown block type")
            return
        handler = getattr(self, f"block_{kind}", None)
        if handler is not None:
            handler(block, path)

    def block_section(self, block: Mapping[str, Any], path: str) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            self.add("section.content", "invalid_blocks", f"{path} needs text or fields")
        if text is not None:
            self.text_object(text, f"{path} text", MAX_SECTION_TEXT, rule="section.text")
        if fields is not None:
            if not isinstance(fields, list):
                self.add("section.fields.type", "invalid_blocks", f"{path} fields must be a list")
            else:
                if len(fields) > MAX_SECTION_FIELDS:
                    self.add(
                        "section.fields.max_items",
                        "invalid_blocks",
                        f"{path} has {len(fields)} fields (limit {MAX_SECTION_FIELDS})",
                    )
                for index, field in enumerate(fields):
                    self.text_object(
                        field,
                        f"{path} fields[{index}]",
                        MAX_SECTION_FIELD_TEXT,
                        rule="section.field",
                    )
        accessory = block.get("accessory")
        if accessory is not None:
            self.element(accessory, f"{path} accessory")

    def block_header(self, block: Mapping[str, Any], path: str) -> None:
        text = block.get("text")
        if text is None:
            self.add("header.text.required", "invalid_blocks", f"{path} needs text")
            return
        self.text_object(text, f"{path} text", MAX_HEADER_TEXT, rule="header.text", plain_only=True)

    def block_context(self, block: Mapping[str, Any], path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.add("context.elements.required", "invalid_blocks", f"{path} needs elements")
            return
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            self.add(
                "context.elements.max_items",
                "invalid_blocks",
                f"{path} has {len(elements)} elements (limit {MAX_CONTEXT_ELEMENTS})",
            )
        for index, element in enumerate(elements):
            element_path = f"{path} elements[{index}]"
            if isinstance(element, Mapping) and element.get("type") == "image":
                self.image_element(element, element_path)
            else:
                self.text_object(element, element_path, MAX_SECTION_TEXT, rule="context.text")

    def block_actions(self, block: Mapping[str, Any], path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.add("actions.elements.required", "invalid_blocks", f"{path} needs elements")
            return
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            self.add(
                "actions.elements.max_items",
                "invalid_blocks",
                f"{path} has {len(elements)} elements (limit {MAX_ACTIONS_ELEMENTS})",
            )
        seen: set[str] = set()
        for index, element in enumerate(elements):
            self.element(element, f"{path} elements[{index}]")
            action_id = element.get("action_id") if isinstance(element, Mapping) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    self.add(
                        "action_id.duplicate",
                        "invalid_blocks",
                        f"{path} repeats action_id {action_id!r}",
                    )
                seen.add(action_id)

    def block_input(self, block: Mapping[str, Any], path: str) -> None:
        label = block.get("label")
        if label is None:
            self.add("input.label.required", "invalid_blocks", f"{path} needs a label")
        else:
            self.text_object(
                label, f"{path} label", MAX_INPUT_LABEL, rule="input.label", plain_only=True
            )
        if block.get("hint") is not None:
            self.text_object(
                block["hint"], f"{path} hint", MAX_INPUT_HINT, rule="input.hint", plain_only=True
            )
        element = block.get("element")
        if element is None:
            self.add("input.element.required", "invalid_blocks", f"{path} needs an element")
        else:
            self.element(element, f"{path} element")

    def block_image(self, block: Mapping[str, Any], path: str) -> None:
        self.image_element(block, path)
        if block.get("title") is not None:
            self.text_object(
                block["title"], f"{path} title", MAX_IMAGE_ALT_TEXT, rule="image.title"
            )

    def block_markdown(self, block: Mapping[str, Any], path: str) -> None:
        text = block.get("text")
        if not isinstance(text, str) or not text:
            self.add("markdown.text", "invalid_blocks", f"{path} needs text")
        else:
            self.limit("markdown.text", f"{path} text", text, MAX_MARKDOWN_BLOCK_TEXT)

    # -- elements and composition objects ------------------------------------------------

    def image_element(self, element: Mapping[str, Any], path: str) -> None:
        if not element.get("image_url") and not element.get("slack_file"):
            self.add("image.url.required", "invalid_blocks", f"{path} needs image_url")
        self.limit("image.url", f"{path} image_url", element.get("image_url"), MAX_URL)
        alt = element.get("alt_text")
        if not isinstance(alt, str) or not alt:
            self.add("image.alt_text.required", "invalid_blocks", f"{path} needs alt_text")
        self.limit("image.alt_text", f"{path} alt_text", alt, MAX_IMAGE_ALT_TEXT)

    def element(self, element: Any, path: str) -> None:
        if not isinstance(element, Mapping):
            self.add("element.type", "invalid_blocks", f"{path} is not an object")
            return
        kind = element.get("type")
        path = f"{path} ({kind})"
        self.limit(
            "action_id.max_length", f"{path} action_id", element.get("action_id"), MAX_ACTION_ID
        )
        if element.get("placeholder") is not None:
            self.text_object(
                element["placeholder"],
                f"{path} placeholder",
                MAX_PLACEHOLDER,
                rule="element.placeholder",
                plain_only=True,
            )
        if element.get("confirm") is not None:
            self.confirm(element["confirm"], f"{path} confirm")
        if kind == "button":
            self.button(element, path)
        elif kind == "image":
            self.image_element(element, path)
        elif kind == "plain_text_input":
            self.plain_text_input(element, path)
        elif kind == "datepicker" and not _DATE.match(
            str(element.get("initial_date", "0000-00-00"))
        ):
            self.add("datepicker.initial_date", "invalid_blocks", f"{path} initial_date")
        elif kind == "timepicker" and not _TIME.match(str(element.get("initial_time", "00:00"))):
            self.add("timepicker.initial_time", "invalid_blocks", f"{path} initial_time")
        if kind in _ELEMENTS_WITH_OPTIONS:
            self.options_element(element, path, _ELEMENTS_WITH_OPTIONS[kind])

    def button(self, element: Mapping[str, Any], path: str) -> None:
        text = element.get("text")
        if text is None:
            self.add("button.text.required", "invalid_blocks", f"{path} needs text")
        else:
            self.text_object(
                text, f"{path} text", MAX_BUTTON_TEXT, rule="button.text", plain_only=True
            )
        self.limit("button.value", f"{path} value", element.get("value"), MAX_BUTTON_VALUE)
        self.limit("button.url", f"{path} url", element.get("url"), MAX_URL)
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            self.add("button.style", "invalid_blocks", f"{path} style {style!r}")

    def plain_text_input(self, element: Mapping[str, Any], path: str) -> None:
        initial = element.get("initial_value")
        self.limit(
            "plain_text_input.initial_value",
            f"{path} initial_value",
            initial,
            MAX_PLAIN_TEXT_INPUT_VALUE,
        )
        maximum = element.get("max_length")
        if (
            isinstance(initial, str)
            and isinstance(maximum, int)
            and slack_length(initial) > maximum
        ):
            self.add(
                "plain_text_input.initial_value.max_length",
                "invalid_blocks",
                f"{path} initial_value is {slack_length(initial)} characters, more than its "
                f"max_length {maximum}",
            )
        for key in ("max_length", "min_length"):
            value = element.get(key)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                self.add(f"plain_text_input.{key}", "invalid_blocks", f"{path} {key} not an int")
            elif not 0 <= value <= MAX_PLAIN_TEXT_INPUT_VALUE or (
                key == "max_length" and not value
            ):
                self.add(
                    f"plain_text_input.{key}",
                    "invalid_blocks",
                    f"{path} {key} is {value} (allowed 1..{MAX_PLAIN_TEXT_INPUT_VALUE})",
                )

    def options_element(self, element: Mapping[str, Any], path: str, max_options: int) -> None:
        options = element.get("options")
        groups = element.get("option_groups")
        if options is None and groups is None:
            self.add("options.required", "invalid_blocks", f"{path} needs options")
            return
        if options is not None:
            self.options(options, f"{path} options", max_options, element.get("type"))
        if groups is not None:
            if not isinstance(groups, list):
                self.add("option_groups.type", "invalid_blocks", f"{path} option_groups")
                return
            if len(groups) > MAX_OPTION_GROUPS:
                self.add(
                    "option_groups.max_items",
                    "invalid_blocks",
                    f"{path} has {len(groups)} option groups (limit {MAX_OPTION_GROUPS})",
                )
            for index, group in enumerate(groups):
                if isinstance(group, Mapping):
                    self.options(
                        group.get("options"),
                        f"{path} option_groups[{index}].options",
                        MAX_OPTIONS,
                        element.get("type"),
                    )

    def options(self, options: Any, path: str, max_options: int, kind: Any) -> None:
        if not isinstance(options, list) or not options:
            self.add("options.type", "invalid_blocks", f"{path} must be a non-empty list")
            return
        if len(options) > max_options:
            self.add(
                "options.max_items",
                "invalid_blocks",
                f"{path} has {len(options)} options (limit {max_options})",
            )
        plain_only = kind not in ("radio_buttons", "checkboxes")
        for index, option in enumerate(options):
            option_path = f"{path}[{index}]"
            if not isinstance(option, Mapping):
                self.add("option.type", "invalid_blocks", f"{option_path} is not an object")
                continue
            text = option.get("text")
            if text is None:
                self.add("option.text.required", "invalid_blocks", f"{option_path} needs text")
            else:
                self.text_object(
                    text,
                    f"{option_path} text",
                    MAX_OPTION_TEXT,
                    rule="option.text",
                    plain_only=plain_only,
                )
            self.limit(
                "option.value", f"{option_path} value", option.get("value"), MAX_OPTION_VALUE
            )
            if option.get("description") is not None:
                self.text_object(
                    option["description"],
                    f"{option_path} description",
                    MAX_OPTION_DESCRIPTION,
                    rule="option.description",
                )
            self.limit("option.url", f"{option_path} url", option.get("url"), MAX_URL)

    def confirm(self, confirm: Any, path: str) -> None:
        if not isinstance(confirm, Mapping):
            self.add("confirm.type", "invalid_blocks", f"{path} is not an object")
            return
        limits = {
            "title": MAX_CONFIRM_TITLE,
            "text": MAX_CONFIRM_TEXT,
            "confirm": MAX_CONFIRM_BUTTON,
            "deny": MAX_CONFIRM_BUTTON,
        }
        for key, limit in limits.items():
            if confirm.get(key) is not None:
                self.text_object(confirm[key], f"{path} {key}", limit, rule=f"confirm.{key}")

    def text_object(
        self,
        obj: Any,
        path: str,
        limit: int,
        *,
        rule: str,
        plain_only: bool = False,
    ) -> None:
        if not isinstance(obj, Mapping):
            self.add(f"{rule}.type", "invalid_blocks", f"{path} must be a text object")
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.add(f"{rule}.type", "invalid_blocks", f"{path} type {kind!r} not in {allowed}")
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.add(f"{rule}.empty", "invalid_blocks", f"{path} must be at least 1 character")
            return
        if slack_length(text) > limit:
            self.add(
                f"{rule}.max_length",
                "invalid_blocks",
                f"{path} is {slack_length(text)} characters (limit {limit})",
            )

    # -- safety -------------------------------------------------------------------------

    def broadcasts(self, payload: Mapping[str, Any]) -> None:
        link_names = _truthy(payload.get("link_names"))
        for path, mention in broadcast_mentions(payload, link_names=link_names):
            self.add(
                "safety.broadcast_mention",
                "broadcast_mention",
                f"broadcast mention {mention!r} in {path}",
            )
