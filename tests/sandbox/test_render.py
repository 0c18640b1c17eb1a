"""Rendering Slack content as terminal text, and typed text as Slack sends it."""

from __future__ import annotations

from sandbox.render import (
    Control,
    Names,
    controls_of,
    mrkdwn,
    render_message,
    render_view,
    text_object,
)
from sandbox.slacktext import as_slack_sends

NAMES = Names.of({"UBOB": "bob", "UALICE": "alice"}, {"C0TEAM": "team"})
USERS = {"bob": "UBOB", "alice": "UALICE"}
CHANNELS = {"team": "C0TEAM"}


def _sends(text: str, *, command: bool) -> str:
    return as_slack_sends(
        text,
        user_id=lambda name: USERS.get(name.lower()),
        channel_id=lambda name: CHANNELS.get(name.lower()),
        command=command,
    )


def test_mentions_links_and_entities_become_plain_text() -> None:
    """Mentions read @name, links show their URL, entities are unescaped, markup removed."""
    text = (
        "*Well done* <@UBOB>, <@UALICE|alice> and <@U0NOBODY>: _see_ <https://x.io/a|the RFC> "
        "in <#C0TEAM> or <#C0OTHER|other>; <!here> &lt;b&gt; &amp;amp; ~old~ <mailto:a@b.io|mail>"
    )
    assert mrkdwn(text, NAMES) == (
        "Well done @bob, @alice and @U0NOBODY: see the RFC (https://x.io/a) in #team or #other; "
        "@here <b> &amp; old mail (mailto:a@b.io)"
    )


def test_code_is_kept_and_quotes_are_marked() -> None:
    """Inline code keeps its backticks, code blocks are indented, quotes get a bar."""
    text = "Use `/brag *x*` like:\n```/brag &lt;text&gt;```\n&gt; quoted *bold*"
    assert mrkdwn(text) == "Use `/brag *x*` like:\n  /brag <text>\n│ quoted bold"


def test_escaped_markup_from_user_text_stays_literal() -> None:
    """Text the app escaped (a user's `<!channel>`) shows literally, never as a broadcast."""
    assert mrkdwn("typed &lt;!channel&gt; and &lt;@UBOB&gt;", NAMES) == (
        "typed <!channel> and <@UBOB>"
    )


def test_buttons_and_menus_are_numbered_in_reading_order() -> None:
    """Section accessories and actions are numbered through the callback, in order."""
    option = {"text": {"type": "plain_text", "text": "Team"}, "value": "team"}
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Check-in"}},
        {
            "type": "section",
            "block_id": "q1",
            "text": {"type": "mrkdwn", "text": "Who did you *unblock*?"},
            "accessory": {
                "type": "button",
                "action_id": "answer",
                "text": {"type": "plain_text", "text": "Answer"},
            },
        },
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "skip",
                    "text": {"type": "plain_text", "text": "Skip"},
                    "style": "danger",
                },
                {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [option],
                },
                {
                    "type": "static_select",
                    "action_id": "scope",
                    "placeholder": {"type": "plain_text", "text": "Scope"},
                    "initial_option": option,
                    "options": [option],
                },
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "private"}]},
        {"type": "image", "image_url": "https://x.io/c.png", "alt_text": "chart"},
    ]
    seen: list[Control] = []

    def number(control: Control) -> int | None:
        seen.append(control)
        return len(seen) if control.action_id != "more" else None

    lines = render_message({"text": "fallback", "blocks": blocks}, NAMES, number)
    assert lines == [
        "Check-in",
        "════════",
        "Who did you unblock?",
        "[1] Answer",
        "─" * 40,
        "[2] Skip (!)  [-] ⋯ (1 Team)  [4] Scope ▾ (1 Team*)",
        "  private",
        "[image: chart]",
    ]
    assert [c.block_id for c in seen] == ["q1", None, None, None]
    assert [c.label for c in controls_of(blocks)] == ["Answer", "Skip", "more", "Scope"]


def test_text_fallback_attachments_and_files() -> None:
    """Without blocks the text is rendered; attachments and files are shown too."""
    lines = render_message(
        {
            "text": "Your *summary*",
            "attachments": [{"fallback": "a chart"}],
            "files": [{"name": "summary.png"}],
        }
    )
    assert lines == ["Your summary", "│ a chart", "📎 summary.png"]


def test_modal_lists_its_inputs() -> None:
    """A modal shows its title, its inputs with what they expect, and its buttons."""
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Log evidence"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Who"},
                "optional": True,
                "element": {"type": "multi_users_select", "initial_users": ["UBOB"]},
            },
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "When"},
                "element": {"type": "datepicker", "initial_date": "2026-12-04"},
            },
        ],
    }
    assert render_view(view, NAMES) == [
        "Log evidence",
        "════════════",
        "• Who (optional): people [bob]",
        "• When: a date [2026-12-04]",
        "(Save)",
    ]


