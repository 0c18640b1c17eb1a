"""Who a typed @name is: by display name, username or real name; never a guess."""

from __future__ import annotations

from bot.db.engine import Database
from bot.slack.directory import match_names
from bot.workspaces import service as workspaces


def _member(user_id: str, name: str, display: str = "", real: str = "", **flags) -> dict:
    return {
        "id": user_id,
        "name": name,
        "real_name": real,
        "profile": {"display_name": display, "real_name": real},
        **flags,
    }


MEMBERS = [
    _member("UBOB", "bob", "Bob", "Bob Builder"),
    _member("UCAROL", "carol.k", "carol", "Carol King"),
    _member("UDAN1", "dan", "Dan"),
    _member("UDAN2", "daniel", "dan"),  # two people answer to @dan
    _member("UGONE", "gone", "gone", deleted=True),
    _member("UHELPER", "helper", "helper", is_bot=True),
    _member("USLACKBOT", "slackbot", "Slackbot"),
]


def test_names_match_display_name_username_or_real_name_case_insensitively() -> None:
    """@bob, @CAROL, @carol.k and @CarolKing find their person; the name comes back as typed."""
    found = match_names(["@BOB", "@carol.k", "@CarolKing", "@bobbuilder"], MEMBERS)
    assert found == {
        "@BOB": "UBOB",
        "@carol.k": "UCAROL",
        "@CarolKing": "UCAROL",
        "@bobbuilder": "UBOB",
    }


def test_ambiguous_deactivated_bots_and_strangers_stay_unresolved() -> None:
    """A name two people share, a deactivated account, a bot, Slackbot or nobody: no match."""
    assert match_names(["@dan", "@gone", "@helper", "@slackbot", "@zed"], MEMBERS) == {}


def test_known_people_are_found_by_their_display_name(database: Database) -> None:
    """A profile seen once (users.info) lets a typed @name find that person without Slack."""
    with database.session() as session:
        bob = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UBOB")
        workspaces.apply_profile(bob, MEMBERS[0])
        dan = workspaces.ensure_user(session=session, team_id="T0001", slack_user_id="UDAN1")
        workspaces.apply_profile(dan, MEMBERS[2])
        other = workspaces.ensure_user(session=session, team_id="T0002", slack_user_id="UBOB2")
        workspaces.apply_profile(other, _member("UBOB2", "bob", "bob"))
        session.flush()
        found = workspaces.slack_ids_by_name(
            session=session, workspace_id=bob.workspace_id, names=["@bob", "@DAN", "@carol"]
        )
    assert found == {"@bob": "UBOB", "@DAN": "UDAN1"}
