"""The pure Block Kit and broadcast-mention checker used by the stand-in."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from standin.blockkit_checks import check_payload, find_violations


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": _plain(text or value), "value": value}


RICH_MESSAGE_BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "text": _plain("Your week in multiplier terms")},
    {
        "type": "section",
        "block_id": "summary",
        "text": _mrkdwn("*3 people unblocked* &lt;!here&gt; stays escaped, <@UBOB> is fine"),
        "fields": [_mrkdwn(f"*{n}*") for n in range(10)],
        "accessory": {
            "type": "button",
            "action_id": "open_summary",
            "text": _plain("Open"),
            "value": "x" * 2000,
            "url": "https://example.com/" + "a" * 2000,
            "style": "primary",
        },
    },
    {"type": "divider"},
    {
        "type": "context",
        "elements": [
            _mrkdwn("Streak: 4 weeks"),
            {"type": "image", "image_url": "https://e.x/i.png", "alt_text": "chart"},
        ],
    },
    {
        "type": "actions",
        "block_id": "checkin_actions",
        "elements": [
            {"type": "button", "action_id": "answer", "text": _plain("Answer"), "value": "1"},
            {
                "type": "static_select",
                "action_id": "dimension",
                "placeholder": _plain("Pick a dimension"),
                "options": [_option(f"d{n}") for n in range(100)],
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [_option("snooze"), _option("skip")],
            },
            {"type": "datepicker", "action_id": "pause_until", "initial_date": "2024-05-01"},
            {
                "type": "button",
                "action_id": "delete",
                "text": _plain("Delete"),
                "style": "danger",
                "confirm": {
                    "title": _plain("Delete?"),
                    "text": _mrkdwn("This cannot be undone."),
                    "confirm": _plain("Delete"),
                    "deny": _plain("Keep"),
                },
            },
        ],
    },
    {"type": "image", "image_url": "https://e.x/chart.png", "alt_text": "Dimension chart"},
    {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}],
    },
]

MODAL_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "log_evidence",
    "private_metadata": json.dumps({"entry": 1}),
    "title": _plain("Log evidence"),
    "submit": _plain("Save"),
    "close": _plain("Cancel"),
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": _plain("What happened?"),
            "hint": _plain("One or two sentences."),
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "multiline": True,
                "max_length": 3000,
                "initial_value": "y" * 3000,
            },
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "label": _plain("Who benefited?"),
            "element": {"type": "multi_users_select", "action_id": "users"},
        },
        {
            "type": "input",
            "block_id": "scope",
            "label": _plain("Scope"),
            "element": {
                "type": "radio_buttons",
                "action_id": "scope",
                "options": [_option(s) for s in ("self", "team", "cross-team", "org")],
            },
        },
        {
            "type": "input",
            "block_id": "visibility",
            "label": _plain("Visibility"),
            "element": {
                "type": "checkboxes",
                "action_id": "share",
                "options": [_option("team", "Share with my team")],
            },
        },
        {
            "type": "input",
            "block_id": "when",
            "label": _plain("Send at"),
            "element": {"type": "timepicker", "action_id": "time", "initial_time": "15:00"},
        },
    ],
}


def test_valid_rich_payloads_pass() -> None:
    """A rich message, a modal with every common input and a home view break no rule."""
    message = {"channel": "U1", "text": "fallback", "blocks": RICH_MESSAGE_BLOCKS}
    assert check_payload("chat.postMessage", message) == []
    assert check_payload("views.open", {"trigger_id": "t", "view": MODAL_VIEW}) == []
    without_ids = [{k: v for k, v in b.items() if k != "block_id"} for b in RICH_MESSAGE_BLOCKS]
    home = {"type": "home", "blocks": without_ids * 14}  # 98 blocks
    assert check_payload("views.publish", {"user_id": "U1", "view": home}) == []


def test_form_encoded_json_strings_are_decoded() -> None:
    """Payloads sent form-encoded (JSON strings) are checked like decoded ones."""
    params = {"channel": "U1", "text": "x", "blocks": json.dumps(RICH_MESSAGE_BLOCKS)}
    assert check_payload("chat.update", params) == []
    params["blocks"] = json.dumps([{"type": "divider"}] * 51)
    assert check_payload("chat.update", params) == ["chat.update: blocks has 51 blocks (limit 50)"]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def _button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "b", "text": _plain("Go"), **overrides}


def _input(element: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"type": "input", "label": _plain("Label"), "element": element, **overrides}


def _modal(blocks: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _plain("Title"),
        "submit": _plain("Save"),
        "blocks": blocks,
        **overrides,
    }


OVER_LIMIT_MESSAGES: list[tuple[str, list[dict[str, Any]], str]] = [
    ("51 blocks", [{"type": "divider"}] * 51, "51 blocks (limit 50)"),
    ("section text", [_section("x" * 3001)], "text is 3001 characters (limit 3000)"),
    ("empty section", [_section("")], "must be at least 1 character"),
    (
        "11 fields",
        [{"type": "section", "fields": [_mrkdwn("f")] * 11}],
        "11 fields (limit 10)",
    ),
    (
        "long field",
        [{"type": "section", "fields": [_mrkdwn("f" * 2001)]}],
        "fields[0] is 2001 characters (limit 2000)",
    ),
    ("header", [{"type": "header", "text": _plain("h" * 151)}], "(limit 150)"),
    ("mrkdwn header", [{"type": "header", "text": _mrkdwn("h")}], "type 'mrkdwn' not in"),
    (
        "11 context elements",
        [{"type": "context", "elements": [_mrkdwn("c")] * 11}],
        "11 elements (limit 10)",
    ),
    ("26 actions", [_actions(*[_button(action_id=f"b{n}") for n in range(26)])], "(limit 25)"),
    ("button text", [_actions(_button(text=_plain("t" * 76)))], "(limit 75)"),
    ("action_id", [_actions(_button(action_id="a" * 256))], "action_id is 256 characters"),
    ("button value", [_actions(_button(value="v" * 2001))], "value is 2001 characters"),
    ("button url", [_actions(_button(url="https://x/" + "u" * 2991))], "url is 3001"),
    ("button style", [_actions(_button(style="fancy"))], "style 'fancy'"),
    ("duplicate action", [_actions(_button(), _button())], "repeats action_id 'b'"),
    ("block_id", [{"type": "divider", "block_id": "b" * 256}], "block_id is 256 characters"),
    (
        "duplicate block_id",
        [{"type": "divider", "block_id": "d"}, {"type": "divider", "block_id": "d"}],
        "repeats block_id 'd'",
    ),
    (
        "101 options",
        [
            _actions(
                {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [_option(str(n)) for n in range(101)],
                }
            )
        ],
        "101 options (limit 100)",
    ),
    (
        "option text",
        [
            _actions(
                {"type": "static_select", "action_id": "s", "options": [_option("v", "o" * 76)]}
            )
        ],
        "text is 76 characters (limit 75)",
    ),
    ("unknown block", [{"type": "carousel_of_doom"}], "unknown block type"),
    ("image alt", [{"type": "image", "image_url": "https://x/i.png"}], "needs alt_text"),
]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [pytest.param(blocks, expected, id=name) for name, blocks, expected in OVER_LIMIT_MESSAGES],
)
def test_over_limit_message_blocks_are_rejected(blocks: list[dict], expected: str) -> None:
    """Each documented message Block Kit limit is enforced with a message naming it."""
    found = check_payload("chat.postMessage", {"channel": "C1", "text": "x", "blocks": blocks})
    assert any(expected in line for line in found), found
    assert all(line.startswith("chat.postMessage: ") for line in found)


def test_message_text_and_content_rules() -> None:
    """Top-level text is capped at 40,000 characters and a message needs some content."""
    assert check_payload("chat.postMessage", {"channel": "C1", "text": "t" * 40_000}) == []
    (too_long,) = check_payload("chat.postMessage", {"channel": "C1", "text": "t" * 40_001})
    assert "40001 characters (limit 40000)" in too_long
    (violation,) = find_violations("chat.postEphemeral", {"channel": "C1", "user": "U1"})
    assert violation.error == "no_text"
    assert check_payload("response_url", {"delete_original": True}) == []
    (bad_meta,) = find_violations(
        "chat.postMessage", {"channel": "C", "text": "x", "metadata": {"event_type": "e"}}
    )
    assert bad_meta.error == "invalid_metadata_format"
    (bad_json,) = find_violations("chat.postMessage", {"channel": "C", "text": "x", "blocks": "[{"})
    assert bad_json.error == "invalid_blocks_format"


OVER_LIMIT_VIEWS: list[tuple[str, dict[str, Any], str]] = [
    ("101 blocks", _modal([{"type": "divider"}] * 101), "101 blocks (limit 100)"),
    ("title", _modal([{"type": "divider"}], title=_plain("t" * 25)), "view.title is 25"),
    ("submit", _modal([{"type": "divider"}], submit=_plain("s" * 25)), "view.submit is 25"),
    ("close", _modal([{"type": "divider"}], close=_plain("c" * 25)), "view.close is 25"),
    ("no title", {"type": "modal", "blocks": [{"type": "divider"}]}, "needs a title"),
    (
        "private_metadata",
        _modal([{"type": "divider"}], private_metadata="m" * 3001),
        "private_metadata is 3001 characters",
    ),
    ("callback_id", _modal([{"type": "divider"}], callback_id="c" * 256), "callback_id is 256"),
    (
        "input without submit",
        {
            "type": "modal",
            "title": _plain("T"),
            "blocks": [_input({"type": "plain_text_input", "action_id": "a"})],
        },
        "needs a submit button",
    ),
    (
        "label",
        _modal([_input({"type": "plain_text_input", "action_id": "a"}, label=_plain("l" * 2001))]),
        "label is 2001 characters",
    ),
    (
        "hint",
        _modal([_input({"type": "plain_text_input", "action_id": "a"}, hint=_plain("h" * 2001))]),
        "hint is 2001 characters",
    ),
    (
        "initial_value",
        _modal(
            [_input({"type": "plain_text_input", "action_id": "a", "initial_value": "i" * 3001})]
        ),
        "initial_value is 3001 characters",
    ),
    (
        "max_length",
        _modal([_input({"type": "plain_text_input", "action_id": "a", "max_length": 3001})]),
        "max_length is 3001",
    ),
    (
        "11 radio options",
        _modal(
            [
                _input(
                    {
                        "type": "radio_buttons",
                        "action_id": "r",
                        "options": [_option(str(n)) for n in range(11)],
                    }
                )
            ]
        ),
        "11 options (limit 10)",
    ),
]


@pytest.mark.parametrize(
    ("view", "expected"),
    [pytest.param(view, expected, id=name) for name, view, expected in OVER_LIMIT_VIEWS],
)
def test_over_limit_views_are_rejected(view: dict[str, Any], expected: str) -> None:
    """Each documented modal limit is enforced for views.open."""
    found = check_payload("views.open", {"trigger_id": "t", "view": view})
    assert any(expected in line for line in found), found


def test_home_view_limits() -> None:
    """Home views allow 100 blocks, not 101, and no submit/close buttons."""
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}
    assert check_payload("views.publish", {"user_id": "U1", "view": home}) == []
    home["blocks"] = [{"type": "divider"}] * 101
    assert check_payload("views.publish", {"user_id": "U1", "view": home}) == [
        "views.publish: view.blocks has 101 blocks (limit 100)"
    ]
    with_submit = {"type": "home", "submit": _plain("No"), "blocks": [{"type": "divider"}]}
    assert check_payload("views.publish", {"user_id": "U1", "view": with_submit})


BROADCASTS = [
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<!here|here>",
    "<!channel|@channel>",
    "<!everyone|everyone>",
    "<!HERE>",
    "<!subteam^S0123ABC>",
    "<!subteam^S0123ABC|@platform-team>",
]


def _placements(mention: str) -> list[tuple[str, dict[str, Any]]]:
    section = _section(f"Kudos {mention} for the fix")
    modal = _modal(
        [
            _section("ok"),
            _input({"type": "plain_text_input", "action_id": "a"}, hint=_plain(mention)),
        ]
    )
    deep = copy.deepcopy(RICH_MESSAGE_BLOCKS)
    deep[4]["elements"][1]["options"][3]["text"]["text"] = mention
    return [
        ("chat.postMessage", {"channel": "C1", "text": f"hey {mention}"}),
        ("chat.postMessage", {"channel": "C1", "text": "x", "blocks": [section]}),
        ("chat.update", {"channel": "C1", "ts": "1.2", "text": "x", "blocks": json.dumps(deep)}),
        ("chat.postEphemeral", {"channel": "C1", "user": "U1", "attachments": [{"text": mention}]}),
        (
            "chat.postMessage",
            {
                "channel": "C",
                "text": "x",
                "metadata": {"event_type": "e", "event_payload": {"q": mention}},
            },
        ),
        ("views.open", {"trigger_id": "t", "view": modal}),
        ("views.publish", {"user_id": "U1", "view": {"type": "home", "blocks": [section]}}),
        ("response_url", {"text": mention, "response_type": "in_channel"}),
        ("files.completeUploadExternal", {"files": "[]", "initial_comment": mention}),
        ("ack:/brag", {"response_type": "ephemeral", "text": mention}),
    ]


@pytest.mark.parametrize("mention", BROADCASTS)
def test_every_broadcast_form_is_caught_everywhere(mention: str) -> None:
    """Broadcast and user-group mentions are refused in text, blocks, views, metadata, acks."""
    for method, params in _placements(mention):
        found = find_violations(method, params)
        broadcasts = [v for v in found if v.error == "broadcast_mention"]
        assert broadcasts, (method, params)
        assert mention in broadcasts[0].message


def test_bare_at_here_counts_only_with_link_names() -> None:
    """A bare @here broadcasts only when link_names is on, like Slack."""
    params: dict[str, Any] = {"channel": "C1", "text": "ping @here and @channel"}
    assert check_payload("chat.postMessage", params) == []
    params["link_names"] = True
    assert len(check_payload("chat.postMessage", params)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "&lt;!here&gt;",
        "<@U0123>",
        "<#C0123|general>",
        "<!date^1392734382^{date}|Feb 18>",
        "mail me at ops@here.com",
        "<https://example.com|!here>",
    ],
)
def test_lookalikes_are_not_broadcasts(text: str) -> None:
    """Escaped mentions, user/channel mentions, dates and addresses are allowed."""
    assert check_payload("chat.postMessage", {"channel": "C1", "text": text}) == []


def test_plain_text_input_initial_value_may_hold_markup_as_typed() -> None:
    """Only a plain_text_input's initial_value (never rendered as mrkdwn) may hold <!channel>."""
    field = {"type": "plain_text_input", "action_id": "t", "initial_value": "ping <!channel>"}
    view = _modal([_input(field)])
    assert check_payload("views.open", {"trigger_id": "t", "view": view}) == []
    for elsewhere in (
        _modal([_input(dict(field, placeholder=_plain("<!here>")))]),
        _modal([_input(field), _section("<!channel>")]),
        _modal([_input({"type": "rich_text_input", "action_id": "r", "initial_value": "<!here>"})]),
    ):
        found = find_violations("views.open", {"trigger_id": "t", "view": elsewhere})
        assert any(v.error == "broadcast_mention" for v in found), elsewhere


def test_a_typed_message_carries_its_characters_in_rich_text() -> None:
    """Slack escapes `&`, `<`, `>` in a message's text but not in its rich-text elements
    (the sandbox's :dm showed `Kafka &amp; SQS` for a typed `Kafka & SQS`)."""
    from standin.signing import _rich_text

    (block,) = _rich_text("Kafka &amp; SQS &lt;b&gt; with <@UBOB>")
    elements = block["elements"][0]["elements"]
    assert elements[0] == {"type": "text", "text": "Kafka & SQS <b> with "}
    assert elements[1] == {"type": "user", "user_id": "UBOB"}