def test_rich_text_blocks_read_as_typed() -> None:
    """rich_text (what Slack clients send) is flattened with mentions and links."""
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "thanks "},
                    {"type": "user", "user_id": "UBOB"},
                    {"type": "link", "url": "https://x.io"},
                ],
            },
            {
                "type": "rich_text_list",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}
                ],
            },
        ],
    }
    assert render_message({"blocks": [block]}, NAMES) == ["thanks @bobhttps://x.io", "• one"]


def test_command_text_is_escaped_like_slack_with_should_escape() -> None:
    """In a slash command: &<> escaped, @user with its name, #channel linked, broadcasts too."""
    typed = "thanks @bob & @Alice for #team <b> @here https://x.io/a?b=1&c=2. @zed #unblocking"
    assert _sends(typed, command=True) == (
        "thanks <@UBOB|bob> &amp; <@UALICE|Alice> for <#C0TEAM|team> &lt;b&gt; <!here> "
        "<https://x.io/a?b=1&amp;c=2>. @zed #unblocking"
    )


def test_message_text_mentions_carry_no_name() -> None:
    """In a message, a user mention is `<@U…>`; punctuation after a name stays outside."""
    assert _sends("ping @bob, and bob@example.com.", command=False) == (
        "ping <@UBOB>, and bob@example.com."
    )


def test_empty_and_unicode_text() -> None:
    """Empty text stays empty; unicode passes through untouched."""
    assert _sends("", command=True) == ""
    assert _sends("héllo 🙂 @bob", command=False) == "héllo 🙂 <@UBOB>"
    assert mrkdwn("") == ""


def test_long_rows_of_controls_get_a_line_each() -> None:
    """Buttons fit on one line; a row with long menus puts each control on its own line."""
    options = [
        {"text": {"type": "plain_text", "text": f"Dimension number {n}"}, "value": str(n)}
        for n in range(1, 9)
    ]
    row = {
        "type": "actions",
        "elements": [
            {"type": "static_select", "action_id": "dim", "options": options},
            {"type": "button", "action_id": "edit", "text": {"type": "plain_text", "text": "Edit"}},
        ],
    }
    lines = render_message({"blocks": [row]})
    assert len(lines) == 2
    assert lines[0].startswith("[-] dim ▾ (1 Dimension number 1 · 2 Dimension number 2")
    assert lines[1] == "[-] Edit"


def test_transcript_sections_split_what_arrived() -> None:
    """The test helper cuts a transcript into headers and bodies (it is used by the week)."""
    from tests.sandbox.conftest import sections

    transcript = "alice> hi\n[multiplier → alice · DM]\n  Got it\n  [1] Ok\nalice> :quit\n[x]\n"
    assert sections(transcript) == [
        ("[multiplier → alice · DM]", "  Got it\n  [1] Ok"),
        ("[x]", ""),
    ]


def test_common_emoji_codes_are_drawn() -> None:
    """Known emoji codes become characters, in mrkdwn and plain text; others stay as typed."""
    assert mrkdwn(":tada: done :not_an_emoji: `:tada:`") == "🎉 done :not_an_emoji: `:tada:`"
    assert text_object({"type": "plain_text", "text": ":memo: Writing", "emoji": True}) == (
        "📝 Writing"
    )
    assert text_object({"type": "plain_text", "text": ":memo:", "emoji": False}) == ":memo:"


def test_slack_dates_show_in_the_readers_zone() -> None:
    """`<!date^…>` as Slack shows it: in the reader's own zone, the fallback without one or
    for a token it does not know (failed before: always the fallback)."""
    text = "<!date^1765378800^{date_short} {time}|Wed 10 Dec 15:00 (UTC)>"  # 15:00 UTC
    berlin = Names.of({}, {}, tz="Europe/Berlin")
    new_york = Names.of({}, {}, tz="America/New_York")
    assert mrkdwn(text, berlin) == "Dec 10, 2025 4:00 PM"
    assert mrkdwn(text, new_york) == "Dec 10, 2025 10:00 AM"
    assert mrkdwn(text, NAMES) == "Wed 10 Dec 15:00 (UTC)"
    assert mrkdwn("<!date^1765378800^{date_long}|x>", berlin) == "Wednesday, December 10th, 2025"
    assert mrkdwn("<!date^1765378800^{ago}|3 days ago>", berlin) == "3 days ago"
