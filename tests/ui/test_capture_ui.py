"""React to log's DMs read right in Slack: the channel and the author are mentions Slack
turns into names, never escaped text ("<#C0TEAM>", "&lt;@UBOB&gt;" shown as is)."""

from __future__ import annotations

import re
from typing import Any

from bot.ui import capture
from sandbox.render import Names, render_message

NAMES = Names.of({"UBOB": "bob"}, {"C0TEAM": "team"})
PERMALINK = "https://example.slack.com/archives/C0TEAM/p1796622433617470"
RAW = re.compile(r"<[@#!]|&lt;|&gt;|&amp;")


def _shown(payload: dict[str, Any]) -> str:
    return "\n".join(render_message(payload, NAMES))


def test_the_offer_names_the_channel_outside_the_link() -> None:
    """Slack shows a link's label as text: a channel mention inside it came out as
    "a message in <#C0TEAM>" (failed before)."""
    shown = _shown(
        capture.offer(
            capture_id=1, author="UBOB", author_name="bob", can_give_kudos=True,
            channel_id="C0TEAM", permalink=PERMALINK, emoji="trophy",
        )
    )  # fmt: skip
    assert "a message (" + PERMALINK + ") in #team" in shown, shown
    assert not RAW.search(shown), shown


def test_kudos_sent_names_the_author() -> None:
    """ "Kudos sent: it is on @bob's evidence log now." (failed before: the mention was
    escaped, and Slack showed "<@UBOB>")."""
    shown = _shown(capture.kudos_sent("UBOB"))
    assert shown == "Kudos sent: it is on @bob's evidence log now.", shown


def test_a_message_in_the_dm_with_the_bot_is_named_so() -> None:
    """A 🏆 on your own message in your DM with Multiplier: "a message in our DM", not the
    DM's id (failed before: "a message … in DUALICE")."""
    offer = capture.offer(
        capture_id=1, author="UBOB", author_name="bob", can_give_kudos=True,
        channel_id="D0ALICE42", permalink=PERMALINK, emoji="trophy",
    )  # fmt: skip
    shown = _shown(offer)
    assert "a message (" + PERMALINK + ") in our DM" in shown, shown
    assert "D0ALICE42" not in shown.replace(PERMALINK, "")
