"""An unknown /multiplier subcommand says what it is not, and what was probably meant."""

from __future__ import annotations

import pytest

from bot.listeners.commands.subcommands import Subcommand, SubcommandTable, edit_distance
from tests.support.apps import RunningApp


def _multiplier(app: RunningApp, text: str) -> dict:
    app.slack.slash_command("/multiplier", text, user_id="UALICE")
    (call,) = app.standin.wait_for("response_url")
    app.wait_idle()
    return call.params


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("sumary", "summary"), ("chekcins on fri", "checkins"), ("evidnce", "evidence"),
     ("Setings", "settings"), ("exprot json", "export"), ("pasue 2 weeks", "pause")],
)  # fmt: skip
def test_a_typo_within_two_edits_gets_did_you_mean(
    running_app: RunningApp, typed: str, meant: str
) -> None:
    """`/multiplier sumary` answers "Did you mean `/multiplier summary`?" (failed before: only
    "not a command I know")."""
    reply = _multiplier(running_app, typed)
    section = reply["blocks"][0]["text"]["text"]
    assert f"Did you mean `/multiplier {meant}`?" in section
    assert "You typed" in str(reply["blocks"])


@pytest.mark.parametrize("typed", ["banana", "xyz", "Q&amp;A", "<!channel>"])
def test_nothing_close_gets_no_suggestion(running_app: RunningApp, typed: str) -> None:
    """A word more than two edits from every subcommand gets the plain answer, shown as typed."""
    reply = _multiplier(running_app, typed)
    section = reply["blocks"][0]["text"]["text"]
    assert "is not a command I know" in section and "Did you mean" not in section
    assert "&amp;amp;" not in str(reply["blocks"])


def test_edit_distance_counts_a_swap_as_one() -> None:
    """Insertions, deletions, substitutions and neighbour swaps each cost one edit."""
    assert edit_distance("chekcins", "checkins") == 1
    assert edit_distance("sumary", "summary") == 1
    assert edit_distance("kitten", "sitting") == 3
    table = SubcommandTable([Subcommand("about", lambda _request: None, aliases=("ab",))])
    assert table.did_you_mean("ab") is None  # too short to guess from
    assert table.did_you_mean("abuot") == "about"


def test_two_subcommands_may_not_answer_to_one_word() -> None:
    """The table is built explicitly; a clash is refused at start-up, not settled by order."""
    with pytest.raises(ValueError, match="'stats'"):
        SubcommandTable(
            [
                Subcommand("summary", lambda _request: None, aliases=("stats",)),
                Subcommand("stats", lambda _request: None),
            ]
        )
