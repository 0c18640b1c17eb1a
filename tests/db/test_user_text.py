"""User text keeps every character on both databases: the NUL escape is reversible and
every text column that holds what a person typed uses it (issue 12 item 2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Text

from bot.db.base import NUL, NUL_ESCAPE, Base, UserString, UserText, escape_nul, unescape_nul

# Text columns that hold no person's typing: encrypted secrets and Slack-issued URLs.
NOT_TYPED = {
    "slack_installations.bot_token",
    "slack_installations.bot_refresh_token",
    "slack_installations.user_token",
    "slack_installations.user_refresh_token",
    "slack_installations.incoming_webhook_url",
    "slack_bots.bot_token",
    "slack_bots.bot_refresh_token",
}

# Any text, with NUL, the escape and its code characters much more often than by chance.
texts = st.text(alphabet=st.sampled_from([NUL, NUL_ESCAPE, "\ufdd1", "a", "é", "🚀", "%", "_"]))


@given(texts)
def test_escape_round_trips_and_leaves_no_nul(typed: str) -> None:
    """Reading back what was stored gives exactly what was typed; nothing stored has NUL."""
    stored = escape_nul(typed)
    assert NUL not in stored
    assert unescape_nul(stored) == typed


@given(st.text(), st.text())
def test_escape_keeps_substrings(head: str, tail: str) -> None:
    """Escaping is per character, so a SQL substring match of escaped text still matches."""
    assert escape_nul(head + tail) == escape_nul(head) + escape_nul(tail)


def test_text_without_nul_or_escape_is_stored_unchanged() -> None:
    """Ordinary text (emoji, markup, control characters other than NUL) is stored as is."""
    for typed in ("shipped 🚢 &amp; <!channel>", "\x01\x1b[31m\u2028", ""):
        assert escape_nul(typed) == typed
    # An escape character not followed by a code (never written by us) reads as itself.
    assert unescape_nul("a\ufdd0b") == "a\ufdd0b"


def test_every_text_column_a_person_types_into_keeps_nul() -> None:
    """Every Text column is UserText unless it holds secrets or Slack's URLs; display names
    and workspace and channel names are UserString."""
    plain = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if isinstance(column.type, Text) and name not in NOT_TYPED:
                plain.append(name)
    assert plain == []
    columns = Base.metadata.tables
    for name in ("evidence_entries.text", "evidence_entries.link", "evidence_entries.impact",
                 "answers.text", "kudos.text", "direct_messages.text"):  # fmt: skip
        table, column = name.split(".")
        assert isinstance(columns[table].c[column].type, UserText), name
    for name in ("users.display_name", "workspaces.name", "digest_channels.channel_name"):
        table, column = name.split(".")
        assert isinstance(columns[table].c[column].type, UserString), name
