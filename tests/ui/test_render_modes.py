"""Stored Slack text shown once, as typed, on every kind of surface; form values stored back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.text import TextMode, display, from_typed, mentioned_ids, readable, render
from sandbox.slacktext import as_slack_sends

USERS = {"bob": "UBOB", "carol": "UCAROL"}
CHANNELS = {"team": "C0TEAM"}
NAMES = {"UBOB": "bob", "UCAROL": "carol", "C0TEAM": "team"}


def slack_sends(typed: str, *, command: bool = True) -> str:
    """What Slack sends the app when `typed` is typed in a slash command (or a message)."""
    return as_slack_sends(typed, user_id=USERS.get, channel_id=CHANNELS.get, command=command)


def test_each_mode_shows_what_was_typed() -> None:
    """`Q&A`, `R&D`, a literal `&amp;`, mentions and a broadcast, in mrkdwn, plain and Markdown."""
    typed = (
        "Ran the Q&A with @bob for R&D & wrote &amp; <b> in #team, @here https://x.example/?a=1&b=2"
    )
    stored = slack_sends(typed)
    assert "&amp;A" in stored and "<@UBOB|bob>" in stored and "<!here>" in stored
    assert readable(stored) == typed
    assert render(stored, TextMode.MARKDOWN) == typed
    mrkdwn = display(stored)
    # Escaped exactly once (Slack un-escapes once), mention kept, broadcast inert.
    assert mrkdwn.startswith("Ran the Q&amp;A with <@UBOB> for R&amp;D &amp; wrote &amp;amp; ")
    assert "&lt;b&gt;" in mrkdwn and "<!here>" not in mrkdwn and "@\u2060here" in mrkdwn


def test_unnamed_mentions_take_their_names() -> None:
    """Messages carry `<@U1>` without a name: plain text shows it by name when known."""
    stored = slack_sends("thanks @bob, see #team", command=False)
    assert stored == "thanks <@UBOB>, see <#C0TEAM|team>"
    assert mentioned_ids(stored, unnamed_only=True) == ["UBOB"]
    assert readable(stored, NAMES) == "thanks @bob, see #team"
    assert readable(stored) == "thanks @UBOB, see #team"  # never the raw markup


def test_links_in_each_mode() -> None:
    """A labelled link: `label (url)` in plain text, `[label](url)` in Markdown, a link in mrkdwn."""
    stored = "see <https://x.example/a?b=1&amp;c=2|the doc> and <mailto:a@b.c|a@b.c>"
    assert readable(stored) == "see the doc (https://x.example/a?b=1&c=2) and a@b.c"
    assert render(stored, TextMode.MARKDOWN) == (
        "see [the doc](https://x.example/a?b=1&c=2) and a@b.c"
    )
    assert display(stored).startswith("see <https://x.example/a?b=1&amp;c=2|the doc>")


def test_plain_text_cut_never_splits_a_mention() -> None:
    """A plain rendering cut to a limit ends with "…" and keeps or drops a mention whole."""
    out = readable("a" * 10 + "<@UBOB|bob>" + "b" * 10, limit=12)
    assert out == "a" * 10 + "…"


def test_an_untouched_prefill_stores_the_original_exactly() -> None:
    """Saving the prefill unchanged gives back the stored text, byte for byte."""
    for stored in (
        "fixed <!channel> flakiness &amp; more <@UBOB|bob>",
        "thanks <@UBOB> for <https://x.example|the doc> in <#C0TEAM>",
        "Q&amp;A &amp;amp; R&amp;D &lt;3",
    ):
        assert from_typed(readable(stored, NAMES), original=stored, names=NAMES) == stored


def test_an_edit_keeps_the_markup_of_what_is_still_there() -> None:
    """Edited text is stored Slack-escaped; the original's people, channels and links that are
    still written as shown become markup again."""
    stored = "paired with <@UBOB|bob> on <https://x.example|the plan> in <#C0TEAM>"
    typed = "paired with @bob & @carol on the plan (https://x.example) in #team, Q&A next"
    assert from_typed(typed, original=stored, names=NAMES) == (
        "paired with <@UBOB|bob> &amp; @carol on <https://x.example|the plan> in <#C0TEAM>, "
        "Q&amp;A next"
    )
    assert from_typed("@bobby and @bob's", original=stored) == "@bobby and <@UBOB|bob>'s"
    assert from_typed("new <@UEVIL> text") == "new &lt;@UEVIL&gt; text"  # never a forged mention


fragments = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(
        ["&", "&amp;", "Q&A", "R&D", "<", ">", "<!channel>", "<@UBOB>", "@bob", "@carol",
         "@here", "#team", "https://x.example/?a=1&b=2", " ", "\n", "|", "&lt;"]
    ),
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(fragments, max_size=20).map("".join), st.booleans())
def test_any_typed_text_round_trips_through_a_form(typed: str, command: bool) -> None:
    """Whatever Slack stored, the prefill reads as typed and an untouched save changes nothing;
    what a form stores renders back to exactly what was typed in it."""
    stored = slack_sends(typed, command=command)
    shown = readable(stored, NAMES)
    assert from_typed(shown, original=stored, names=NAMES) == stored
    assert readable(from_typed(typed)) == typed
    if command:
        assert shown == typed
